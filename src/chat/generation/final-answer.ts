/**
 * A finished answer as one SSE reply, for a client that re-attaches after the generation ended:
 * `event: chat` (with `final: true`: the whole message follows, replacing what the client has), the
 * reasoning and text as one chunk each and each tool call whole, then the end — a finish chunk and
 * `[DONE]` for a complete or stopped answer, the error for a failed or interrupted one.
 */
import { createOpenAiChunkEncoder, toOpenAiErrorBody, type ChatEvent } from '../../providers';
import type { ToolCall } from '../store';
import { FrameLog } from './frame-log';
import type { StoredMessage } from './generation-store';
import { toolCallEvents } from './tool-call-list';

/** The stored answer as a finished log; numbering starts after `base` (0 unless continuing another log). */
export function finalAnswerLog(message: StoredMessage, options: { base?: number } = {}): FrameLog {
  const log = new FrameLog(options.base ?? 0);
  const head = { chat_id: message.chat_id, user_message_id: message.parent_id, message_id: message.id, status: message.status, final: true };
  log.appendText(`data: ${JSON.stringify(head)}\n\n`, 'chat');
  const encoder = createOpenAiChunkEncoder({ id: `chatcmpl-${message.id}`, model: message.model ?? '', created: Date.now() / 1000 });
  const toolCalls = storedToolCalls(message);
  const events: ChatEvent[] = [
    { type: 'reasoning-delta', text: message.reasoning },
    { type: 'text-delta', text: message.content },
    ...toolCallEvents(toolCalls),
    endOf(message, toolCalls.length > 0),
  ];
  log.appendText(events.map((event) => encoder.encode(event)).join(''));
  log.end();
  return log;
}

/** The stored answer's tool calls; none when the column is empty (or, never expected, not a JSON list). */
function storedToolCalls(message: StoredMessage): ToolCall[] {
  if (message.tool_calls === undefined || message.tool_calls === null) return [];
  try {
    const calls: unknown = JSON.parse(message.tool_calls);
    return Array.isArray(calls) ? (calls as ToolCall[]) : [];
  } catch {
    return [];
  }
}

function endOf(message: StoredMessage, madeToolCalls: boolean): ChatEvent {
  switch (message.status) {
    case 'complete':
      return { type: 'end', finishReason: madeToolCalls ? 'tool_calls' : 'stop' };
    case 'stopped':
      return { type: 'end', finishReason: 'stopped' };
    case 'error':
      return { type: 'error', code: 'upstream_failed', message: message.error ?? 'the answer failed' };
    case 'generating':
      return { type: 'error', code: 'interrupted', message: 'the process generating this answer stopped before it was complete' };
    default:
      return { type: 'error', code: 'interrupted', message: message.error ?? 'the answer was interrupted before it was complete' };
  }
}

/**
 * Ends the log of a reader whose generation's process stopped answering: with the stored answer
 * when nothing had come yet, else with an error after what did (the client may read the chat).
 */
export function endAbandonedLog(log: FrameLog, message: StoredMessage | undefined, receivedAny: boolean): void {
  if (message !== undefined && !receivedAny) {
    const final = finalAnswerLog(message, { base: log.lastSeq });
    for (const [seq, frame] of final.framesAfter(log.lastSeq)) log.appendFrame(seq, frame);
  } else {
    const error = toOpenAiErrorBody({ type: 'error', code: 'interrupted', message: 'the process generating this answer stopped responding; read the chat for what was saved' });
    log.appendText(`data: ${JSON.stringify(error)}\n\n`);
  }
  log.end();
}
