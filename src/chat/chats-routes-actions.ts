/**
 * One-chat operations under /api/v1/chats/{id}: pin and archive (toggles), clone, and share links
 * (create, revoke, read). A share id is random (192 bits): knowing a chat id is not enough to read
 * it, and a revoked link answers 404 at once.
 */
import type { FastifyInstance } from 'fastify';
import { principalOf } from '../auth';
import { notFound } from '../core/errors';
import { parseInput } from '../core/validation';
import { chatIdParams, type ChatsRoutesDeps } from './chats-routes-deps';
import { chatListItem, chatView } from './store';

export function registerChatActionRoutes(app: FastifyInstance, { chats, events }: ChatsRoutesDeps): void {
  for (const [action, flag] of [
    ['pin', 'pinned'],
    ['archive', 'archived'],
  ] as const) {
    app.post(`/api/v1/chats/:id/${action}`, async (request) => {
      const { id } = parseInput(chatIdParams, request.params, 'path');
      const userId = principalOf(request).user.id;
      const chat = await chats.toggle(id, userId, flag);
      if (chat === undefined) throw notFound('Chat');
      events.publish(userId, { event: 'chat-updated', data: chatListItem(chat.chat) });
      return chatView(chat);
    });
  }

  app.post('/api/v1/chats/:id/clone', async (request) => {
    const { id } = parseInput(chatIdParams, request.params, 'path');
    const userId = principalOf(request).user.id;
    const copy = await chats.clone(id, userId);
    if (copy === undefined) throw notFound('Chat');
    events.publish(userId, { event: 'chat-created', data: chatListItem(copy) });
    return chatView((await chats.read(copy.id, userId))!);
  });

  app.post('/api/v1/chats/:id/share', async (request) => {
    const { id } = parseInput(chatIdParams, request.params, 'path');
    const shareId = await chats.share(id, principalOf(request).user.id);
    if (shareId === undefined) throw notFound('Chat');
    return { share_id: shareId };
  });

  app.delete('/api/v1/chats/:id/share', async (request) => {
    const { id } = parseInput(chatIdParams, request.params, 'path');
    if (!(await chats.unshare(id, principalOf(request).user.id))) throw notFound('Chat');
    return true;
  });

  // Any signed-in account may read a chat through its active share link, and only read it.
  app.get('/api/v1/chats/share/:id', async (request) => {
    const { id } = parseInput(chatIdParams, request.params, 'path');
    const chat = await chats.readShared(id);
    if (chat === undefined) throw notFound('Shared chat');
    return chatView(chat);
  });
}
