/**
 * Nothing per chunk reaches the database: while a 3 s answer streams, its text is saved about once
 * a second (each save a prefix of the final text), and once more at the end.
 */
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { defaultReplyText } from '../../../test/support/model-server';
import { ollamaModel, startGenerationKit, startTurn, storageVariants, type GenerationKit } from './generation-test-kit';

let kit: GenerationKit;
beforeAll(async () => {
  kit = await startGenerationKit(storageVariants[0]!);
});
afterAll(async () => kit?.close());

it('saves the text at most about once a second during a 3 s stream', async () => {
  const chats = kit.gateway.astra.services.chats;
  const saves = vi.spyOn(chats, 'saveProgress');
  const finishes = vi.spyOn(chats, 'finishMessage');
  kit.gateway.ollama.setBehavior({ tokenDelayMs: 50, tokenCount: 60 });
  const { stream, head } = await startTurn(kit.gateway, kit.gateway.user.token, { model: ollamaModel });
  // A reader may look at the stored answer while it streams.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const midway = await chats.getMessage(head.chat_id, kit.gateway.user.id, head.message_id);
  expect(midway?.status).toBe('generating');
  expect(midway?.content).toMatch(/^Token1 /);
  await stream.finished;

  const ours = saves.mock.calls.filter(([messageId]) => messageId === head.message_id);
  expect(ours.length).toBeGreaterThanOrEqual(2);
  expect(ours.length).toBeLessThanOrEqual(4);
  const final = defaultReplyText(60);
  for (const [, progress] of ours) expect(final.startsWith(progress.content)).toBe(true);
  expect(finishes.mock.calls.filter(([messageId]) => messageId === head.message_id)).toHaveLength(1);
  saves.mockRestore();
  finishes.mockRestore();
});
