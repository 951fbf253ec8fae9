import { afterEach, describe, expect, it } from 'vitest';
import { backendVariants, createTestApp, type TestApp } from '../../test/support/test-app';
import { seedBranchingChat } from './test-chats';

const variants = backendVariants.filter((variant) => !variant.redis);

type Call = [method: 'GET' | 'POST' | 'DELETE', url: string, body?: unknown];

/** Every route that takes a chat id (or a share id), called with `id`. */
const routesTaking = (id: string): Call[] => [
  ['GET', `/api/v1/chats/${id}`],
  ['POST', `/api/v1/chats/${id}`, { chat: { title: 'Taken over', currentId: 'x' } }],
  ['DELETE', `/api/v1/chats/${id}`],
  ['POST', `/api/v1/chats/${id}/pin`],
  ['POST', `/api/v1/chats/${id}/archive`],
  ['POST', `/api/v1/chats/${id}/clone`],
  ['POST', `/api/v1/chats/${id}/share`],
  ['DELETE', `/api/v1/chats/${id}/share`],
  ['GET', `/api/v1/chats/share/${id}`],
];

const collectionRoutes: Call[] = [
  ['GET', '/api/v1/chats/'],
  ['GET', '/api/v1/chats/pinned'],
  ['GET', '/api/v1/chats/archived'],
  ['GET', '/api/v1/chats/search?text=water'],
  ['POST', '/api/v1/chats/new', { chat: { title: 'x' } }],
  ['DELETE', '/api/v1/chats/'],
  ['GET', '/api/v1/chats/export'],
  ['POST', '/api/v1/chats/import', []],
];

describe.each(variants)('chat ownership ($name)', (variant) => {
  let astra: TestApp;
  afterEach(async () => astra?.close());

  it('answers 404 to everyone but the owner, 403 to pending accounts and 401 without credentials', async () => {
    astra = await createTestApp({ ...variant, env: { DEFAULT_USER_ROLE: 'user' } });
    const admin = await astra.signUp();
    const owner = await astra.signUp();
    const stranger = await astra.signUp();
    const pending = await astra.signUp();
    expect((await astra.call('POST', `/api/v1/users/${pending.id}/update`, admin.token, { role: 'pending' })).statusCode).toBe(200);

    const { chatId, ids } = await seedBranchingChat(astra.services.chats, owner.id);
    const shareId = (await astra.call('POST', `/api/v1/chats/${chatId}/share`, owner.token)).json<{ share_id: string }>().share_id;
    const strangersChat = await seedBranchingChat(astra.services.chats, stranger.id);
    const before = (await astra.call('GET', `/api/v1/chats/${chatId}`, owner.token)).json();

    for (const intruder of [stranger, admin]) {
      for (const [method, url, body] of routesTaking(chatId)) {
        const response = await astra.call(method, url, intruder.token, body);
        expect([method, url, response.statusCode]).toEqual([method, url, 404]);
        expect(response.json().code).toBe('not_found');
      }
      // A share id opens the shared chat for reading only: as a chat id it opens nothing.
      for (const [method, url, body] of routesTaking(shareId).filter(([, url]) => !url.includes('/share/'))) {
        expect([method, url, (await astra.call(method, url, intruder.token, body)).statusCode]).toEqual([method, url, 404]);
      }
      expect((await astra.call('GET', `/api/v1/chats/share/${shareId}`, intruder.token)).statusCode).toBe(200);
      // The owner's chat shows up in none of the intruder's lists.
      for (const url of ['/api/v1/chats/?archived=true', '/api/v1/chats/search?text=water', '/api/v1/chats/export']) {
        expect((await astra.call('GET', url, intruder.token)).body).not.toContain(chatId);
      }
      // Nor can the owner's messages be pointed at from the intruder's own chat.
      const pointed = await astra.call('POST', `/api/v1/chats/${strangersChat.chatId}`, stranger.token, { chat: { currentId: ids.a1 } });
      expect(pointed.statusCode).toBe(400);
    }
    expect(await astra.services.chats.getMessage(chatId, stranger.id, ids.a1)).toBeUndefined();
    await expect(
      astra.services.chats.startTurn({ chatId, userId: stranger.id, models: [], userMessage: null, assistantMessage: { id: 'intruder-answer', parentId: ids.q1, model: 'm' }, processId: 'p' }),
    ).rejects.toMatchObject({ status: 404 });

    for (const [method, url, body] of [...routesTaking(chatId), ...routesTaking(shareId), ...collectionRoutes]) {
      expect([method, url, (await astra.call(method, url, pending.token, body)).statusCode]).toEqual([method, url, 403]);
      expect([method, url, (await astra.call(method, url, undefined, body)).statusCode]).toEqual([method, url, 401]);
    }

    // None of it changed the owner's chat.
    expect((await astra.call('GET', `/api/v1/chats/${chatId}`, owner.token)).json()).toEqual(before);
    expect((await astra.call('GET', '/api/v1/chats/', owner.token)).json()).toHaveLength(1);
  });
});
