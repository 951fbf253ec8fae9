/**
 * The sidebar's chats: the user's list (newest first, 50 a page), search results, and the
 * operations on one chat (rename, pin, archive, delete), each applied on screen once the server
 * has it.
 */
import { api, segment } from './api';
import { isApiError } from './api-error';
import type { ChatListItem, ChatView } from './types';
import type { UserEvent } from './user-events';

const pageSize = 50;

interface ChatListState {
  items: ChatListItem[];
  loading: boolean;
  problem: string;
  /** More pages may follow. */
  more: boolean;
  /** The search text; results replace the list while it is not empty. */
  query: string;
  results: ChatListItem[] | null;
  searching: boolean;
  /** Showing archived chats instead of the list. */
  archived: ChatListItem[] | null;
}

export const chatList: ChatListState = $state({ items: [], loading: false, problem: '', more: false, query: '', results: null, searching: false, archived: null });

let page = 1;

const message = (error: unknown): string => (isApiError(error) ? error.message : String(error));

export async function loadChats(): Promise<void> {
  chatList.loading = true;
  chatList.problem = '';
  try {
    page = 1;
    const items = await api.get<ChatListItem[]>('/api/v1/chats/?page=1');
    chatList.items = items;
    chatList.more = items.length >= pageSize;
  } catch (error) {
    chatList.problem = message(error);
  } finally {
    chatList.loading = false;
  }
}

export async function loadMoreChats(): Promise<void> {
  if (chatList.loading) return;
  chatList.loading = true;
  try {
    const items = await api.get<ChatListItem[]>(`/api/v1/chats/?page=${page + 1}`);
    page += 1;
    const known = new Set(chatList.items.map((item) => item.id));
    chatList.items.push(...items.filter((item) => !known.has(item.id)));
    chatList.more = items.length >= pageSize;
  } catch (error) {
    chatList.problem = message(error);
  } finally {
    chatList.loading = false;
  }
}

let searchController: AbortController | undefined;

export async function searchChats(text: string): Promise<void> {
  chatList.query = text;
  searchController?.abort();
  if (text.trim() === '') {
    chatList.results = null;
    chatList.searching = false;
    return;
  }
  const controller = new AbortController();
  searchController = controller;
  chatList.searching = true;
  try {
    const results = await api.get<ChatListItem[]>(`/api/v1/chats/search?text=${encodeURIComponent(text.trim())}`, { signal: controller.signal });
    if (searchController === controller) chatList.results = results;
  } catch (error) {
    if (!(isApiError(error) && error.kind === 'aborted')) chatList.problem = message(error);
  } finally {
    if (searchController === controller) chatList.searching = false;
  }
}

export async function loadArchived(): Promise<void> {
  chatList.archived = await api.get<ChatListItem[]>('/api/v1/chats/archived');
}

export function closeArchived(): void {
  chatList.archived = null;
}

/** Puts a chat at the top of the list (a new chat, or one that just got an answer). */
export function upsertChat(item: ChatListItem): void {
  const index = chatList.items.findIndex((existing) => existing.id === item.id);
  if (index !== -1) chatList.items.splice(index, 1);
  chatList.items.unshift(item);
}

/** A chat just got an answer: it moves to the top, keeping its flags. */
export function touchChat(id: string, title: string): void {
  const now = Math.floor(Date.now() / 1000);
  const existing = chatList.items.find((item) => item.id === id);
  upsertChat(existing === undefined ? { id, title, updated_at: now, created_at: now, pinned: false, archived: false } : { ...existing, updated_at: now });
}

function applyEverywhere(id: string, change: (item: ChatListItem) => void): void {
  for (const list of [chatList.items, chatList.results ?? [], chatList.archived ?? []]) {
    const item = list.find((candidate) => candidate.id === id);
    if (item !== undefined) change(item);
  }
}

function removeEverywhere(id: string): void {
  chatList.items = chatList.items.filter((item) => item.id !== id);
  if (chatList.results !== null) chatList.results = chatList.results.filter((item) => item.id !== id);
  if (chatList.archived !== null) chatList.archived = chatList.archived.filter((item) => item.id !== id);
}

export async function renameChat(id: string, title: string): Promise<void> {
  const view = await api.post<ChatView>(`/api/v1/chats/${segment(id)}`, { chat: { title } }, { idempotent: true });
  applyEverywhere(id, (item) => (item.title = view.title));
}

export async function deleteChat(id: string): Promise<void> {
  await api.delete(`/api/v1/chats/${segment(id)}`);
  removeEverywhere(id);
}

export async function togglePin(id: string): Promise<void> {
  const view = await api.post<ChatView>(`/api/v1/chats/${segment(id)}/pin`);
  applyEverywhere(id, (item) => (item.pinned = view.pinned));
}

export async function toggleArchive(id: string): Promise<boolean> {
  const view = await api.post<ChatView>(`/api/v1/chats/${segment(id)}/archive`);
  if (view.archived) {
    chatList.items = chatList.items.filter((item) => item.id !== id);
    if (chatList.results !== null) chatList.results = chatList.results.filter((item) => item.id !== id);
  } else {
    if (chatList.archived !== null) chatList.archived = chatList.archived.filter((item) => item.id !== id);
    upsertChat({ id: view.id, title: view.title, updated_at: view.updated_at, created_at: view.created_at, pinned: view.pinned, archived: false });
  }
  return view.archived;
}

/** A change announced on the user's events channel (this tab's own changes come back too). */
export function applyUserEvent({ event, data }: UserEvent): void {
  if (event === 'chat-created' || event === 'chat-updated') {
    const item = data as ChatListItem;
    if (typeof item?.id !== 'string') return;
    const known = chatList.items.some((existing) => existing.id === item.id);
    if (event === 'chat-created') {
      // This tab's own new chat is already listed, with the title taken from its first message.
      if (!known && !item.archived) upsertChat(item);
      return;
    }
    if (item.archived) {
      chatList.items = chatList.items.filter((existing) => existing.id !== item.id);
    } else if (!known) {
      upsertChat(item);
    }
    applyEverywhere(item.id, (existing) => {
      existing.title = item.title;
      existing.pinned = item.pinned;
      existing.archived = item.archived;
      existing.updated_at = item.updated_at;
    });
  } else if (event === 'chat-deleted') {
    const id = (data as { id?: unknown }).id;
    if (typeof id === 'string') removeEverywhere(id);
  } else if (event === 'chats-deleted') {
    void loadChats();
  }
}
