import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { databaseKinds } from '../../../test/support/backends';
import { openChatTestDatabase, type ChatTestDatabase } from './chat-test-database';
import { searchWords } from './chat-search';

const page = { offset: 0, limit: 50 };

describe('searchWords', () => {
  it('splits like the tokenizers do, without query syntax, at most 16 words', () => {
    expect(searchWords('Café "OR" NEAR(x*) -y')).toEqual(['café', 'or', 'near', 'x', 'y']);
    expect(searchWords('  ?! ')).toEqual([]);
    expect(searchWords(Array.from({ length: 40 }, (_, index) => `w${index}`).join(' '))).toHaveLength(16);
  });
});

describe.each(databaseKinds)('chat search (%s)', (kind) => {
  let test: ChatTestDatabase;
  let userId: string;
  beforeEach(async () => {
    test = await openChatTestDatabase(kind);
    userId = await test.addUser();
  });
  afterEach(async () => test.close());

  async function chatWith(chatId: string, owner: string, title: string, question: string, answer?: string): Promise<void> {
    await test.chats.startTurn({
      chatId,
      userId: owner,
      title,
      models: ['m'],
      userMessage: { id: `${chatId}-q`, parentId: null, content: question },
      assistantMessage: { id: `${chatId}-a`, parentId: `${chatId}-q`, model: 'm' },
      processId: 'p',
    });
    if (answer !== undefined) await test.chats.finishMessage(`${chatId}-a`, { status: 'complete', content: answer, reasoning: '' });
  }
  const search = async (text: string, owner = userId) => (await test.chats.search(owner, text, page)).map((chat) => chat.id).sort();

  it('finds the user’s chats by title or by any message, every word in one place, any case', async () => {
    await chatWith('c1', userId, 'Sourdough starter', 'How often should I feed it?', 'Twice a day at room temperature.');
    await chatWith('c2', userId, 'Trip planning', 'Best time to visit Kyoto?', 'Late autumn, for the maples.');
    await chatWith('c3', userId, 'Kyoto food', 'What should I eat?', 'Yudofu and matcha sweets.');
    expect(await search('sourdough')).toEqual(['c1']);
    expect(await search('KYOTO')).toEqual(['c2', 'c3']);
    expect(await search('maples autumn')).toEqual(['c2']);
    expect(await search('matcha kyoto')).toEqual([]); // words in different places
    expect(await search('room temperature')).toEqual(['c1']);
    expect(await search('"unbalanced ( NEAR OR * -')).toEqual([]);
    expect(await search('')).toEqual([]);
  });

  it('leaves out other users’ chats, archived chats and answers still being generated', async () => {
    const stranger = await test.addUser();
    await chatWith('mine', userId, 'Garden', 'Tomato blight?');
    await chatWith('theirs', stranger, 'Garden too', 'Tomato seedlings?', 'Harden them off first.');
    await test.chats.saveProgress('mine-a', { content: 'Copper fungicide helps', reasoning: '' });
    expect(await search('tomato')).toEqual(['mine']);
    expect(await search('fungicide')).toEqual([]);
    await test.chats.finishMessage('mine-a', { status: 'complete', content: 'Copper fungicide helps', reasoning: '' });
    expect(await search('fungicide')).toEqual(['mine']);
    await test.chats.toggle('mine', userId, 'archived');
    expect(await search('tomato')).toEqual([]);
  });

  it('follows renames, edits and deletions, with no stale match on reused rows', async () => {
    await chatWith('c1', userId, 'Alpha', 'first words', 'answer one');
    await test.chats.update('c1', userId, { title: 'Beta' });
    expect(await search('alpha')).toEqual([]);
    expect(await search('beta')).toEqual(['c1']);
    await test.chats.delete('c1', userId);
    expect(await search('beta')).toEqual([]);
    expect(await search('answer')).toEqual([]);
    // New rows (SQLite may reuse the deleted rows' ids) match only their own text.
    await chatWith('c2', userId, 'Gamma', 'other words', 'reply two');
    expect(await search('answer')).toEqual([]);
    expect(await search('reply')).toEqual(['c2']);
    const stranger = await test.addUser();
    await chatWith('c3', stranger, 'Delta', 'their words', 'their reply');
    await test.database.db.deleteFrom('users').where('id', '=', stranger).execute();
    expect(await search('reply')).toEqual(['c2']);
    if (kind === 'sqlite') {
      // With no answer left generating, both indexes must match their tables exactly.
      for (const table of ['chats_fts', 'messages_fts']) {
        await sql.raw(`insert into ${table}(${table}, rank) values ('integrity-check', 1)`).execute(test.database.db);
      }
    }
  });

  it('pages results, most recently updated first', async () => {
    for (let index = 0; index < 5; index += 1) {
      await chatWith(`c${index}`, userId, `Note ${index}`, 'shared topic', 'ok');
      await new Promise((resolve) => setTimeout(resolve, 3));
    }
    const first = await test.chats.search(userId, 'topic', { offset: 0, limit: 3 });
    const second = await test.chats.search(userId, 'topic', { offset: 3, limit: 3 });
    expect([...first, ...second].map((chat) => chat.id)).toEqual(['c4', 'c3', 'c2', 'c1', 'c0']);
  });
});
