/**
 * The message tree of a chat (`history.messages`, each message with its `parentId` and
 * `childrenIds`): the branch in view, a message's siblings (the answers to one question, the
 * versions of an edited question), the newest leaf below a message, and the messages a new turn
 * sends to the model.
 */
import type { MessageView } from './types';

export type MessageMap = Record<string, MessageView>;

/** The messages from the root down to `id` (empty when `id` is null or unknown). */
export function branchTo(messages: MessageMap, id: string | null): MessageView[] {
  const branch: MessageView[] = [];
  const seen = new Set<string>();
  let current = id === null ? undefined : messages[id];
  while (current !== undefined && !seen.has(current.id)) {
    seen.add(current.id);
    branch.push(current);
    current = current.parentId === null ? undefined : messages[current.parentId];
  }
  return branch.reverse();
}

/** The ids of a message and its siblings, oldest first: its parent's children, or the roots. */
export function siblingIds(messages: MessageMap, message: MessageView): string[] {
  if (message.parentId !== null) {
    const parent = messages[message.parentId];
    if (parent !== undefined) return parent.childrenIds.filter((id) => messages[id] !== undefined);
  }
  return Object.values(messages)
    .filter((candidate) => candidate.parentId === null || messages[candidate.parentId] === undefined)
    .sort((left, right) => left.timestamp - right.timestamp)
    .map((candidate) => candidate.id);
}

/** The leaf reached from `id` by always taking the newest child: what opening that branch shows. */
export function newestLeafUnder(messages: MessageMap, id: string): string {
  const seen = new Set<string>();
  let current = messages[id];
  while (current !== undefined && !seen.has(current.id)) {
    seen.add(current.id);
    const next = current.childrenIds.at(-1);
    if (next === undefined || messages[next] === undefined) return current.id;
    current = messages[next];
  }
  return id;
}

/** Adds a message to the tree (as its parent's newest child). */
export function addMessage(messages: MessageMap, message: MessageView): void {
  messages[message.id] = message;
  if (message.parentId !== null) {
    const parent = messages[message.parentId];
    if (parent !== undefined && !parent.childrenIds.includes(message.id)) parent.childrenIds.push(message.id);
  }
}

/** The conversation as the model reads it: each message's role and text; failed answers with no text left out. */
export function completionMessages(branch: readonly MessageView[]): Array<{ role: MessageView['role']; content: string }> {
  return branch
    .filter((message) => !(message.role === 'assistant' && message.content.trim() === ''))
    .map((message) => ({ role: message.role, content: message.content }));
}
