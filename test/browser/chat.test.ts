import { expect, it } from 'vitest';
import { defaultReplyText } from '../support/model-server';
import {
  answers,
  answerTexts,
  lastAnswerText,
  recordAnswerTexts,
  regenerateButton,
  screenshot,
  sendMessage,
  shownText,
  stopButton,
  userMessages,
  waitForAnswer,
} from './harness';
import { describeInBrowser } from './suite';

interface StoredChat {
  chat: { history: { currentId: string | null; messages: Record<string, { content: string; status?: string; role: string }> } };
}

const chatIdOf = (url: string): string => decodeURIComponent(/\/c\/([^/?#]+)/.exec(url)?.[1] ?? '');

describeInBrowser('the chat screen', (rig) => {
  it('streams an answer onto the screen piece by piece, and shows it whole at the end', async () => {
    const { page } = rig.session;
    const reply = defaultReplyText(40);
    rig.astra.upstream.setBehavior({ tokenCount: 40, tokenDelayMs: 40 });
    await page.addInitScript({ content: recordAnswerTexts });
    await page.goto(rig.astra.url);
    await sendMessage(page, 'Count to forty, please');

    await stopButton(page).waitFor();
    await page.getByText('Token5', { exact: false }).waitFor();
    await screenshot(page, 'chat-streaming.png');
    await waitForAnswer(page);
    await stopButton(page).waitFor({ state: 'hidden' });
    expect(await lastAnswerText(page).innerText()).toBe(shownText(reply));
    await screenshot(page, 'chat-answer.png');

    // The text grew in several steps, each one the beginning of the whole answer.
    const texts = await answerTexts(page);
    const partial = texts.filter((text) => text !== shownText(reply));
    expect(partial.length).toBeGreaterThanOrEqual(3);
    for (const text of partial) expect(shownText(reply).startsWith(text)).toBe(true);

    // The address is the chat's, and the stored answer is the same text.
    await page.waitForURL(/\/c\//);
    const stored = await rig.astra.api<StoredChat>('GET', `/api/v1/chats/${chatIdOf(page.url())}`, { token: rig.adminToken });
    const answer = stored.chat.history.messages[stored.chat.history.currentId!]!;
    expect(answer).toMatchObject({ role: 'assistant', content: reply });
  });

  it('Stop ends the answer mid-way: what arrived stays, marked as stopped, and the model server is told at once', async () => {
    const { page } = rig.session;
    const reply = defaultReplyText(200);
    rig.astra.upstream.setBehavior({ tokenCount: 200, tokenDelayMs: 60 });
    const abortsBefore = rig.astra.upstream.abortedRequests;
    await page.goto(rig.astra.url);
    await sendMessage(page, 'Count slowly to two hundred');
    await page.getByText('Token3', { exact: false }).waitFor();
    await stopButton(page).click();

    await page.getByText('Stopped', { exact: true }).waitFor();
    await rig.astra.upstream.waitForAbortedRequests(abortsBefore + 1, 5_000);
    await screenshot(page, 'chat-stopped.png');

    // After Stop the screen shows what the server kept: a beginning of the answer, not all of it.
    await page.waitForURL(/\/c\//);
    const chatId = chatIdOf(page.url());
    const storedAnswer = async (): Promise<{ content: string; status?: string }> => {
      const stored = await rig.astra.api<StoredChat>('GET', `/api/v1/chats/${chatId}`, { token: rig.adminToken });
      return stored.chat.history.messages[stored.chat.history.currentId!]!;
    };
    await expect.poll(async () => (await storedAnswer()).status, { timeout: 10_000 }).toBe('stopped');
    const kept = (await storedAnswer()).content;
    expect(kept.length).toBeGreaterThan(0);
    expect(reply.startsWith(kept)).toBe(true);
    expect(kept.length).toBeLessThan(reply.length);
    await expect.poll(() => lastAnswerText(page).innerText(), { timeout: 10_000 }).toBe(shownText(kept));

    // The same after a reload: nothing more arrived.
    await page.reload();
    await page.getByText('Stopped', { exact: true }).waitFor();
    expect(await lastAnswerText(page).innerText()).toBe(shownText(kept));
  });

  it('Regenerate adds a second answer beside the first, and the arrows switch between them', async () => {
    const { page } = rig.session;
    rig.astra.upstream.setBehavior({ replyText: 'The first answer: apples.', tokenDelayMs: 5 });
    await page.goto(rig.astra.url);
    await sendMessage(page, 'Name a fruit');
    await waitForAnswer(page);
    expect(await lastAnswerText(page).innerText()).toBe('The first answer: apples.');

    rig.astra.upstream.setBehavior({ replyText: 'The second answer: pears.' });
    await regenerateButton(page).click();
    await waitForAnswer(page);
    const versions = answers(page).last().getByRole('group', { name: 'Versions' });
    await versions.getByText('2/2').waitFor();
    // The text is painted on the next animation frame after the switch.
    await expect.poll(() => lastAnswerText(page).innerText()).toBe('The second answer: pears.');
    expect(await answers(page).count()).toBe(1);
    await screenshot(page, 'chat-regenerated-branches.png');

    await versions.getByRole('button', { name: 'Previous version' }).click();
    await versions.getByText('1/2').waitFor();
    await expect.poll(() => lastAnswerText(page).innerText()).toBe('The first answer: apples.');
    expect(await versions.getByRole('button', { name: 'Previous version' }).isDisabled()).toBe(true);

    // The version in view is remembered: a reload shows it again.
    const chatId = chatIdOf(page.url());
    await expect
      .poll(async () => {
        const stored = await rig.astra.api<StoredChat>('GET', `/api/v1/chats/${chatId}`, { token: rig.adminToken });
        return stored.chat.history.messages[stored.chat.history.currentId!]?.content;
      })
      .toBe('The first answer: apples.');
    await page.reload();
    await versions.getByText('1/2').waitFor();
    await expect.poll(() => lastAnswerText(page).innerText()).toBe('The first answer: apples.');

    await versions.getByRole('button', { name: 'Next version' }).click();
    await versions.getByText('2/2').waitFor();
    // The text is painted on the next animation frame after the switch.
    await expect.poll(() => lastAnswerText(page).innerText()).toBe('The second answer: pears.');
  });

  it('Edit sends a changed question as a new version, answered anew; the arrows bring back the original', async () => {
    const { page } = rig.session;
    // The stand-in answers with the question's own words.
    rig.astra.upstream.setBehavior({ echo: true, tokenCount: 0, tokenDelayMs: 5 });
    await page.goto(rig.astra.url);
    await sendMessage(page, 'What is the capital of France?');
    await waitForAnswer(page);
    expect(await lastAnswerText(page).innerText()).toBe('What is the capital of France?');

    const question = userMessages(page).last();
    await question.hover();
    await question.getByRole('button', { name: 'Edit and resend' }).click();
    await page.getByLabel('Edit your message').fill('What is the capital of Italy?');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await waitForAnswer(page);

    const versions = userMessages(page).last().getByRole('group', { name: 'Versions' });
    await versions.getByText('2/2').waitFor();
    expect(await userMessages(page).last().locator('.bubble').innerText()).toBe('What is the capital of Italy?');
    expect(await lastAnswerText(page).innerText()).toBe('What is the capital of Italy?');
    await screenshot(page, 'chat-edited-question.png');

    await versions.getByRole('button', { name: 'Previous version' }).click();
    await versions.getByText('1/2').waitFor();
    expect(await userMessages(page).last().locator('.bubble').innerText()).toBe('What is the capital of France?');
    expect(await lastAnswerText(page).innerText()).toBe('What is the capital of France?');
  });
});
