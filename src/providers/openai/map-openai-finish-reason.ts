import type { FinishReason } from '../events';

/**
 * An OpenAI-style `finish_reason` as a `FinishReason`; `undefined` while the reply goes on (null,
 * absent or empty). Reasons other servers invent for a normal end (`eos`, `eos_token`, `end_turn`,
 * `stop_sequence`, …) count as `stop`.
 */
export function mapOpenAiFinishReason(reason: unknown): FinishReason | undefined {
  if (typeof reason !== 'string' || reason === '') return undefined;
  switch (reason) {
    case 'stop':
      return 'stop';
    case 'length':
    case 'max_tokens':
      return 'length';
    case 'tool_calls':
    case 'function_call':
    case 'tool_use':
      return 'tool_calls';
    case 'content_filter':
      return 'content_filter';
    case 'error':
      return 'error';
    default:
      return 'stop';
  }
}
