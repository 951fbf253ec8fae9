/**
 * Each process that runs generations has an id and a heartbeat in the KeyValue store (a key that
 * expires unless refreshed), and is listed in one set of such processes. At start and every minute
 * a process looks for those that are gone — heartbeat expired, or certainly not running on this
 * machine — and marks the answers they left 'generating' as 'interrupted'.
 */
import type { Logger } from '../../core/logger';
import type { KeyValue } from '../../storage';
import type { GenerationStore } from './generation-store';
import { currentProcessIdentity, isCertainlyGone, parseProcessIdentity } from './process-liveness';

/** The KeyValue set of processes that run (or ran) generations, and each one's heartbeat key. */
export const processSetKey = 'generation:processes';
export const heartbeatKey = (processId: string): string => `generation:process:${processId}`;

/** Where heartbeats live, whose answers to mark, and the intervals. */
export interface HeartbeatOptions {
  keyValue: KeyValue;
  store: Pick<GenerationStore, 'markInterrupted'>;
  processId: string;
  logger: Logger;
  /** How long a heartbeat lives unless refreshed (about 30 s). */
  ttlMs?: number;
  /** How often it is refreshed (about 10 s). */
  refreshMs?: number;
  /** How often to look for processes that are gone (a minute). */
  sweepMs?: number;
}

/** A running heartbeat. */
export interface ProcessHeartbeat {
  /** Marks the answers of processes that are gone; returns how many. */
  sweep(): Promise<number>;
  /** Stops the timers and removes this process's heartbeat, so others know at once that it is gone. */
  stop(): Promise<void>;
}

/** The process set outlives any one process; members are removed when found gone. */
const processSetTtlMs = 7 * 24 * 60 * 60 * 1000;

/** Writes the first heartbeat and sweeps once (neither failure stops the start); then keeps both going. */
export async function startProcessHeartbeat(options: HeartbeatOptions): Promise<ProcessHeartbeat> {
  const { keyValue, processId, logger } = options;
  const ttlMs = options.ttlMs ?? 30_000;
  const identity = JSON.stringify(currentProcessIdentity());

  const beat = async (): Promise<void> => {
    await keyValue.set(heartbeatKey(processId), identity, { ttlMs });
    await keyValue.addToSet(processSetKey, processId, { ttlMs: processSetTtlMs });
  };
  const sweep = async (): Promise<number> => {
    const members = await keyValue.setMembers(processSetKey);
    const gone: string[] = [];
    const alive = [processId];
    for (const member of members) {
      if (member === processId) continue;
      const other = parseProcessIdentity(await keyValue.get(heartbeatKey(member)));
      if (other === undefined || isCertainlyGone(other)) gone.push(member);
      else alive.push(member);
    }
    // Every process not known to be alive, so answers of processes the set lost are marked too.
    const marked = await options.store.markInterrupted({ exceptProcessIds: alive });
    for (const member of gone) await keyValue.removeFromSet(processSetKey, member);
    if (marked > 0) logger.info({ marked, processes: gone }, 'marked answers left generating by stopped processes as interrupted');
    return marked;
  };
  const guarded = (what: string, work: () => Promise<unknown>) => (): void => {
    work().catch((error: unknown) => logger.warn({ err: error }, `${what} failed; will try again`));
  };

  await beat().catch((error: unknown) => logger.warn({ err: error }, 'writing the generation heartbeat failed; will try again'));
  await sweep().catch((error: unknown) => logger.warn({ err: error }, 'looking for interrupted answers failed; will try again'));
  const refresh = setInterval(guarded('refreshing the generation heartbeat', beat), options.refreshMs ?? 10_000);
  const sweeper = setInterval(guarded('looking for interrupted answers', sweep), options.sweepMs ?? 60_000);
  refresh.unref();
  sweeper.unref();

  return {
    sweep,
    async stop() {
      clearInterval(refresh);
      clearInterval(sweeper);
      await keyValue.delete(heartbeatKey(processId));
      await keyValue.removeFromSet(processSetKey, processId);
    },
  };
}
