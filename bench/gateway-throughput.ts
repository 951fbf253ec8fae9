import autocannon from 'autocannon';
import { comparisonColumns, pathKey, peerNote, rotated, type PathKey } from './comparison.js';
import { chatBody, startGatewayRig } from './gateway-rig.js';
import { formatRate, type Section } from './section.js';
import { round, summarize } from './stats.js';
import type { Target } from './stream-client.js';

const connections = 20;
const warmUpSeconds = 1;
const roundSeconds = 2;
const rounds = 3;
const targetRatio = 0.9;

/** One autocannon run of non-streamed completions; any error or non-2xx fails the bench. */
async function load(target: Target, seconds: number): Promise<number> {
  const result = await autocannon({
    url: `${target.origin}${target.path}`,
    method: 'POST',
    headers: target.headers,
    body: chatBody(false),
    connections,
    pipelining: 1,
    duration: seconds,
  });
  if (result.errors > 0 || result.non2xx > 0 || result.timeouts > 0) {
    throw new Error(
      `${target.label}: ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx answers under load (status counts ${JSON.stringify(result.statusCodeStats ?? {})})`,
    );
  }
  return result.requests.average;
}

/**
 * Non-streamed requests per second: small whole answers (8 tokens, no delays) through each path,
 * autocannon with a fixed number of connections, alternating the paths round by round.
 */
export const gatewayThroughputSection: Section = {
  key: 'gatewayThroughput',
  title: `Non-streamed completions per second (autocannon: ${connections} connections, ${roundSeconds} s × ${rounds} rounds per path, rotating)`,
  columns: comparisonColumns,
  async run(context) {
    const rig = await startGatewayRig(context, { label: 'gatewayThroughput', withPeer: true });
    try {
      rig.setBehavior({ firstTokenDelayMs: 0, tokenDelayMs: 0, tokenCount: 8 });
      for (const target of rig.targets()) await load(target, warmUpSeconds);
      const rates: Record<PathKey, number[]> = { direct: [], floor: [], astra: [], peer: [] };
      const perFloor: number[] = [];
      const perDirect: number[] = [];
      for (let roundIndex = 0; roundIndex < rounds; roundIndex += 1) {
        const thisRound: Partial<Record<PathKey, number>> = {};
        for (const target of rotated(rig.targets(), roundIndex)) {
          const rate = await load(target, roundSeconds);
          thisRound[pathKey(target)] = rate;
          rates[pathKey(target)].push(rate);
        }
        perFloor.push(thisRound.astra! / thisRound.floor!);
        perDirect.push(thisRound.astra! / thisRound.direct!);
        context.progress(
          `completions/s, round ${roundIndex + 1}/${rounds}: direct ${formatRate(thisRound.direct!)}, floor ${formatRate(thisRound.floor!)}, Astra ${formatRate(thisRound.astra!)}`,
        );
      }
      const medianRate = (key: PathKey): number | undefined => (rates[key].length > 0 ? summarize(rates[key]).median : undefined);
      const ratioToFloor = summarize(perFloor);
      const ratioToDirect = summarize(perDirect);
      const peerRate = medianRate('peer');
      return {
        rows: [
          {
            figure: 'requests per second',
            cells: {
              direct: formatRate(medianRate('direct')!),
              floor: formatRate(medianRate('floor')!),
              Astra: formatRate(medianRate('astra')!),
              peer: peerRate === undefined ? '—' : formatRate(peerRate),
              'Astra/direct': ratioToDirect.median.toFixed(3),
              'Astra/floor': `${ratioToFloor.median.toFixed(3)} (${ratioToFloor.min.toFixed(2)}–${ratioToFloor.max.toFixed(2)})`,
            },
            target: `Astra/floor ≥ ${targetRatio}`,
            passed: ratioToFloor.median >= targetRatio,
          },
        ],
        figures: {
          connections,
          roundSeconds,
          requestsPerSecond: {
            direct: rates.direct.map((rate) => round(rate)),
            floor: rates.floor.map((rate) => round(rate)),
            astra: rates.astra.map((rate) => round(rate)),
            ...(rates.peer.length > 0 ? { peer: rates.peer.map((rate) => round(rate)) } : {}),
          },
          astraPerFloor: round(ratioToFloor.median, 3),
          astraPerFloorRounds: perFloor.map((ratio) => round(ratio, 3)),
          astraPerDirect: round(ratioToDirect.median, 3),
          targetAstraPerFloor: targetRatio,
        },
        notes: [peerNote(rig.peerStatus)],
      };
    } finally {
      await rig.close();
    }
  },
};
