import { compare, comparisonColumns, comparisonFigures, formatSignedMs, latencyRow, pathKey, peerNote, rotated, type RoundValues } from './comparison.js';
import { chatBody, startGatewayRig } from './gateway-rig.js';
import type { Section } from './section.js';
import { percentileOfSorted } from './stats.js';
import { assertAllSucceeded, runStreams, type StreamLoad } from './stream-client.js';

const rounds = 5;
const tokenDelayMs = 10;
const tokenCount = 50;
const concurrency = 50;
/**
 * Stream starts spread over one stream's length, so new requests arrive evenly (100/s) rather than
 * in a burst: a burst of 50 request starts would hold up the tokens of streams already flowing, and
 * this section is about relaying tokens (the cost of starting requests is in gatewayTtft).
 */
const load: StreamLoad = { concurrency, streamsPerWorker: 2, uncountedPerWorker: 0, spreadMs: tokenCount * tokenDelayMs, timeoutMs: 30_000 };
const targetP99OverFloorMs = 1;

/**
 * Added delay per forwarded token: the stand-in stamps each token with the moment it wrote it
 * (performance.now() in this process, where the client runs too); the client subtracts that from
 * the moment the token's event arrived. p50/p99 over all tokens of a round per path, then per round
 * path − direct, and the median over rounds.
 */
export const tokenDelaySection: Section = {
  key: 'tokenDelay',
  title: `Added delay per forwarded token (${concurrency} streams × ${tokenCount} tokens, ${tokenDelayMs} ms apart; stand-in write → client arrival; medians of ${rounds} rounds)`,
  columns: comparisonColumns,
  async run(context) {
    const rig = await startGatewayRig(context, { label: 'tokenDelay', peer: 'streamed' });
    try {
      rig.setBehavior({ firstTokenDelayMs: 0, tokenDelayMs, tokenCount, stampTokens: true });
      const body = chatBody(true);
      for (const target of rig.targets()) await runStreams(rig.agent, target, body, { ...load, streamsPerWorker: 1 });

      const p50Rounds: RoundValues[] = [];
      const p90Rounds: RoundValues[] = [];
      const p99Rounds: RoundValues[] = [];
      let tokensPerPathAndRound = 0;
      for (let roundIndex = 0; roundIndex < rounds; roundIndex += 1) {
        const p50: Partial<RoundValues> = {};
        const p90: Partial<RoundValues> = {};
        const p99: Partial<RoundValues> = {};
        for (const target of rotated(rig.targets(), roundIndex)) {
          const results = await runStreams(rig.agent, target, body, load);
          assertAllSucceeded(`${target.label}, token delay`, results);
          const lags = results.flatMap((result) => result.tokenLagsMs).sort((left, right) => left - right);
          const expected = results.length * tokenCount;
          if (lags.length !== expected) throw new Error(`${target.label}: ${lags.length} stamped tokens arrived, expected ${expected}`);
          tokensPerPathAndRound = lags.length;
          p50[pathKey(target)] = percentileOfSorted(lags, 50);
          p90[pathKey(target)] = percentileOfSorted(lags, 90);
          p99[pathKey(target)] = percentileOfSorted(lags, 99);
        }
        p50Rounds.push(p50 as RoundValues);
        p90Rounds.push(p90 as RoundValues);
        p99Rounds.push(p99 as RoundValues);
        const last = p99Rounds.at(-1)!;
        context.progress(
          `token delay, round ${roundIndex + 1}/${rounds}: p99 direct ${last.direct.toFixed(2)} ms, floor ${formatSignedMs(last.floor - last.direct)}, Astra ${formatSignedMs(last.astra - last.direct)}`,
        );
      }
      const p50 = compare(p50Rounds);
      const p90 = compare(p90Rounds);
      const p99 = compare(p99Rounds);
      return {
        rows: [
          latencyRow('token delay p50', p50),
          latencyRow('token delay p90', p90),
          latencyRow('token delay p99', p99, { text: `Astra − floor ≤ ${targetP99OverFloorMs} ms`, passed: p99.astraOverFloor <= targetP99OverFloorMs }),
        ],
        figures: {
          concurrency,
          tokenCount,
          tokenDelayMs,
          tokensPerPathAndRound,
          p50Ms: comparisonFigures(p50),
          p90Ms: comparisonFigures(p90),
          p99Ms: comparisonFigures(p99),
          targetAstraMinusFloorP99Ms: targetP99OverFloorMs,
        },
        notes: [peerNote(rig.peerStatus)],
      };
    } finally {
      await rig.close();
    }
  },
};
