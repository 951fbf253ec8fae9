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
  return new CandidateFailover(candidates, logger);
}

class CandidateFailover implements Failover {
  private index = 0;
  private waitedOnce = false;

  constructor(
    private readonly candidates: readonly RelayCandidate[],
    private readonly logger: Logger,
  ) {}

  get candidate(): RelayCandidate {
    return this.candidates[this.index]!;
  }

  afterFailure(failure: UpstreamFailure): number | undefined {
    if (!failure.worthRetrying) return undefined;
    if (this.index + 1 < this.candidates.length) {
      this.logger.warn({ connection: this.candidate.connection.baseUrl, error: failure.message }, 'model server failed; trying the next one');
      this.index += 1;
      return 0;
    }
    const wait = failure.retryAfterMs;
    if (failure.upstreamStatus === 429 && wait !== undefined && wait <= longestRetryWaitMs && !this.waitedOnce) {
      this.waitedOnce = true;
      return wait;
    }
    return undefined;
  }
}
