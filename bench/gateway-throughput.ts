import autocannon from 'autocannon';
import { processCpuMilliseconds } from './cpu-usage.js';
import { comparisonColumns, pathKey, peerNote, rotated, type PathKey } from './comparison.js';
import { chatBody, startGatewayRig } from './gateway-rig.js';
import { formatRate, type Row, type Section } from './section.js';
import { round, summarize } from './stats.js';
import type { Target } from './stream-client.js';

const connections = 20;
/**
 * Long enough for the optimising compiler to have done its work in every path: on a 2-core machine
 * under this load it shares the cores with the load, and a 1 s warm-up left Astra's first round
 * measuring code still being compiled (its CPU per request halved over the next rounds).
 */
const warmUpSeconds = 4;
const roundSeconds = 2;
const rounds = 5;
const targetRatio = 0.9;

/** One autocannon run of non-streamed completions; any error or non-2xx fails the bench. */
async function load(target: Target, seconds: number): Promise<{ rate: number; requests: number }> {
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
  return { rate: result.requests.average, requests: result.requests.total };
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
    const rig = await startGatewayRig(context, { label: 'gatewayThroughput', peer: 'whole' });
    try {
      rig.setBehavior({ firstTokenDelayMs: 0, tokenDelayMs: 0, tokenCount: 8 });
      for (const target of rig.targets()) await load(target, warmUpSeconds);
      const rates: Record<PathKey, number[]> = { direct: [], floor: [], astra: [], peer: [] };
      const perFloor: number[] = [];
      const perDirect: number[] = [];
      // CPU time per request of the two proxies (their own processes), from /proc: on a machine
      // where each process fills a core, requests per second follow from it.
      const pids: Partial<Record<PathKey, number>> = { floor: rig.floorPid, astra: rig.astraServer.pid };
      const cpuPerRequest: { floor: number[]; astra: number[] } = { floor: [], astra: [] };
      for (let roundIndex = 0; roundIndex < rounds; roundIndex += 1) {
        const thisRound: Partial<Record<PathKey, number>> = {};
        for (const target of rotated(rig.targets(), roundIndex)) {
          const key = pathKey(target);
          const pid = pids[key];
          const cpuBefore = pid === undefined ? 0 : processCpuMilliseconds(pid);
          const { rate, requests } = await load(target, roundSeconds);
          if (pid !== undefined && (key === 'floor' || key === 'astra')) cpuPerRequest[key].push(((processCpuMilliseconds(pid) - cpuBefore) * 1000) / requests);
          thisRound[key] = rate;
          rates[key].push(rate);
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
      const cpuFloor = summarize(cpuPerRequest.floor).median;
      const cpuAstra = summarize(cpuPerRequest.astra).median;
      const rows: Row[] = [
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
        {
          figure: 'CPU per request (µs)',
          cells: {
            floor: cpuFloor.toFixed(0),
            Astra: cpuAstra.toFixed(0),
            'Astra − floor': (cpuAstra - cpuFloor).toFixed(0),
            'Astra/floor': (cpuAstra / cpuFloor).toFixed(2),
          },
        },
      ];
      return {
        rows,
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
          cpuMicrosecondsPerRequest: { floor: round(cpuFloor), astra: round(cpuAstra) },
          targetAstraPerFloor: targetRatio,
        },
        notes: [peerNote(rig.peerStatus)],
      };
    } finally {
      await rig.close();
    }
  },
};
