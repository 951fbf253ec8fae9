/**
 * Which connection to try next after a failure that happened before anything reached the client:
 * the next candidate (refused, 5xx, short 429), or — on the last one — the same one again once,
 * after a Retry-After of at most 2 s. Anything else is the client's answer.
 */
import type { Logger } from '../core/logger';
import type { Connection } from '../connections';
import type { UpstreamFailure } from './upstream-error';

/** A connection that can serve the request, and the model's id there. */
export interface RelayCandidate {
  connection: Connection;
  /** The model id the server knows. */
  upstreamId: string;
}

/** How long we wait for a short Retry-After on the last candidate before trying it once more. */
export const longestRetryWaitMs = 2_000;

export interface Failover {
  readonly candidate: RelayCandidate;
  /** The wait before the next attempt (on `candidate`, now possibly another one), or undefined to give up. */
  afterFailure(failure: UpstreamFailure): number | undefined;
}

export function createFailover(candidates: readonly RelayCandidate[], logger: Logger): Failover {
  let index = 0;
  let waitedOnce = false;
  return {
    get candidate() {
      return candidates[index]!;
    },
    afterFailure(failure) {
      if (!failure.worthRetrying) return undefined;
      if (index + 1 < candidates.length) {
        logger.warn({ connection: candidates[index]!.connection.baseUrl, error: failure.message }, 'model server failed; trying the next one');
        index += 1;
        return 0;
      }
      const wait = failure.retryAfterMs;
      if (failure.upstreamStatus === 429 && wait !== undefined && wait <= longestRetryWaitMs && !waitedOnce) {
        waitedOnce = true;
        return wait;
      }
      return undefined;
    },
  };
}
