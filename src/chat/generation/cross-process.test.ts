/**
 * A generation runs in one process and is read and stopped through another sharing the storage
 * (Redis, or the database's PubSub without it): re-attach with Last-Event-ID gets every token once
 * and in order, Stop aborts the upstream call within a second, and after the end the stored answer
 * comes whole.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { send, waitFor } from '../../../test/support/gateway';
import { defaultReplyText } from '../../../test/support/model-server';
import { ollamaModel, openAiModel, reattach, startGenerationKit, startTurn, storageVariants, type GenerationKit } from './generation-test-kit';
import { contentOf, isDone, tokensOf } from './sse-test-reader';

describe.each(storageVariants)('through another process ($name)', (variant) => {
  let kit: GenerationKit;
  let other: { url: string };
  beforeAll(async () => {
    kit = await startGenerationKit(variant);
    other = await kit.secondProcess();
  });
  afterEach(() => {
    kit.gateway.ollama.resetBehavior();
    kit.gateway.openai.resetBehavior();
  });
  afterAll(async () => kit?.close());

  it('re-attach with Last-Event-ID: every token exactly once and in order, and a reader from the start', async () => {
    kit.gateway.ollama.setBehavior({ tokenDelayMs: 40, tokenCount: 40 });
    const { stream, head } = await startTurn(kit.gateway, kit.gateway.user.token, { model: ollamaModel });
    await stream.until((events) => tokensOf(events).length >= 5);
    stream.hangUp();
    await stream.finished;
    const seen = [...stream.events];
    const [again, fromStart] = await Promise.all([
      reattach(other, kit.gateway.user.token, head.chat_id, seen.at(-1)!.id),
      reattach(other, kit.gateway.user.token, head.chat_id),
    ]);
    await Promise.all([again.finished, fromStart.finished]);
    const all = [...seen, ...again.events];
    expect(all.map((event) => event.id)).toEqual(all.map((_event, index) => index + 1));
    expect(tokensOf(all)).toEqual(defaultReplyText(40).match(/\S+ /g));
    expect(isDone(again.events)).toBe(true);
    expect(fromStart.events).toEqual(all);
  });

  it('stop: the upstream call in the other process is aborted within 1 s', async () => {
    kit.gateway.openai.setBehavior({ tokenDelayMs: 50, tokenCount: 200 });
    const { stream, head } = await startTurn(kit.gateway, kit.gateway.user.token, { model: openAiModel });
    await stream.until((events) => tokensOf(events).length >= 3);
    const aborted = kit.gateway.openai.abortedRequests;
    const stoppedAt = performance.now();
    expect((await send({ url: other.url, dispatcher: kit.gateway.dispatcher }, `/api/tasks/chat/${head.chat_id}/stop`, { token: kit.gateway.user.token, method: 'POST', body: {} })).status).toBe(200);
    await kit.gateway.openai.waitForAbortedRequests(aborted + 1, 1000);
    expect(performance.now() - stoppedAt).toBeLessThan(1000);
    await stream.finished;
    expect(isDone(stream.events)).toBe(true);
    await waitFor(
      async () => (await kit.gateway.astra.services.chats.getMessage(head.chat_id, kit.gateway.user.id, head.message_id))?.status === 'stopped',
      2000,
      'the answer to be stored as stopped',
    );
    expect((await kit.gateway.astra.services.chats.getMessage(head.chat_id, kit.gateway.user.id, head.message_id))?.content).toBe(contentOf(stream.events));
  });

  it('after the end the other process answers with the stored message', async () => {
    const { stream, head } = await startTurn(kit.gateway, kit.gateway.user.token, { model: ollamaModel });
    await stream.finished;
    // The record of where it ran is written just after the end.
    await waitFor(async () => (await kit.gateway.astra.services.generations.record(head.chat_id))?.running === false, 2000, 'the record of the end');
    const whole = await reattach(other, kit.gateway.user.token, head.chat_id, 3);
    await whole.finished;
    expect(JSON.parse(whole.events[0]!.data)).toMatchObject({ message_id: head.message_id, final: true, status: 'complete' });
    expect(contentOf(whole.events)).toBe(defaultReplyText(8));
    expect(isDone(whole.events)).toBe(true);
  });

  it('a newer answer running in the other process wins over a finished one here', async () => {
    const first = await startTurn(kit.gateway, kit.gateway.user.token, { model: ollamaModel });
    await first.stream.finished;
    kit.gateway.openai.setBehavior({ tokenDelayMs: 20, tokenCount: 30 });
    const second = await startTurn(other, kit.gateway.user.token, { model: openAiModel, chat_id: first.head.chat_id, parent_id: first.head.message_id });
    await second.stream.until((events) => tokensOf(events).length >= 2);
    await waitFor(async () => (await kit.gateway.astra.services.generations.record(first.head.chat_id))?.messageId === second.head.message_id, 2000, 'the record of the newer answer');
    const here = await reattach(kit.gateway, kit.gateway.user.token, first.head.chat_id);
    await Promise.all([here.finished, second.stream.finished]);
    expect(here.events).toEqual(second.stream.events);
  });
});
