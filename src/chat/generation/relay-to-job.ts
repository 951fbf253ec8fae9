/**
 * The relay with a generation job as its client instead of an HTTP response: the same failover
 * (the next connection while nothing of the answer has arrived: refused, 5xx, or 429 with a short
 * Retry-After; one more try of the last after such a wait) and the same phase timeouts, with each
 * chunk decoded into events for the job the moment it arrives. The upstream call is never paused:
 * readers take from the job's log at their own pace.
 */
import { createFailover, startExchange, type Exchange, type RelayDeps, type RelayPlan } from '../../providers';
import type { GenerationJob } from './generation-job';
import { createUpstreamEventDecoder } from './upstream-events';

/** The connections to try, best first, and the request for each. */
export type JobRelayPlan = Pick<RelayPlan, 'candidates' | 'request'>;

/** Starts the upstream call for `job`; returns at once. Stop or shutdown (the job's cancel) aborts it. */
export function relayToJob(deps: RelayDeps, plan: JobRelayPlan, job: GenerationJob): void {
  const failover = createFailover(plan.candidates, deps.logger);
  let exchange: Exchange | undefined;
  let release: (() => void) | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  const giveBack = (): void => {
    release?.();
    release = undefined;
  };
  job.onCancel(() => {
    clearTimeout(retryTimer);
    // An aborted exchange tells its sink nothing more, so the in-flight count is given back here.
    exchange?.abort();
    giveBack();
  });

  const attempt = (): void => {
    if (job.isOver) return;
    const candidate = failover.candidate;
    const decoder = createUpstreamEventDecoder(candidate.connection.kind);
    let received = false;
    release = deps.balancer.acquire(candidate.connection.id);
    exchange = startExchange(
      {
        ...plan.request(candidate),
        dispatcher: deps.registry.dispatcherFor(candidate.connection),
        timeouts: deps.timeouts,
        carriesToken: (chunk) => decoder.carriesToken(chunk),
      },
      {
        onStart() {},
        onData(chunk) {
          received = true;
          for (const event of decoder.take(chunk)) job.accept(event);
          return true;
        },
        onEnd() {
          giveBack();
          for (const event of decoder.finish()) job.accept(event);
        },
        onError(error) {
          giveBack();
          const wait = received || job.isOver ? undefined : failover.afterFailure(error.failure);
          if (wait !== undefined) {
            if (wait === 0) attempt();
            else retryTimer = setTimeout(attempt, wait);
            return;
          }
          job.fail(error);
        },
      },
    );
  };
  attempt();
}
