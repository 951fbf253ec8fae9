import { beyondInterval, samplingIntervalMs, scrapeEventLoopDelay, type EventLoopDelay } from './astra-metrics.js';
import { floorEventLoopDelay } from './floor-metrics.js';
import { CpuMeter } from './cpu-usage.js';
import { chatBody, startGatewayRig } from './gateway-rig.js';
import { cpus } from 'node:os';
import { formatMegabytes, formatMilliseconds, type Row, type Section } from './section.js';
import { percentile, round, summarize } from './stats.js';
import { runStreams, type StreamLoad } from './stream-client.js';

const streams = 1_000;
const tokenCount = 40;
const tokenDelayMs = 50;
const rounds = 3;
/** Streams start spread over this long (a burst of new connections, without overflowing listen backlogs). */
const spreadMs = 1_000;
const rssSampleIntervalMs = 50;
const load: StreamLoad = { concurrency: streams, streamsPerWorker: 1, uncountedPerWorker: 0, spreadMs, timeoutMs: 60_000 };
const targetEventLoopP99Ms = 20;
const targetPeakBytes = 300 * 1024 * 1024;

interface RoundOutcome {
  errors: number;
  complete: number;
  firstError: string | undefined;
  eventLoop: EventLoopDelay;
  /** The floor proxy's delay under the same 1,000 streams, run just before Astra's in the same round. */
  floorEventLoop: EventLoopDelay;
  /** Streams through the floor that failed or came short. */
  floorErrors: number;
  peakRssBytes: number;
  /** Median and p99 of the whole stream's duration at the client. */
  streamP50Ms: number;
  streamP99Ms: number;
  wallMs: number;
  /** Percent of one core used by Astra and by the bench process (client and stand-in), and the machine's busy percent of all cores. */
  astraCpuPercent: number;
  benchCpuPercent: number;
  machineCpuPercent: number;
}

/**
 * 1,000 concurrent streams through Astra: every stream must end with [DONE] and all its tokens, no
 * errors; Astra's event-loop delay during the run comes from its /metrics (reset by a scrape just
 * before), its resident memory is sampled from /proc every 50 ms. Fresh Astra process for this section.
 */
export const manyStreamsSection: Section = {
  key: 'manyStreams',
  title: `${streams.toLocaleString('en-US')} concurrent streams through Astra (${tokenCount} tokens ${tokenDelayMs} ms apart, started over ${spreadMs} ms; ${rounds} rounds)`,
  columns: ['median', 'min', 'max', 'rounds'],
  async run(context) {
    const rig = await startGatewayRig(context, { label: 'manyStreams', clientConnections: streams + 100 });
    try {
      rig.setBehavior({ firstTokenDelayMs: 0, tokenDelayMs, tokenCount });
      const body = chatBody(true);
      const outcomes: RoundOutcome[] = [];
      for (let index = 1; index <= rounds; index += 1) {
        // The floor first, under the same load: what any Node proxy's loop shows on this machine.
        await floorEventLoopDelay(rig.agent, rig.floor.origin);
        const floorResults = await runStreams(rig.agent, rig.floor, body, load);
        const floorEventLoop = await floorEventLoopDelay(rig.agent, rig.floor.origin);
        const floorErrors = floorResults.filter((result) => result.error !== undefined || result.tokens !== tokenCount).length;
        await scrapeEventLoopDelay(rig.astraServer.http, rig.adminToken);
        let peakRssBytes = rig.astraServer.residentBytes();
        const sampler = setInterval(() => {
          try {
            peakRssBytes = Math.max(peakRssBytes, rig.astraServer.residentBytes());
          } catch {
            // The process is gone; the streams will fail and say so.
          }
        }, rssSampleIntervalMs);
        const started = performance.now();
        const cpu = new CpuMeter([rig.astraServer.pid, process.pid]);
        let results;
        try {
          results = await runStreams(rig.agent, rig.astra, body, load);
        } finally {
          clearInterval(sampler);
        }
        const wallMs = performance.now() - started;
        const cpuUse = cpu.read();
        const eventLoop = await scrapeEventLoopDelay(rig.astraServer.http, rig.adminToken);
        const failed = results.filter((result) => result.error !== undefined || result.tokens !== tokenCount);
        const durations = results.map((result) => result.totalMs);
        outcomes.push({
          errors: failed.length,
          complete: results.filter((result) => result.done && result.error === undefined && result.tokens === tokenCount).length,
          firstError: failed[0] === undefined ? undefined : (failed[0].error ?? `${failed[0].tokens} of ${tokenCount} tokens`),
          eventLoop,
          floorEventLoop,
          floorErrors,
          peakRssBytes,
          streamP50Ms: percentile(durations, 50),
          streamP99Ms: percentile(durations, 99),
          wallMs,
          astraCpuPercent: cpuUse.processPercent.get(rig.astraServer.pid) ?? 0,
          benchCpuPercent: cpuUse.processPercent.get(process.pid) ?? 0,
          machineCpuPercent: cpuUse.machinePercent,
        });
        const last = outcomes.at(-1)!;
        context.progress(
          `${streams} streams, round ${index}/${rounds}: ${last.complete} complete, ${last.errors} errors, event-loop delay p99 ${eventLoop.available ? `${beyondInterval(eventLoop.p99Ms).toFixed(1)} ms` : 'n/a'} beyond the interval (floor ${floorEventLoop.available ? `${beyondInterval(floorEventLoop.p99Ms).toFixed(1)} ms` : 'n/a'}, ${floorErrors} floor errors), peak RSS ${formatMegabytes(peakRssBytes)}, ${(wallMs / 1000).toFixed(1)} s, CPU: Astra ${last.astraCpuPercent.toFixed(0)} %, bench ${last.benchCpuPercent.toFixed(0)} %, machine ${last.machineCpuPercent.toFixed(0)} %`,
        );
      }
      const peakHwmBytes = rig.astraServer.peakResidentBytes();

      const totalErrors = outcomes.reduce((sum, outcome) => sum + outcome.errors, 0);
      const complete = summarize(outcomes.map((outcome) => outcome.complete));
      const peak = summarize(outcomes.map((outcome) => outcome.peakRssBytes));
      const streamP50 = summarize(outcomes.map((outcome) => outcome.streamP50Ms));
      const streamP99 = summarize(outcomes.map((outcome) => outcome.streamP99Ms));
      const delays = outcomes.map((outcome) => outcome.eventLoop).filter((delay): delay is Extract<EventLoopDelay, { available: true }> => delay.available);
      const unavailable = outcomes.map((outcome) => outcome.eventLoop).find((delay): delay is Extract<EventLoopDelay, { available: false }> => !delay.available);
      const cells = (values: { median: number; min: number; max: number }, format: (value: number) => string): Record<string, string> => ({
        median: format(values.median),
        min: format(values.min),
        max: format(values.max),
        rounds: String(rounds),
      });
      const precise = (value: number): string => `${value.toFixed(1)} ms`;
      const percent = (value: number): string => `${value.toFixed(0)} %`;
      const rows: Row[] = [
        { figure: 'errors (all rounds)', cells: { median: String(totalErrors), rounds: String(rounds) }, target: '0', passed: totalErrors === 0 },
        {
          figure: `streams complete with [DONE] (of ${streams})`,
          cells: cells(complete, String),
          target: `all ${streams}`,
          passed: complete.min === streams,
        },
      ];
      if (delays.length > 0) {
        const p99 = summarize(delays.map((delay) => beyondInterval(delay.p99Ms)));
        rows.push(
          {
            figure: `Astra event-loop delay p99 (beyond the ${samplingIntervalMs} ms sampling interval)`,
            cells: cells(p99, precise),
            target: `≤ ${targetEventLoopP99Ms} ms`,
            passed: p99.median <= targetEventLoopP99Ms,
          },
          { figure: '  max', cells: cells(summarize(delays.map((delay) => beyondInterval(delay.maxMs))), precise) },
          { figure: '  p99 as /metrics reports it (interval included)', cells: cells(summarize(delays.map((delay) => delay.p99Ms)), precise) },
          { figure: '  min as /metrics reports it (≈ the interval)', cells: cells(summarize(delays.map((delay) => delay.minMs)), precise) },
        );
      } else {
        rows.push({ figure: 'Astra event-loop delay p99', cells: { median: 'n/a' }, target: `≤ ${targetEventLoopP99Ms} ms` });
      }
      const floorDelays = outcomes.map((outcome) => outcome.floorEventLoop).filter((delay): delay is Extract<EventLoopDelay, { available: true }> => delay.available);
      if (floorDelays.length > 0) {
        rows.push(
          { figure: 'floor event-loop delay p99 (same load, same round, beyond the interval)', cells: cells(summarize(floorDelays.map((delay) => beyondInterval(delay.p99Ms))), precise) },
          { figure: '  max', cells: cells(summarize(floorDelays.map((delay) => beyondInterval(delay.maxMs))), precise) },
        );
      }
      const floorErrors = outcomes.reduce((sum, outcome) => sum + outcome.floorErrors, 0);
      rows.push(
        { figure: 'floor streams failed or short (all rounds)', cells: { median: String(floorErrors), rounds: String(rounds) } },
        { figure: 'Astra peak RSS (sampled VmRSS)', cells: cells(peak, formatMegabytes), target: `≤ ${formatMegabytes(targetPeakBytes)}`, passed: peak.max <= targetPeakBytes },
        { figure: 'Astra VmHWM after all rounds', cells: { median: formatMegabytes(peakHwmBytes) } },
        { figure: `stream duration p50 (ideal ${(tokenCount - 1) * tokenDelayMs} ms)`, cells: cells(streamP50, formatMilliseconds) },
        { figure: 'stream duration p99', cells: cells(streamP99, formatMilliseconds) },
        { figure: 'Astra CPU (% of one core)', cells: cells(summarize(outcomes.map((outcome) => outcome.astraCpuPercent)), percent) },
        { figure: 'bench process CPU (client + stand-in)', cells: cells(summarize(outcomes.map((outcome) => outcome.benchCpuPercent)), percent) },
        { figure: `machine CPU busy (all ${cpus().length} cores)`, cells: cells(summarize(outcomes.map((outcome) => outcome.machineCpuPercent)), percent) },
      );
      const notes: string[] = [];
      if (delays.length > 0) {
        notes.push(
          `event-loop delay: Node's monitor records the time between two of its samples, so every value /metrics reports includes the ${samplingIntervalMs} ms sampling interval and a loop that is never late shows about that much (min); the delay is how late the loop was, the value less the interval`,
        );
      }
      if (unavailable) notes.push(`event-loop delay: n/a — ${unavailable.reason} (needs GET /metrics with prom-client's default metrics)`);
      const firstError = outcomes.find((outcome) => outcome.firstError !== undefined)?.firstError;
      if (firstError) notes.push(`first failure: ${firstError}`);
      return {
        rows,
        notes,
        figures: {
          streams,
          tokenCount,
          tokenDelayMs,
          errors: totalErrors,
          completeRounds: outcomes.map((outcome) => outcome.complete),
          eventLoopP99Ms: delays.length > 0 ? delays.map((delay) => round(delay.p99Ms, 2)) : null,
          eventLoopMaxMs: delays.length > 0 ? delays.map((delay) => round(delay.maxMs, 2)) : null,
          eventLoopMinMs: delays.length > 0 ? delays.map((delay) => round(delay.minMs, 2)) : null,
          floorEventLoopP99Ms: floorDelays.length > 0 ? floorDelays.map((delay) => round(delay.p99Ms, 2)) : null,
          floorEventLoopMinMs: floorDelays.length > 0 ? floorDelays.map((delay) => round(delay.minMs, 2)) : null,
          floorErrors,
          peakRssMegabytes: outcomes.map((outcome) => round(outcome.peakRssBytes / 1024 / 1024)),
          vmHwmMegabytes: round(peakHwmBytes / 1024 / 1024),
          streamP50Ms: outcomes.map((outcome) => round(outcome.streamP50Ms)),
          streamP99Ms: outcomes.map((outcome) => round(outcome.streamP99Ms)),
          roundSeconds: outcomes.map((outcome) => round(outcome.wallMs / 1000, 2)),
          astraCpuPercent: outcomes.map((outcome) => round(outcome.astraCpuPercent)),
          benchCpuPercent: outcomes.map((outcome) => round(outcome.benchCpuPercent)),
          machineCpuPercent: outcomes.map((outcome) => round(outcome.machineCpuPercent)),
          targets: { errors: 0, eventLoopP99Ms: targetEventLoopP99Ms, peakRssMegabytes: targetPeakBytes / 1024 / 1024 },
        },
      };
    } finally {
      await rig.close();
    }
  },
};
