import { describe, expect, it } from 'vitest';
import { branchTo, buildTree, newestLeaf } from './chat-tree';

// q1 → a1, a2 (regenerated); a2 → q2, q2-edit (edited question); q2-edit → a3
const messages = [
  { id: 'q1', parentId: null },
  { id: 'a1', parentId: 'q1' },
  { id: 'a2', parentId: 'q1' },
  { id: 'q2', parentId: 'a2' },
  { id: 'q2-edit', parentId: 'a2' },
  { id: 'a3', parentId: 'q2-edit' },
];

describe('chat tree', () => {
  it('lists each message’s children oldest first: siblings are answers or edits of one parent', () => {
    const tree = buildTree(messages);
    expect(tree.children.get(null)).toEqual(['q1']);
    expect(tree.children.get('q1')).toEqual(['a1', 'a2']);
    expect(tree.children.get('a2')).toEqual(['q2', 'q2-edit']);
    expect(tree.children.get('a1')).toBeUndefined();
  });

  it('walks the branch from the root to the current message', () => {
    const tree = buildTree(messages);
    expect(branchTo(tree, 'a3').map((message) => message.id)).toEqual(['q1', 'a2', 'q2-edit', 'a3']);
    expect(branchTo(tree, 'a1').map((message) => message.id)).toEqual(['q1', 'a1']);
    expect(branchTo(tree, 'missing')).toEqual([]);
    expect(branchTo(tree, null)).toEqual([]);
  });

  it('finds the newest leaf, and survives a parent that is not in the chat', () => {
    expect(newestLeaf(buildTree(messages))).toBe('a3');
    expect(newestLeaf(buildTree([]))).toBeNull();
    const orphan = buildTree([{ id: 'x', parentId: 'gone' }]);
    expect(orphan.children.get(null)).toEqual(['x']);
  });
});
