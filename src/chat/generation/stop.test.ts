/**
 * Stop: `POST /api/tasks/chat/{chat_id}/stop` aborts the upstream call within a second; the answer
 * keeps what arrived, is stored as `stopped`, and its readers get a normal end (finish_reason
 * "stop", then [DONE]).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { send, waitFor } from '../../../test/support/gateway';
import { ollamaModel, openAiModel, startGenerationKit, startTurn, storageVariants, type GenerationKit } from './generation-test-kit';
import { contentOf, isDone, tokensOf } from './sse-test-reader';

describe.each(storageVariants)('stop ($name)', (variant) => {
  let kit: GenerationKit;
  beforeAll(async () => {
    kit = await startGenerationKit(variant);
  });
  afterEach(() => {
    kit.gateway.ollama.resetBehavior();
    kit.gateway.openai.resetBehavior();
  });
  afterAll(async () => kit?.close());

  const stop = (chatId: string, token = kit.gateway.user.token) => send(kit.gateway, `/api/tasks/chat/${chatId}/stop`, { token, method: 'POST', body: {} });

  it.each([ollamaModel, openAiModel])('mid-answer: the upstream call is aborted within 1 s and the partial answer is kept (%s)', async (model) => {
    const server = model === ollamaModel ? kit.gateway.ollama : kit.gateway.openai;
    server.setBehavior({ tokenDelayMs: 50, tokenCount: 200 });
    const { stream, head } = await startTurn(kit.gateway, kit.gateway.user.token, { model });
    await stream.until((events) => tokensOf(events).length >= 4);
    const aborted = server.abortedRequests;
    const stoppedAt = performance.now();
    expect((await stop(head.chat_id)).status).toBe(200);
    await server.waitForAbortedRequests(aborted + 1, 1000);
    expect(performance.now() - stoppedAt).toBeLessThan(1000);
    await stream.finished;
    const last = stream.events.slice(-2).map((event) => event.data);
    expect(JSON.parse(last[0]!)).toMatchObject({ choices: [{ finish_reason: 'stop' }] });
    expect(isDone(stream.events)).toBe(true);
    const stored = await kit.gateway.astra.services.chats.getMessage(head.chat_id, kit.gateway.user.id, head.message_id);
    expect(stored).toMatchObject({ status: 'stopped', content: contentOf(stream.events) });
    expect(tokensOf(stream.events).length).toBeLessThan(200);
    await waitFor(() => kit.gateway.astra.services.connections.list().every((connection) => kit.gateway.astra.services.balancer.busy(connection.id) === 0), 1000, 'no request counted in flight');
  });

  it('while waiting for the first token', async () => {
    kit.gateway.ollama.setBehavior({ firstTokenDelayMs: 10_000 });
    const { stream, head } = await startTurn(kit.gateway, kit.gateway.user.token, { model: ollamaModel });
    await waitFor(() => kit.gateway.ollama.inFlightRequests() > 0, 2000, 'the upstream request');
    const aborted = kit.gateway.ollama.abortedRequests;
    await stop(head.chat_id);
    await kit.gateway.ollama.waitForAbortedRequests(aborted + 1, 1000);
    await stream.finished;
    expect(isDone(stream.events)).toBe(true);
    expect(await kit.gateway.astra.services.chats.getMessage(head.chat_id, kit.gateway.user.id, head.message_id)).toMatchObject({ status: 'stopped', content: '' });
  });

  it('a chat with nothing running: 200; another user: 404 and the answer runs on', async () => {
    kit.gateway.openai.setBehavior({ tokenDelayMs: 20, tokenCount: 20 });
    const { stream, head } = await startTurn(kit.gateway, kit.gateway.user.token, { model: openAiModel });
    const intruder = await kit.gateway.addAccount('user');
    expect((await stop(head.chat_id, intruder.token)).status).toBe(404);
    await stream.finished;
    expect(contentOf(stream.events)).toMatch(/Token20 $/);
    expect((await stop(head.chat_id)).status).toBe(200);
    expect(await kit.gateway.astra.services.chats.getMessage(head.chat_id, kit.gateway.user.id, head.message_id)).toMatchObject({ status: 'complete' });
  });
});
