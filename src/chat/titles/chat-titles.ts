/**
 * Titles chats in the background: when an answer completes in a chat that still has the default
 * title, a task model is asked for a short one (ENABLE_TITLE_GENERATION, TASK_MODEL), which is
 * stored only if the title is still the default (a rename meanwhile wins) and announced on the
 * user's events channel. It starts after the answer's final state is stored, so it never delays
 * an answer; a failure leaves the default title and is only logged.
 */
import type { Logger } from '../../core/logger';
import type { UserEvents } from '../events';
import type { Gateway } from '../gateway';
import type { GenerationJob, GenerationListener, TurnContext } from '../generation';
import type { FinishedMessage } from '../generation';
import { chatListItem, defaultChatTitle, type ChatStore } from '../store';
import { generateTitle } from './generate-title';
import { buildTitlePrompt } from './title-prompt';

/** Longest a title request may take, whatever AIOHTTP_CLIENT_TIMEOUT allows. */
export const titleTimeoutMs = 30_000;

export interface ChatTitlesOptions {
  gateway: Gateway;
  chats: ChatStore;
  events: UserEvents;
  logger: Logger;
  /** Tests shorten it. */
  timeoutMs?: number;
}

export class ChatTitles implements GenerationListener {
  /** Chats being titled here: a second answer finishing meanwhile (several models) asks nothing more. */
  private readonly titling = new Set<string>();
  private readonly running = new Set<Promise<void>>();
  private readonly abort = new AbortController();

  constructor(private readonly options: ChatTitlesOptions) {}

  finished(job: GenerationJob, result: FinishedMessage, turn: TurnContext): void {
    if (!this.options.gateway.config.models.enableTitleGeneration || result.status !== 'complete') return;
    if (this.abort.signal.aborted || this.titling.has(job.chatId)) return;
    this.titling.add(job.chatId);
    const task = this.title(job, result, turn)
      .catch((error: unknown) => this.options.logger.warn({ err: error, chatId: job.chatId }, 'generating a chat title failed; the chat keeps its title'))
      .finally(() => {
        this.titling.delete(job.chatId);
        this.running.delete(task);
      });
    this.running.add(task);
  }

  /** Resolves once the titles being generated now are stored or given up. */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.running]);
  }

  /** Aborts the title requests in flight and waits for them to settle (shutdown). */
  async close(): Promise<void> {
    this.abort.abort();
    await this.idle();
  }

  private async title(job: GenerationJob, result: FinishedMessage, turn: TurnContext): Promise<void> {
    const { chats, gateway, logger } = this.options;
    const chat = await chats.find(job.chatId, job.userId);
    if (chat === undefined || chat.title !== defaultChatTitle) return;
    const question = await chats.getMessage(job.chatId, job.userId, job.userMessageId);
    const prompt = buildTitlePrompt([
      { role: 'user', content: question?.content ?? '' },
      { role: 'assistant', content: result.content },
    ]);
    const timeoutMs = Math.min(this.options.timeoutMs ?? titleTimeoutMs, gateway.config.timeouts.firstTokenSeconds * 1000);
    const outcome = await generateTitle(gateway, { principal: turn.principal, chatModel: turn.model, prompt, timeoutMs, signal: this.abort.signal });
    if (outcome.title === undefined) {
      logger.debug({ chatId: job.chatId, model: outcome.model, reason: outcome.reason }, 'no chat title generated; the chat keeps its title');
      return;
    }
    const titled = await chats.setTitleIfDefault(job.chatId, job.userId, outcome.title);
    if (titled === undefined) return;
    this.options.events.publish(job.userId, { event: 'chat-updated', data: chatListItem(titled) });
  }
}
