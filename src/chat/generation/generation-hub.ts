/**
 * This process's generations: the jobs running here (and, for a minute after they end, their logs,
 * so a client that re-attaches late still gets exactly what it missed), Stop and "send me the
 * events" requests from other processes over PubSub (which answer runs where, the database's rows
 * say), the
 * process heartbeat that lets answers left by a dead process be marked interrupted, and the
 * listeners told when a job starts and ends (the user's events channel, chat titles).
 */
import type { Principal } from '../../auth';
import { newId } from '../../core/ids';
import type { Logger } from '../../core/logger';
import type { KeyValue, PubSub, Unsubscribe } from '../../storage';
import type { GenerationJob } from './generation-job';
import type { FinishedMessage, GenerationStore } from './generation-store';
import { startProcessHeartbeat, type ProcessHeartbeat } from './process-heartbeat';
import { controlChannel, eventsChannel, parseControlMessage, type ControlMessage } from './remote-channel';
import { RemotePublisher } from './remote-publisher';

/** The stores a hub works with, and its intervals (tests shorten them). */
export interface GenerationHubOptions {
  keyValue: KeyValue;
  pubSub: PubSub;
  store: GenerationStore;
  logger: Logger;
  /** How long a finished job's log stays here for late re-attaches (a minute). */
  lingerMs?: number;
  /** Least time between two saves of an answer's text (about a second). */
  saveIntervalMs?: number;
  heartbeat?: { ttlMs?: number; refreshMs?: number; sweepMs?: number };
}

/** A chat's latest answer, as the database has it: which message, and whether it is still generating. */
export interface GenerationRecord {
  messageId: string;
  userMessageId: string;
  /** The process generating it; null once it has ended. */
  processId: string | null;
  running: boolean;
}

/** Who started a generation and how: what listeners need besides the job. */
export interface TurnContext {
  principal: Principal;
  /** The model as the client named it (its catalog id). */
  model: string;
  /** The turn created the chat. */
  createdChat: boolean;
}

/**
 * Told when a job starts (just after its upstream request went out) and when its final state is
 * stored. Listeners must return at once (start their own work in the background); one that throws
 * is logged and does not stop the others.
 */
export interface GenerationListener {
  started?(job: GenerationJob, turn: TurnContext): void;
  finished?(job: GenerationJob, result: FinishedMessage, turn: TurnContext): void;
}

/** One per process: see the top of this file. */
export class GenerationHub {
  readonly processId = newId();
  readonly store: GenerationStore;
  readonly keyValue: KeyValue;
  readonly pubSub: PubSub;
  readonly logger: Logger;
  readonly saveIntervalMs: number;
  /** How long a finished job's log stays here (tests shorten it). */
  lingerMs: number;
  /** Jobs by chat, oldest first: running ones and recently finished ones. */
  private readonly jobs = new Map<string, GenerationJob[]>();
  private readonly publishers = new WeakMap<GenerationJob, RemotePublisher>();
  private readonly lingerTimers = new Set<NodeJS.Timeout>();
  private readonly listeners: GenerationListener[] = [];
  private unsubscribe: Unsubscribe | undefined;
  private heartbeat: ProcessHeartbeat | undefined;

  constructor(private readonly options: GenerationHubOptions) {
    this.store = options.store;
    this.keyValue = options.keyValue;
    this.pubSub = options.pubSub;
    this.logger = options.logger;
    this.saveIntervalMs = options.saveIntervalMs ?? 1000;
    this.lingerMs = options.lingerMs ?? 60_000;
  }

  /** Listens for other processes' requests and starts the heartbeat (with a first sweep). */
  async start(): Promise<void> {
    this.unsubscribe = await this.pubSub.subscribe(controlChannel, (text) => {
      const message = parseControlMessage(text);
      if (message !== undefined) this.onControl(message);
    });
    this.heartbeat = await startProcessHeartbeat({ keyValue: this.keyValue, store: this.store, processId: this.processId, logger: this.logger, ...this.options.heartbeat });
  }

  /** Adds a listener to every job added from now on (events channel, titles). */
  listen(listener: GenerationListener): void {
    this.listeners.push(listener);
  }

  /**
   * Takes a job that has just started: keeps it findable here, tells other processes where it
   * runs, and, given the turn that started it, tells the listeners.
   */
  add(job: GenerationJob, turn?: TurnContext): void {
    let list = this.jobs.get(job.chatId);
    if (list === undefined) this.jobs.set(job.chatId, (list = []));
    list.push(job);
    // Off the path to the first token: the upstream request is already on its way.
    setImmediate(() => {
      if (turn !== undefined) this.notify((listener) => listener.started?.(job, turn));
    });
    void job.done.then((result) => {
      // After the readers (and a waiting non-streamed reply) have had the end.
      if (turn !== undefined) setImmediate(() => this.notify((listener) => listener.finished?.(job, result, turn)));
      const timer = setTimeout(() => {
        this.lingerTimers.delete(timer);
        this.forget(job);
      }, this.lingerMs);
      timer.unref();
      this.lingerTimers.add(timer);
    });
  }

  /** The chat's job here (running, or finished a moment ago): the one answering `messageId`, else the latest. */
  localJob(chatId: string, messageId?: string): GenerationJob | undefined {
    const list = this.jobs.get(chatId);
    if (list === undefined) return undefined;
    if (messageId !== undefined) return list.find((job) => job.messageId === messageId);
    return list[list.length - 1];
  }

  /**
   * The chat's latest answer, from the database (which every process shares): its rows already say
   * which answer is newest, whether it still generates and where, so nothing else is written per turn.
   */
  record(chatId: string): Promise<GenerationRecord | undefined> {
    return this.store.latestAnswer(chatId);
  }

  /**
   * Stops the chat's running generations here and, when other processes share this installation,
   * asks them too (a chat may have answers running in several, one per model).
   */
  async stop(chatId: string): Promise<void> {
    this.stopLocal(chatId);
    if (this.pubSub.spansProcesses) await this.publishControl({ type: 'stop', chatId });
  }

  /** Ends every job running here as interrupted and waits until their state is stored (shutdown). */
  async interruptAll(): Promise<void> {
    const running = [...this.jobs.values()].flat().filter((job) => !job.isOver);
    for (const job of running) job.interrupt();
    await Promise.all(running.map((job) => job.done));
  }

  /** Interrupts what runs here, stops listening and removes the heartbeat. */
  async close(): Promise<void> {
    await this.interruptAll();
    for (const timer of this.lingerTimers) clearTimeout(timer);
    this.lingerTimers.clear();
    this.jobs.clear();
    await this.unsubscribe?.();
    await this.heartbeat?.stop().catch((error: unknown) => this.logger.warn({ err: error }, 'removing the generation heartbeat failed'));
  }

  private notify(call: (listener: GenerationListener) => void): void {
    for (const listener of this.listeners) {
      try {
        call(listener);
      } catch (error) {
        this.logger.warn({ err: error }, 'a generation listener failed');
      }
    }
  }

  private stopLocal(chatId: string): boolean {
    const running = (this.jobs.get(chatId) ?? []).filter((job) => !job.isOver);
    for (const job of running) job.stop();
    return running.length > 0;
  }

  private onControl(message: ControlMessage): void {
    if (message.type === 'stop') {
      this.stopLocal(message.chatId);
      return;
    }
    const job = this.localJob(message.chatId, message.messageId);
    if (job === undefined) return;
    let publisher = this.publishers.get(job);
    if (publisher === undefined) {
      publisher = new RemotePublisher(this.pubSub, eventsChannel(job.chatId), job.messageId, job.log, this.logger);
      this.publishers.set(job, publisher);
    }
    publisher.request(message.after);
  }

  private async publishControl(message: ControlMessage): Promise<void> {
    await this.pubSub.publish(controlChannel, JSON.stringify(message));
  }

  private forget(job: GenerationJob): void {
    const list = this.jobs.get(job.chatId);
    if (list === undefined) return;
    const remaining = list.filter((entry) => entry !== job);
    if (remaining.length === 0) this.jobs.delete(job.chatId);
    else this.jobs.set(job.chatId, remaining);
  }
}
