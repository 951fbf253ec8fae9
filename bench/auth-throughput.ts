import autocannon from 'autocannon';
import { assertTokenWorks, signUp } from './astra-api.js';
import { createTemporaryDirectory, removeTemporaryDirectory } from './cleanup.js';
import { formatRate, type Section } from './section.js';
import { startServer } from './server-process.js';
import { round, summarize, summaryFigures, type Summary } from './stats.js';

const connections = 10;
const pipelining = 1;
const warmUpSeconds = 1;
const roundSeconds = 3;
const roundsPerSide = 3;
const targetRatio = 0.8;

interface LoadTarget {
  label: string;
  path: string;
  headers: Record<string, string>;
}

/** One autocannon run; any error or non-2xx answer fails the bench, since the rate would then be meaningless. */
async function load(baseUrl: string, target: LoadTarget, seconds: number): Promise<number> {
  const result = await autocannon({
    url: `${baseUrl}${target.path}`,
    method: 'GET',
    headers: target.headers,
    connections,
    pipelining,
    duration: seconds,
  });
  if (result.errors > 0 || result.non2xx > 0) {
    const statuses = JSON.stringify(result.statusCodeStats ?? {});
    throw new Error(`${target.label}: ${result.errors} connection errors and ${result.non2xx} non-2xx answers under load (status counts ${statuses})`);
  }
  // The per-second average; autocannon's latency histogram has whole-millisecond resolution, too coarse here.
  return result.requests.average;
}

/**
 * Auth cost: requests per second of an authenticated GET /api/v1/auths/ against the bare GET /health
 * on the same server, in alternating rounds so drift (CPU heat, GC, the load generator sharing the
 * cores) hits both sides alike. The ratio says what authentication costs on the hot path.
 */
export const authThroughputSection: Section = {
  key: 'authThroughput',
  title: `Auth cost (autocannon: ${connections} connections, pipelining ${pipelining}, ${roundSeconds} s × ${roundsPerSide} rounds each, alternating)`,
  columns: ['median', 'min', 'max', 'rounds'],
  async run(context) {
    const dataDirectory = createTemporaryDirectory();
    const server = await startServer({ entry: context.serverEntry, dataDirectory });
    try {
      const token = await signUp(server.http, 'Throughput Bench');
      await assertTokenWorks(server.http, token);
      const health: LoadTarget = { label: 'GET /health', path: '/health', headers: {} };
      const auth: LoadTarget = { label: 'GET /api/v1/auths/', path: '/api/v1/auths/', headers: { authorization: `Bearer ${token}` } };

      context.progress(`auth cost: warming up (${warmUpSeconds} s per side)`);
      await load(server.baseUrl, health, warmUpSeconds);
      await load(server.baseUrl, auth, warmUpSeconds);

      const healthResults: number[] = [];
      const authResults: number[] = [];
      for (let index = 1; index <= roundsPerSide; index += 1) {
        healthResults.push(await load(server.baseUrl, health, roundSeconds));
        authResults.push(await load(server.baseUrl, auth, roundSeconds));
        context.progress(
          `auth cost ${index}/${roundsPerSide}: health ${formatRate(healthResults.at(-1)!)}, auth ${formatRate(authResults.at(-1)!)}`,
        );
      }

      const healthRate = summarize(healthResults);
      const authRate = summarize(authResults);
      const ratio = authRate.median / healthRate.median;
      const rateCells = (rate: Summary): Record<string, string> => ({
        median: formatRate(rate.median),
        min: formatRate(rate.min),
        max: formatRate(rate.max),
        rounds: String(rate.values.length),
      });
      return {
        rows: [
          { figure: 'GET /health', cells: rateCells(healthRate) },
          { figure: 'GET /api/v1/auths/ (Bearer)', cells: rateCells(authRate) },
          { figure: 'ratio auth / health', cells: { median: ratio.toFixed(2) }, target: `≥ ${targetRatio}`, passed: ratio >= targetRatio },
        ],
        figures: {
          targetRatio,
          ratio: round(ratio, 3),
          healthRequestsPerSecond: summaryFigures(healthRate),
          authRequestsPerSecond: summaryFigures(authRate),
          connections,
          pipelining,
          roundSeconds,
        },
      };
    } finally {
      await server.stop();
      removeTemporaryDirectory(dataDirectory);
    }
  },
};
