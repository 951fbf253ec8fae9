import type { Dispatcher } from 'undici';
import type { EventLoopDelay } from './astra-metrics.js';

/**
 * The floor proxy's event-loop delay since the previous call (it restarts its histogram on each),
 * sampled like Astra's: Node's monitor at samplingIntervalMs, so every value includes that interval.
 */
export async function floorEventLoopDelay(agent: Dispatcher, floorOrigin: string): Promise<EventLoopDelay> {
  const response = await agent.request({ origin: floorOrigin, method: 'GET', path: '/__floor/event-loop-delay', headersTimeout: 5_000, bodyTimeout: 5_000 });
  const text = await response.body.text();
  if (response.statusCode !== 200) return { available: false, reason: `the floor's event-loop delay answered ${response.statusCode}` };
  const { p99Ms, maxMs, minMs } = JSON.parse(text) as { p99Ms: number; maxMs: number; minMs: number };
  return { available: true, p99Ms, maxMs, minMs };
}
