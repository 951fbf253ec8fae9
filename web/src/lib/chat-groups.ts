/** The sidebar's chat list, grouped the way people look for a chat: pinned, then by when it was last used. */
import type { ChatListItem } from './types';

export interface ChatGroup {
  label: string;
  chats: ChatListItem[];
}

const dayMs = 24 * 60 * 60 * 1000;

/** Groups chats (newest first within each group): Pinned, Today, Yesterday, Previous 7 days, Previous 30 days, Older. */
export function groupChats(chats: readonly ChatListItem[], now: Date = new Date()): ChatGroup[] {
  const startOfToday = new Date(now.getFullYear(), now.getMonth(), now.getDate()).getTime();
  const groups: ChatGroup[] = ['Pinned', 'Today', 'Yesterday', 'Previous 7 days', 'Previous 30 days', 'Older'].map((label) => ({ label, chats: [] }));
  const sorted = [...chats].sort((left, right) => right.updated_at - left.updated_at);
  for (const chat of sorted) {
    const time = chat.updated_at * 1000;
    let index: number;
    if (chat.pinned) index = 0;
    else if (time >= startOfToday) index = 1;
    else if (time >= startOfToday - dayMs) index = 2;
    else if (time >= startOfToday - 7 * dayMs) index = 3;
    else if (time >= startOfToday - 30 * dayMs) index = 4;
    else index = 5;
    groups[index]!.chats.push(chat);
  }
  return groups.filter((group) => group.chats.length > 0);
}

/** A title for a new chat from its first message: the first line, cut at a word near 60 characters. */
export function titleFrom(text: string): string {
  const line = text.trim().split('\n')[0]?.replace(/\s+/g, ' ').trim() ?? '';
  if (line === '') return 'New Chat';
  if (line.length <= 60) return line;
  const cut = line.slice(0, 60);
  const space = cut.lastIndexOf(' ');
  return `${(space > 30 ? cut.slice(0, space) : cut).trimEnd()}…`;
}
