/**
 * 200 chat generations at once, each a new chat with a reply of a few hundred tokens spread over
 * about three seconds, while half of the clients hang up mid-answer and come back with
 * Last-Event-ID — some once, some twice (one of them before the first token), some only after the
 * answer has ended. Every client's text, put together from all its connections, must be exactly the
 * reply the stand-in sent, and so must the answer stored in the chat. Astra's database writes during
 * the run come from its /metrics.
 */
import { randomUUID } from 'node:crypto';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';
import { fillerToken, splitIntoWordTokens } from '../test/support/model-server/index.js';
import { beyondInterval, databaseWritesOf, eventLoopDelayOf, samplingIntervalMs, scrapeMetrics, type DatabaseWrites, type EventLoopDelay } from './astra-metrics.js';
import { lastEventId, readChatStream, type ChatEvent, type ChatStreamResult } from './chat-client.js';
import { CpuMeter } from './cpu-usage.js';
import { benchModel, startGatewayRig, type GatewayRig } from './gateway-rig.js';
import type { Row, Section } from './section.js';
import { percentile, round, sleep, summarize } from './stats.js';

const clients = 200;
const tokenCount = 300;
const tokenDelayMs = 10;
const firstTokenDelayMs = 20;
const rounds = 3;
/** Client starts spread over this long. */
const spreadMs = 1_000;
const connectionTimeoutMs = 30_000;
/** How long a client coming back "after the end" waits for the stored answer to be finished. */
const finishedWaitMs = 30_000;
/** After the last client, before the closing scrape: the hub records the end of each job right after it. */
const settleMs = 300;
/**
 * The latest event a client hangs up after. A generation has the head, one event per token, the
 * finish chunk and [DONE]; under load several arrive in one read, so the last ones are left out
 * (a client that got [DONE] in the same read as its hang-up point does not hang up).
 */
const lastHangUpId = tokenCount - 40;

/** What one client does: hang up after each of these event ids, pause, come back; the last time maybe only after the end. */
interface Plan {
  kind: 'stays' | 'once' | 'twice' | 'after the end';
  hangUpAfterIds: number[];
  pausesMs: number[];
  waitForEnd: boolean;
}

/** A small deterministic generator, so every run hangs up at the same places. */
function seeded(seed: number): (min: number, max: number) => number {
  let state = seed >>> 0 || 1;
  return (min, max) => {
    state = (state * 1_664_525 + 1_013_904_223) >>> 0;
    return min + (state % (max - min + 1));
  };
}

/**
 * Half stay; a fifth hang up once; a tenth twice mid-answer; a tenth twice, the first time right
 * after the head (before any token); a tenth hang up once and come back after the answer ended.
 */
function planFor(client: number, roundIndex: number): Plan {
  const random = seeded(client * 7_919 + roundIndex * 104_729 + 1);
  const pause = (): number => random(20, 400);
  switch (client % 10) {
    case 5:
    case 6:
      return { kind: 'once', hangUpAfterIds: [random(3, lastHangUpId)], pausesMs: [pause()], waitForEnd: false };
    case 7:
      return { kind: 'twice', hangUpAfterIds: [1, random(20, lastHangUpId)], pausesMs: [pause(), pause()], waitForEnd: false };
    case 8: {
      const first = random(3, Math.floor(lastHangUpId / 2));
      return { kind: 'twice', hangUpAfterIds: [first, random(first + 10, lastHangUpId)], pausesMs: [pause(), pause()], waitForEnd: false };
    }
    case 9:
      return { kind: 'after the end', hangUpAfterIds: [random(3, lastHangUpId)], pausesMs: [], waitForEnd: true };
    default:
      return { kind: 'stays', hangUpAfterIds: [], pausesMs: [], waitForEnd: false };
  }
}

/** The stand-in's reply with `echo` to a one-word prompt: the word, then Token2 … TokenN. */
function expectedTokens(tag: string): string[] {
  const tokens = splitIntoWordTokens(`${tag} `);
  for (let position = tokens.length + 1; position <= tokenCount; position += 1) tokens.push(fillerToken(position));
  return tokens;
}

interface ClientOutcome {
  plan: Plan;
  chatId: string;
  answerId: string;
  expected: string[];
  connections: ChatStreamResult[];
  /** From sending the first request to the end of the last connection. */
  totalMs: number;
  reattachedAfterEnd: number;
  error: string | undefined;
}

interface Check {
  done: boolean;
  textMatches: boolean;
  lostTokens: number;
  duplicatedTokens: number;
  missingEvents: number;
  repeatedEvents: number;
  errors: number;
  firstProblem: string | undefined;
}

/** Compares what a client received over all its connections with the reply the stand-in sent. */
function check(outcome: ClientOutcome): Check {
  const events: ChatEvent[] = outcome.connections.flatMap((connection) => connection.events);
  let next = 1;
  let missingEvents = 0;
  let repeatedEvents = 0;
  for (const event of events) {
    if (event.id === undefined) continue;
    if (event.id === next) next += 1;
    else if (event.id < next) repeatedEvents += 1;
    else {
      missingEvents += event.id - next;
      next = event.id + 1;
    }
  }
  const text = events.map((event) => event.content).join('');
  const received = splitIntoWordTokens(text);
  const balance = new Map<string, number>();
  for (const token of outcome.expected) balance.set(token, (balance.get(token) ?? 0) - 1);
  for (const token of received) balance.set(token, (balance.get(token) ?? 0) + 1);
  let lostTokens = 0;
  let duplicatedTokens = 0;
  for (const difference of balance.values()) {
    if (difference < 0) lostTokens -= difference;
    else duplicatedTokens += difference;
  }
  const errorEvents = events.filter((event) => event.error !== undefined);
  const connectionErrors = outcome.connections.filter((connection) => connection.error !== undefined);
  const done = outcome.connections.at(-1)?.events.some((event) => event.done) === true;
  const textMatches = text === outcome.expected.join('');
  const firstProblem =
    outcome.error ??
    connectionErrors[0]?.error ??
    errorEvents[0]?.error ??
    (!done ? 'no data: [DONE]' : !textMatches ? `text differs: ${lostTokens} tokens lost, ${duplicatedTokens} duplicated` : undefined);
  return { done, textMatches, lostTokens, duplicatedTokens, missingEvents, repeatedEvents, errors: errorEvents.length + connectionErrors.length + (outcome.error ? 1 : 0), firstProblem };
}

async function getJson(agent: Dispatcher, origin: string, path: string, token: string): Promise<{ status: number; body: unknown }> {
  const response = await agent.request({ origin, path, method: 'GET', headers: { authorization: `Bearer ${token}` }, headersTimeout: 10_000, bodyTimeout: 10_000 });
  const text = await response.body.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: response.statusCode, body };
}

/** The stored answer as GET /api/v1/chats/{id} shows it. */
async function storedAnswer(rig: GatewayRig, chatId: string, answerId: string): Promise<{ content: string; status: string } | string> {
  const { status, body } = await getJson(rig.agent, rig.astra.origin, `/api/v1/chats/${chatId}`, rig.adminToken);
  if (status !== 200) return `GET /api/v1/chats/${chatId} answered ${status}`;
  const message = (body as { chat?: { history?: { messages?: Record<string, { content?: unknown; status?: unknown }> } } }).chat?.history?.messages?.[answerId];
  if (message === undefined) return `chat ${chatId} has no message ${answerId}`;
  return { content: String(message.content ?? ''), status: String(message.status ?? '') };
}

/** Waits until the stored answer is no longer being generated, as a user who comes back to the chat later finds it. */
async function waitUntilFinished(rig: GatewayRig, chatId: string, answerId: string): Promise<void> {
  const deadline = performance.now() + finishedWaitMs;
  for (;;) {
    const stored = await storedAnswer(rig, chatId, answerId);
    if (typeof stored !== 'string' && stored.status !== 'generating') return;
    if (performance.now() > deadline) throw new Error(`the answer ${answerId} was still not finished after ${finishedWaitMs} ms (${typeof stored === 'string' ? stored : stored.status})`);
    await sleep(200);
  }
}

async function runClient(rig: GatewayRig, client: number, roundIndex: number): Promise<ClientOutcome> {
  const plan = planFor(client, roundIndex);
  const tag = `r${roundIndex + 1}-client${client}`;
  const chatId = randomUUID();
  const answerId = randomUUID();
  const outcome: ClientOutcome = { plan, chatId, answerId, expected: expectedTokens(tag), connections: [], totalMs: 0, reattachedAfterEnd: 0, error: undefined };
  await sleep((client * spreadMs) / clients);
  const started = performance.now();
  const headers = rig.astra.headers;
  try {
    let connection = await readChatStream(
      rig.agent,
      {
        origin: rig.astra.origin,
        method: 'POST',
        path: '/api/chat/completions',
        headers,
        body: JSON.stringify({ model: benchModel, messages: [{ role: 'user', content: tag }], stream: true, chat_id: chatId, user_message_id: randomUUID(), id: answerId }),
      },
      { hangUpAfterId: plan.hangUpAfterIds[0], timeoutMs: connectionTimeoutMs },
    );
    outcome.connections.push(connection);
    let hangUps = 0;
    while (connection.hungUp) {
      hangUps += 1;
      if (plan.waitForEnd && hangUps === plan.hangUpAfterIds.length) {
        await waitUntilFinished(rig, chatId, answerId);
        outcome.reattachedAfterEnd += 1;
      } else {
        await sleep(plan.pausesMs[hangUps - 1] ?? 0);
      }
      const after = lastEventId(outcome.connections.flatMap((seen) => seen.events));
      connection = await readChatStream(
        rig.agent,
        { origin: rig.astra.origin, method: 'GET', path: `/api/v1/chats/${chatId}/stream`, headers: { authorization: headers.authorization!, 'last-event-id': String(after) } },
        { hangUpAfterId: plan.hangUpAfterIds[hangUps], timeoutMs: connectionTimeoutMs },
      );
      outcome.connections.push(connection);
    }
  } catch (error) {
    outcome.error = error instanceof Error ? error.message : String(error);
  }
  outcome.totalMs = performance.now() - started;
  return outcome;
}

interface RoundResult {
  outcomes: ClientOutcome[];
  checks: Check[];
  storedMismatches: number;
  firstStoredProblem: string | undefined;
  runMs: number;
  writes: { statements: number; transactions: number } | undefined;
  writesUnavailable: string | undefined;
  eventLoop: EventLoopDelay;
  upstreamRequests: number;
  upstreamAborted: number;
  astraCpuPercent: number;
  benchCpuPercent: number;
  machineCpuPercent: number;
}

function writesBetween(before: DatabaseWrites, after: DatabaseWrites): { statements: number; transactions: number } | string {
  if (!before.available) return before.reason;
  if (!after.available) return after.reason;
  return { statements: after.statements - before.statements, transactions: after.transactions - before.transactions };
}

async function runRound(rig: GatewayRig, roundIndex: number): Promise<RoundResult> {
  const requestsBefore = rig.standIn.totalRequests;
  const abortedBefore = rig.standIn.abortedRequests;
  const before = await scrapeMetrics(rig.astraServer.http, rig.adminToken);
  const cpu = new CpuMeter([rig.astraServer.pid, process.pid]);
  const started = performance.now();
  const outcomes = await Promise.all(Array.from({ length: clients }, (_, client) => runClient(rig, client, roundIndex)));
  const runMs = performance.now() - started;
  const cpuUse = cpu.read();
  await sleep(settleMs);
  const after = await scrapeMetrics(rig.astraServer.http, rig.adminToken);
  const upstreamRequests = rig.standIn.totalRequests - requestsBefore;
  const upstreamAborted = rig.standIn.abortedRequests - abortedBefore;

  // What the chat keeps: read after the closing scrape, so these reads are not in the figures.
  let storedMismatches = 0;
  let firstStoredProblem: string | undefined;
  for (const outcome of outcomes) {
    const stored = await storedAnswer(rig, outcome.chatId, outcome.answerId);
    const problem =
      typeof stored === 'string'
        ? stored
        : stored.status !== 'complete'
          ? `stored answer is ${stored.status}`
          : stored.content !== outcome.expected.join('')
            ? `stored answer differs from the reply (${stored.content.length} characters, expected ${outcome.expected.join('').length})`
            : undefined;
    if (problem !== undefined) {
      storedMismatches += 1;
      firstStoredProblem ??= problem;
    }
  }
  const writes = writesBetween(databaseWritesOf(before), databaseWritesOf(after));
  return {
    outcomes,
    checks: outcomes.map(check),
    storedMismatches,
    firstStoredProblem,
    runMs,
    writes: typeof writes === 'string' ? undefined : writes,
    writesUnavailable: typeof writes === 'string' ? writes : undefined,
    eventLoop: eventLoopDelayOf(after),
    upstreamRequests,
    upstreamAborted,
    astraCpuPercent: cpuUse.processPercent.get(rig.astraServer.pid) ?? 0,
    benchCpuPercent: cpuUse.processPercent.get(process.pid) ?? 0,
    machineCpuPercent: cpuUse.machinePercent,
  };
}

const sum = (values: readonly number[]): number => values.reduce((total, value) => total + value, 0);

export const chatGenerationsSection: Section = {
  key: 'chatGenerations',
  title: `${clients} concurrent chat generations (${tokenCount} tokens ${tokenDelayMs} ms apart, started over ${spreadMs} ms; half the clients hang up and re-attach with Last-Event-ID; ${rounds} rounds)`,
  columns: ['all rounds', 'median', 'min', 'max'],
  async run(context) {
    const rig = await startGatewayRig(context, { label: 'chatGenerations', astraEnvironment: { ENABLE_TITLE_GENERATION: 'false' } });
    try {
      rig.setBehavior({ firstTokenDelayMs, tokenDelayMs, tokenCount, echo: true });
      const results: RoundResult[] = [];
      for (let roundIndex = 0; roundIndex < rounds; roundIndex += 1) {
        const result = await runRound(rig, roundIndex);
        results.push(result);
        const lost = sum(result.checks.map((item) => item.lostTokens));
        const duplicated = sum(result.checks.map((item) => item.duplicatedTokens));
        context.progress(
          `chat generations, round ${roundIndex + 1}/${rounds}: ${result.checks.filter((item) => item.done && item.textMatches).length}/${clients} exact, ${lost} tokens lost, ${duplicated} duplicated, ` +
            `${result.storedMismatches} stored answers differ, ${result.writes ? `${result.writes.statements} write statements, ${result.writes.transactions} transactions` : `writes n/a (${result.writesUnavailable})`} in ${(result.runMs / 1000).toFixed(1)} s`,
        );
      }

      const perRound = (pick: (result: RoundResult) => number): { total: number; median: number; min: number; max: number } => {
        const values = results.map(pick);
        const summary = summarize(values);
        return { total: sum(values), median: summary.median, min: summary.min, max: summary.max };
      };
      /** A figure's cells; rates and ratios have no meaningful sum over rounds. */
      const cells = (figure: { total: number; median: number; min: number; max: number }, format: (value: number) => string = String, withTotal = true): Record<string, string> => ({
        ...(withTotal ? { 'all rounds': format(figure.total) } : {}),
        median: format(figure.median),
        min: format(figure.min),
        max: format(figure.max),
      });
      const counted = (pick: (item: Check) => boolean): ((result: RoundResult) => number) => (result) => result.checks.filter(pick).length;
      const total = (pick: (item: Check) => number): ((result: RoundResult) => number) => (result) => sum(result.checks.map(pick));

      const complete = perRound(counted((item) => item.done && item.errors === 0));
      const textDiffers = perRound(counted((item) => !item.textMatches));
      const lost = perRound(total((item) => item.lostTokens));
      const duplicated = perRound(total((item) => item.duplicatedTokens));
      const missingEvents = perRound(total((item) => item.missingEvents));
      const repeatedEvents = perRound(total((item) => item.repeatedEvents));
      const errors = perRound(total((item) => item.errors));
      const stored = perRound((result) => result.storedMismatches);
      const aborted = perRound((result) => result.upstreamAborted);
      const upstream = perRound((result) => result.upstreamRequests);
      const reattaches = perRound((result) => sum(result.outcomes.map((outcome) => outcome.connections.length - 1)));
      const reattachedAfterEnd = perRound((result) => sum(result.outcomes.map((outcome) => outcome.reattachedAfterEnd)));
      const clientsReattaching = perRound((result) => result.outcomes.filter((outcome) => outcome.connections.length > 1).length);

      const rows: Row[] = [
        { figure: `generations ending with [DONE], no error (of ${clients} per round)`, cells: cells(complete), target: `all ${clients}`, passed: complete.min === clients },
        { figure: 'clients whose text ≠ the stand-in\'s reply', cells: cells(textDiffers), target: '0', passed: textDiffers.total === 0 },
        { figure: 'tokens lost (all clients)', cells: cells(lost), target: '0', passed: lost.total === 0 },
        { figure: 'tokens duplicated (all clients)', cells: cells(duplicated), target: '0', passed: duplicated.total === 0 },
        { figure: '  event ids skipped / repeated across re-attaches', cells: { 'all rounds': `${missingEvents.total} / ${repeatedEvents.total}` } },
        { figure: 'stored answers ≠ the reply or not complete', cells: cells(stored), target: '0', passed: stored.total === 0 },
        { figure: 'errors (failed requests, error events)', cells: cells(errors), target: '0', passed: errors.total === 0 },
        { figure: 'model-server requests cut off (clients leaving must not stop a job)', cells: cells(aborted), target: '0', passed: aborted.total === 0 },
        { figure: 'model-server requests', cells: cells(upstream) },
        { figure: 'clients that re-attached', cells: cells(clientsReattaching) },
        { figure: 're-attaches (Last-Event-ID)', cells: cells(reattaches) },
        { figure: '  of them after the answer had ended', cells: cells(reattachedAfterEnd) },
      ];

      const notes: string[] = [];
      const measuredWrites = results.map((result) => result.writes).filter((writes): writes is { statements: number; transactions: number } => writes !== undefined);
      const writeFigures: Record<string, unknown> = {};
      if (measuredWrites.length === results.length) {
        const statementsPerSecond = perRound((result) => result.writes!.statements / (result.runMs / 1000));
        const transactionsPerSecond = perRound((result) => result.writes!.transactions / (result.runMs / 1000));
        const statementsPerGeneration = perRound((result) => result.writes!.statements / clients);
        const transactionsPerGeneration = perRound((result) => result.writes!.transactions / clients);
        const one = (value: number): string => value.toFixed(1);
        const two = (value: number): string => value.toFixed(2);
        rows.push(
          { figure: 'database write statements per second', cells: cells(statementsPerSecond, one, false) },
          { figure: 'database transactions (COMMIT) per second', cells: cells(transactionsPerSecond, one, false) },
          { figure: 'write statements per generation', cells: cells(statementsPerGeneration, two, false) },
          { figure: 'transactions per generation', cells: cells(transactionsPerGeneration, two, false) },
        );
        Object.assign(writeFigures, {
          writeStatements: results.map((result) => result.writes!.statements),
          transactions: results.map((result) => result.writes!.transactions),
          writeStatementsPerSecond: results.map((result) => round(result.writes!.statements / (result.runMs / 1000), 1)),
          transactionsPerSecond: results.map((result) => round(result.writes!.transactions / (result.runMs / 1000), 1)),
          writeStatementsPerGeneration: results.map((result) => round(result.writes!.statements / clients, 2)),
          transactionsPerGeneration: results.map((result) => round(result.writes!.transactions / clients, 2)),
        });
        notes.push(
          'database writes: astra_database_write_statements_total and astra_database_transactions_total from /metrics, scraped before the first client and ' +
            `${settleMs} ms after the last; per second over the run (first request to the last client done). Statements inside a transaction count one each; ` +
            'a statement outside one is its own implicit transaction and is not in the transactions figure. Everything Astra wrote in the window is in: ' +
            'the turns, the saves while streaming, the ends, and background work (the process heartbeat, every 10 s)',
        );
      } else {
        rows.push({ figure: 'database write statements per second', cells: { median: 'n/a' } });
        notes.push(`database writes: n/a — ${results.find((result) => result.writesUnavailable !== undefined)?.writesUnavailable}`);
      }

      const stayed = results.flatMap((result) => result.outcomes.filter((outcome) => outcome.plan.kind === 'stays' && outcome.error === undefined).map((outcome) => outcome.totalMs));
      const idealMs = firstTokenDelayMs + (tokenCount - 1) * tokenDelayMs;
      rows.push(
        { figure: `generation length at a client that stayed, p50 (ideal ${idealMs} ms)`, cells: { median: `${Math.round(percentile(stayed, 50))} ms` } },
        { figure: '  p99', cells: { median: `${Math.round(percentile(stayed, 99))} ms` } },
        { figure: 'run length (first request to last client done)', cells: cells(perRound((result) => result.runMs / 1000), (value) => `${value.toFixed(1)} s`, false) },
        { figure: 'Astra CPU (% of one core)', cells: cells(perRound((result) => result.astraCpuPercent), (value) => `${value.toFixed(0)} %`, false) },
        { figure: 'bench process CPU (clients + stand-in)', cells: cells(perRound((result) => result.benchCpuPercent), (value) => `${value.toFixed(0)} %`, false) },
        { figure: `machine CPU busy (all ${cpus().length} cores)`, cells: cells(perRound((result) => result.machineCpuPercent), (value) => `${value.toFixed(0)} %`, false) },
      );
      const delays = results.map((result) => result.eventLoop).filter((delay): delay is Extract<EventLoopDelay, { available: true }> => delay.available);
      if (delays.length > 0) {
        const p99 = summarize(delays.map((delay) => beyondInterval(delay.p99Ms)));
        rows.push({ figure: `Astra event-loop delay p99 (beyond the ${samplingIntervalMs} ms sampling interval)`, cells: cells({ ...p99, total: 0 }, (value) => `${value.toFixed(1)} ms`, false) });
      }
      const plans = results[0]!.outcomes.map((outcome) => outcome.plan);
      const howMany = (pick: (plan: Plan) => boolean): number => plans.filter(pick).length;
      notes.unshift(
        `clients per round: ${howMany((plan) => plan.kind === 'stays')} stay connected, ${howMany((plan) => plan.kind === 'once')} hang up once mid-answer, ` +
          `${howMany((plan) => plan.kind === 'twice')} hang up twice (${howMany((plan) => plan.kind === 'twice' && plan.hangUpAfterIds[0] === 1)} of them first right after the head event, before any token), ` +
          `${howMany((plan) => plan.kind === 'after the end')} hang up once and re-attach only once the stored answer is no longer generating; ` +
          'each pause before a re-attach is 20–400 ms; each prompt is one word the stand-in echoes as the first token, so every reply is unique',
      );
      const problems = results.flatMap((result) => result.checks.map((item) => item.firstProblem).filter((problem): problem is string => problem !== undefined));
      if (problems.length > 0) notes.push(`first client problem: ${problems[0]} (${problems.length} clients with a problem)`);
      const storedProblem = results.find((result) => result.firstStoredProblem !== undefined)?.firstStoredProblem;
      if (storedProblem !== undefined) notes.push(`first stored-answer problem: ${storedProblem}`);

      return {
        rows,
        notes,
        figures: {
          clients,
          tokenCount,
          tokenDelayMs,
          rounds,
          complete: results.map(counted((item) => item.done && item.errors === 0)),
          textDiffers: textDiffers.total,
          lostTokens: lost.total,
          duplicatedTokens: duplicated.total,
          skippedEventIds: missingEvents.total,
          repeatedEventIds: repeatedEvents.total,
          storedMismatches: stored.total,
          errors: errors.total,
          upstreamAborted: aborted.total,
          upstreamRequests: results.map((result) => result.upstreamRequests),
          reattaches: results.map((result) => sum(result.outcomes.map((outcome) => outcome.connections.length - 1))),
          reattachedAfterEnd: reattachedAfterEnd.total,
          ...writeFigures,
          runSeconds: results.map((result) => round(result.runMs / 1000, 2)),
          stayedGenerationP50Ms: round(percentile(stayed, 50)),
          stayedGenerationP99Ms: round(percentile(stayed, 99)),
          astraCpuPercent: results.map((result) => round(result.astraCpuPercent)),
          benchCpuPercent: results.map((result) => round(result.benchCpuPercent)),
          machineCpuPercent: results.map((result) => round(result.machineCpuPercent)),
          eventLoopP99Ms: delays.length > 0 ? delays.map((delay) => round(delay.p99Ms, 2)) : null,
          targets: { lostTokens: 0, duplicatedTokens: 0 },
        },
      };
    } finally {
      await rig.close();
    }
  },
};
