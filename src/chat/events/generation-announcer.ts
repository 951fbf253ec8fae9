/**
 * Tells a user's events channel about their generations: the chat a completion created, the answer
 * starting, and its final state once stored. The hub calls it off the path to the first token.
 */
import { epochSeconds } from '../../core/ids';
import type { GenerationListener } from '../generation';
import { defaultChatTitle } from '../store';
import type { UserEvents } from './user-events';

export function announceGenerations(events: UserEvents): GenerationListener {
  return {
    started(job, turn) {
      if (turn.createdChat) {
        // As the turn wrote it: no read of the row just for the announcement.
        const now = epochSeconds();
        events.publish(job.userId, {
          event: 'chat-created',
          data: { id: job.chatId, title: defaultChatTitle, updated_at: now, created_at: now, pinned: false, archived: false },
        });
      }
      events.publish(job.userId, {
        event: 'generation-started',
        data: { chat_id: job.chatId, message_id: job.messageId, user_message_id: job.userMessageId, model: turn.model },
      });
    },
    finished(job, result) {
      events.publish(job.userId, {
        event: 'generation-finished',
        data: { chat_id: job.chatId, message_id: job.messageId, status: result.status, ...(result.error === undefined ? {} : { error: result.error }) },
      });
    },
  };
}
