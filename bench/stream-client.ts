/**
 * The bench's streaming client: one chat-completions request, its SSE read as it arrives, with the
 * time of each event taken the moment its last byte came off the socket (undici's dispatch handler,
 * no stream objects in between, so every path pays the same small client cost).
 */
import { performance } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';
import { sleep } from './stats.js';

/** Where a request goes: one of the paths to the model-server stand-in. */
export interface Target {
  label: string;
  origin: string;
  /** e.g. /v1/chat/completions (direct, floor) or /api/chat/completions (Astra). */
  path: string;
  headers: Record<string, string>;
}

export interface StreamResult {
  status: number;
  /** From sending the request to the arrival of the first event carrying content (a token). */
  firstTokenMs: number | undefined;
  /** Content events received. */
  tokens: number;
  /** For stamped tokens (stand-in `stampTokens`): arrival minus the stand-in's write time, per token. */
  tokenLagsMs: number[];
  /** Saw `data: [DONE]`. */
  done: boolean;
  /** From sending to the end of the response. */
  totalMs: number;
  /** Set when the request failed, answered non-200, or the stream carried an error event. */
  error: string | undefined;
  /** The start of the body of a non-200 answer. */
  errorBody: string;
}

/** A content delta with at least one character: the role chunk (`"content":""`) does not count. */
const contentPattern = /"content":"[^"]/g;
const stampPattern = /@(\d+\.\d+)/g;

/** Sends one request and reads the whole answer; never rejects (failures are in `error`). */
export function sendStream(agent: Dispatcher, target: Target, body: string, timeoutMs: number): Promise<StreamResult> {
  return new Promise((resolve) => {
    const result: StreamResult = { status: 0, firstTokenMs: undefined, tokens: 0, tokenLagsMs: [], done: false, totalMs: 0, error: undefined, errorBody: '' };
    let pending = '';
    let settled = false;
    let controllerRef: Dispatcher.DispatchController | undefined;
    const started = performance.now();
    const settle = (error?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      result.totalMs = performance.now() - started;
      if (error !== undefined && result.error === undefined) result.error = error;
      resolve(result);
    };
    const timer = setTimeout(() => {
      controllerRef?.abort(new Error('bench timeout'));
      settle(`no complete answer within ${timeoutMs} ms`);
    }, timeoutMs);

    agent.dispatch(
      { origin: target.origin, path: target.path, method: 'POST', headers: target.headers, body },
      {
        onRequestStart(controller) {
          controllerRef = controller;
        },
        onResponseStart(_controller, statusCode) {
          result.status = statusCode;
        },
        onResponseData(_controller, chunk) {
          const now = performance.now();
          if (result.status !== 200) {
            if (result.errorBody.length < 500) result.errorBody += chunk.toString('utf8');
            return;
          }
          pending += chunk.toString('latin1');
          const end = pending.lastIndexOf('\n\n');
          if (end === -1) return;
          const events = pending.slice(0, end);
          pending = pending.slice(end + 2);
          contentPattern.lastIndex = 0;
          let tokensHere = 0;
          while (contentPattern.exec(events) !== null) tokensHere += 1;
          if (tokensHere > 0) {
            result.tokens += tokensHere;
            result.firstTokenMs ??= now - started;
          }
          stampPattern.lastIndex = 0;
          for (let match = stampPattern.exec(events); match !== null; match = stampPattern.exec(events)) {
            result.tokenLagsMs.push(now - Number(match[1]));
          }
          if (events.includes('data: [DONE]')) result.done = true;
          if (result.error === undefined && events.includes('"error"')) {
            const at = events.indexOf('"error"');
            result.error = `error event: ${events.slice(at, at + 300)}`;
          }
        },
        onResponseEnd() {
          if (result.status !== 200) settle(`HTTP ${result.status}: ${result.errorBody.slice(0, 200)}`);
          else if (!result.done) settle('the stream ended without data: [DONE]');
          else settle();
        },
        onResponseError(_controller, error) {
          settle(`${error.name}: ${error.message}`);
        },
      },
    );
  });
}

export interface StreamLoad {
  /** Streams open at once: one worker per stream, each sending its next request when the last one ended. */
  concurrency: number;
  /** Streams each worker sends, one after the other. */
  streamsPerWorker: number;
  /** Worker i starts after i × spreadMs / concurrency, so requests arrive evenly rather than in one burst. */
  spreadMs: number;
  /** Each worker's first streams that only ramp the load up and are not counted. */
  uncountedPerWorker: number;
  timeoutMs: number;
}

/**
 * Runs a closed-loop load of streams; returns the counted results (all of them, failures included).
 * `body` is the same for every request, or made per request from the worker's index (made just
 * before sending, after the worker's previous stream ended).
 */
export async function runStreams(agent: Dispatcher, target: Target, body: string | ((worker: number) => string), load: StreamLoad): Promise<StreamResult[]> {
  const counted: StreamResult[] = [];
  const worker = async (index: number): Promise<void> => {
    const delay = (index * load.spreadMs) / load.concurrency;
    if (delay > 0) await sleep(delay);
    for (let stream = 0; stream < load.streamsPerWorker; stream += 1) {
      const result = await sendStream(agent, target, typeof body === 'string' ? body : body(index), load.timeoutMs);
      if (stream >= load.uncountedPerWorker) counted.push(result);
    }
  };
  await Promise.all(Array.from({ length: load.concurrency }, (_, index) => worker(index)));
  return counted;
}

/** Throws with the first failure when any stream failed: the latencies of a broken path mean nothing. */
export function assertAllSucceeded(label: string, results: readonly StreamResult[]): void {
  const failed = results.filter((result) => result.error !== undefined);
  if (failed.length > 0) {
    throw new Error(`${label}: ${failed.length} of ${results.length} streams failed; first: ${failed[0]!.error}`);
  }
}
