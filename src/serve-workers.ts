/**
 * WORKERS > 1: this process becomes a supervisor that starts that many server processes sharing
 * the port (node:cluster), restarts one that dies, and on SIGTERM/SIGINT stops them all and exits 0
 * once each has finished its requests. Workers share everything through the database (or Redis).
 */
import cluster, { type Worker } from 'node:cluster';
import type { Logger } from './core/logger';

/** Longer than a worker's own 10 s grace period, so workers always get to finish first. */
const stopTimeoutMs = 15_000;
/** More deaths than this within a minute means something is wrong that restarting will not fix. */
const maxRestartsPerMinute = 5;

export function superviseWorkers(count: number, logger: Logger): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false;
    const restarts: number[] = [];

    const start = (): Worker => cluster.fork();
    for (let index = 0; index < count; index += 1) start();

    cluster.on('exit', (worker, code, signal) => {
      if (stopping) {
        if (Object.keys(cluster.workers ?? {}).length === 0) resolve(0);
        return;
      }
      const now = Date.now();
      restarts.push(now);
      while (restarts.length > 0 && restarts[0]! < now - 60_000) restarts.shift();
      if (restarts.length > maxRestartsPerMinute) {
        logger.error({ code, signal }, `workers keep dying (${restarts.length} in a minute); stopping`);
        stopAll('crash loop');
        return;
      }
      logger.error({ pid: worker.process.pid, code, signal }, 'a worker died; starting another');
      setTimeout(start, 500);
    });

    const stopAll = (reason: string): void => {
      if (stopping) return;
      stopping = true;
      logger.info({ reason }, 'stopping the workers');
      const workers = Object.values(cluster.workers ?? {});
      if (workers.length === 0) resolve(reason === 'crash loop' ? 1 : 0);
      for (const worker of workers) worker?.process.kill('SIGTERM');
      setTimeout(() => {
        logger.warn('workers still running were killed');
        for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGKILL');
        resolve(1);
      }, stopTimeoutMs).unref();
    };
    process.once('SIGTERM', () => stopAll('SIGTERM'));
    process.once('SIGINT', () => stopAll('SIGINT'));
  });
}
