import type { Request, Route } from 'playwright-core';
import { expect, it } from 'vitest';
import { defaultReplyText } from '../support/model-server';
import { answerTexts, lastAnswerText, recordAnswerTexts, screenshot, sendMessage, shownText, waitForAnswer } from './harness';
import { describeInBrowser } from './suite';

interface StoredChat {
  chat: { history: { currentId: string | null; messages: Record<string, { content: string; status?: string }> } };
}

const chatIdOf = (url: string): string => decodeURIComponent(/\/c\/([^/?#]+)/.exec(url)?.[1] ?? '');

describeInBrowser('an answer that outlives the page and the network', (rig) => {
  /** The answer as the server has stored it so far (saved about once a second while it streams). */
  async function storedAnswer(chatId: string): Promise<{ content: string; status?: string }> {
    const stored = await rig.astra.api<StoredChat>('GET', `/api/v1/chats/${chatId}`, { token: rig.adminToken });
    return stored.chat.history.messages[stored.chat.history.currentId!] ?? { content: '' };
  }

  it('reloading mid-answer re-attaches: the answer goes on streaming and ends whole', async () => {
    const { page } = rig.session;
    const reply = defaultReplyText(120);
    rig.astra.upstream.setBehavior({ tokenCount: 120, tokenDelayMs: 50 });
    await page.addInitScript({ content: recordAnswerTexts });
    await page.goto(rig.astra.url);
    await sendMessage(page, 'Count to one hundred and twenty');
    await page.getByText('Token5', { exact: false }).waitFor();
    await page.waitForURL(/\/c\//);

    await page.reload();
    // The answer was still being written when the page came back (otherwise this test proves nothing).
    expect(rig.astra.upstream.inFlightRequests(), 'the answer ended before the reloaded page asked for it: the machine is too slow for this test').toBeGreaterThan(0);
    await page.getByText('Token', { exact: false }).first().waitFor();
    await screenshot(page, 'chat-reattached-after-reload.png');
    await waitForAnswer(page);
    expect(await lastAnswerText(page).innerText()).toBe(shownText(reply));

    // The reloaded page showed the answer growing (it followed the stream, not just the stored end).
    const texts = await answerTexts(page);
    expect(texts.filter((text) => text !== shownText(reply)).length).toBeGreaterThan(0);
    for (const text of texts) expect(shownText(reply).startsWith(text)).toBe(true);
  });

  it('a network cut mid-answer, then restored: the app says so, re-attaches where it stopped, and the text is whole', async () => {
    const { page, context } = rig.session;
    rig.session.expectConsole(/Failed to load resource: net::ERR_(INTERNET_DISCONNECTED|FAILED|CONNECTION_RESET)/);
    const reply = defaultReplyText(120);
    rig.astra.upstream.setBehavior({ tokenCount: 120, tokenDelayMs: 50 });
    await page.addInitScript({ content: recordAnswerTexts });
    await page.goto(rig.astra.url);
    await sendMessage(page, 'Count to one hundred and twenty, across a network cut');
    await page.getByText('Token5', { exact: false }).waitFor();
    await page.waitForURL(/\/c\//);
    const chatId = chatIdOf(page.url());

    // Cut: the browser is offline, and even once it thinks it is back, its first attempts to reach the server fail.
    const reattachments: Request[] = [];
    let refused = 0;
    const refuse = async (route: Route): Promise<void> => {
      refused += 1;
      await route.abort('connectionreset');
    };
    await page.route('**/api/**', refuse);
    page.on('request', (request) => {
      if (/\/api\/v1\/chats\/[^/]+\/stream/.test(request.url())) reattachments.push(request);
    });
    await context.setOffline(true);
    await page.getByText('You are offline — reconnecting…').waitFor();
    const shownWhenCut = await lastAnswerText(page).innerText();
    await screenshot(page, 'chat-offline-reconnecting.png');

    // The answer goes on on the server meanwhile.
    await expect.poll(async () => (await storedAnswer(chatId)).content.length, { timeout: 15_000 }).toBeGreaterThan(shownWhenCut.length + 20);

    await context.setOffline(false);
    await expect.poll(() => refused, { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
    await page.getByText('Connection lost — reconnecting…').waitFor();
    await page.unroute('**/api/**', refuse);

    await waitForAnswer(page);
    expect(await lastAnswerText(page).innerText()).toBe(shownText(reply));
    // Every piece shown across the cut was a beginning of the answer: nothing lost, nothing repeated.
    for (const text of await answerTexts(page)) expect(shownText(reply).startsWith(text)).toBe(true);
    // It re-attached from where it was, not from the start.
    const resumed = reattachments.filter((request) => request.headers()['last-event-id'] !== undefined);
    expect(resumed.length).toBeGreaterThan(0);
    expect((await storedAnswer(chatId)).content).toBe(reply);
  });
});
