/**
 * Answers that cannot finish: a process shutting down stores its running answers as interrupted
 * (and ends their readers' streams with the error); answers left 'generating' by a process that
 * is gone (heartbeat expired, or its pid no longer runs on this machine) are marked interrupted by
 * the next process to look, at start and every minute.
 */
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/support/test-app';
import { ollamaModel, startGenerationKit, startTurn, storageVariants, type GenerationKit } from './generation-test-kit';
import { heartbeatKey, processSetKey } from './process-heartbeat';
import { currentProcessIdentity } from './process-liveness';
import { errorsOf, isDone, tokensOf } from './sse-test-reader';

describe.each(storageVariants)('interrupted answers ($name)', (variant) => {
  let kit: GenerationKit | undefined;
  const extra: TestApp[] = [];
  afterEach(async () => {
    for (const app of extra.splice(0)) await app.close();
    await kit?.close();
    kit = undefined;
  });

  it('closing the server stores its running answers as interrupted, keeping what arrived', async () => {
    kit = await startGenerationKit(variant);
    const { gateway } = kit;
    gateway.ollama.setBehavior({ tokenDelayMs: 40, tokenCount: 200 });
    const { stream, head } = await startTurn(gateway, gateway.user.token, { model: ollamaModel });
    await stream.until((events) => tokensOf(events).length >= 3);
    const chats = gateway.astra.services.chats;
    const closing = gateway.astra.app.close();
    await stream.finished;
    await closing;
    expect(isDone(stream.events)).toBe(false);
    expect(errorsOf(stream.events)).toEqual([expect.objectContaining({ code: 'interrupted' })]);
    const stored = await chats.getMessage(head.chat_id, gateway.user.id, head.message_id);
    expect(stored?.status).toBe('interrupted');
    expect(stored?.content).toBe(tokensOf(stream.events).join(''));
    await gateway.ollama.waitForAbortedRequests(1, 1000);
  });

  it('a process starting up marks the answers of processes that are gone, and only those', async () => {
    kit = await startGenerationKit(variant);
    const { gateway } = kit;
    const { services } = gateway.astra;
    const turn = async (processId: string) => {
      const chatId = crypto.randomUUID();
      const messageId = crypto.randomUUID();
      const userMessageId = crypto.randomUUID();
      await services.chats.startTurn({
        chatId,
        userId: gateway.user.id,
        models: [ollamaModel],
        userMessage: { id: userMessageId, parentId: null, content: 'Hi' },
        assistantMessage: { id: messageId, parentId: userMessageId, model: ollamaModel },
        processId,
      });
      return { chatId, messageId };
    };
    // A process whose heartbeat expired, one whose pid no longer runs here, and a live one (the kit's).
    const silent = await turn('a-process-without-heartbeat');
    const exited = spawnSync(process.execPath, ['-e', '0']).pid;
    await services.keyValue.set(heartbeatKey('a-process-that-exited'), JSON.stringify({ ...currentProcessIdentity(), pid: exited }), { ttlMs: 30_000 });
    await services.keyValue.addToSet(processSetKey, 'a-process-that-exited');
    const dead = await turn('a-process-that-exited');
    const live = await turn(services.generations.processId);

    const second = await createTestApp({ kind: variant.kind, shareWith: gateway.astra, env: variant.redis ? { REDIS_URL: gateway.astra.config.storage.redisUrl!, REDIS_KEY_PREFIX: gateway.astra.config.storage.redisKeyPrefix } : {} });
    extra.push(second);
    const status = async (ids: { chatId: string; messageId: string }) => (await services.chats.getMessage(ids.chatId, gateway.user.id, ids.messageId))?.status;
    expect(await status(silent)).toBe('interrupted');
    expect(await status(dead)).toBe('interrupted');
    expect(await status(live)).toBe('generating');
    expect(await services.keyValue.setMembers(processSetKey)).not.toContain('a-process-that-exited');
  });
});
