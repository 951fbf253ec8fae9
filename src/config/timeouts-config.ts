/**
 * Timeout variables (seconds). Open WebUI's names, Astra's meaning: AIOHTTP_CLIENT_TIMEOUT bounds
 * the wait for a model server to start answering, not the length of a healthy answer.
 */
import type { EnvironmentReader } from './environment-reader';
import type { TimeoutConfig } from './types';
import { decimalNumber } from './value-parsers';

/** Seconds, decimals allowed, greater than zero. */
export const positiveSeconds = decimalNumber({ min: 0, aboveMin: true, unit: 'seconds' });

/** Reads the Timeouts group. */
export function readTimeoutConfig(reader: EnvironmentReader): TimeoutConfig {
  reader.startGroup('Timeouts');
  const firstTokenSeconds = reader.read('AIOHTTP_CLIENT_TIMEOUT', positiveSeconds, 300, {
    note: 'longest wait for the first token',
  });
  const streamIdleSeconds = reader.read('AIOHTTP_CLIENT_STREAM_IDLE_TIMEOUT', positiveSeconds, firstTokenSeconds, {
    defaultNote: '= AIOHTTP_CLIENT_TIMEOUT',
  });
  const totalSeconds = reader.readOptional('AIOHTTP_CLIENT_TIMEOUT_TOTAL', positiveSeconds, {
    defaultNote: 'no cap on a whole reply',
  });
  if (totalSeconds !== undefined && totalSeconds < firstTokenSeconds) {
    reader.warn(
      `AIOHTTP_CLIENT_TIMEOUT_TOTAL=${totalSeconds} is shorter than AIOHTTP_CLIENT_TIMEOUT=${firstTokenSeconds}; ` +
        'a slow first token fails at the total limit',
    );
  }
  const modelListSeconds = reader.read('AIOHTTP_CLIENT_TIMEOUT_MODEL_LIST', positiveSeconds, 5, {
    aliases: ['AIOHTTP_CLIENT_TIMEOUT_OPENAI_MODEL_LIST'],
  });
  if (reader.text('UVICORN_TIMEOUT') !== undefined) {
    reader.warn(
      'UVICORN_TIMEOUT is ignored: AIOHTTP_CLIENT_TIMEOUT, AIOHTTP_CLIENT_STREAM_IDLE_TIMEOUT and AIOHTTP_CLIENT_TIMEOUT_TOTAL bound each wait',
    );
  }
  return { firstTokenSeconds, streamIdleSeconds, totalSeconds, modelListSeconds };
}
