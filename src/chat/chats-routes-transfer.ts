/**
 * Moving chats in and out: `GET /api/v1/chats/export` (all the user's chats with their messages,
 * `{version: 1, chats: [...]}`) and `POST /api/v1/chats/import` (that format or Open WebUI's
 * export). An import is checked whole before anything is written, then written in one
 * transaction: all of it or nothing.
 */
import type { FastifyInstance } from 'fastify';
import { principalOf } from '../auth';
import type { ChatsRoutesDeps } from './chats-routes-deps';
import { chatListItem, chatView, exportVersion, parseChatImport } from './store';

/** Exports can be large: only the import route takes bodies this big (the default stays small). */
export const importBodyLimitBytes = 50 * 1024 * 1024;

export function registerChatTransferRoutes(app: FastifyInstance, { chats, events }: ChatsRoutesDeps): void {
  app.get('/api/v1/chats/export', async (request) => {
    const all = await chats.exportAll(principalOf(request).user.id);
    return { version: exportVersion, chats: all.map(chatView) };
  });

  app.post('/api/v1/chats/import', { bodyLimit: importBodyLimitBytes }, async (request) => {
    const drafts = parseChatImport(request.body);
    const userId = principalOf(request).user.id;
    const created = await chats.create(userId, drafts);
    const items = created.map(chatListItem);
    for (const item of items) events.publish(userId, { event: 'chat-created', data: item });
    return items;
  });
}
