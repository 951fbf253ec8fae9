/**
 * The chat on screen: its message tree, the branch in view, and the answer being streamed.
 * Sending, regenerating and editing start a server-owned generation (`POST /api/chat/completions`
 * with `chat_id`); its text is buffered and painted once per animation frame, so a fast model
 * costs one render per frame whatever its token rate. Only the streaming message changes while
 * it streams. Opening a chat whose answer is still being generated re-attaches to it.
 */
import { api, segment } from './api';
import { isApiError } from './api-error';
import { addMessage, branchTo, completionMessages, newestLeafUnder, siblingIds, type MessageMap } from './chat-tree';
import { titleFrom } from './chat-groups';
import { touchChat, upsertChat } from './chat-list.svelte';
import { streamChat, type ChatStreamHandle, type ChatStreamOutcome, type StreamUsage } from './chat-stream';
import { session } from './session.svelte';
import type { ChatView, MessageView } from './types';

/** What is known about the answer being streamed, beyond its text. */
export interface LiveAnswer {
  messageId: string;
  /** Set while the connection is being restored ("You are offline — reconnecting…"). */
  connection: string;
  /** When the request went out and when the first text came (performance.now()). */
  startedAt: number;
  firstTokenAt: number | null;
  /** Text pieces received (a stand-in for tokens when the server sends no usage). */
  deltas: number;
  stopping: boolean;
}

class Conversation {
  chatId: string | null = $state(null);
  title = $state('');
  messages: MessageMap = $state({});
  currentId: string | null = $state(null);
  loading = $state(false);
  problem = $state('');
  live: LiveAnswer | null = $state(null);
  /** The branch in view, root first. */
  readonly branch = $derived(branchTo(this.messages, this.currentId));

  private handle: ChatStreamHandle | undefined;
  private buffer = { content: '', reasoning: '' };
  private frame = 0;
  private usage: StreamUsage | undefined;
  private opening = 0;

  /** An empty conversation (the new-chat screen). */
  clear(): void {
    this.detach();
    this.opening += 1;
    this.chatId = null;
    this.title = '';
    this.messages = {};
    this.currentId = null;
    this.problem = '';
    this.loading = false;
  }

  /** Loads a chat; re-attaches when its answer is still being generated. */
  async open(chatId: string): Promise<void> {
    if (chatId === this.chatId && this.problem === '') return;
    this.detach();
    const opening = ++this.opening;
    this.chatId = chatId;
    this.loading = true;
    this.problem = '';
    this.messages = {};
    this.currentId = null;
    try {
      const view = await api.get<ChatView>(`/api/v1/chats/${segment(chatId)}`);
      if (opening !== this.opening) return;
      this.adopt(view);
      const generating = this.branch.find((message) => message.role === 'assistant' && message.status === 'generating');
      if (generating !== undefined) this.follow(generating.id, undefined);
    } catch (error) {
      if (opening !== this.opening) return;
      this.problem = isApiError(error) && error.status === 404 ? 'This chat does not exist, or it was deleted.' : isApiError(error) ? error.message : String(error);
    } finally {
      if (opening === this.opening) this.loading = false;
    }
  }

  /** Sends a new message at the end of the branch in view; returns the chat id (new for a new chat). */
  send(text: string, model: string): string {
    const isNew = this.chatId === null;
    const serverTitles = session.config?.features.enable_title_generation === true;
    const chatId = this.chatId ?? crypto.randomUUID();
    if (isNew) {
      this.chatId = chatId;
      this.title = titleFrom(text);
      this.opening += 1;
      const now = Math.floor(Date.now() / 1000);
      upsertChat({ id: chatId, title: this.title, updated_at: now, created_at: now, pinned: false, archived: false });
    }
    const parent = this.branch.at(-1) ?? null;
    const userMessage = this.localMessage('user', parent?.id ?? null, text, model);
    const history = [...this.branch, userMessage];
    this.startAnswer({ chatId, userMessage, parentId: parent?.id ?? null, model, history, regenerate: false, setTitle: isNew && !serverTitles ? this.title : undefined });
    return chatId;
  }

  /** A new answer to the user message that `answerId` answered (kept as a sibling: the arrows switch between them). */
  regenerate(answerId: string, model: string): void {
    const answer = this.messages[answerId];
    if (answer === undefined || answer.parentId === null || this.chatId === null) return;
    const question = this.messages[answer.parentId];
    if (question === undefined) return;
    this.startAnswer({ chatId: this.chatId, userMessage: undefined, parentId: question.id, model, history: branchTo(this.messages, question.id), regenerate: true });
  }

  /** Sends an edited copy of a user message as a new branch beside the original. */
  editAndResend(userMessageId: string, text: string, model: string): void {
    const original = this.messages[userMessageId];
    if (original === undefined || this.chatId === null) return;
    const userMessage = this.localMessage('user', original.parentId, text, model);
    const history = [...branchTo(this.messages, original.parentId), userMessage];
    this.startAnswer({ chatId: this.chatId, userMessage, parentId: original.parentId, model, history, regenerate: false });
  }

  /** Stops the answer being generated; what arrived is kept. */
  async stop(): Promise<void> {
    const live = this.live;
    if (live === null || this.handle === undefined) return;
    live.stopping = true;
    await this.handle.stop();
  }

  /** Shows the previous (-1) or next (+1) sibling of a message, and the newest branch below it. */
  switchBranch(messageId: string, step: -1 | 1): void {
    const message = this.messages[messageId];
    if (message === undefined || this.live !== null) return;
    const siblings = siblingIds(this.messages, message);
    const target = siblings[siblings.indexOf(messageId) + step];
    if (target === undefined) return;
    this.currentId = newestLeafUnder(this.messages, target);
    if (this.chatId !== null) {
      void api.post(`/api/v1/chats/${segment(this.chatId)}`, { chat: { currentId: this.currentId } }, { idempotent: true }).catch(() => undefined);
    }
  }

  /** The chat on screen was renamed elsewhere (or given a generated title). */
  retitle(chatId: string, title: string): void {
    if (chatId === this.chatId) this.title = title;
  }

  /** Stops following the answer being streamed (it goes on on the server). */
  detach(): void {
    this.handle?.detach();
    this.handle = undefined;
    this.flush();
    this.live = null;
  }

  private adopt(view: ChatView): void {
    this.title = view.title;
    this.messages = view.chat.history.messages;
    this.currentId = view.chat.history.currentId;
  }

  private localMessage(role: 'user' | 'assistant', parentId: string | null, content: string, model: string): MessageView {
    return {
      id: crypto.randomUUID(),
      parentId,
      childrenIds: [],
      role,
      content,
      model,
      timestamp: Math.floor(Date.now() / 1000),
      done: role === 'user',
      status: role === 'user' ? 'complete' : 'generating',
    };
  }

  private startAnswer(turn: {
    chatId: string;
    userMessage: MessageView | undefined;
    parentId: string | null;
    model: string;
    history: MessageView[];
    regenerate: boolean;
    setTitle?: string | undefined;
  }): void {
    this.detach();
    const questionId = turn.userMessage?.id ?? turn.parentId!;
    if (turn.userMessage !== undefined) addMessage(this.messages, turn.userMessage);
    const answer = this.localMessage('assistant', questionId, '', turn.model);
    addMessage(this.messages, answer);
    this.currentId = answer.id;
    const body: Record<string, unknown> = {
      model: turn.model,
      messages: completionMessages(turn.history),
      stream: true,
      stream_options: { include_usage: true },
      chat_id: turn.chatId,
      id: answer.id,
      parent_id: turn.regenerate ? questionId : turn.parentId,
    };
    if (turn.regenerate) body.regenerate = true;
    else body.user_message_id = questionId;
    this.follow(answer.id, body, turn.setTitle);
  }

  /** Reads an answer (starting it when `body` is given) into the message `messageId`. */
  private follow(messageId: string, body: Record<string, unknown> | undefined, setTitle?: string): void {
    const chatId = this.chatId!;
    const message = this.messages[messageId]!;
    this.buffer = { content: message.content, reasoning: message.reasoning ?? '' };
    this.usage = undefined;
    this.live = { messageId, connection: '', startedAt: performance.now(), firstTokenAt: null, deltas: 0, stopping: false };
    // The reactive copy: changes made through it are the ones the screen sees.
    const live = this.live;
    let titlePending = setTitle;
    const handle = streamChat(api, { chatId, messageId, ...(body === undefined ? {} : { body }) }, {
      onReset: () => {
        this.buffer = { content: '', reasoning: '' };
        this.schedulePaint();
      },
      onDelta: (delta) => {
        if (delta.content !== undefined) this.buffer.content += delta.content;
        if (delta.reasoning !== undefined) this.buffer.reasoning += delta.reasoning;
        if (this.live !== null) {
          this.live.deltas += 1;
          this.live.firstTokenAt ??= performance.now();
        }
        this.schedulePaint();
        if (titlePending !== undefined) {
          // The first token is out: now the title can be stored without delaying it. (When the
          // server titles chats itself, its title arrives on the events channel instead.)
          const title = titlePending;
          titlePending = undefined;
          void api.post(`/api/v1/chats/${segment(chatId)}`, { chat: { title } }, { idempotent: true }).catch(() => undefined);
        }
      },
      onUsage: (usage) => (this.usage = usage),
      onConnection: (state) => {
        if (this.live !== null) this.live.connection = state.status === 'connected' ? '' : state.message;
      },
    });
    this.handle = handle;
    void handle.done.then((outcome) => {
      if (this.handle !== handle) return;
      this.finish(messageId, outcome, live);
    });
  }

  private finish(messageId: string, outcome: ChatStreamOutcome, live: LiveAnswer): void {
    this.flush();
    this.handle = undefined;
    this.live = null;
    const message = this.messages[messageId];
    if (message === undefined || outcome.kind === 'detached') return;
    message.done = true;
    const timings = measuredTimings(live, this.usage);
    if (timings !== undefined) message.timings = timings;
    if (this.usage !== undefined) message.usage = this.usage;
    if (outcome.kind === 'done') message.status = 'complete';
    else if (outcome.kind === 'stopped') {
      message.status = 'stopped';
      void this.syncMessage(messageId);
    } else {
      message.status = 'error';
      message.error = { content: outcome.error.message };
    }
    if (this.chatId !== null) touchChat(this.chatId, this.title);
  }

  /** After Stop: the server kept what it had received, which may be a little more than was shown. */
  private async syncMessage(messageId: string): Promise<void> {
    const chatId = this.chatId;
    if (chatId === null) return;
    try {
      const view = await api.get<ChatView>(`/api/v1/chats/${segment(chatId)}`);
      const stored = view.chat.history.messages[messageId];
      const shown = this.messages[messageId];
      if (this.chatId !== chatId || stored === undefined || shown === undefined || this.live !== null) return;
      shown.content = stored.content;
      shown.status = stored.status;
      if (stored.timings !== undefined) shown.timings = stored.timings;
    } catch {
      // What is on screen stays; the stored answer shows the next time the chat opens.
    }
  }

  private schedulePaint(): void {
    if (this.frame !== 0) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.paint();
    });
  }

  /** Paints what is buffered now (an answer ending in a background tab, where frames do not come). */
  private flush(): void {
    if (this.frame !== 0) cancelAnimationFrame(this.frame);
    this.frame = 0;
    this.paint();
  }

  private paint(): void {
    const live = this.live;
    if (live === null) return;
    const message = this.messages[live.messageId];
    if (message === undefined) return;
    if (message.content !== this.buffer.content) message.content = this.buffer.content;
    if ((message.reasoning ?? '') !== this.buffer.reasoning) message.reasoning = this.buffer.reasoning;
  }
}

/** Time to first token and tokens per second as this browser saw them. */
function measuredTimings(live: LiveAnswer, usage: StreamUsage | undefined): MessageView['timings'] | undefined {
  if (live.firstTokenAt === null) return undefined;
  const seconds = (performance.now() - live.firstTokenAt) / 1000;
  const tokens = usage?.completion_tokens ?? live.deltas;
  return {
    time_to_first_token_ms: Math.round(live.firstTokenAt - live.startedAt),
    ...(seconds > 0 && tokens > 1 ? { tokens_per_second: Math.round((tokens / seconds) * 10) / 10 } : {}),
  };
}

export const conversation = new Conversation();
