import { performance } from 'node:perf_hooks';
import type { Pool } from 'undici';
import { startBlackHole, startModelServer } from '../test/support/model-server/index.js';
import { signUp } from './astra-api.js';
import { createTemporaryDirectory, removeTemporaryDirectory } from './cleanup.js';
import { formatMs } from './comparison.js';
import { astraEnvironment, benchModel, upstreamApiKey } from './gateway-rig.js';
import type { BenchContext, Row, Section } from './section.js';
import { startServer, type RunningServer } from './server-process.js';
import { percentile, round, summarize, type Summary } from './stats.js';

const rounds = 3;
const sequentialRequests = 300;
const listTimeoutSeconds = 1;
const targetWarmP50Ms = 1;
const targetFirstListMs = listTimeoutSeconds * 1000 + 100;

/** One GET /api/models, timed from sending to the last byte; checks that the bench model is listed. */
async function listOnce(http: Pool, token: string): Promise<number> {
  const started = performance.now();
  const response = await http.request({ method: 'GET', path: '/api/models', headers: { authorization: `Bearer ${token}` }, headersTimeout: 10_000, bodyTimeout: 10_000 });
  const text = await response.body.text();
  const elapsed = performance.now() - started;
  if (response.statusCode !== 200) throw new Error(`GET /api/models answered ${response.statusCode}: ${text.slice(0, 300)}`);
  if (!text.includes(`"${benchModel}"`)) throw new Error(`GET /api/models does not list ${benchModel}: ${text.slice(0, 300)}`);
  return elapsed;
}

/** Sequential lists, one at a time on one connection: p50 and p99 of their latencies. */
async function sequentialLists(http: Pool, token: string): Promise<{ p50: number; p99: number }> {
  const times: number[] = [];
  for (let index = 0; index < sequentialRequests; index += 1) times.push(await listOnce(http, token));
  return { p50: percentile(times, 50), p99: percentile(times, 99) };
}

async function withAstra<T>(context: BenchContext, openaiBaseUrls: string[], extra: Record<string, string>, use: (server: RunningServer, token: string) => Promise<T>): Promise<T> {
  const dataDirectory = createTemporaryDirectory();
  try {
    const server = await startServer({ entry: context.serverEntry, dataDirectory, environment: astraEnvironment(openaiBaseUrls, extra) });
    try {
      const token = await signUp(server.http, 'Model List Bench');
      return await use(server, token);
    } finally {
      await server.stop();
    }
  } finally {
    removeTemporaryDirectory(dataDirectory);
  }
}

function row(figure: string, summary: Summary, target?: { text: string; passed: boolean }): Row {
  return {
    figure,
    cells: { median: formatMs(summary.median), min: formatMs(summary.min), max: formatMs(summary.max), rounds: String(summary.values.length) },
    ...(target ? { target: target.text, passed: target.passed } : {}),
  };
}

/**
 * GET /api/models: warm (the list cached) over many sequential requests; then with a second
 * connection that accepts TCP and never answers (a black hole) and AIOHTTP_CLIENT_TIMEOUT_MODEL_LIST=1,
 * the first list (bounded by that timeout) and the lists after it (the dead connection skipped).
 */
export const modelListSection: Section = {
  key: 'modelList',
  title: `Model list GET /api/models (${sequentialRequests} sequential requests per round; black hole with AIOHTTP_CLIENT_TIMEOUT_MODEL_LIST=${listTimeoutSeconds})`,
  columns: ['median', 'min', 'max', 'rounds'],
  async run(context) {
    const standIn = await startModelServer({ openaiModels: [benchModel], apiKey: upstreamApiKey });
    const blackHole = await startBlackHole();
    try {
      const warm = await withAstra(context, [standIn.openaiBaseUrl], {}, async (server, token) => {
        await listOnce(server.http, token); // fills the cache
        const results: Array<{ p50: number; p99: number }> = [];
        for (let index = 1; index <= rounds; index += 1) {
          results.push(await sequentialLists(server.http, token));
          context.progress(`model list warm, round ${index}/${rounds}: p50 ${formatMs(results.at(-1)!.p50)}`);
        }
        return results;
      });

      const firstLists: number[] = [];
      const later: Array<{ p50: number; p99: number }> = [];
      for (let index = 1; index <= rounds; index += 1) {
        await withAstra(context, [standIn.openaiBaseUrl, blackHole.url], { AIOHTTP_CLIENT_TIMEOUT_MODEL_LIST: String(listTimeoutSeconds) }, async (server, token) => {
          firstLists.push(await listOnce(server.http, token));
          later.push(await sequentialLists(server.http, token));
        });
        context.progress(`model list with a black-holed connection, round ${index}/${rounds}: first ${formatMs(firstLists.at(-1)!)}, later p50 ${formatMs(later.at(-1)!.p50)}`);
      }

      const warmP50 = summarize(warm.map((result) => result.p50));
      const warmP99 = summarize(warm.map((result) => result.p99));
      const first = summarize(firstLists);
      const laterP50 = summarize(later.map((result) => result.p50));
      const laterP99 = summarize(later.map((result) => result.p99));
      return {
        rows: [
          row('warm p50', warmP50, { text: `≤ ${targetWarmP50Ms} ms`, passed: warmP50.median <= targetWarmP50Ms }),
          row('warm p99', warmP99),
          row('black hole: first list', first, { text: `≤ ${targetFirstListMs} ms`, passed: first.median <= targetFirstListMs }),
          row('black hole: later lists p50', laterP50, { text: `≤ ${targetWarmP50Ms} ms`, passed: laterP50.median <= targetWarmP50Ms }),
          row('black hole: later lists p99', laterP99),
        ],
        figures: {
          sequentialRequests,
          listTimeoutSeconds,
          warmP50Ms: warm.map((result) => round(result.p50, 3)),
          warmP99Ms: warm.map((result) => round(result.p99, 3)),
          blackHoleFirstListMs: firstLists.map((value) => round(value, 1)),
          blackHoleLaterP50Ms: later.map((result) => round(result.p50, 3)),
          blackHoleLaterP99Ms: later.map((result) => round(result.p99, 3)),
          targets: { warmP50Ms: targetWarmP50Ms, firstListMs: targetFirstListMs, laterP50Ms: targetWarmP50Ms },
        },
      };
    } finally {
      await blackHole.close();
      await standIn.close();
    }
  },
};
