/**
 * An answer's tool calls, put together from the pieces a stream brings: pieces with the same index
 * are one call (its id and name come once, its arguments as JSON text split over several pieces).
 * The same joining as `encodeCompletion`: a call without an id gets `call_<index>`.
 */
import type { ChatEventOf } from '../../providers';
import type { ToolCall } from '../store';

export class ToolCallList {
  private readonly byIndex = new Map<number, ToolCall>();

  add(piece: ChatEventOf<'tool-call'>): void {
    let call = this.byIndex.get(piece.index);
    if (call === undefined) {
      call = { id: piece.id ?? `call_${piece.index}`, type: 'function', function: { name: piece.name ?? '', arguments: '' } };
      this.byIndex.set(piece.index, call);
    } else {
      if (piece.id !== undefined) call.id = piece.id;
      if (piece.name !== undefined) call.function.name = piece.name;
    }
    call.function.arguments += piece.argumentsDelta;
  }

  get size(): number {
    return this.byIndex.size;
  }

  /** Copies of the calls so far, by index. */
  calls(): ToolCall[] {
    return [...this.byIndex.entries()]
      .sort(([left], [right]) => left - right)
      .map(([, call]) => ({ ...call, function: { ...call.function } }));
  }
}

/** Whole tool calls as events (one per call), to encode a whole or a stored answer. */
export function toolCallEvents(calls: readonly ToolCall[]): Array<ChatEventOf<'tool-call'>> {
  return calls.map((call, index) => ({ type: 'tool-call', index, id: call.id, name: call.function.name, argumentsDelta: call.function.arguments }));
}
