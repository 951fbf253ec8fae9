/**
 * The relay with a generation job as its client instead of an HTTP response: the same failover
 * (the next connection while nothing of the answer has arrived: refused, 5xx, or 429 with a short
 * Retry-After; one more try of the last after such a wait) and the same phase timeouts, with each
 * chunk decoded into events for the job the moment it arrives. The upstream call is never paused:
 * readers take from the job's log at their own pace.
 */
import { RelayAttempts, type RelayCandidate, type RelayDeps, type RelayPlan, type UpstreamError } from '../../providers';
import type { GenerationJob } from './generation-job';
import { createUpstreamEventDecoder, type UpstreamEventDecoder } from './upstream-events';

/** The connections to try, best first, and the request for each. */
export type JobRelayPlan = Pick<RelayPlan, 'candidates' | 'request'>;

/** Starts the upstream call for `job`; returns at once. Stop or shutdown (the job's cancel) aborts it. */
export function relayToJob(deps: RelayDeps, plan: JobRelayPlan, job: GenerationJob): void {
  new JobRelay(deps, plan, job).attempt();
}

/** The attempts, each chunk decoded into events for the job the moment it arrives. */
class JobRelay extends RelayAttempts {
  private decoder: UpstreamEventDecoder | undefined;
  private received = false;

  constructor(
    deps: RelayDeps,
    plan: JobRelayPlan,
    private readonly job: GenerationJob,
  ) {
    super(deps, plan.candidates, plan.request);
    job.onCancel(() => this.cut());
  }

  override attempt(): void {
    if (this.job.isOver) return;
    super.attempt();
  }

  onStart(): void {}

  onData(chunk: Buffer): boolean {
    this.received = true;
    for (const event of this.decoder!.take(chunk)) this.job.accept(event);
    return true;
  }

  onEnd(): void {
    const decoder = this.decoder!;
    this.end();
    for (const event of decoder.finish()) this.job.accept(event);
  }

  onError(error: UpstreamError): void {
    if (this.retried(error, !this.received && !this.job.isOver)) return;
    this.end();
    this.job.fail(error);
  }

  protected prepare(candidate: RelayCandidate): (chunk: Buffer) => boolean {
    const decoder = createUpstreamEventDecoder(candidate.connection.kind);
    this.decoder = decoder;
    this.received = false;
    return (chunk) => decoder.carriesToken(chunk);
  }
}
