import { compare, comparisonColumns, comparisonFigures, formatSignedMs, latencyRow, pathKey, peerNote, rotated, type RoundValues } from './comparison.js';
import { chatBody, startGatewayRig } from './gateway-rig.js';
import type { Row, Section } from './section.js';
import { percentile } from './stats.js';
import { assertAllSucceeded, runStreams } from './stream-client.js';
import { firstTokenDelayMs, level, streamMs, type Level } from './ttft-levels.js';

const rounds = 5;
/**
 * c streams open at once, each worker sending its next request as soon as its stream ended, starts
 * spread over one stream's length so requests arrive evenly. The first stream of each worker only
 * ramps up. At 1: 40 requests one after the other. At 50: streams of 170 ms (≈ 300 requests/s).
 * At 200: streams of 320 ms (≈ 600 requests/s).
 */
const levels: readonly Level[] = [level(1, 1, 0, 40, 0), level(50, 4, 50, 4, 1), level(200, 2, 300, 3, 1)];

const targetConcurrency = 50;
const targetAddedP50Ms = 1;
const targetP50OverFloorMs = 0.5;
const targetP99OverFloorMs = 3;

/**
 * Added time to first token: for each concurrency, the same load through each path (direct, floor,
 * Astra) in rotating order, five rounds; p50 and p99 of the client-side TTFT per path and round,
 * then per round path − direct, and the median over rounds.
 */
export const gatewayTtftSection: Section = {
  key: 'gatewayTtft',
  title: `Added time to first token (stand-in first token after ${firstTokenDelayMs} ms; p50/p99 per path, medians of ${rounds} rounds)`,
  columns: comparisonColumns,
  async run(context) {
    const rig = await startGatewayRig(context, { label: 'gatewayTtft', peer: 'streamed' });
    try {
      const rows: Row[] = [];
      const figures: Record<string, unknown> = { firstTokenDelayMs, rounds };
      for (const { concurrency, tokenCount, tokenDelayMs, load } of levels) {
        rig.setBehavior({ firstTokenDelayMs, tokenCount, tokenDelayMs });
        const body = chatBody(true);
        // Warm-up at this concurrency: connections opened, code paths compiled.
        for (const target of rig.targets()) {
          await runStreams(rig.agent, target, body, { ...load, streamsPerWorker: load.uncountedPerWorker + 1, uncountedPerWorker: 0 });
        }
        const p50Rounds: RoundValues[] = [];
        const p99Rounds: RoundValues[] = [];
        for (let roundIndex = 0; roundIndex < rounds; roundIndex += 1) {
          const p50: Partial<RoundValues> = {};
          const p99: Partial<RoundValues> = {};
          for (const target of rotated(rig.targets(), roundIndex)) {
            const results = await runStreams(rig.agent, target, body, load);
            assertAllSucceeded(`${target.label} at ${concurrency} streams`, results);
            const ttft = results.map((result) => result.firstTokenMs!);
            p50[pathKey(target)] = percentile(ttft, 50);
            p99[pathKey(target)] = percentile(ttft, 99);
          }
          p50Rounds.push(p50 as RoundValues);
          p99Rounds.push(p99 as RoundValues);
          const last = p50Rounds.at(-1)!;
          context.progress(
            `TTFT at ${concurrency} streams, round ${roundIndex + 1}/${rounds}: p50 direct ${last.direct.toFixed(2)} ms, floor ${formatSignedMs(last.floor - last.direct)}, Astra ${formatSignedMs(last.astra - last.direct)}`,
          );
        }
        const p50 = compare(p50Rounds);
        const p99 = compare(p99Rounds);
        const atTarget = concurrency === targetConcurrency;
        rows.push(
          latencyRow(
            `TTFT p50 at ${concurrency}`,
            p50,
            atTarget
              ? {
                  text: `Astra − direct ≤ ${targetAddedP50Ms} ms, Astra − floor ≤ ${targetP50OverFloorMs} ms`,
                  passed: p50.astraAdded <= targetAddedP50Ms && p50.astraOverFloor <= targetP50OverFloorMs,
                }
              : undefined,
          ),
          latencyRow(
            `TTFT p99 at ${concurrency}`,
            p99,
            atTarget ? { text: `Astra − floor ≤ ${targetP99OverFloorMs} ms`, passed: p99.astraOverFloor <= targetP99OverFloorMs } : undefined,
          ),
        );
        figures[`concurrency${concurrency}`] = {
          requestsPerPathAndRound: load.concurrency * (load.streamsPerWorker - load.uncountedPerWorker),
          streamMs: streamMs(tokenCount, tokenDelayMs),
          p50Ms: comparisonFigures(p50),
          p99Ms: comparisonFigures(p99),
        };
      }
      figures.targets = { concurrency: targetConcurrency, astraMinusDirectP50Ms: targetAddedP50Ms, astraMinusFloorP50Ms: targetP50OverFloorMs, astraMinusFloorP99Ms: targetP99OverFloorMs };
      return { rows, figures, notes: [peerNote(rig.peerStatus)] };
    } finally {
      await rig.close();
    }
  },
};
