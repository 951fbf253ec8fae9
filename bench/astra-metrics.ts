import type { Pool } from 'undici';

/**
 * Astra's event-loop delay since the previous scrape (prom-client's histogram restarts at each scrape).
 * Node's monitorEventLoopDelay records the whole time between two samples, so every value includes
 * the sampling interval (eventLoopMonitoringPrecision): the values here are as recorded, and
 * beyondInterval() gives the delay itself.
 */
export type EventLoopDelay = { available: true; p99Ms: number; maxMs: number; minMs: number } | { available: false; reason: string };

/**
 * The sampling interval of Astra's event-loop monitor (eventLoopMonitoringPrecision in
 * src/ops/metrics-route.ts) and of the floor proxy's. Node records the time between two samples,
 * so a loop that is never late shows this much; the delay is what lies beyond it (Node's
 * documentation: the monitor detects how late its timer runs).
 */
export const samplingIntervalMs = 10;

/** How late the loop was: a value as the monitor records it, less the sampling interval (never below 0). */
export function beyondInterval(recordedMs: number): number {
  return Math.max(0, recordedMs - samplingIntervalMs);
}

/** Astra's database writes since it started (`astra_database_write_statements_total`, `astra_database_transactions_total`). */
export type DatabaseWrites = { available: true; statements: number; transactions: number } | { available: false; reason: string };

/** One scrape of GET /metrics: the text, or why there is none. */
export type MetricsScrape = { ok: true; text: string } | { ok: false; reason: string };

function gauge(text: string, name: string): number | undefined {
  const match = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.eE+-]+)$`, 'm').exec(text);
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

/** GET /metrics with an admin's token. It also restarts the event-loop histogram. */
export async function scrapeMetrics(http: Pool, adminToken: string): Promise<MetricsScrape> {
  const response = await http.request({ method: 'GET', path: '/metrics', headers: { authorization: `Bearer ${adminToken}` }, headersTimeout: 5_000, bodyTimeout: 5_000 });
  const text = await response.body.text();
  if (response.statusCode !== 200) return { ok: false, reason: `GET /metrics answered ${response.statusCode}` };
  return { ok: true, text };
}

export function eventLoopDelayOf(scrape: MetricsScrape): EventLoopDelay {
  if (!scrape.ok) return { available: false, reason: scrape.reason };
  const p99 = gauge(scrape.text, 'nodejs_eventloop_lag_p99_seconds');
  const max = gauge(scrape.text, 'nodejs_eventloop_lag_max_seconds');
  const min = gauge(scrape.text, 'nodejs_eventloop_lag_min_seconds');
  if (p99 === undefined || max === undefined) return { available: false, reason: 'GET /metrics has no nodejs_eventloop_lag_p99_seconds / _max_seconds' };
  return { available: true, p99Ms: p99 * 1000, maxMs: max * 1000, minMs: (min ?? 0) * 1000 };
}

export function databaseWritesOf(scrape: MetricsScrape): DatabaseWrites {
  if (!scrape.ok) return { available: false, reason: scrape.reason };
  const statements = gauge(scrape.text, 'astra_database_write_statements_total');
  const transactions = gauge(scrape.text, 'astra_database_transactions_total');
  if (statements === undefined || transactions === undefined) {
    return { available: false, reason: 'GET /metrics has no astra_database_write_statements_total / astra_database_transactions_total' };
  }
  return { available: true, statements, transactions };
}

/**
 * Scrapes GET /metrics with an admin's token. Before a run it resets the histogram; after it, it
 * gives the delay during the run. Until the route exists (or without the gauges) the figure is
 * reported as unavailable, with the reason.
 */
export async function scrapeEventLoopDelay(http: Pool, adminToken: string): Promise<EventLoopDelay> {
  return eventLoopDelayOf(await scrapeMetrics(http, adminToken));
}
