/**
 * Re-attaching to a chat's generation and stopping it, for the chat's owner only (anyone else gets
 * the 404 of a chat that does not exist):
 * - `GET /api/v1/chats/{id}/stream` replays the events after `Last-Event-ID` (the header, or
 *   `?last_event_id=`) and follows the live ones, whichever process runs the generation; once it
 *   has ended, the stored answer comes as one SSE reply. `?message_id=` picks one answer when the
 *   chat has several.
 * - `POST /api/tasks/chat/{chat_id}/stop` aborts the upstream call (here or in another process);
 *   the answer keeps what arrived and ends with status `stopped`.
 */
import type { FastifyInstance } from 'fastify';
import { principalOf } from '../../auth';
import { notFound } from '../../core/errors';
import { parseInput, z } from '../../core/validation';
import { defaultPingIntervalMs } from '../../providers';
import { endAbandonedLog, finalAnswerLog } from './final-answer';
import type { FrameSource } from './frame-log';
import type { GenerationHub } from './generation-hub';
import { followRemoteGeneration } from './remote-source';
import { streamToClient } from './sse-response';

/** The hub the routes work with, and their intervals. */
export interface GenerationRoutesOptions {
  generations: GenerationHub;
  pingIntervalMs?: number;
  /** How long a reader waits for another process's answer before asking again (3 s). */
  remoteSilenceMs?: number;
}

const streamQuery = z.object({
  last_event_id: z.string().max(20).optional(),
  message_id: z.string().min(1).max(100).optional(),
});

/** Adds the re-attach and Stop routes. */
export function registerGenerationRoutes(app: FastifyInstance, options: GenerationRoutesOptions): void {
  const { generations } = options;
  const pingIntervalMs = options.pingIntervalMs ?? defaultPingIntervalMs;

  app.get<{ Params: { id: string } }>('/api/v1/chats/:id/stream', async (request, reply) => {
    const principal = principalOf(request);
    const chatId = request.params.id;
    const query = parseInput(streamQuery, request.query, 'query');
    const after = lastEventId(request.headers['last-event-id'] ?? query.last_event_id);
    if (!(await generations.store.ownsChat(chatId, principal.user.id))) throw notFound('Chat');

    const local = generations.localJob(chatId, query.message_id);
    // A finished job here may have been followed by a newer generation in another process.
    const record = local !== undefined && (!local.isOver || query.message_id !== undefined) ? undefined : await generations.record(chatId);
    if (local !== undefined && (record === undefined || record.messageId === local.messageId)) {
      await streamToClient(reply, local.log, after, { pingIntervalMs });
      return;
    }
    const messageId = query.message_id ?? record?.messageId;
    if (messageId === undefined) throw notFound('Generation');
    const message = await generations.store.getMessage(chatId, principal.user.id, messageId);
    if (message === undefined) throw notFound('Message');
    // Running in another process (or a process that stopped without saying so: the reader finds out).
    if (message.status === 'generating' && generations.pubSub.spansProcesses) {
      const remote = await followRemoteGeneration({
        pubSub: generations.pubSub,
        chatId,
        messageId,
        after,
        silenceMs: options.remoteSilenceMs ?? 3000,
        maxUnanswered: 3,
        logger: generations.logger,
        onOwnerGone: async (log, receivedAny) => {
          const latest = await generations.store.getMessage(chatId, principal.user.id, messageId);
          endAbandonedLog(log, latest, receivedAny);
        },
      });
      try {
        await streamToClient(reply, remote, after, { pingIntervalMs });
      } finally {
        await remote.close();
      }
      return;
    }
    const source: FrameSource = finalAnswerLog(message);
    await streamToClient(reply, source, 0, { pingIntervalMs });
  });

  app.post<{ Params: { chat_id: string } }>('/api/tasks/chat/:chat_id/stop', async (request) => {
    const principal = principalOf(request);
    const chatId = request.params.chat_id;
    if (!(await generations.store.ownsChat(chatId, principal.user.id))) throw notFound('Chat');
    await generations.stop(chatId);
    return { status: true };
  });
}

/** The number of the last event the client saw (0: none). */
function lastEventId(value: string | string[] | undefined): number {
  const text = Array.isArray(value) ? value[0] : value;
  const number = Number(text);
  return text !== undefined && Number.isSafeInteger(number) && number > 0 ? number : 0;
}
