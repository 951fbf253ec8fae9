/**
 * Re-attaching to a generation: a client that hung up and comes back with `Last-Event-ID` gets
 * every token exactly once and in order; a second reader gets everything while the first still
 * reads; after the end the answer comes whole.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { send, waitFor } from '../../../test/support/gateway';
import { defaultReplyText } from '../../../test/support/model-server';
import { ollamaModel, openAiModel, reattach, startGenerationKit, startTurn, storageVariants, type GenerationKit } from './generation-test-kit';
import { contentOf, isDone, openStream, tokensOf, type ReceivedEvent } from './sse-test-reader';

const ids = (events: ReceivedEvent[]): number[] => events.map((event) => event.id);

describe.each(storageVariants)('re-attaching ($name)', (variant) => {
  let kit: GenerationKit;
  beforeAll(async () => {
    kit = await startGenerationKit(variant);
  });
  afterEach(() => {
    kit.gateway.ollama.resetBehavior();
    kit.gateway.openai.resetBehavior();
    kit.gateway.astra.services.generations.lingerMs = 60_000;
  });
  afterAll(async () => kit?.close());

  it.each([ollamaModel, openAiModel])('a client that hung up mid-answer gets every token exactly once, in order (%s)', async (model) => {
    const server = model === ollamaModel ? kit.gateway.ollama : kit.gateway.openai;
    server.setBehavior({ tokenDelayMs: 40, tokenCount: 30 });
    const { stream, head } = await startTurn(kit.gateway, kit.gateway.user.token, { model });
    await stream.until((events) => tokensOf(events).length >= 5);
    stream.hangUp();
    await stream.finished;
    const seen = [...stream.events];
    // Tokens keep coming while the client is away.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const again = await reattach(kit.gateway, kit.gateway.user.token, head.chat_id, seen.at(-1)!.id);
    expect(again.status).toBe(200);
    await again.finished;
    const all = [...seen, ...again.events];
    expect(ids(all)).toEqual(all.map((_event, index) => index + 1));
    expect(tokensOf(all)).toEqual(defaultReplyText(30).match(/\S+ /g));
    expect(isDone(again.events)).toBe(true);
  });

  it('takes the last event id from ?last_event_id= too', async () => {
    kit.gateway.ollama.setBehavior({ tokenDelayMs: 30, tokenCount: 20 });
    const { stream, head } = await startTurn(kit.gateway, kit.gateway.user.token, { model: ollamaModel });
    await stream.until((events) => tokensOf(events).length >= 3);
    stream.hangUp();
    await stream.finished;
    const last = stream.events.at(-1)!.id;
    const again = await openStream(kit.gateway, `/api/v1/chats/${head.chat_id}/stream?last_event_id=${last}`, { token: kit.gateway.user.token });
    await again.finished;
    expect(again.events[0]!.id).toBe(last + 1);
    expect(contentOf([...stream.events, ...again.events])).toBe(defaultReplyText(20));
  });

  it('a second reader attaching while the first still reads gets everything too, as does the first', async () => {
    kit.gateway.openai.setBehavior({ tokenDelayMs: 30, tokenCount: 30 });
    const { stream, head } = await startTurn(kit.gateway, kit.gateway.user.token, { model: openAiModel });
    await stream.until((events) => tokensOf(events).length >= 5);
    const second = await reattach(kit.gateway, kit.gateway.user.token, head.chat_id);
    const third = await reattach(kit.gateway, kit.gateway.user.token, head.chat_id, 2);
    await Promise.all([stream.finished, second.finished, third.finished]);
    expect(contentOf(stream.events)).toBe(defaultReplyText(30));
    expect(second.events).toEqual(stream.events);
    expect(third.events).toEqual(stream.events.slice(2));
  });

  it('after the end: within a minute the log is replayed from Last-Event-ID; later the stored answer comes whole', async () => {
    kit.gateway.ollama.setBehavior({ tokenDelayMs: 10, tokenCount: 10 });
    const { stream, head } = await startTurn(kit.gateway, kit.gateway.user.token, { model: ollamaModel });
    await stream.finished;
    const replayed = await reattach(kit.gateway, kit.gateway.user.token, head.chat_id, 4);
    await replayed.finished;
    expect(replayed.events).toEqual(stream.events.slice(4));

    kit.gateway.astra.services.generations.lingerMs = 0;
    const later = await startTurn(kit.gateway, kit.gateway.user.token, { model: ollamaModel });
    await later.stream.finished;
    const chatId = later.head.chat_id;
    await waitFor(() => kit.gateway.astra.services.generations.localJob(chatId) === undefined, 2000, 'the finished job to be let go');
    const whole = await reattach(kit.gateway, kit.gateway.user.token, chatId, 4);
    await whole.finished;
    expect(whole.events[0]).toMatchObject({ id: 1, event: 'chat' });
    expect(JSON.parse(whole.events[0]!.data)).toMatchObject({ chat_id: chatId, message_id: later.head.message_id, status: 'complete', final: true });
    expect(contentOf(whole.events)).toBe(defaultReplyText(10));
    expect(isDone(whole.events)).toBe(true);

    // An earlier answer of the chat, by its id.
    const next = await startTurn(kit.gateway, kit.gateway.user.token, { model: openAiModel, chat_id: chatId, parent_id: later.head.message_id });
    await next.stream.finished;
    const earlier = await openStream(kit.gateway, `/api/v1/chats/${chatId}/stream?message_id=${later.head.message_id}`, { token: kit.gateway.user.token });
    await earlier.finished;
    expect(JSON.parse(earlier.events[0]!.data)).toMatchObject({ message_id: later.head.message_id, final: true });
    expect(contentOf(earlier.events)).toBe(defaultReplyText(10));
  });

  it('a chat with no generation is a 404; so is an unknown chat', async () => {
    const created = await send(kit.gateway, '/api/v1/chats/new', { token: kit.gateway.user.token, body: { chat: { title: 'Empty' } } });
    const chatId = (JSON.parse(created.text) as { id: string }).id;
    expect((await send(kit.gateway, `/api/v1/chats/${chatId}/stream`, { token: kit.gateway.user.token })).status).toBe(404);
    expect((await send(kit.gateway, `/api/v1/chats/${crypto.randomUUID()}/stream`, { token: kit.gateway.user.token })).status).toBe(404);
  });
});
