/**
 * Titles generated in the background once a chat's first answer completes: asked of TASK_MODEL
 * (or the chat's model when it is unset or not the user's to use), read from what the model says,
 * stored only over the default title, never delaying the answer, and never an error for the user.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chatRequests, send, waitFor } from '../../../test/support/gateway';
import { defaultReplyText, type ModelServer } from '../../../test/support/model-server';
import { ollamaModel, openAiModel, startGenerationKit, startTurn, storageVariants, type GenerationKit } from '../generation/generation-test-kit';
import { isDone } from '../generation/sse-test-reader';

const taskModel = 'gpt-4o';

/** The title requests a stand-in received (non-streamed chat requests). */
const titleRequests = (server: ModelServer): Array<Record<string, unknown>> =>
  server.requests
    .filter((entry) => (entry.path === '/v1/chat/completions' || entry.path === '/api/chat') && (entry.body as { stream?: unknown }).stream === false)
    .map((entry) => entry.body as Record<string, unknown>);

describe.each(storageVariants)('chat titles with TASK_MODEL ($name)', (variant) => {
  let kit: GenerationKit;
  beforeAll(async () => {
    // Answers from the Ollama stand-in, titles from the OpenAI-compatible one.
    kit = await startGenerationKit(variant, { env: { TASK_MODEL: taskModel } });
  });
  afterEach(() => {
    kit.gateway.openai.resetBehavior();
    kit.gateway.openai.clearRequests();
    kit.gateway.ollama.clearRequests();
  });
  afterAll(async () => kit?.close());

  const chatOf = (chatId: string, userId = kit.gateway.user.id) => kit.gateway.astra.services.chats.find(chatId, userId);
  const titleOf = async (chatId: string): Promise<string | undefined> => (await chatOf(chatId))?.title;
  /** Waits until the titles being generated are stored or given up. */
  const titlesSettled = (): Promise<void> => kit.gateway.astra.services.titles.idle();

  it('titles a new chat from its first answer, with TASK_MODEL, from JSON in a code fence', async () => {
    kit.gateway.openai.setBehavior({ replyText: '```json\n{ "title": "👋 Friendly Greeting" }\n```' });
    const { stream, head } = await startTurn(kit.gateway, kit.gateway.user.token, { model: ollamaModel, messages: [{ role: 'user', content: 'Say hello to the crew' }] });
    await stream.finished;
    await waitFor(async () => (await titleOf(head.chat_id)) === '👋 Friendly Greeting', 5000, 'the generated title');

    const [request] = titleRequests(kit.gateway.openai);
    expect(request).toMatchObject({ model: taskModel, stream: false });
    const prompt = (request!.messages as Array<{ role: string; content: string }>)[0]!;
    expect(prompt.role).toBe('user');
    expect(prompt.content).toContain('USER: Say hello to the crew');
    expect(prompt.content).toContain(`ASSISTANT: ${defaultReplyText(8).trim()}`);
    // The answer itself went to the chat's model only.
    expect(titleRequests(kit.gateway.ollama)).toEqual([]);
  });

  it('asks nothing for a chat that already has a title, or for a later answer', async () => {
    kit.gateway.openai.setBehavior({ replyText: '{"title": "First"}' });
    const first = await startTurn(kit.gateway, kit.gateway.user.token, { model: ollamaModel });
    await first.stream.finished;
    await waitFor(async () => (await titleOf(first.head.chat_id)) === 'First', 5000, 'the first title');
    kit.gateway.openai.setBehavior({ replyText: '{"title": "Second"}' });
    const second = await startTurn(kit.gateway, kit.gateway.user.token, { model: ollamaModel, chat_id: first.head.chat_id, parent_id: first.head.message_id });
    await second.stream.finished;

    const named = (await kit.gateway.astra.call('POST', '/api/v1/chats/new', kit.gateway.user.token, { chat: { title: 'My own title' } })).json<{ id: string }>();
    const third = await startTurn(kit.gateway, kit.gateway.user.token, { model: ollamaModel, chat_id: named.id });
    await third.stream.finished;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(titleRequests(kit.gateway.openai)).toHaveLength(1);
    expect(await titleOf(first.head.chat_id)).toBe('First');
    expect(await titleOf(named.id)).toBe('My own title');
  });

  it('a slow task model does not delay the answer, and a rename meanwhile wins', async () => {
    kit.gateway.openai.setBehavior({ replyText: '{"title": "Too late"}', firstTokenDelayMs: 1500 });
    const startedAt = performance.now();
    const { stream, head } = await startTurn(kit.gateway, kit.gateway.user.token, { model: ollamaModel });
    await stream.finished;
    expect(isDone(stream.events)).toBe(true);
    expect(performance.now() - startedAt).toBeLessThan(1000);
    await waitFor(() => kit.gateway.openai.inFlightRequests() > 0, 2000, 'the title request');

    const renamed = await kit.gateway.astra.call('POST', `/api/v1/chats/${head.chat_id}`, kit.gateway.user.token, { chat: { title: 'Named by hand' } });
    expect(renamed.statusCode).toBe(200);
    await titlesSettled();
    expect(await titleOf(head.chat_id)).toBe('Named by hand');
  });

  it('a failing task model or an unusable reply leaves the default title, and the answer is unharmed', async () => {
    for (const behavior of [{ fault: 'status-500' as const }, { replyText: '   ' }, { replyText: '<think>Hmm, a title' }]) {
      kit.gateway.openai.resetBehavior();
      kit.gateway.openai.setBehavior(behavior);
      const { stream, head } = await startTurn(kit.gateway, kit.gateway.user.token, { model: ollamaModel });
      await stream.finished;
      expect(isDone(stream.events)).toBe(true);
      await waitFor(() => titleRequests(kit.gateway.openai).length > 0, 2000, 'the title request');
      await titlesSettled();
      expect(await titleOf(head.chat_id)).toBe('New Chat');
      const answer = await kit.gateway.astra.services.chats.getMessage(head.chat_id, kit.gateway.user.id, head.message_id);
      expect(answer).toMatchObject({ status: 'complete', error: null });
      kit.gateway.openai.clearRequests();
    }
  });

  it('a stopped or failed answer asks for no title', async () => {
    kit.gateway.ollama.setBehavior({ fault: 'status-500' });
    try {
      const failed = await startTurn(kit.gateway, kit.gateway.user.token, { model: ollamaModel });
      await failed.stream.finished;
    } finally {
      kit.gateway.ollama.resetBehavior();
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(titleRequests(kit.gateway.openai)).toEqual([]);
  });

  it('TASK_MODEL the user may not use: the chat model titles the chat instead', async () => {
    const restrict = (access: string) => send(kit.gateway, `/api/v1/models/${taskModel}/update`, { token: kit.gateway.admin.token, body: { access } });
    expect((await restrict('admins')).status).toBe(200);
    try {
      kit.gateway.openai.setBehavior({ replyText: 'Title: "Greetings, Crew."\nThe rest of the reply' });
      const { stream, head } = await startTurn(kit.gateway, kit.gateway.user.token, { model: openAiModel });
      await stream.finished;
      await waitFor(async () => (await titleOf(head.chat_id)) === 'Greetings, Crew', 5000, 'the title from the chat model');
      expect(titleRequests(kit.gateway.openai).map((request) => request.model)).toEqual([openAiModel]);
    } finally {
      expect((await restrict('everyone')).status).toBe(200);
    }
  });
});

describe('chat titles without TASK_MODEL, and switched off', () => {
  const variant = storageVariants[0]!;

  it('without TASK_MODEL the chat model gives the title (here: its first line)', async () => {
    const kit = await startGenerationKit(variant);
    try {
      const { stream, head } = await startTurn(kit.gateway, kit.gateway.user.token, { model: ollamaModel });
      await stream.finished;
      const chats = kit.gateway.astra.services.chats;
      await waitFor(async () => (await chats.find(head.chat_id, kit.gateway.user.id))?.title === defaultReplyText(8).trim(), 5000, 'the title');
      expect(titleRequests(kit.gateway.ollama).map((request) => request.model)).toEqual([ollamaModel]);
      expect(chatRequests(kit.gateway.openai)).toBe(0);
    } finally {
      await kit.close();
    }
  });

  it('a task model that never answers is given up after AIOHTTP_CLIENT_TIMEOUT (at most 30 s)', async () => {
    const kit = await startGenerationKit(variant, { env: { TASK_MODEL: taskModel, AIOHTTP_CLIENT_TIMEOUT: '0.5' } });
    try {
      kit.gateway.openai.setBehavior({ fault: 'hang-before-headers' });
      const { stream, head } = await startTurn(kit.gateway, kit.gateway.user.token, { model: ollamaModel });
      await stream.finished;
      expect(isDone(stream.events)).toBe(true);
      await waitFor(() => kit.gateway.openai.inFlightRequests() > 0, 2000, 'the title request');
      const waitingSince = performance.now();
      await kit.gateway.astra.services.titles.idle();
      expect(performance.now() - waitingSince).toBeLessThan(1500);
      expect((await kit.gateway.astra.services.chats.find(head.chat_id, kit.gateway.user.id))?.title).toBe('New Chat');
    } finally {
      await kit.close();
    }
  });

  it('ENABLE_TITLE_GENERATION=false: no title request at all', async () => {
    const kit = await startGenerationKit(variant, { env: { ENABLE_TITLE_GENERATION: 'false', TASK_MODEL: taskModel } });
    try {
      const { stream, head } = await startTurn(kit.gateway, kit.gateway.user.token, { model: ollamaModel });
      await stream.finished;
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(chatRequests(kit.gateway.openai)).toBe(0);
      expect(titleRequests(kit.gateway.ollama)).toEqual([]);
      expect((await kit.gateway.astra.services.chats.find(head.chat_id, kit.gateway.user.id))?.title).toBe('New Chat');
    } finally {
      await kit.close();
    }
  });
});
