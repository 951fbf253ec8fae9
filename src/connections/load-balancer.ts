/**
 * Chooses which connection serves a request when several serve the same model: the least busy
 * first (fewest requests in flight), then the configured order; connections whose last model list
 * failed go last, tried only when the others fail too.
 */
import type { Connection } from './types';

export class LoadBalancer {
  private readonly inFlight = new Map<string, number>();

  /** Candidates in the order they should be tried. */
  order<Candidate extends { connection: Connection }>(candidates: readonly Candidate[], isDown: (connectionId: string) => boolean): Candidate[] {
    if (candidates.length <= 1) return [...candidates];
    return candidates
      .map((candidate, position) => ({ candidate, position, down: isDown(candidate.connection.id), busy: this.inFlight.get(candidate.connection.id) ?? 0 }))
      .sort((a, b) => Number(a.down) - Number(b.down) || a.busy - b.busy || a.position - b.position)
      .map((entry) => entry.candidate);
  }

  /** Counts a request in flight on the connection until the returned function is called. */
  acquire(connectionId: string): () => void {
    this.inFlight.set(connectionId, (this.inFlight.get(connectionId) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const count = (this.inFlight.get(connectionId) ?? 1) - 1;
      if (count <= 0) this.inFlight.delete(connectionId);
      else this.inFlight.set(connectionId, count);
    };
  }

  busy(connectionId: string): number {
    return this.inFlight.get(connectionId) ?? 0;
  }
}
