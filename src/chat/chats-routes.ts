/**
 * The chat history routes under /api/v1/chats (Open WebUI's paths and shapes): lists, search,
 * create, read, update, delete. Pin, archive, clone and share are in chats-routes-actions.ts,
 * export and import in chats-routes-transfer.ts. Every chat is reachable by its owner only: any
 * other caller gets the same 404 as for a chat that does not exist. Every change is announced on
 * the user's events channel (`GET /api/v1/events`, registered here too) without waiting for it.
 */
import type { FastifyInstance } from 'fastify';
import { principalOf } from '../auth';
import { notFound } from '../core/errors';
import { parseInput, z } from '../core/validation';
import { registerChatActionRoutes } from './chats-routes-actions';
import { chatIdParams, type ChatsRoutesDeps } from './chats-routes-deps';
import { registerChatTransferRoutes } from './chats-routes-transfer';
import { registerUserEventsRoute } from './events';
import { chatListItem, chatView, parseNewChat } from './store';

export type { ChatsRoutesDeps } from './chats-routes-deps';

/** Chats per page of the lists and of search results. */
export const chatPageSize = 50;

/** `?flag=true|false` */
const queryFlag = z.enum(['true', 'false']).transform((value) => value === 'true');
const page = z.coerce.number().int().min(1).max(100_000).default(1);
const listQuery = z.object({ page, archived: queryFlag.optional(), pinned: queryFlag.optional() });
const pageQuery = z.object({ page });
const searchQuery = z.object({ text: z.string().max(500).default(''), page });

const newChatBody = z.object({ chat: z.unknown() });
const updateBody = z.object({
  // Open WebUI's client sends its whole chat object here; Astra takes only what the rows do not
  // already hold (the messages come from the generation, never from a client's copy).
  chat: z.object({
    title: z.string().trim().min(1).max(1000).optional(),
    models: z.array(z.string().max(500)).max(100).optional(),
    currentId: z.string().min(1).max(200).optional(),
    history: z.object({ currentId: z.string().min(1).max(200).nullish() }).nullish(),
  }),
});

export function registerChatsRoutes(app: FastifyInstance, deps: ChatsRoutesDeps): void {
  const { chats, events } = deps;
  const pageOf = (number: number): { offset: number; limit: number } => ({ offset: (number - 1) * chatPageSize, limit: chatPageSize });

  app.get('/api/v1/chats/', async (request) => {
    const query = parseInput(listQuery, request.query, 'query');
    const rows = await chats.list(principalOf(request).user.id, {
      ...pageOf(query.page),
      archived: query.archived === true ? 'include' : 'exclude',
      pinned: query.pinned,
    });
    return rows.map(chatListItem);
  });

  app.get('/api/v1/chats/pinned', async (request) => {
    const query = parseInput(pageQuery, request.query, 'query');
    return (await chats.list(principalOf(request).user.id, { ...pageOf(query.page), pinned: true })).map(chatListItem);
  });

  app.get('/api/v1/chats/archived', async (request) => {
    const query = parseInput(pageQuery, request.query, 'query');
    return (await chats.list(principalOf(request).user.id, { ...pageOf(query.page), archived: 'only' })).map(chatListItem);
  });

  app.get('/api/v1/chats/search', async (request) => {
    const query = parseInput(searchQuery, request.query, 'query');
    return (await chats.search(principalOf(request).user.id, query.text, pageOf(query.page))).map(chatListItem);
  });

  app.post('/api/v1/chats/new', async (request) => {
    const body = parseInput(newChatBody, request.body);
    const userId = principalOf(request).user.id;
    const [created] = await chats.create(userId, [parseNewChat(body.chat)]);
    events.publish(userId, { event: 'chat-created', data: chatListItem(created!) });
    const chat = await chats.read(created!.id, userId);
    return chatView(chat!);
  });

  app.get('/api/v1/chats/:id', async (request) => {
    const { id } = parseInput(chatIdParams, request.params, 'path');
    const chat = await chats.read(id, principalOf(request).user.id);
    if (chat === undefined) throw notFound('Chat');
    return chatView(chat);
  });

  app.post('/api/v1/chats/:id', async (request) => {
    const { id } = parseInput(chatIdParams, request.params, 'path');
    const { chat: changes } = parseInput(updateBody, request.body);
    const currentId = changes.currentId ?? changes.history?.currentId ?? undefined;
    const userId = principalOf(request).user.id;
    const chat = await chats.update(id, userId, { title: changes.title, models: changes.models, currentId });
    if (chat === undefined) throw notFound('Chat');
    // Moving along the tree changes nothing another tab shows in its list.
    if (changes.title !== undefined || changes.models !== undefined) events.publish(userId, { event: 'chat-updated', data: chatListItem(chat.chat) });
    return chatView(chat);
  });

  app.delete('/api/v1/chats/:id', async (request) => {
    const { id } = parseInput(chatIdParams, request.params, 'path');
    const userId = principalOf(request).user.id;
    if (!(await chats.delete(id, userId))) throw notFound('Chat');
    events.publish(userId, { event: 'chat-deleted', data: { id } });
    return true;
  });

  app.delete('/api/v1/chats/', async (request) => {
    const userId = principalOf(request).user.id;
    const count = await chats.deleteAll(userId);
    events.publish(userId, { event: 'chats-deleted', data: { count } });
    return true;
  });

  registerChatActionRoutes(app, deps);
  registerChatTransferRoutes(app, deps);
  registerUserEventsRoute(app, { events, pingIntervalMs: deps.eventsPingIntervalMs, stillSignedIn: deps.stillSignedIn });
}
