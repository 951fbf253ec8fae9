import { afterEach, describe, expect, it } from 'vitest';
import { backendVariants, createTestApp, type SignedInBody, type TestApp } from '../../test/support/test-app';
import { seedBranchingChat } from './test-chats';
import type { ChatListItem, ChatView } from './store';

// Chats live in the database only: the Redis variants add nothing here.
const variants = backendVariants.filter((variant) => !variant.redis);

describe.each(variants)('chat routes ($name)', (variant) => {
  let astra: TestApp;
  afterEach(async () => astra?.close());

  async function start(): Promise<SignedInBody> {
    astra = await createTestApp({ ...variant, env: { DEFAULT_USER_ROLE: 'user' } });
    return astra.signUp();
  }
  const ids = (list: Array<{ id: string }>) => list.map((item) => item.id);

  it('reads a chat as a tree of messages with its branch in view, and moves along the branches', async () => {
    const user = await start();
    const { chatId, ids: m } = await seedBranchingChat(astra.services.chats, user.id);
    const response = await astra.call('GET', `/api/v1/chats/${chatId}`, user.token);
    expect(response.statusCode).toBe(200);
    const chat = response.json<ChatView>();
    expect(chat).toMatchObject({ id: chatId, user_id: user.id, title: 'Boiling water', pinned: false, archived: false, share_id: null });
    expect(chat.chat.models).toEqual(['model-a']);
    const history = chat.chat.history;
    expect(history.currentId).toBe(m.a4);
    // Two answers to one question, and an edited question, are siblings.
    expect(history.messages[m.q1]!.childrenIds).toEqual([m.a1, m.a2]);
    expect(history.messages[m.a2]!.childrenIds).toEqual([m.q2, m.q2b]);
    expect(history.messages[m.q2b]!.parentId).toBe(m.a2);
    expect(ids(chat.chat.messages)).toEqual([m.q1, m.a2, m.q2b, m.a4]);
    expect(history.messages[m.a4]).toMatchObject({ role: 'assistant', content: 'About 85 °C.', model: 'model-a', done: true, status: 'complete', usage: { total_tokens: 10 }, childrenIds: [] });
    expect(history.messages[m.q1]).not.toHaveProperty('model');
    expect(Math.abs(history.messages[m.q1]!.timestamp - Date.now() / 1000)).toBeLessThan(60);

    const moved = await astra.call('POST', `/api/v1/chats/${chatId}`, user.token, { chat: { currentId: m.a3 } });
    expect(ids(moved.json<ChatView>().chat.messages)).toEqual([m.q1, m.a2, m.q2, m.a3]);
    // Open WebUI's client sends its whole chat object; the current id is read from its history.
    const back = await astra.call('POST', `/api/v1/chats/${chatId}`, user.token, { chat: { title: 'Boiling water', history: { messages: {}, currentId: m.a1 }, params: {} } });
    expect(ids(back.json<ChatView>().chat.messages)).toEqual([m.q1, m.a1]);
    expect((await astra.call('POST', `/api/v1/chats/${chatId}`, user.token, { chat: {} })).json().chat.history.currentId).toBe(m.a1);
    const wrong = await astra.call('POST', `/api/v1/chats/${chatId}`, user.token, { chat: { currentId: 'not-a-message' } });
    expect([wrong.statusCode, wrong.json().detail]).toEqual([400, 'chat.currentId: no message "not-a-message" in this chat']);

    // An answer still being written shows as not done, with what was saved so far.
    await astra.services.chats.startTurn({ chatId, userId: user.id, models: [], userMessage: null, assistantMessage: { id: `${chatId}-8`, parentId: m.q2, model: 'model-a' }, processId: 'p' });
    await astra.services.chats.saveProgress(`${chatId}-8`, { content: 'Ab', reasoning: 'hmm' });
    const live = (await astra.call('GET', `/api/v1/chats/${chatId}`, user.token)).json<ChatView>();
    expect(live.chat.history.messages[`${chatId}-8`]).toMatchObject({ done: false, status: 'generating', content: 'Ab', reasoning: 'hmm' });
    expect(live.chat.history.currentId).toBe(`${chatId}-8`);
  });

  it('creates chats, with first messages in Open WebUI form when given', async () => {
    const user = await start();
    const empty = await astra.call('POST', '/api/v1/chats/new', user.token, { chat: { title: 'Empty', models: ['m'] } });
    expect(empty.statusCode).toBe(200);
    expect(empty.json()).toMatchObject({ title: 'Empty', chat: { models: ['m'], history: { messages: {}, currentId: null }, messages: [] } });
    const seeded = await astra.call('POST', '/api/v1/chats/new', user.token, {
      chat: {
        id: '',
        title: 'Seeded',
        models: ['m'],
        history: {
          messages: {
            q: { id: 'q', parentId: null, childrenIds: ['a'], role: 'user', content: 'hi', timestamp: 1718000000 },
            a: { id: 'a', parentId: 'q', childrenIds: [], role: 'assistant', content: 'hello', model: 'm', timestamp: 1718000001, done: true },
          },
          currentId: 'a',
        },
        params: {},
        tags: [],
      },
    });
    const view = seeded.json<ChatView>();
    expect(ids(view.chat.messages)).toEqual(['q', 'a']);
    expect(view.chat.history.messages.a).toMatchObject({ content: 'hello', timestamp: 1718000001 });
    expect((await astra.call('GET', `/api/v1/chats/${view.id}`, user.token)).json().chat.history.currentId).toBe('a');
    const bad = await astra.call('POST', '/api/v1/chats/new', user.token, { chat: { title: 'x', messages: [{ role: 'robot' }] } });
    expect([bad.statusCode, bad.json().detail]).toEqual([400, 'chat.messages[0].role: must be one of "user", "assistant", "system"']);
  });

  it('lists the user’s chats newest first, 50 a page; renames and deletes', async () => {
    const user = await start();
    const base = Date.UTC(2024, 0, 1);
    const drafts = Array.from({ length: 55 }, (_, index) => ({
      id: `chat-${String(index).padStart(2, '0')}`,
      title: `Chat ${index}`,
      models: [],
      pinned: false,
      archived: false,
      currentId: null,
      createdAt: base + index * 1000,
      updatedAt: base + index * 1000,
      messages: [],
    }));
    await astra.services.chats.create(user.id, drafts);
    const first = (await astra.call('GET', '/api/v1/chats/?page=1', user.token)).json<ChatListItem[]>();
    const second = (await astra.call('GET', '/api/v1/chats/?page=2', user.token)).json<ChatListItem[]>();
    expect(first).toHaveLength(50);
    expect(first[0]).toEqual({ id: 'chat-54', title: 'Chat 54', updated_at: (base + 54_000) / 1000, created_at: (base + 54_000) / 1000, pinned: false, archived: false });
    expect(ids(second)).toEqual(['chat-04', 'chat-03', 'chat-02', 'chat-01', 'chat-00']);
    expect((await astra.call('GET', '/api/v1/chats/', user.token)).json()).toEqual(first);

    const renamed = await astra.call('POST', '/api/v1/chats/chat-10', user.token, { chat: { title: 'Renamed', models: ['m2'] } });
    expect(renamed.json()).toMatchObject({ title: 'Renamed', chat: { title: 'Renamed', models: ['m2'] } });
    expect((await astra.call('GET', '/api/v1/chats/', user.token)).json()[0]).toMatchObject({ id: 'chat-10', title: 'Renamed' });
    const blank = await astra.call('POST', '/api/v1/chats/chat-10', user.token, { chat: { title: '  ' } });
    expect([blank.statusCode, blank.json().detail]).toEqual([400, 'chat.title: must be at least 1 characters long']);
    const badPage = await astra.call('GET', '/api/v1/chats/?page=0', user.token);
    expect([badPage.statusCode, badPage.json().detail]).toEqual([400, 'page: must be at least 1']);

    expect((await astra.call('DELETE', '/api/v1/chats/chat-10', user.token)).json()).toBe(true);
    expect((await astra.call('GET', '/api/v1/chats/chat-10', user.token)).statusCode).toBe(404);
    expect((await astra.call('DELETE', '/api/v1/chats/chat-10', user.token)).statusCode).toBe(404);
    expect((await astra.call('DELETE', '/api/v1/chats/', user.token)).json()).toBe(true);
    expect((await astra.call('GET', '/api/v1/chats/', user.token)).json()).toEqual([]);
  });

  it('pins, archives and clones', async () => {
    const user = await start();
    const { chatId, ids: m } = await seedBranchingChat(astra.services.chats, user.id);
    const other = await seedBranchingChat(astra.services.chats, user.id, 'Other');

    expect((await astra.call('POST', `/api/v1/chats/${chatId}/pin`, user.token)).json().pinned).toBe(true);
    expect(ids((await astra.call('GET', '/api/v1/chats/pinned', user.token)).json())).toEqual([chatId]);
    expect(ids((await astra.call('GET', '/api/v1/chats/?pinned=false', user.token)).json())).toEqual([other.chatId]);
    expect((await astra.call('POST', `/api/v1/chats/${chatId}/pin`, user.token)).json().pinned).toBe(false);
    expect((await astra.call('GET', '/api/v1/chats/pinned', user.token)).json()).toEqual([]);

    expect((await astra.call('POST', `/api/v1/chats/${other.chatId}/archive`, user.token)).json().archived).toBe(true);
    expect(ids((await astra.call('GET', '/api/v1/chats/', user.token)).json())).toEqual([chatId]);
    expect(ids((await astra.call('GET', '/api/v1/chats/?archived=true', user.token)).json()).sort()).toEqual([chatId, other.chatId].sort());
    expect(ids((await astra.call('GET', '/api/v1/chats/archived', user.token)).json())).toEqual([other.chatId]);
    expect((await astra.call('POST', `/api/v1/chats/${other.chatId}/archive`, user.token)).json().archived).toBe(false);

    await astra.call('POST', `/api/v1/chats/${chatId}/pin`, user.token);
    const clone = (await astra.call('POST', `/api/v1/chats/${chatId}/clone`, user.token)).json<ChatView>();
    expect(clone.id).not.toBe(chatId);
    expect(clone).toMatchObject({ title: 'Clone of Boiling water', pinned: false, archived: false, share_id: null });
    const original = (await astra.call('GET', `/api/v1/chats/${chatId}`, user.token)).json<ChatView>();
    const shape = (view: ChatView) => view.chat.messages.map((message) => [message.role, message.content, message.childrenIds.length]);
    expect(shape(clone)).toEqual(shape(original));
    expect(Object.keys(clone.chat.history.messages)).toHaveLength(7);
    expect(Object.keys(clone.chat.history.messages).some((id) => id in original.chat.history.messages)).toBe(false);
    expect(clone.chat.history.currentId).not.toBe(m.a4);
    expect(original.pinned).toBe(true);
  });

  it('searches titles and messages of the caller’s chats', async () => {
    const user = await start();
    const { chatId } = await seedBranchingChat(astra.services.chats, user.id, 'Physics questions');
    const other = await seedBranchingChat(astra.services.chats, user.id, 'Cooking');
    const stranger = await astra.signUp();
    await seedBranchingChat(astra.services.chats, stranger.id, 'Physics for strangers');
    expect(ids((await astra.call('GET', '/api/v1/chats/search?text=physics', user.token)).json())).toEqual([chatId]);
    expect(ids((await astra.call('GET', '/api/v1/chats/search?text=Everest', user.token)).json())).toEqual([other.chatId, chatId]);
    expect(ids((await astra.call('GET', '/api/v1/chats/search?text=everest&page=2', user.token)).json())).toEqual([]);
    expect((await astra.call('GET', '/api/v1/chats/search?text=', user.token)).json()).toEqual([]);
  });

  it('shares a chat read-only through a random link until revoked', async () => {
    const user = await start();
    const reader = await astra.signUp();
    const { chatId } = await seedBranchingChat(astra.services.chats, user.id);
    const shared = await astra.call('POST', `/api/v1/chats/${chatId}/share`, user.token);
    const shareId = shared.json<{ share_id: string }>().share_id;
    expect(shareId).toMatch(/^[\w-]{32}$/);
    expect((await astra.call('POST', `/api/v1/chats/${chatId}/share`, user.token)).json().share_id).toBe(shareId);
    expect((await astra.call('GET', `/api/v1/chats/${chatId}`, user.token)).json().share_id).toBe(shareId);

    const read = await astra.call('GET', `/api/v1/chats/share/${shareId}`, reader.token);
    expect(read.statusCode).toBe(200);
    expect(read.json<ChatView>().chat.messages).toHaveLength(4);
    // Reading is all the link allows.
    expect((await astra.call('POST', `/api/v1/chats/${shareId}`, reader.token, { chat: { title: 'x' } })).statusCode).toBe(404);
    expect((await astra.call('GET', `/api/v1/chats/share/${shareId}`, undefined)).statusCode).toBe(401);

    expect((await astra.call('DELETE', `/api/v1/chats/${chatId}/share`, user.token)).json()).toBe(true);
    expect((await astra.call('GET', `/api/v1/chats/share/${shareId}`, reader.token)).statusCode).toBe(404);
    expect((await astra.call('GET', `/api/v1/chats/share/${shareId}`, user.token)).statusCode).toBe(404);
    const again = (await astra.call('POST', `/api/v1/chats/${chatId}/share`, user.token)).json().share_id;
    expect(again).not.toBe(shareId);
  });
});
