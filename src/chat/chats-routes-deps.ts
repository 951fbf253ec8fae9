/**
 * What the chat-history routes share: the services they work with, and how a chat id in a path is
 * checked.
 */
import type { FastifyRequest } from 'fastify';
import { z } from '../core/validation';
import type { UserEvents } from './events';
import type { ChatStore } from './store';

export interface ChatsRoutesDeps {
  chats: ChatStore;
  /** The user's events channel, told of every change. */
  events: UserEvents;
  /** How often a quiet events stream gets a `: ping` (15 s; tests shorten it). */
  eventsPingIntervalMs?: number;
  /** Whether an open events stream's credentials still hold (checked every few seconds). */
  stillSignedIn?: (request: FastifyRequest) => Promise<boolean>;
}

/** Chat ids in paths; share ids too. */
export const chatIdParams = z.object({ id: z.string().min(1).max(200) });
