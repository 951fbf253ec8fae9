import { describe, expect, it } from 'vitest';
import { groupChats, titleFrom } from './chat-groups';
import type { ChatListItem } from './types';

const now = new Date(2025, 5, 15, 12, 0, 0);
const at = (daysAgo: number, hours = 0): number => Math.floor(new Date(2025, 5, 15 - daysAgo, 12 - hours).getTime() / 1000);
const chat = (id: string, updatedAt: number, pinned = false): ChatListItem => ({ id, title: id, updated_at: updatedAt, created_at: updatedAt, pinned, archived: false });

describe('groupChats', () => {
  it('groups by day, pinned first, newest first within a group', () => {
    const groups = groupChats(
      [chat('old', at(90)), chat('today-early', at(0, 11)), chat('today', at(0)), chat('yesterday', at(1)), chat('week', at(4)), chat('month', at(20)), chat('pinned', at(200), true)],
      now,
    );
    expect(groups.map((group) => [group.label, group.chats.map((item) => item.id)])).toEqual([
      ['Pinned', ['pinned']],
      ['Today', ['today', 'today-early']],
      ['Yesterday', ['yesterday']],
      ['Previous 7 days', ['week']],
      ['Previous 30 days', ['month']],
      ['Older', ['old']],
    ]);
  });

  it('leaves out empty groups', () => {
    expect(groupChats([], now)).toEqual([]);
  });
});

describe('titleFrom', () => {
  it('takes the first line, cut near 60 characters at a word', () => {
    expect(titleFrom('  How do I sort a list?\nMore details')).toBe('How do I sort a list?');
    const title = titleFrom('Explain the difference between a process and a thread in operating systems, with examples');
    expect(title.length).toBeLessThanOrEqual(61);
    expect(title.endsWith('…')).toBe(true);
    expect(titleFrom('   ')).toBe('New Chat');
  });
});
