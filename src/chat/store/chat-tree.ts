/**
 * A chat's messages as a tree: each message's children in the order they were written (oldest
 * first), and the branch shown, from the root down to the current message. Siblings are the
 * children of one parent: the answers regenerated for one question, or the edits of one question.
 */

/** The fields of a message the tree needs. */
export interface TreeMessage {
  id: string;
  parentId: string | null;
}

export interface ChatTree<Message extends TreeMessage> {
  byId: Map<string, Message>;
  /** Children ids of each message id, oldest first; the roots are under `null`. */
  children: Map<string | null, string[]>;
}

/** Builds the tree of `messages`, which must be ordered oldest first. Unknown parents count as roots. */
export function buildTree<Message extends TreeMessage>(messages: Message[]): ChatTree<Message> {
  const byId = new Map(messages.map((message) => [message.id, message]));
  const children = new Map<string | null, string[]>();
  for (const message of messages) {
    const parent = message.parentId !== null && byId.has(message.parentId) ? message.parentId : null;
    const siblings = children.get(parent);
    if (siblings) siblings.push(message.id);
    else children.set(parent, [message.id]);
  }
  return { byId, children };
}

/** The messages from the root down to `currentId` (empty when it is not in the tree). */
export function branchTo<Message extends TreeMessage>(tree: ChatTree<Message>, currentId: string | null): Message[] {
  const branch: Message[] = [];
  const seen = new Set<string>();
  let message = currentId === null ? undefined : tree.byId.get(currentId);
  // `seen` guards against a cycle, which only a corrupted database could hold.
  while (message !== undefined && !seen.has(message.id)) {
    seen.add(message.id);
    branch.push(message);
    message = message.parentId === null ? undefined : tree.byId.get(message.parentId);
  }
  return branch.reverse();
}

/** The newest leaf: from the newest root, always down to the newest child (null for no messages). */
export function newestLeaf<Message extends TreeMessage>(tree: ChatTree<Message>): string | null {
  let current: string | null = null;
  const seen = new Set<string>();
  for (;;) {
    const next: string | undefined = tree.children.get(current)?.at(-1);
    if (next === undefined || seen.has(next)) return current;
    seen.add(next);
    current = next;
  }
}
