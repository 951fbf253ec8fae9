/**
 * One reply being generated: a server-owned job that runs whatever happens to the request that
 * started it. It takes the reply's events from the relay, keeps the text, reasoning, tool calls and
 * usage, writes them as numbered OpenAI-style SSE events into its log for any number of readers,
 * saves the answer so far now and then, and stores the final state when it ends: complete, stopped
 * (the user's Stop), interrupted (the server shutting down) or error.
 */
import type { Logger } from '../../core/logger';
import { createOpenAiChunkEncoder, toOpenAiUsage, type ChatEvent, type FinishReason, type OpenAiChunkEncoder, type Usage } from '../../providers';
import type { ToolCall } from '../store';
import { FrameLog } from './frame-log';
import type { FinishedMessage, FinishedStatus, GenerationStore } from './generation-store';
import { createProgressSaver, type ProgressSaver } from './progress-saver';
import { ToolCallList } from './tool-call-list';

/** Who the answer is for, what it answers, and where its text is saved. */
export interface GenerationJobOptions {
  chatId: string;
  userId: string;
  /** The answer's message id. */
  messageId: string;
  /** The user message it answers. */
  userMessageId: string;
  /** The model as the client named it. */
  model: string;
  /** The client asked for `stream_options.include_usage`. */
  includeUsage: boolean;
  store: Pick<GenerationStore, 'saveProgress' | 'finishMessage'>;
  logger: Logger;
  /** Least time between two saves of the text so far (about a second). */
  saveIntervalMs: number;
  /**
   * Resolves once the turn's rows are stored; nothing of the answer is saved before. The upstream
   * call starts while they are being stored; when storing fails the caller discards the job.
   */
  stored?: Promise<unknown>;
}

const statusOf: Record<FinishReason, FinishedStatus> = {
  stop: 'complete',
  length: 'complete',
  tool_calls: 'complete',
  content_filter: 'complete',
  stopped: 'stopped',
  interrupted: 'interrupted',
  error: 'error',
};

/** One reply being generated; see the top of this file. */
export class GenerationJob {
  readonly chatId: string;
  readonly userId: string;
  readonly messageId: string;
  readonly userMessageId: string;
  /** The numbered SSE events so far; ended once the final state is stored. */
  readonly log = new FrameLog();
  /** Resolves with the final state once it is stored (or storing it failed, which is logged). */
  readonly done: Promise<FinishedMessage>;
  private content = '';
  private reasoning = '';
  private readonly toolCalls = new ToolCallList();
  private usage: Usage | undefined;
  private deltas = 0;
  private status: 'generating' | FinishedStatus = 'generating';
  private endEvent: ChatEvent | undefined;
  private readonly startedAt = performance.now();
  private firstTokenAt: number | undefined;
  private readonly encoder: OpenAiChunkEncoder;
  private readonly saver: ProgressSaver;
  private readonly cancelListeners: Array<() => void> = [];
  private resolveDone!: (result: FinishedMessage) => void;

  constructor(private readonly options: GenerationJobOptions) {
    this.chatId = options.chatId;
    this.userId = options.userId;
    this.messageId = options.messageId;
    this.userMessageId = options.userMessageId;
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    this.encoder = createOpenAiChunkEncoder({
      id: `chatcmpl-${options.messageId}`,
      model: options.model,
      created: Date.now() / 1000,
      includeUsage: options.includeUsage,
    });
    this.saver = createProgressSaver({
      store: options.store,
      messageId: options.messageId,
      intervalMs: options.saveIntervalMs,
      snapshot: () => ({ content: this.content, reasoning: this.reasoning, ...this.toolCallsPart() }),
      logger: options.logger,
      stored: options.stored,
    });
    const head = { chat_id: options.chatId, user_message_id: options.userMessageId, message_id: options.messageId };
    this.log.appendText(`data: ${JSON.stringify(head)}\n\n`, 'chat');
  }

  /** The job has ended (its final state may still be being stored). */
  get isOver(): boolean {
    return this.status !== 'generating';
  }

  /** How the reply ended, once it has: the finish reason, or the error's code and message. */
  get outcome(): { finishReason: FinishReason } | { code: string; message: string } | undefined {
    const event = this.endEvent;
    if (event?.type === 'end') return event.finishReason === 'interrupted' ? { code: 'interrupted', message: 'the server shut down before the answer was complete' } : { finishReason: event.finishReason };
    if (event?.type === 'error') return { code: event.code, message: event.message };
    return undefined;
  }

  /** The reply so far. */
  snapshot(): { content: string; reasoning: string; toolCalls: ToolCall[]; usage: Usage | undefined } {
    return { content: this.content, reasoning: this.reasoning, toolCalls: this.toolCalls.calls(), usage: this.usage };
  }

  /** Runs when the job ends before the model server finished (Stop, shutdown, a failure): abort the upstream call. */
  onCancel(listener: () => void): void {
    this.cancelListeners.push(listener);
  }

  /** One event of the reply, from the model server. */
  accept(event: ChatEvent): void {
    if (this.isOver) return;
    switch (event.type) {
      case 'text-delta':
        this.content += event.text;
        this.noteToken();
        break;
      case 'reasoning-delta':
        this.reasoning += event.text;
        this.noteToken();
        break;
      case 'tool-call':
        this.firstTokenAt ??= performance.now();
        this.toolCalls.add(event);
        this.saver.changed();
        break;
      case 'usage':
        this.usage = event.usage;
        break;
      case 'end':
        this.end(statusOf[event.finishReason], event);
        return;
      case 'error':
        this.end('error', event, event.message);
        return;
    }
    this.log.appendText(this.encoder.encode(event));
  }

  /** The relay failed (no server could answer, a timeout, a cut stream). */
  fail(error: { code: string; message: string }): void {
    this.end('error', { type: 'error', code: error.code, message: error.message }, error.message);
  }

  /** The user pressed Stop: the upstream call is aborted, what arrived is kept, and readers get a normal end. */
  stop(): void {
    this.end('stopped', { type: 'end', finishReason: 'stopped' });
  }

  /** The turn could not be stored: the upstream call is aborted and nothing of this job is saved or read. */
  discard(): void {
    this.end('error', { type: 'error', code: 'internal', message: 'the turn could not be stored' }, 'the turn could not be stored');
  }

  /** This process is shutting down. */
  interrupt(): void {
    this.end('interrupted', { type: 'end', finishReason: 'interrupted' });
  }

  /** `{toolCalls}` when the answer made any, else nothing: answers without calls are stored as before. */
  private toolCallsPart(): { toolCalls?: ToolCall[] } {
    return this.toolCalls.size === 0 ? {} : { toolCalls: this.toolCalls.calls() };
  }

  private noteToken(): void {
    this.firstTokenAt ??= performance.now();
    this.deltas += 1;
    this.saver.changed();
  }

  private end(status: FinishedStatus, event: ChatEvent, error?: string): void {
    if (this.isOver) return;
    this.status = status;
    this.endEvent = event;
    const normalEnd = event.type === 'end' && (event.finishReason !== 'stopped' && event.finishReason !== 'interrupted');
    if (!normalEnd) for (const listener of this.cancelListeners.splice(0)) listener();
    const result: FinishedMessage = {
      status,
      content: this.content,
      reasoning: this.reasoning,
      ...this.toolCallsPart(),
      ...(error === undefined ? {} : { error }),
      ...(this.usage === undefined ? {} : { usage: toOpenAiUsage(this.usage) }),
      timings: this.timings(),
    };
    // The final state is stored before readers hear the end, so a client that saw [DONE] and then
    // reads the chat finds the answer complete.
    void this.saver
      .finish(result)
      .catch((failure: unknown) => this.options.logger.error({ err: failure, messageId: this.messageId }, 'storing the end of an answer failed'))
      .then(() => {
        this.log.appendText(this.encoder.encode(event));
        this.log.end();
        this.resolveDone(result);
      });
  }

  private timings(): Record<string, number> {
    const now = performance.now();
    const timings: Record<string, number> = { duration_ms: round(now - this.startedAt) };
    if (this.firstTokenAt === undefined) return timings;
    timings.time_to_first_token_ms = round(this.firstTokenAt - this.startedAt);
    const tokens = this.usage?.completionTokens ?? this.deltas;
    const seconds = (now - this.firstTokenAt) / 1000;
    if (tokens > 0 && seconds > 0) timings.tokens_per_second = round(tokens / seconds);
    return timings;
  }
}

const round = (value: number): number => Math.round(value * 100) / 100;
