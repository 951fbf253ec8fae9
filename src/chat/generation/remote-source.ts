/**
 * The reader's side of following a generation that runs in another process: subscribe to the
 * chat's events channel, ask the owner (on the control channel) for everything after the last event
 * the client saw, and put what arrives into a log of its own, in order and once each (a replay and
 * live events may overlap or cross). Silence is answered by asking again — an owner that is alive
 * answers even when it has nothing new — and an owner that never answers is given up on.
 */
import type { Logger } from '../../core/logger';
import type { PubSub, Unsubscribe } from '../../storage';
import { FrameLog, type FrameSource } from './frame-log';
import { controlChannel, eventsChannel, parseEventsMessage, type ControlMessage } from './remote-channel';

/** Which generation to follow, from where, and how patiently. */
export interface RemoteSourceOptions {
  pubSub: PubSub;
  chatId: string;
  messageId: string;
  /** The last event the client saw. */
  after: number;
  /** How long without a word from the owner before asking again. */
  silenceMs: number;
  /** How many unanswered requests before giving up. */
  maxUnanswered: number;
  /** How often to renew the interest while events flow (well within the owner's lease; 5 s). */
  renewMs?: number;
  /** The owner never answered: end `log` as best we can (the stored answer, or an error). */
  onOwnerGone(log: FrameLog, receivedAny: boolean): Promise<void>;
  logger: Logger;
}

/** A generation followed from another process, readable like a local log. */
export interface RemoteSource extends FrameSource {
  /** Stops listening (the client left, or the source ended). */
  close(): Promise<void>;
}

/** How long a gap in the numbers may last before asking for the missing events again. */
const gapWaitMs = 300;

/** Subscribes, asks the owner for the events after `after`, and returns the source they arrive in. */
export async function followRemoteGeneration(options: RemoteSourceOptions): Promise<RemoteSource> {
  const { pubSub, messageId } = options;
  const log = new FrameLog(options.after);
  const early = new Map<number, string>();
  let endSeq: number | undefined;
  /** The highest event number the owner has mentioned. */
  let knownLastSeq = options.after;
  let receivedAny = false;
  let heardAt = performance.now();
  let askedAt = performance.now();
  let unanswered = 0;
  let gapTimer: NodeJS.Timeout | undefined;
  let closed = false;

  const ask = (): void => {
    askedAt = performance.now();
    const message: ControlMessage = { type: 'watch', chatId: options.chatId, messageId, after: log.lastSeq };
    pubSub.publish(controlChannel, JSON.stringify(message)).catch((error: unknown) => options.logger.warn({ err: error }, 'asking for generation events failed'));
  };

  const onMessage = (text: string): void => {
    const message = parseEventsMessage(text);
    if (closed || message === undefined || message.messageId !== messageId) return;
    heardAt = performance.now();
    unanswered = 0;
    for (const [seq, frame] of message.frames) {
      if (seq <= log.lastSeq) continue;
      receivedAny = true;
      if (!log.appendFrame(seq, frame)) early.set(seq, frame);
    }
    for (let next = early.get(log.lastSeq + 1); next !== undefined; next = early.get(log.lastSeq + 1)) {
      early.delete(log.lastSeq + 1);
      log.appendFrame(log.lastSeq + 1, next);
    }
    knownLastSeq = Math.max(knownLastSeq, message.lastSeq);
    if (message.ended) endSeq = message.lastSeq;
    if (endSeq !== undefined && log.lastSeq >= endSeq) {
      log.end();
      void close();
      return;
    }
    // Events are missing between what we have and what came: ask for them if they do not follow soon.
    if (knownLastSeq > log.lastSeq && gapTimer === undefined) {
      gapTimer = setTimeout(() => {
        gapTimer = undefined;
        if (!closed && knownLastSeq > log.lastSeq) ask();
      }, gapWaitMs);
      gapTimer.unref();
    }
  };

  const unsubscribe: Unsubscribe = await pubSub.subscribe(eventsChannel(options.chatId), onMessage);
  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    clearInterval(silenceTimer);
    clearTimeout(gapTimer);
    await unsubscribe();
  }

  const silenceTimer = setInterval(() => {
    if (closed) return;
    if (performance.now() - heardAt < options.silenceMs) {
      if (performance.now() - askedAt >= (options.renewMs ?? 5000)) ask();
      return;
    }
    unanswered += 1;
    heardAt = performance.now();
    if (unanswered <= options.maxUnanswered) {
      ask();
      return;
    }
    void close();
    options
      .onOwnerGone(log, receivedAny)
      .catch((error: unknown) => options.logger.warn({ err: error }, 'reading a generation whose process went away failed'))
      .finally(() => log.end());
  }, Math.max(10, Math.floor(options.silenceMs / 4)));
  silenceTimer.unref();

  ask();
  return {
    get lastSeq() {
      return log.lastSeq;
    },
    get ended() {
      return log.ended;
    },
    textAfter: (seq) => log.textAfter(seq),
    follow: (listener) => log.follow(listener),
    close,
  };
}
