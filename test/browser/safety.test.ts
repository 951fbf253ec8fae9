import { expect, it } from 'vitest';
import { lastAnswerText, screenshot, sendMessage, waitForAnswer } from './harness';
import { describeInBrowser } from './suite';

/** Where the hostile answer's images point: nothing may ever ask this host for anything. */
const imageHost = 'images.example.net';

/** A model answer carrying HTML and script in every form markdown lets through. Each would set a flag or open a dialog if it ran. */
const hostileAnswer = [
  `Inline <script>window.__ran = 'script'</script> and <img src=x onerror="window.__ran = 'img'; alert('img')"> in a sentence.`,
  '',
  `<img src="https://${imageHost}/block.png" onerror="alert('block img')">`,
  '',
  '<script>alert("block script")</script>',
  '',
  `<iframe src="https://${imageHost}/frame.html"></iframe> <svg onload="window.__ran = 'svg'"></svg>`,
  '',
  `![tracking pixel](https://${imageHost}/track.png) and [a link](javascript:window.__ran='link') and <a href="javascript:alert('a')">another</a>`,
].join('\n');

describeInBrowser('an answer carrying HTML and script', (rig) => {
  it('is shown as text: nothing runs, nothing loads, and images wait for a click', async () => {
    const { page } = rig.session;
    const dialogs: string[] = [];
    const suspicious: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.hostname === imageHost || url.pathname === '/x') suspicious.push(request.url());
    });
    rig.astra.upstream.setBehavior({ replyText: hostileAnswer, tokenDelayMs: 10 });

    await page.goto(rig.astra.url);
    await sendMessage(page, 'Say something dangerous');
    await waitForAnswer(page);

    const assertNothingRan = async (): Promise<void> => {
      const markdown = lastAnswerText(page);
      // The markup is there as text.
      await markdown.getByText('<script>', { exact: false }).first().waitFor();
      await markdown.getByText('onerror', { exact: false }).first().waitFor();
      // No element from it: no script, image, frame, svg, handler or javascript: link.
      expect(await markdown.locator('script, img, iframe, svg, [onerror], [onload], a[href^="javascript"]').count()).toBe(0);
      // The markdown image is a button that loads nothing until clicked.
      await markdown.getByRole('button', { name: 'Show image: tracking pixel' }).waitFor();
      expect(await page.evaluate('window.__ran ?? null')).toBeNull();
      expect(dialogs).toEqual([]);
      expect(suspicious).toEqual([]);
    };
    await assertNothingRan();
    await screenshot(page, 'chat-hostile-answer.png');

    // The same from storage: the chat opened afresh renders the whole stored answer at once.
    await page.reload();
    await lastAnswerText(page).waitFor();
    await assertNothingRan();
  });
});
