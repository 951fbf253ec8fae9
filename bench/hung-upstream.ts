import { performance } from 'node:perf_hooks';
import type { Pool } from 'undici';
import { startModelServer } from '../test/support/model-server/index.js';
import { signUp } from './astra-api.js';
import { createTemporaryDirectory, removeTemporaryDirectory } from './cleanup.js';
import { formatMs } from './comparison.js';
import { astraEnvironment, benchModel, chatBody, upstreamApiKey } from './gateway-rig.js';
import type { Row, Section } from './section.js';
import { startServer } from './server-process.js';
import { round, summarize, type Summary } from './stats.js';

const timeoutSeconds = 1;
const streamedRounds = 5;
const wholeRounds = 3;
const targetMs = timeoutSeconds * 1000;
const toleranceMs = 100;

interface ErrorAnswer {
  elapsedMs: number;
  status: number;
  body: string;
}

/** One completion against the hung stand-in: the time until the client has the whole error answer. */
async function timedError(http: Pool, token: string, stream: boolean): Promise<ErrorAnswer> {
  const started = performance.now();
  const response = await http.request({
    method: 'POST',
    path: '/api/chat/completions',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: chatBody(stream),
    // Far beyond the timeout under test: the bench must see Astra's answer, not its own give-up.
    headersTimeout: 10_000,
    bodyTimeout: 10_000,
  });
  const body = await response.body.text();
  return { elapsedMs: performance.now() - started, status: response.statusCode, body };
}

/** A clear error: an HTTP error status with Astra's {detail, code}, or (once streaming) an SSE error event. */
function describeError(answer: ErrorAnswer): string {
  if (answer.status >= 400) {
    try {
      const parsed = JSON.parse(answer.body) as { detail?: unknown; code?: unknown };
      if (typeof parsed.detail === 'string') return `HTTP ${answer.status} ${String(parsed.code)}: ${parsed.detail}`;
    } catch {
      // Not JSON: reported below.
    }
    return `HTTP ${answer.status} without Astra's error shape: ${answer.body.slice(0, 200)}`;
  }
  const event = /data: (\{"error".*)/.exec(answer.body)?.[1];
  if (event) return `HTTP ${answer.status}, then error event ${event.slice(0, 200)}`;
  throw new Error(`no error reached the client (HTTP ${answer.status}): ${answer.body.slice(0, 300)}`);
}

function row(figure: string, summary: Summary): Row {
  return {
    figure,
    cells: { median: formatMs(summary.median), min: formatMs(summary.min), max: formatMs(summary.max), rounds: String(summary.values.length) },
    target: `${targetMs} ± ${toleranceMs} ms`,
    passed: Math.abs(summary.median - targetMs) <= toleranceMs,
  };
}

/**
 * A model server that accepts the request and never answers (no status line): with
 * AIOHTTP_CLIENT_TIMEOUT=1 the client must get a clear error after 1 s — not sooner, not later.
 * Timed from sending to the end of the error answer; the model list is loaded and the route warm
 * before the fault is switched on.
 */
export const hungUpstreamSection: Section = {
  key: 'hungUpstream',
  title: `Hung model server (hang-before-headers, AIOHTTP_CLIENT_TIMEOUT=${timeoutSeconds}): time until the client has a clear error`,
  columns: ['median', 'min', 'max', 'rounds'],
  async run(context) {
    const standIn = await startModelServer({ openaiModels: [benchModel], apiKey: upstreamApiKey });
    const dataDirectory = createTemporaryDirectory();
    try {
      const server = await startServer({
        entry: context.serverEntry,
        dataDirectory,
        environment: astraEnvironment([standIn.openaiBaseUrl], { AIOHTTP_CLIENT_TIMEOUT: String(timeoutSeconds) }),
      });
      try {
        const token = await signUp(server.http, 'Hung Upstream Bench');
        const healthy = await timedError(server.http, token, true);
        if (healthy.status !== 200 || !healthy.body.includes('[DONE]')) throw new Error(`a healthy stream failed first: HTTP ${healthy.status} ${healthy.body.slice(0, 300)}`);

        standIn.setBehavior({ fault: 'hang-before-headers' });
        const measure = async (stream: boolean, count: number): Promise<{ times: number[]; messages: string[] }> => {
          const times: number[] = [];
          const messages: string[] = [];
          for (let index = 1; index <= count; index += 1) {
            const answer = await timedError(server.http, token, stream);
            messages.push(describeError(answer));
            times.push(answer.elapsedMs);
            context.progress(`hung model server (${stream ? 'streamed' : 'whole'}) ${index}/${count}: ${formatMs(answer.elapsedMs)} — ${messages.at(-1)}`);
          }
          return { times, messages };
        };
        const streamed = await measure(true, streamedRounds);
        const whole = await measure(false, wholeRounds);
        const streamedSummary = summarize(streamed.times);
        const wholeSummary = summarize(whole.times);
        const distinct = [...new Set([...streamed.messages, ...whole.messages])];
        return {
          rows: [row('stream: true', streamedSummary), row('stream: false', wholeSummary)],
          notes: distinct.map((message) => `client saw: ${message}`),
          figures: {
            timeoutSeconds,
            streamedMs: streamed.times.map((value) => round(value, 1)),
            wholeMs: whole.times.map((value) => round(value, 1)),
            streamedMedianMs: round(streamedSummary.median, 1),
            wholeMedianMs: round(wholeSummary.median, 1),
            targetMs,
            toleranceMs,
          },
        };
      } finally {
        await server.stop();
      }
    } finally {
      removeTemporaryDirectory(dataDirectory);
      await standIn.close();
    }
  },
};
