import type { FinishReason } from '../events';

/**
 * Ollama's `done_reason` as a `FinishReason`. `load` and `unload` (a request that only loaded or
 * unloaded the model) and anything unknown or missing end normally; tool calls are decided by the
 * caller, which knows whether any were made.
 */
export function mapOllamaDoneReason(reason: unknown): FinishReason {
  return reason === 'length' ? 'length' : 'stop';
}
