/**
 * What storing the chat adds to the time to first token: the same stream through the same Astra
 * process, once as a plain pass-through (no `chat_id`) and once as a new turn in an existing chat
 * (`chat_id`, `parent_id` = the chat's last answer: the user message and the answer's placeholder
 * are stored in one transaction before the request goes to the model server, then the answer is a
 * server-owned job). Direct and the floor proxy run beside them for reference.
 */
import { randomUUID } from 'node:crypto';
import { rotated } from './comparison.js';
import { processCpuMilliseconds } from './cpu-usage.js';
import { benchModel, chatBody, startGatewayRig } from './gateway-rig.js';
import type { Row, Section } from './section.js';
import { median, percentile, round } from './stats.js';
import { assertAllSucceeded, runStreams, type Target } from './stream-client.js';
import { firstTokenDelayMs, level, streamMs, type Level } from './ttft-levels.js';

const rounds = 5;
const targetAddedP50Ms = 1;

type PathKey = 'direct' | 'floor' | 'passThrough' | 'chat';

interface Path {
  key: PathKey;
  target: Target;
  /** The request body for a worker's next stream. */
  body: string | ((worker: number) => string);
}

/** The loads of gatewayTtft at 1 and 50 streams: 40 requests in a row; 50 streams of 170 ms (≈ 300 requests/s), 150 counted. */
const levels: readonly Level[] = [level(1, 1, 0, 40, 0), level(50, 4, 50, 4, 1)];

/**
 * Bodies of new turns, one chat per worker: the first request of a worker creates its chat (in the
 * warm-up), every later one is the next turn in it, answering after the previous answer. The ids
 * are the client's, as Open WebUI sends them, so the next turn's parent is known without reading
 * the stream.
 */
function chatTurns(): (worker: number) => string {
  const chats = new Map<number, { chatId: string; lastAnswerId: string | undefined }>();
  return (worker) => {
    let chat = chats.get(worker);
    if (chat === undefined) chats.set(worker, (chat = { chatId: randomUUID(), lastAnswerId: undefined }));
    const answerId = randomUUID();
    const body = JSON.stringify({
      model: benchModel,
      messages: [{ role: 'user', content: 'Say something.' }],
      stream: true,
      chat_id: chat.chatId,
      ...(chat.lastAnswerId === undefined ? {} : { parent_id: chat.lastAnswerId }),
      user_message_id: randomUUID(),
      id: answerId,
    });
    chat.lastAnswerId = answerId;
    return body;
  };
}

type RoundValues = Record<PathKey, number>;

interface ChatComparison {
  values: RoundValues;
  chatAdded: number;
  chatAddedRounds: number[];
  passThroughOverFloor: number;
  chatOverDirect: number;
  chatPerPassThrough: number;
}

/** Medians over rounds of each path's value and of the differences taken within each round. */
function compareRounds(values: readonly RoundValues[]): ChatComparison {
  const of = (pick: (round: RoundValues) => number): number => median(values.map(pick));
  const chatAddedRounds = values.map((round) => round.chat - round.passThrough);
  return {
    values: { direct: of((r) => r.direct), floor: of((r) => r.floor), passThrough: of((r) => r.passThrough), chat: of((r) => r.chat) },
    chatAdded: median(chatAddedRounds),
    chatAddedRounds,
    passThroughOverFloor: of((r) => r.passThrough - r.floor),
    chatOverDirect: of((r) => r.chat - r.direct),
    chatPerPassThrough: of((r) => r.chat / r.passThrough),
  };
}

const ms = (value: number): string => `${value.toFixed(2)} ms`;
const signedMs = (value: number): string => `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(2)} ms`;
const signed = (value: number): string => `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(2)}`;

function comparisonRow(figure: string, comparison: ChatComparison, target?: { text: string; passed: boolean }): Row {
  return {
    figure,
    cells: {
      direct: ms(comparison.values.direct),
      floor: ms(comparison.values.floor),
      'pass-through': ms(comparison.values.passThrough),
      chat: ms(comparison.values.chat),
      'pass-through − floor': signedMs(comparison.passThroughOverFloor),
      'chat − pass-through': signedMs(comparison.chatAdded),
      'chat − pass-through range': `${signed(Math.min(...comparison.chatAddedRounds))} … ${signed(Math.max(...comparison.chatAddedRounds))}`,
      'chat/pass-through': comparison.chatPerPassThrough.toFixed(3),
    },
    ...(target ? { target: target.text, passed: target.passed } : {}),
  };
}

function comparisonFigures(comparison: ChatComparison): Record<string, unknown> {
  const r = (value: number): number => round(value, 3);
  return {
    direct: r(comparison.values.direct),
    floor: r(comparison.values.floor),
    passThrough: r(comparison.values.passThrough),
    chat: r(comparison.values.chat),
    passThroughMinusFloor: r(comparison.passThroughOverFloor),
    chatMinusPassThrough: r(comparison.chatAdded),
    chatMinusPassThroughRounds: comparison.chatAddedRounds.map(r),
    chatMinusDirect: r(comparison.chatOverDirect),
    chatPerPassThrough: r(comparison.chatPerPassThrough),
  };
}

export const chatTtftSection: Section = {
  key: 'chatTtft',
  title: `Time to first token with chat storage (new turn in an existing chat, embedded SQLite) against the plain pass-through on the same Astra; stand-in first token after ${firstTokenDelayMs} ms; p50/p99 per path, medians of ${rounds} rounds`,
  columns: ['direct', 'floor', 'pass-through', 'chat', 'pass-through − floor', 'chat − pass-through', 'chat − pass-through range', 'chat/pass-through'],
  async run(context) {
    const rig = await startGatewayRig(context, { label: 'chatTtft', astraEnvironment: { ENABLE_TITLE_GENERATION: 'false' } });
    try {
      const rows: Row[] = [];
      const figures: Record<string, unknown> = { firstTokenDelayMs, rounds };
      for (const { concurrency, tokenCount, tokenDelayMs, load } of levels) {
        // Stamped tokens: the first token's transit (stand-in write → client) splits TTFT into the
        // request side (until the model server has the request) and the token side.
        rig.setBehavior({ firstTokenDelayMs, tokenCount, tokenDelayMs, stampTokens: true });
        const plain = chatBody(true);
        const paths: Path[] = [
          { key: 'direct', target: rig.direct, body: plain },
          { key: 'floor', target: rig.floor, body: plain },
          { key: 'passThrough', target: rig.astra, body: plain },
          { key: 'chat', target: { ...rig.astra, label: 'Astra chat' }, body: chatTurns() },
        ];
        // Warm-up at this concurrency (and each chat worker's first turn, which creates its chat).
        for (const path of paths) {
          const results = await runStreams(rig.agent, path.target, path.body, { ...load, streamsPerWorker: load.uncountedPerWorker + 1, uncountedPerWorker: 0 });
          assertAllSucceeded(`${path.target.label} warm-up at ${concurrency} streams`, results);
        }
        const p50Rounds: RoundValues[] = [];
        const p99Rounds: RoundValues[] = [];
        const requestSideRounds: RoundValues[] = [];
        const cpuRounds: Array<Pick<RoundValues, 'passThrough' | 'chat'>> = [];
        for (let roundIndex = 0; roundIndex < rounds; roundIndex += 1) {
          const p50: Partial<RoundValues> = {};
          const p99: Partial<RoundValues> = {};
          const requestSide: Partial<RoundValues> = {};
          const cpu: Partial<RoundValues> = {};
          for (const path of rotated(paths, roundIndex)) {
            const cpuBefore = processCpuMilliseconds(rig.astraServer.pid);
            const results = await runStreams(rig.agent, path.target, path.body, load);
            cpu[path.key] = (processCpuMilliseconds(rig.astraServer.pid) - cpuBefore) / (load.concurrency * load.streamsPerWorker);
            assertAllSucceeded(`${path.target.label} at ${concurrency} streams`, results);
            const ttft = results.map((result) => result.firstTokenMs!);
            p50[path.key] = percentile(ttft, 50);
            p99[path.key] = percentile(ttft, 99);
            const transit = results.map((result) => result.tokenLagsMs[0]);
            if (transit.some((lag) => lag === undefined)) throw new Error(`${path.target.label}: a first token without the stand-in's stamp`);
            requestSide[path.key] = percentile(
              results.map((result) => result.firstTokenMs! - result.tokenLagsMs[0]!),
              50,
            );
          }
          p50Rounds.push(p50 as RoundValues);
          p99Rounds.push(p99 as RoundValues);
          requestSideRounds.push(requestSide as RoundValues);
          cpuRounds.push({ passThrough: cpu.passThrough!, chat: cpu.chat! });
          const last = p50Rounds.at(-1)!;
          context.progress(
            `chat TTFT at ${concurrency} streams, round ${roundIndex + 1}/${rounds}: p50 pass-through ${last.passThrough.toFixed(2)} ms, chat ${signedMs(last.chat - last.passThrough)} (direct ${last.direct.toFixed(2)} ms, floor ${last.floor.toFixed(2)} ms)`,
          );
        }
        const p50 = compareRounds(p50Rounds);
        const p99 = compareRounds(p99Rounds);
        const requestSide = compareRounds(requestSideRounds);
        const cpuPassThrough = median(cpuRounds.map((round) => round.passThrough));
        const cpuChat = median(cpuRounds.map((round) => round.chat));
        const cpuAdded = median(cpuRounds.map((round) => round.chat - round.passThrough));
        rows.push(
          comparisonRow(`TTFT p50 at ${concurrency}`, p50, { text: `chat − pass-through ≤ ${targetAddedP50Ms} ms`, passed: p50.chatAdded <= targetAddedP50Ms }),
          comparisonRow(`  request side p50 at ${concurrency}`, requestSide),
          comparisonRow(`TTFT p99 at ${concurrency}`, p99),
          {
            figure: `Astra CPU per request at ${concurrency}`,
            cells: { 'pass-through': ms(cpuPassThrough), chat: ms(cpuChat), 'chat − pass-through': signedMs(cpuAdded), 'chat/pass-through': (cpuChat / cpuPassThrough).toFixed(3) },
          },
        );
        figures[`concurrency${concurrency}`] = {
          requestsPerPathAndRound: load.concurrency * (load.streamsPerWorker - load.uncountedPerWorker),
          streamMs: streamMs(tokenCount, tokenDelayMs),
          p50Ms: comparisonFigures(p50),
          requestSideP50Ms: comparisonFigures(requestSide),
          p99Ms: comparisonFigures(p99),
          astraCpuMsPerRequest: { passThrough: round(cpuPassThrough, 3), chat: round(cpuChat, 3), chatMinusPassThrough: round(cpuAdded, 3) },
        };
      }
      figures.targets = { chatMinusPassThroughP50Ms: targetAddedP50Ms };
      return {
        rows,
        figures,
        notes: [
          'chat: POST /api/chat/completions with chat_id, parent_id (the chat\'s last answer), user_message_id and id — a new turn in a chat the worker\'s first (warm-up) request created; pass-through: the same request without them',
          'request side: per request TTFT minus the first token\'s transit (the stand-in stamps each token with the moment it wrote it), i.e. the time until the model server had the request plus its 20 ms; what the chat adds there is storing the turn before the request goes out',
          'Astra CPU per request: the process\'s CPU time (/proc) over a path\'s run divided by its requests, warm-up streams of the run included',
          'differences are taken within a round, then the median over rounds; the range shows the lowest and highest round',
        ],
      };
    } finally {
      await rig.close();
    }
  },
};
