import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { databaseKinds } from '../../../test/support/backends';
import { AstraError } from '../../core/errors';
import { openChatTestDatabase, type ChatTestDatabase } from './chat-test-database';
import type { TurnStart } from './turns';

async function failure(promise: Promise<unknown>): Promise<AstraError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(AstraError);
  return error as AstraError;
}

describe.each(databaseKinds)('ChatStore turns (%s)', (kind) => {
  let test: ChatTestDatabase;
  let userId: string;
  beforeEach(async () => {
    test = await openChatTestDatabase(kind);
    userId = await test.addUser();
  });
  afterEach(async () => test.close());

  const turn = (overrides: Partial<TurnStart> = {}): TurnStart => ({
    chatId: 'chat-1',
    userId,
    title: 'First question',
    models: ['m1'],
    userMessage: { id: 'q1', parentId: null, content: 'Why is the sky blue?' },
    assistantMessage: { id: 'a1', parentId: 'q1', model: 'm1' },
    processId: 'process-a',
    ...overrides,
  });

  it('creates the chat with the question and a generating placeholder, in one step', async () => {
    expect(await test.chats.startTurn(turn())).toEqual({ createdChat: true });
    const chat = await test.chats.read('chat-1', userId);
    expect(chat?.chat).toMatchObject({ title: 'First question', models: '["m1"]', current_message_id: 'a1', user_id: userId });
    expect(chat?.messages.map((message) => [message.id, message.role, message.status, message.process_id])).toEqual([
      ['q1', 'user', 'complete', null],
      ['a1', 'assistant', 'generating', 'process-a'],
    ]);
    expect(await test.chats.ownsChat('chat-1', userId)).toBe(true);
  });

  it('adds turns to the user’s existing chat, and regenerates answers as siblings', async () => {
    await test.chats.startTurn(turn());
    await test.chats.finishMessage('a1', { status: 'complete', content: 'Rayleigh scattering.', reasoning: '' });
    const again = await test.chats.startTurn(turn({ userMessage: null, assistantMessage: { id: 'a2', parentId: 'q1', model: 'm2' }, models: ['m2'] }));
    expect(again).toEqual({ createdChat: false });
    const chat = await test.chats.read('chat-1', userId);
    expect(chat?.chat.current_message_id).toBe('a2');
    expect(chat?.chat.models).toBe('["m2"]');
    expect(chat?.messages.filter((message) => message.parent_id === 'q1').map((message) => message.id)).toEqual(['a1', 'a2']);
  });

  it('orders a regenerated answer after the first even when the clock steps back', async () => {
    await test.chats.startTurn(turn({ assistantMessage: { id: 'z-first', parentId: 'q1', model: 'm1' } }));
    const now = Date.now();
    const clock = vi.spyOn(Date, 'now').mockReturnValue(now - 60_000);
    try {
      await test.chats.startTurn(turn({ userMessage: null, assistantMessage: { id: 'a-second', parentId: 'q1', model: 'm1' } }));
    } finally {
      clock.mockRestore();
    }
    const answers = (await test.chats.read('chat-1', userId))?.messages.filter((message) => message.parent_id === 'q1');
    expect(answers?.map((message) => message.id)).toEqual(['z-first', 'a-second']);
  });

  it('refuses another user’s chat (404), parents from elsewhere (400) and taken ids (409)', async () => {
    await test.chats.startTurn(turn());
    const stranger = await test.addUser();
    const notYours = await failure(test.chats.startTurn(turn({ userId: stranger, userMessage: { id: 'q9', parentId: 'a1', content: 'x' }, assistantMessage: { id: 'a9', parentId: 'q9', model: 'm1' } })));
    expect(notYours.status).toBe(404);

    await test.chats.startTurn(turn({ chatId: 'chat-2', userMessage: { id: 'q2', parentId: null, content: 'x' }, assistantMessage: { id: 'a2', parentId: 'q2', model: 'm1' } }));
    const foreignParent = await failure(test.chats.startTurn(turn({ userMessage: { id: 'q3', parentId: 'a2', content: 'x' }, assistantMessage: { id: 'a3', parentId: 'q3', model: 'm1' } })));
    expect([foreignParent.status, foreignParent.message]).toEqual([400, 'userMessage.parentId: no message "a2" in this chat']);
    const foreignAnswerParent = await failure(test.chats.startTurn(turn({ userMessage: null, assistantMessage: { id: 'a4', parentId: 'q2', model: 'm1' } })));
    expect(foreignAnswerParent.message).toMatch(/^assistantMessage\.parentId: /);
    const mismatched = await failure(test.chats.startTurn(turn({ userMessage: { id: 'q5', parentId: 'a1', content: 'x' }, assistantMessage: { id: 'a5', parentId: 'a1', model: 'm1' } })));
    expect(mismatched.message).toMatch(/^assistantMessage\.parentId: /);

    const taken = await failure(test.chats.startTurn(turn({ userMessage: { id: 'q6', parentId: 'a1', content: 'x' }, assistantMessage: { id: 'a2', parentId: 'q6', model: 'm1' } })));
    expect(taken.status).toBe(409);
    // Nothing of a refused turn was written.
    expect((await test.chats.read('chat-1', userId))?.messages.map((message) => message.id)).toEqual(['q1', 'a1']);
    expect(await test.chats.ownsChat('chat-1', stranger)).toBe(false);
  });

  it('saves progress while generating, finishes once, and reads messages for their owner only', async () => {
    await test.chats.startTurn(turn());
    await test.chats.saveProgress('a1', { content: 'Ray', reasoning: 'thinking' });
    expect(await test.chats.getMessage('chat-1', userId, 'a1')).toMatchObject({ content: 'Ray', reasoning: 'thinking', status: 'generating' });
    await test.chats.finishMessage('a1', { status: 'error', content: 'Ray', reasoning: 'thinking', error: 'upstream failed', usage: { total_tokens: 3 }, timings: { first_token_ms: 12 } });
    const finished = await test.chats.getMessage('chat-1', userId, 'a1');
    expect(finished).toMatchObject({ status: 'error', error: 'upstream failed', usage: '{"total_tokens":3}', timings: '{"first_token_ms":12}', process_id: null });
    // A late save does not overwrite the final answer.
    await test.chats.saveProgress('a1', { content: 'late', reasoning: '' });
    expect((await test.chats.getMessage('chat-1', userId, 'a1'))?.content).toBe('Ray');

    const stranger = await test.addUser();
    expect(await test.chats.getMessage('chat-1', stranger, 'a1')).toBeUndefined();
    expect(await test.chats.getMessage('other-chat', userId, 'a1')).toBeUndefined();
  });

  it('stores a question’s parts other than text, and an answer’s tool calls while it streams and at the end', async () => {
    const image = { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } };
    await test.chats.startTurn(turn({ userMessage: { id: 'q1', parentId: null, content: 'What is this?', contentParts: [image] } }));
    expect(await test.chats.getMessage('chat-1', userId, 'q1')).toMatchObject({ content: 'What is this?', content_parts: JSON.stringify([image]), tool_calls: null });
    expect(await test.chats.getMessage('chat-1', userId, 'a1')).toMatchObject({ content_parts: null, tool_calls: null });

    const call = (args: string) => ({ id: 'call_0', type: 'function' as const, function: { name: 'lookup', arguments: args } });
    await test.chats.saveProgress('a1', { content: '', reasoning: '', toolCalls: [call('{"q":')] });
    expect((await test.chats.getMessage('chat-1', userId, 'a1'))?.tool_calls).toBe(JSON.stringify([call('{"q":')]));
    // A save without calls leaves the stored ones alone.
    await test.chats.saveProgress('a1', { content: 'Looking', reasoning: '' });
    expect((await test.chats.getMessage('chat-1', userId, 'a1'))?.tool_calls).toBe(JSON.stringify([call('{"q":')]));
    await test.chats.finishMessage('a1', { status: 'complete', content: 'Looking', reasoning: '', toolCalls: [call('{"q":"x"}')] });
    expect((await test.chats.getMessage('chat-1', userId, 'a1'))?.tool_calls).toBe(JSON.stringify([call('{"q":"x"}')]));

    // Empty lists are stored as null, like absent ones.
    await test.chats.startTurn(turn({ chatId: 'chat-2', userMessage: { id: 'q2', parentId: null, content: 'x', contentParts: [] }, assistantMessage: { id: 'a2', parentId: 'q2', model: 'm1' } }));
    await test.chats.finishMessage('a2', { status: 'complete', content: 'y', reasoning: '', toolCalls: [] });
    expect(await test.chats.getMessage('chat-2', userId, 'q2')).toMatchObject({ content_parts: null });
    expect(await test.chats.getMessage('chat-2', userId, 'a2')).toMatchObject({ tool_calls: null });
  });

  it('marks answers left generating as interrupted, by process', async () => {
    const start = (n: number, processId: string) =>
      test.chats.startTurn(turn({ chatId: `chat-${n}`, processId, userMessage: { id: `q${n}`, parentId: null, content: 'x' }, assistantMessage: { id: `a${n}`, parentId: `q${n}`, model: 'm1' } }));
    await start(1, 'process-a');
    await start(2, 'process-b');
    await start(3, 'process-c');
    await start(4, 'process-a');
    await test.chats.finishMessage('a4', { status: 'stopped', content: '', reasoning: '' });

    expect(await test.chats.markInterrupted({ processIds: [] })).toBe(0);
    expect(await test.chats.markInterrupted({ processIds: ['process-a'] })).toBe(1);
    expect(await test.chats.markInterrupted({ exceptProcessIds: ['process-b'] })).toBe(1);
    const status = async (id: string) => (await test.chats.getMessage(id.replace('a', 'chat-'), userId, id))?.status;
    expect([await status('a1'), await status('a2'), await status('a3'), await status('a4')]).toEqual(['interrupted', 'generating', 'interrupted', 'stopped']);
    expect(await test.chats.markInterrupted({})).toBe(1);
    expect(await status('a2')).toBe('interrupted');
  });
});
