import { describe, expect, it } from 'vitest';
import { addMessage, branchTo, completionMessages, newestLeafUnder, siblingIds, type MessageMap } from './chat-tree';
import type { MessageView } from './types';

const message = (id: string, parentId: string | null, role: MessageView['role'], content = id, timestamp = 0): MessageView => ({
  id,
  parentId,
  childrenIds: [],
  role,
  content,
  timestamp,
  done: true,
  status: 'complete',
});

/** u1 → a1, a2 (regenerated); a2 → u2 → a3; u1' (an edit of u1) → a4. */
function tree(): MessageMap {
  const messages: MessageMap = {};
  for (const item of [
    message('u1', null, 'user', 'question', 1),
    message('a1', 'u1', 'assistant'),
    message('a2', 'u1', 'assistant'),
    message('u2', 'a2', 'user'),
    message('a3', 'u2', 'assistant'),
    message('u1b', null, 'user', 'edited question', 2),
    message('a4', 'u1b', 'assistant'),
  ]) {
    addMessage(messages, item);
  }
  return messages;
}

describe('chat tree', () => {
  it('gives the branch from the root to a message', () => {
    expect(branchTo(tree(), 'a3').map((item) => item.id)).toEqual(['u1', 'a2', 'u2', 'a3']);
    expect(branchTo(tree(), null)).toEqual([]);
    expect(branchTo(tree(), 'missing')).toEqual([]);
  });

  it('lists siblings: the answers to one question, and the root versions by time', () => {
    const messages = tree();
    expect(siblingIds(messages, messages.a2!)).toEqual(['a1', 'a2']);
    expect(siblingIds(messages, messages.u1!)).toEqual(['u1', 'u1b']);
    expect(siblingIds(messages, messages.a3!)).toEqual(['a3']);
  });

  it('opens a branch at its newest leaf', () => {
    const messages = tree();
    expect(newestLeafUnder(messages, 'u1')).toBe('a3');
    expect(newestLeafUnder(messages, 'a1')).toBe('a1');
    expect(newestLeafUnder(messages, 'u1b')).toBe('a4');
  });

  it('survives a cycle in bad data', () => {
    const messages: MessageMap = { x: { ...message('x', 'y', 'user'), childrenIds: ['y'] }, y: { ...message('y', 'x', 'assistant'), childrenIds: ['x'] } };
    expect(branchTo(messages, 'x').length).toBeLessThanOrEqual(2);
    expect(['x', 'y']).toContain(newestLeafUnder(messages, 'x'));
  });

  it('sends the branch to the model, without failed empty answers', () => {
    const branch = [message('u1', null, 'user', 'hi'), { ...message('a1', 'u1', 'assistant', ''), status: 'error' as const }, message('u2', 'a1', 'user', 'again')];
    expect(completionMessages(branch)).toEqual([
      { role: 'user', content: 'hi' },
      { role: 'user', content: 'again' },
    ]);
  });
});
