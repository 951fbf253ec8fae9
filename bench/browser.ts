/**
 * The web app in Chromium: how long a token takes from the model server to the screen, how smoothly
 * a long answer streams into a 500-message chat, and how much JavaScript the first page load needs.
 * Astra is a fresh process in front of the stand-in (in this process, so its token stamps are on
 * this clock); the browser is the system Chromium (test/browser/harness.ts), signed in as the first
 * account. Without Chromium only the JavaScript size is measured.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { startModelServer, type ModelServer } from '../test/support/model-server/index.js';
import { chromiumMissing, launchChromium, openSession, sendMessage, waitForAnswer, type BrowserSession } from '../test/browser/harness.js';
import { signUp } from './astra-api.js';
import { pageProbe, processClockSkew, type ProbeResult } from './browser-probe.js';
import { createTemporaryDirectory, removeTemporaryDirectory } from './cleanup.js';
import { astraEnvironment, benchModel, upstreamApiKey } from './gateway-rig.js';
import type { Row, Section } from './section.js';
import { startServer, type RunningServer } from './server-process.js';
import { percentile, round, summarize, summaryFigures, type Summary } from './stats.js';

const rounds = 3;
/** Token → screen: a short chat, tokens at a brisk model's pace. */
const latencyTokenCount = 100;
const latencyTokenDelayMs = 20;
const targetLatencyP50Ms = 16;
/** Frames per second: a long markdown answer into a chat of this many messages. */
const longChatMessages = 500;
const streamTokenDelayMs = 10;
const targetFramesPerSecond = 50;
const targetInitialJavaScriptKilobytes = 200;
const answerTimeoutMs = 60_000;

const columns = ['median', 'min', 'max', 'rounds'] as const;

/** The JavaScript files index.html makes the browser load at start (module scripts and modulepreloads), with their gzip sizes. */
export function initialJavaScript(webDirectory: string): { files: string[]; gzipBytes: number } {
  const index = readFileSync(join(webDirectory, 'index.html'), 'utf8');
  const scripts = [...index.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)].map((match) => match[1]!);
  const preloads = [...index.matchAll(/<link\b[^>]*\brel="modulepreload"[^>]*\bhref="([^"]+)"/g)].map((match) => match[1]!);
  const files = [...new Set([...scripts, ...preloads])].map((path) => path.replace(/^\//, ''));
  if (files.length === 0) throw new Error(`${join(webDirectory, 'index.html')} loads no script`);
  let gzipBytes = 0;
  for (const file of files) {
    const path = join(webDirectory, file);
    // The build writes a gzip copy (level 9) beside each file; the server sends that one.
    gzipBytes += existsSync(`${path}.gz`) ? readFileSync(`${path}.gz`).length : gzipSync(readFileSync(path), { level: 9 }).length;
  }
  return { files, gzipBytes };
}

/** A long answer with the usual markdown: headings, paragraphs, lists, code and a table (about 600 words). */
function longAnswer(): string {
  const part = (index: number): string => `## Part ${index}: measuring before optimising

Profiling first tells you where the time goes, so that the change you make is the one that matters. Start with the
slowest request you can reproduce, and keep the numbers from before and after each step.

1. **Record** a baseline with the same input every time.
2. **Change** one thing, then measure again.
3. **Keep** the change only when the numbers say so.

\`\`\`ts
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
\`\`\`

| Step | Before | After |
|---|---|---|
| parse | 12 ms | 4 ms |
| render | 30 ms | 9 ms |

> A number without the conditions it was measured under says little.
`;
  return [1, 2, 3, 4].map(part).join('\n');
}

/** One imported chat of `count` messages, questions and answers in turn, answers with some markdown. */
function longChat(count: number): unknown {
  const messages = Array.from({ length: count }, (_, index) => {
    const turn = Math.floor(index / 2) + 1;
    if (index % 2 === 0) return { role: 'user', content: `Question ${turn}: how would you speed up step ${turn} of the pipeline?` };
    const code = turn % 5 === 0 ? `\n\n\`\`\`ts\nconst step${turn} = await run(${turn});\nconsole.log(step${turn});\n\`\`\`` : '';
    return {
      role: 'assistant',
      model: benchModel,
      content: `For step ${turn}, measure first: \`time ./run ${turn}\`. Then:\n\n- cache the **inputs** of step ${turn}\n- batch the writes\n- keep what the numbers justify${code}`,
    };
  });
  return { version: 1, chats: [{ chat: { title: `${count} messages`, models: [benchModel], messages } }] };
}

async function importChat(server: RunningServer, token: string, body: unknown): Promise<string> {
  const response = await server.http.request({
    method: 'POST',
    path: '/api/v1/chats/import',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  const text = await response.body.text();
  if (response.statusCode !== 200) throw new Error(`chat import answered ${response.statusCode}: ${text.slice(0, 300)}`);
  const [created] = JSON.parse(text) as Array<{ id: string }>;
  if (created === undefined) throw new Error('chat import created no chat');
  return created.id;
}

/** Sends a message and reads what the probe saw until the answer is complete. */
async function measureAnswer(page: Page, text: string, countFrames: boolean): Promise<ProbeResult> {
  const baseline = await page.locator('article.message.assistant').count();
  await page.evaluate(`window.__bench.start(${JSON.stringify({ baseline, countFrames })})`);
  await sendMessage(page, text);
  await page.locator('article.message.assistant').nth(baseline).waitFor({ timeout: answerTimeoutMs });
  await waitForAnswer(page, answerTimeoutMs);
  return (await page.evaluate('window.__bench.stop()')) as ProbeResult;
}

interface LatencyRound {
  p50: number;
  p95: number;
}

/** Token → screen in a new chat: every token's paint time minus the moment the stand-in wrote it. */
async function latencyRound(page: Page, baseUrl: string, standIn: ModelServer, benchSkew: number, pageSkew: number): Promise<LatencyRound> {
  await page.goto(baseUrl);
  standIn.setBehavior({ tokenCount: latencyTokenCount, tokenDelayMs: latencyTokenDelayMs, stampTokens: true, replyText: null });
  const result = await measureAnswer(page, 'Count, please.', false);
  if (result.tokens.length !== latencyTokenCount) throw new Error(`token → screen: ${result.tokens.length} of ${latencyTokenCount} stamped tokens were seen on screen`);
  // Both clocks as the system clock: the page's paint time and the stand-in's write time (its performance.now()).
  const latencies = result.tokens.map((token) => token.paintedAt + pageSkew - (performance.timeOrigin + token.stamp + benchSkew));
  return { p50: percentile(latencies, 50), p95: percentile(latencies, 95) };
}

interface FrameRound {
  framesPerSecond: number;
  longestFrameMs: number;
  streamingMs: number;
}

/** Frames per second while the answer's text changes, counted with requestAnimationFrame. */
async function frameRound(page: Page, standIn: ModelServer): Promise<FrameRound> {
  standIn.setBehavior({ replyText: longAnswer(), tokenDelayMs: streamTokenDelayMs, stampTokens: false });
  const result = await measureAnswer(page, 'Tell me how to make it faster.', true);
  const frames = result.frames.filter((time) => time >= result.firstChange && time <= result.lastChange);
  if (frames.length < 2) throw new Error(`frames per second: only ${frames.length} frames while the answer streamed`);
  let longest = 0;
  for (let index = 1; index < frames.length; index += 1) longest = Math.max(longest, frames[index]! - frames[index - 1]!);
  const span = frames.at(-1)! - frames[0]!;
  return { framesPerSecond: ((frames.length - 1) * 1000) / span, longestFrameMs: longest, streamingMs: result.lastChange - result.firstChange };
}

const ms = (value: number): string => `${value.toFixed(1)} ms`;

function summaryRow(figure: string, summary: Summary, format: (value: number) => string, target?: { text: string; passed: boolean }): Row {
  return {
    figure,
    cells: { median: format(summary.median), min: format(summary.min), max: format(summary.max), rounds: String(summary.values.length) },
    ...(target === undefined ? {} : { target: target.text, passed: target.passed }),
  };
}

export const browserSection: Section = {
  key: 'browser',
  title: `Web app in Chromium (token → screen in a new chat; frames/s while streaming into a ${longChatMessages}-message chat; initial JavaScript; medians of ${rounds} rounds)`,
  columns,
  async run(context) {
    const webDirectory = join(dirname(context.serverEntry), 'web');
    const javaScript = initialJavaScript(webDirectory);
    const kilobytes = javaScript.gzipBytes / 1024;
    const javaScriptRow: Row = {
      figure: 'initial JavaScript (gzip)',
      cells: { median: `${kilobytes.toFixed(1)} KB`, rounds: '1' },
      target: `≤ ${targetInitialJavaScriptKilobytes} KB`,
      passed: kilobytes <= targetInitialJavaScriptKilobytes,
    };
    const javaScriptFigures = { initialJavaScriptGzipBytes: javaScript.gzipBytes, initialJavaScriptFiles: javaScript.files.length, targetInitialJavaScriptKilobytes };
    const javaScriptNote = `initial JavaScript: ${javaScript.files.join(', ')} (what index.html loads at start, gzip level 9 as served)`;

    const missing = chromiumMissing();
    if (missing !== undefined) {
      return { rows: [javaScriptRow], figures: javaScriptFigures, notes: [javaScriptNote, `token → screen and frames/s not measured: ${missing}`] };
    }

    const cleanups: Array<() => Promise<void>> = [];
    try {
      const standIn = await startModelServer({ openaiModels: [benchModel], apiKey: upstreamApiKey, requestLogLimit: 50 });
      cleanups.push(() => standIn.close());
      const dataDirectory = createTemporaryDirectory();
      cleanups.push(async () => removeTemporaryDirectory(dataDirectory));
      const server = await startServer({
        entry: context.serverEntry,
        dataDirectory,
        environment: astraEnvironment([standIn.openaiBaseUrl], { ENABLE_TITLE_GENERATION: 'false' }),
        nodeArguments: context.astraNodeArguments('browser'),
      });
      cleanups.push(() => server.stop());
      const token = await signUp(server.http, 'Browser Bench');
      const browser: Browser = await launchChromium();
      cleanups.push(() => browser.close());
      const session: BrowserSession = await openSession(browser, { name: 'bench', token, url: server.baseUrl });
      await session.context.addInitScript({ content: pageProbe });
      const { page } = session;
      context.progress(`browser: Astra pid ${server.pid}, Chromium ${browser.version()}`);

      // Token → screen: one answer to warm up, then the rounds.
      await page.goto(server.baseUrl);
      const pageSkew = (await page.evaluate('window.__bench.clockSkew()')) as number;
      const benchSkew = processClockSkew();
      await latencyRound(page, server.baseUrl, standIn, benchSkew, pageSkew);
      const latency: LatencyRound[] = [];
      for (let index = 1; index <= rounds; index += 1) {
        latency.push(await latencyRound(page, server.baseUrl, standIn, benchSkew, pageSkew));
        context.progress(`token → screen, round ${index}/${rounds}: p50 ${ms(latency.at(-1)!.p50)}, p95 ${ms(latency.at(-1)!.p95)}`);
      }

      // Frames per second: open the long chat, one answer to warm up, then the rounds.
      const chatId = await importChat(server, token, longChat(longChatMessages));
      const openStarted = performance.now();
      await page.goto(`${server.baseUrl}/c/${chatId}`);
      await page.locator('article.message').nth(longChatMessages - 1).waitFor({ timeout: answerTimeoutMs });
      await page.getByLabel('Model', { exact: true }).waitFor();
      const openMs = performance.now() - openStarted;
      const shown = await page.locator('article.message').count();
      if (shown !== longChatMessages) throw new Error(`the long chat shows ${shown} messages, expected ${longChatMessages}`);
      await frameRound(page, standIn);
      const frameRounds: FrameRound[] = [];
      for (let index = 1; index <= rounds; index += 1) {
        frameRounds.push(await frameRound(page, standIn));
        const last = frameRounds.at(-1)!;
        context.progress(`frames/s, round ${index}/${rounds}: ${last.framesPerSecond.toFixed(1)}, longest frame ${ms(last.longestFrameMs)} over ${ms(last.streamingMs)}`);
      }
      if (session.problems.length > 0) throw new Error(`the page reported problems: ${session.problems.join('; ')}`);

      const p50 = summarize(latency.map((round) => round.p50));
      const p95 = summarize(latency.map((round) => round.p95));
      const framesPerSecond = summarize(frameRounds.map((round) => round.framesPerSecond));
      const longestFrame = summarize(frameRounds.map((round) => round.longestFrameMs));
      const streaming = summarize(frameRounds.map((round) => round.streamingMs));
      return {
        rows: [
          summaryRow('token → screen p50', p50, ms, { text: `≤ ${targetLatencyP50Ms} ms`, passed: p50.median <= targetLatencyP50Ms }),
          summaryRow('token → screen p95', p95, ms),
          summaryRow(`frames/s while streaming (${longChatMessages} messages)`, framesPerSecond, (value) => value.toFixed(1), {
            text: `≥ ${targetFramesPerSecond}`,
            passed: framesPerSecond.median >= targetFramesPerSecond,
          }),
          summaryRow('longest frame while streaming', longestFrame, ms),
          summaryRow('answer streaming time', streaming, ms),
          { figure: `opening the ${longChatMessages}-message chat`, cells: { median: ms(openMs), rounds: '1' } },
          javaScriptRow,
        ],
        figures: {
          ...javaScriptFigures,
          latencyTokenCount,
          latencyTokenDelayMs,
          tokenToScreenP50Ms: summaryFigures(p50),
          tokenToScreenP95Ms: summaryFigures(p95),
          targetTokenToScreenP50Ms: targetLatencyP50Ms,
          longChatMessages,
          streamTokenDelayMs,
          framesPerSecond: summaryFigures(framesPerSecond),
          longestFrameMs: summaryFigures(longestFrame),
          streamingMs: summaryFigures(streaming),
          openLongChatMs: round(openMs),
          targetFramesPerSecond,
          clockSkewMs: { page: round(pageSkew, 3), bench: round(benchSkew, 3) },
        },
        notes: [
          `token → screen: from the stand-in writing a token (${latencyTokenCount} tokens ${latencyTokenDelayMs} ms apart) to the end of the frame that painted it in the page; both clocks read as the system clock (skew page ${pageSkew.toFixed(2)} ms, bench ${benchSkew.toFixed(2)} ms)`,
          `frames/s: requestAnimationFrame callbacks from the answer's first to its last change (${streamTokenDelayMs} ms between tokens, ≈ 600 words of markdown); headless Chromium draws at most about 60 frames/s`,
          javaScriptNote,
        ],
      };
    } finally {
      for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => console.error('bench: cleanup failed:', error));
    }
  },
};
