/**
 * Chats with branches, written the way generation writes them (`startTurn`, `finishMessage`), for
 * route tests. Test-only: imported by `*.test.ts` files, never by the server.
 */
import { newId } from '../core/ids';
import type { ChatStore } from './store';

export interface BranchingChat {
  chatId: string;
  /** q1 → a1, a2 (a regenerated answer); a2 → q2 → a3, and q2b (q2 edited) → a4, the current one. */
  ids: Record<'q1' | 'a1' | 'a2' | 'q2' | 'a3' | 'q2b' | 'a4', string>;
}

/** Writes the chat of `BranchingChat` for `userId`, titled `title`. */
export async function seedBranchingChat(chats: ChatStore, userId: string, title = 'Boiling water'): Promise<BranchingChat> {
  const chatId = newId();
  // Ids named after the chat and numbered in writing order, readable in a failing test's output.
  const ids = { q1: `${chatId}-1`, a1: `${chatId}-2`, a2: `${chatId}-3`, q2: `${chatId}-4`, a3: `${chatId}-5`, q2b: `${chatId}-6`, a4: `${chatId}-7` };
  const turn = async (question: { id: string; parentId: string | null; content: string } | null, answer: { id: string; parentId: string }, content: string) => {
    await chats.startTurn({ chatId, userId, title, models: ['model-a'], userMessage: question, assistantMessage: { ...answer, model: 'model-a' }, processId: 'test-process' });
    await chats.finishMessage(answer.id, { status: 'complete', content, reasoning: '', usage: { total_tokens: 10 } });
  };
  await turn({ id: ids.q1, parentId: null, content: 'At what temperature does water boil?' }, { id: ids.a1, parentId: ids.q1 }, '100 °C.');
  await turn(null, { id: ids.a2, parentId: ids.q1 }, 'At 100 °C at sea level.');
  await turn({ id: ids.q2, parentId: ids.a2, content: 'And on Everest?' }, { id: ids.a3, parentId: ids.q2 }, 'About 70 °C.');
  await turn({ id: ids.q2b, parentId: ids.a2, content: 'And on Mont Blanc?' }, { id: ids.a4, parentId: ids.q2b }, 'About 85 °C.');
  return { chatId, ids };
}
