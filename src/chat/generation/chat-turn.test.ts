/**
 * `POST /api/chat/completions` with `chat_id`: one transaction stores the turn, then the answer
 * streams as numbered events (`event: chat` first, `[DONE]` last) and is stored when it ends;
 * regenerating adds a sibling answer; another user's chat is a 404 with nothing stored or sent.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chatRequests, jsonOf, send, sseContent, waitFor } from '../../../test/support/gateway';
import { defaultReplyText } from '../../../test/support/model-server';
import { ollamaModel, openAiModel, startGenerationKit, startTurn, storageVariants, type GenerationKit } from './generation-test-kit';
import { contentOf, errorsOf, isDone } from './sse-test-reader';

describe.each(storageVariants)('a chat turn ($name)', (variant) => {
  let kit: GenerationKit;
  beforeAll(async () => {
    kit = await startGenerationKit(variant);
  });
  afterEach(() => {
    kit.gateway.ollama.resetBehavior();
    kit.gateway.openai.resetBehavior();
  });
  afterAll(async () => kit?.close());

  const message = (chatId: string, messageId: string, userId = kit.gateway.user.id) => kit.gateway.astra.services.chats.getMessage(chatId, userId, messageId);

  it.each([ollamaModel, openAiModel])('streams numbered events and stores the answer (%s)', async (model) => {
    const { stream, head } = await startTurn(kit.gateway, kit.gateway.user.token, { model, stream_options: { include_usage: true } });
    await stream.finished;
    expect(stream.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(stream.events[0]).toMatchObject({ id: 1, event: 'chat' });
    expect(stream.events.map((event) => event.id)).toEqual(stream.events.map((_event, index) => index + 1));
    expect(contentOf(stream.events)).toBe(defaultReplyText(8));
    expect(stream.events.at(-1)!.data).toBe('[DONE]');
    const usageChunk = JSON.parse(stream.events.at(-2)!.data) as { usage?: { completion_tokens: number } };
    expect(usageChunk.usage?.completion_tokens).toBe(8);

    const answer = await message(head.chat_id, head.message_id);
    expect(answer).toMatchObject({ role: 'assistant', model, status: 'complete', content: defaultReplyText(8), parent_id: head.user_message_id, error: null });
    const timings = JSON.parse(String(answer!.timings)) as Record<string, number>;
    expect(timings.time_to_first_token_ms).toBeGreaterThanOrEqual(0);
    expect(timings.tokens_per_second).toBeGreaterThan(0);
    expect(JSON.parse(String(answer!.usage))).toMatchObject({ completion_tokens: 8 });
    expect(await message(head.chat_id, head.user_message_id)).toMatchObject({ role: 'user', content: 'Say hello', parent_id: null, status: 'complete' });
  });

  it('takes the ids it is given, follows the parent, and answers a later turn in the same chat', async () => {
    const chatId = crypto.randomUUID();
    const first = await startTurn(kit.gateway, kit.gateway.user.token, { model: ollamaModel, chat_id: chatId, id: 'answer-1', user_message_id: 'question-1' });
    await first.stream.finished;
    expect(first.head).toEqual({ chat_id: chatId, user_message_id: 'question-1', message_id: 'answer-1' });
    const second = await startTurn(kit.gateway, kit.gateway.user.token, {
      model: openAiModel,
      chat_id: chatId,
      parent_id: 'answer-1',
      user_message_id: 'question-2',
      messages: [
        { role: 'user', content: 'Say hello' },
        { role: 'assistant', content: defaultReplyText(8) },
        { role: 'user', content: [{ type: 'text', text: 'And again' }] },
      ],
    });
    await second.stream.finished;
    const sent = kit.gateway.openai.lastRequest('/v1/chat/completions')?.body as Record<string, unknown>;
    expect(Object.keys(sent).filter((key) => ['chat_id', 'id', 'parent_id', 'user_message_id', 'regenerate'].includes(key))).toEqual([]);
    expect(await message(chatId, second.head.user_message_id)).toMatchObject({ parent_id: 'answer-1', content: 'And again' });
    expect(await message(chatId, second.head.message_id)).toMatchObject({ status: 'complete', model: openAiModel });
  });

  it('regenerate adds a sibling answer to the same user message', async () => {
    const first = await startTurn(kit.gateway, kit.gateway.user.token, { model: ollamaModel });
    await first.stream.finished;
    kit.gateway.openai.setBehavior({ replyText: 'A different answer' });
    const again = await startTurn(kit.gateway, kit.gateway.user.token, {
      model: openAiModel,
      chat_id: first.head.chat_id,
      parent_id: first.head.user_message_id,
      regenerate: true,
    });
    await again.stream.finished;
    expect(again.head.user_message_id).toBe(first.head.user_message_id);
    expect(again.head.message_id).not.toBe(first.head.message_id);
    expect(await message(first.head.chat_id, again.head.message_id)).toMatchObject({ parent_id: first.head.user_message_id, content: 'A different answer', status: 'complete' });
    expect(await message(first.head.chat_id, first.head.message_id)).toMatchObject({ parent_id: first.head.user_message_id, content: defaultReplyText(8) });
    const chat = await send(kit.gateway, `/api/v1/chats/${first.head.chat_id}`, { token: kit.gateway.user.token });
    const history = jsonOf<{ chat: { history: { messages: Record<string, { childrenIds?: string[] }> } } }>(chat).chat.history;
    expect(history.messages[first.head.user_message_id]?.childrenIds).toEqual(expect.arrayContaining([first.head.message_id, again.head.message_id]));
  });

  it("another user's chat_id is a 404: nothing is stored and nothing reaches the model server", async () => {
    const owned = await startTurn(kit.gateway, kit.gateway.user.token, { model: ollamaModel });
    await owned.stream.finished;
    const intruder = await kit.gateway.addAccount('user');
    const sentBefore = chatRequests(kit.gateway.ollama);
    const refused = await send(kit.gateway, '/api/chat/completions', {
      token: intruder.token,
      body: { model: ollamaModel, chat_id: owned.head.chat_id, id: 'intruder-answer', user_message_id: 'intruder-question', parent_id: owned.head.message_id, messages: [{ role: 'user', content: 'Mine now' }], stream: true },
    });
    expect(refused.status).toBe(404);
    expect(chatRequests(kit.gateway.ollama)).toBe(sentBefore);
    expect(await message(owned.head.chat_id, 'intruder-question')).toBeUndefined();
    expect(await message(owned.head.chat_id, 'intruder-answer')).toBeUndefined();
    expect((await send(kit.gateway, `/api/v1/chats/${owned.head.chat_id}/stream`, { token: intruder.token })).status).toBe(404);
    expect((await send(kit.gateway, `/api/tasks/chat/${owned.head.chat_id}/stop`, { token: intruder.token, method: 'POST', body: {} })).status).toBe(404);
  });

  it('a taken message id is a 409, and the model server asked meanwhile is cut off at once', async () => {
    // A chat with a title of its own, so no title is asked for after the first answer.
    const created = await send(kit.gateway, '/api/v1/chats/new', { token: kit.gateway.user.token, method: 'POST', body: { chat: { title: 'Named' } } });
    const first = await startTurn(kit.gateway, kit.gateway.user.token, { model: ollamaModel, chat_id: jsonOf<{ id: string }>(created).id });
    await first.stream.finished;
    await waitFor(() => kit.gateway.ollama.inFlightRequests() === 0, 5000, 'the first turn to be over');
    // A first token 5 s away: a request not cut off would still be in flight after the 409.
    kit.gateway.ollama.setBehavior({ firstTokenDelayMs: 5000 });
    const refused = await send(kit.gateway, '/api/chat/completions', {
      token: kit.gateway.user.token,
      body: { model: ollamaModel, chat_id: first.head.chat_id, id: first.head.message_id, parent_id: first.head.message_id, messages: [{ role: 'user', content: 'Again' }], stream: true },
    });
    expect(refused.status).toBe(409);
    expect(jsonOf<{ detail: string }>(refused).detail).toContain(first.head.message_id);
    await waitFor(() => kit.gateway.ollama.inFlightRequests() === 0, 1000, 'the refused request to be cut off');
    expect(await message(first.head.chat_id, first.head.message_id)).toMatchObject({ status: 'complete', content: defaultReplyText(8) });
  });

  it('refuses a turn whose last message is not the user\'s (400), storing nothing', async () => {
    const chatId = crypto.randomUUID();
    const refused = await send(kit.gateway, '/api/chat/completions', {
      token: kit.gateway.user.token,
      body: { model: ollamaModel, chat_id: chatId, messages: [{ role: 'assistant', content: 'Hm' }], stream: true },
    });
    expect(refused.status).toBe(400);
    expect(await kit.gateway.astra.services.chats.ownsChat(chatId, kit.gateway.user.id)).toBe(false);
  });

  it('without stream: true answers one completion once the answer is stored', async () => {
    const chatId = crypto.randomUUID();
    const response = await send(kit.gateway, '/api/chat/completions', {
      token: kit.gateway.user.token,
      body: { model: openAiModel, chat_id: chatId, messages: [{ role: 'user', content: 'Hi' }] },
    });
    expect(response.status).toBe(200);
    const completion = jsonOf<{ choices: Array<{ message: { content: string }; finish_reason: string }>; message_id: string }>(response);
    expect(completion.choices[0]).toMatchObject({ message: { content: defaultReplyText(8) }, finish_reason: 'stop' });
    expect(await message(chatId, completion.message_id)).toMatchObject({ status: 'complete', content: defaultReplyText(8) });
  });

  it('a failed answer ends with an error event and no [DONE], and is stored with its error', async () => {
    kit.gateway.ollama.setBehavior({ fault: 'error-mid-stream', errorAfterTokens: 2 });
    const { stream, head } = await startTurn(kit.gateway, kit.gateway.user.token, { model: ollamaModel });
    await stream.finished;
    expect(isDone(stream.events)).toBe(false);
    expect(errorsOf(stream.events)).toHaveLength(1);
    const stored = await message(head.chat_id, head.message_id);
    expect(stored).toMatchObject({ status: 'error', content: defaultReplyText(2) });
    expect(stored?.error).toBe(errorsOf(stream.events)[0]!.message);
  });

  it('without chat_id stays the plain pass-through: nothing stored, no numbered events', async () => {
    const response = await send(kit.gateway, '/api/chat/completions', { token: kit.gateway.user.token, body: { model: openAiModel, messages: [{ role: 'user', content: 'Hi' }], stream: true } });
    expect(sseContent(response.text)).toBe(defaultReplyText(8));
    expect(response.text).not.toMatch(/^id: /m);
  });

  it('an answer whose client vanished at once still completes and is stored', async () => {
    kit.gateway.ollama.setBehavior({ tokenDelayMs: 30, tokenCount: 20 });
    const abortsBefore = kit.gateway.ollama.abortedRequests;
    const { stream, head } = await startTurn(kit.gateway, kit.gateway.user.token, { model: ollamaModel });
    stream.hangUp();
    await waitFor(async () => (await message(head.chat_id, head.message_id))?.status === 'complete', 5000, 'the answer to be stored');
    expect((await message(head.chat_id, head.message_id))?.content).toBe(defaultReplyText(20));
    expect(kit.gateway.ollama.abortedRequests).toBe(abortsBefore);
  });
});
