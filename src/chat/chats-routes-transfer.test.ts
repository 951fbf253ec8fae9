import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { backendVariants, createTestApp, type SignedInBody, type TestApp } from '../../test/support/test-app';
import { seedBranchingChat } from './test-chats';
import type { ChatListItem, ChatView } from './store';

const variants = backendVariants.filter((variant) => !variant.redis);

const openWebUiExport = async (): Promise<Array<Record<string, unknown>>> =>
  JSON.parse(await readFile(new URL('./store/fixtures/open-webui-export.json', import.meta.url), 'utf8'));

/** A chat's tree without its ids (each message with its children nested): equal for a chat and its imported copy. */
function treeShape(view: ChatView): unknown {
  const messages = view.chat.history.messages;
  const node = (id: string): unknown => {
    const { id: _id, parentId: _parentId, childrenIds, ...rest } = messages[id]!;
    return { ...rest, current: id === view.chat.history.currentId, children: childrenIds.map(node) };
  };
  const roots = Object.values(messages).filter((message) => message.parentId === null);
  return {
    title: view.title,
    pinned: view.pinned,
    archived: view.archived,
    created_at: view.created_at,
    updated_at: view.updated_at,
    models: view.chat.models,
    tree: roots.map((root) => node(root.id)),
    branch: view.chat.messages.map((message) => message.content),
  };
}

describe.each(variants)('chat export and import ($name)', (variant) => {
  let astra: TestApp;
  afterEach(async () => astra?.close());

  async function start(): Promise<SignedInBody> {
    astra = await createTestApp({ ...variant, env: { DEFAULT_USER_ROLE: 'user' } });
    return astra.signUp();
  }

  it('round-trips its own export, giving new ids where the old ones are taken', async () => {
    const user = await start();
    const { chatId } = await seedBranchingChat(astra.services.chats, user.id);
    await astra.call('POST', `/api/v1/chats/${chatId}/pin`, user.token);
    const failed = await seedBranchingChat(astra.services.chats, user.id, 'Archived one');
    await astra.services.chats.finishMessage(failed.ids.a4, { status: 'error', content: '', reasoning: 'r', error: 'model server refused' });
    await astra.call('POST', `/api/v1/chats/${failed.chatId}/archive`, user.token);

    const exported = (await astra.call('GET', '/api/v1/chats/export', user.token)).json<{ version: number; chats: ChatView[] }>();
    expect(exported.version).toBe(1);
    expect(exported.chats).toHaveLength(2);
    expect(exported.chats.find((chat) => chat.id === chatId)).toEqual((await astra.call('GET', `/api/v1/chats/${chatId}`, user.token)).json());

    const imported = await astra.call('POST', '/api/v1/chats/import', user.token, exported);
    expect(imported.statusCode).toBe(200);
    const created = imported.json<ChatListItem[]>();
    expect(created.map((chat) => chat.id).some((id) => id === chatId || id === failed.chatId)).toBe(false);
    for (const [index, item] of created.entries()) {
      const copy = (await astra.call('GET', `/api/v1/chats/${item.id}`, user.token)).json<ChatView>();
      expect(treeShape(copy)).toEqual(treeShape(exported.chats[index]!));
    }
    expect((await astra.call('GET', '/api/v1/chats/?archived=true', user.token)).json()).toHaveLength(4);

    // Another account imports the same file as its own.
    const other = await astra.signUp();
    expect((await astra.call('POST', '/api/v1/chats/import', other.token, exported)).statusCode).toBe(200);
    expect((await astra.call('GET', '/api/v1/chats/?archived=true', other.token)).json()).toHaveLength(2);
  });

  it('imports Open WebUI’s chat export with its branches', async () => {
    const user = await start();
    const response = await astra.call('POST', '/api/v1/chats/import', user.token, await openWebUiExport());
    expect(response.statusCode).toBe(200);
    expect(response.json<ChatListItem[]>().map((chat) => [chat.title, chat.pinned, chat.archived])).toEqual([
      ['Boiling point of water', false, false],
      ['Haiku about autumn', true, false],
      ['Old conversation', false, true],
    ]);

    const boiling = (await astra.call('GET', '/api/v1/chats/5f0c1e9a-3b7d-4c2e-9a61-0d8f4b2c7e11', user.token)).json<ChatView>();
    expect(boiling).toMatchObject({ created_at: 1718000000, updated_at: 1718000095 });
    const id = (n: number) => `1a2b3c4d-000${n}-4000-8000-00000000000${n}`;
    expect(boiling.chat.messages.map((message) => message.content)).toEqual([
      'At what temperature does water boil?',
      'Water boils at 100 degrees Celsius (212 °F) at standard atmospheric pressure.',
      'And at the top of Mont Blanc?',
      'Roughly 85 °C.',
    ]);
    const history = boiling.chat.history.messages;
    expect(history[id(1)]!.childrenIds).toEqual([id(2), id(3)]);
    expect(history[id(3)]!.childrenIds).toEqual([id(4), id(6)]);
    expect(history[id(3)]).toMatchObject({ usage: { total_tokens: 39 }, timestamp: 1718000030, model: 'llama3.1:8b' });
    expect(history[id(7)]!.sources).toHaveLength(1);

    const haiku = (await astra.call('GET', '/api/v1/chats/9d3e7a21-6b4c-4f8e-a1d2-3c5b7e9f0a12', user.token)).json<ChatView>();
    expect(haiku.share_id).toBeNull(); // a share link of the other server is not carried over
    expect(haiku.chat.messages.at(-1)).toMatchObject({ status: 'error', error: { content: 'Connection refused: the model server did not answer' } });
    expect(ids(await astra.call('GET', '/api/v1/chats/search?text=crimson', user.token))).toEqual([haiku.id]);

    // The same file again: every id is taken now, so the copies get new ones.
    const again = (await astra.call('POST', '/api/v1/chats/import', user.token, await openWebUiExport())).json<ChatListItem[]>();
    expect(again.some((chat) => chat.id === haiku.id)).toBe(false);
    const copy = (await astra.call('GET', `/api/v1/chats/${again[0]!.id}`, user.token)).json<ChatView>();
    expect(treeShape(copy)).toEqual(treeShape(boiling));
  });

  it('refuses a file with a bad record, naming it, and imports nothing', async () => {
    const user = await start();
    const chats = (await openWebUiExport()) as Array<{ chat: { history: { messages: Record<string, Record<string, unknown>> } } }>;
    chats[2]!.chat.history.messages['3c4d5e6f-0002-4000-8000-000000000002']!.role = 'narrator';
    const response = await astra.call('POST', '/api/v1/chats/import', user.token, chats);
    expect(response.statusCode).toBe(400);
    expect(response.json().detail).toBe(
      'Nothing was imported: chats[2].chat.history.messages.3c4d5e6f-0002-4000-8000-000000000002.role: must be one of "user", "assistant", "system"',
    );
    expect((await astra.call('GET', '/api/v1/chats/?archived=true', user.token)).json()).toEqual([]);
    const notAnExport = await astra.call('POST', '/api/v1/chats/import', user.token, { hello: 'world' });
    expect(notAnExport.json().detail).toMatch(/^body: must be a chat export/);
  });

  it('takes large imports, while other routes keep the small body limit', async () => {
    const user = await start();
    const long = 'word '.repeat(400_000); // 2 MB
    const big = [{ title: 'Long', chat: { history: { messages: { q: { role: 'user', content: long } }, currentId: 'q' } } }];
    const imported = await astra.call('POST', '/api/v1/chats/import', user.token, big);
    expect(imported.statusCode).toBe(200);
    const chat = (await astra.call('GET', `/api/v1/chats/${imported.json()[0].id}`, user.token)).json<ChatView>();
    expect(chat.chat.messages[0]!.content).toHaveLength(long.length);
    const tooBig = await astra.call('POST', '/api/v1/chats/new', user.token, { chat: { title: 'x', messages: [{ role: 'user', content: long }] } });
    expect([tooBig.statusCode, tooBig.json().detail]).toEqual([413, 'Request body is larger than the limit of 1 MiB']);
  });
});

function ids(response: { json(): unknown }): string[] {
  return (response.json() as ChatListItem[]).map((chat) => chat.id);
}
