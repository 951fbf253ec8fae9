/**
 * `POST /api/chat/completions` with `chat_id`: the answer becomes a server-owned job. One
 * transaction stores the user's message and the answer's placeholder; then the job starts (the
 * upstream request goes out at once) and the caller reads it like any other reader of the job's
 * log — as numbered SSE events, or, without `stream: true`, as one completion once it has ended.
 * The caller leaving does not stop the job.
 */
import type { FastifyReply } from 'fastify';
import type { Principal } from '../../auth';
import { AstraError, badRequest, errorCatalogue, notFound, type ErrorCode } from '../../core/errors';
import { newId } from '../../core/ids';
import { parseInput, z } from '../../core/validation';
import type { CatalogModel } from '../../models';
import { defaultPingIntervalMs, encodeCompletion, toOllamaChatRequest, type ChatEvent, type RelayCandidate } from '../../providers';
import { relayDeps, upstreamHeaders, type Gateway } from '../gateway';
import { nonTextParts } from '../store';
import { GenerationJob } from './generation-job';
import type { GenerationHub } from './generation-hub';
import type { TurnStart } from './generation-store';
import { relayToJob } from './relay-to-job';
import { streamToClient } from './sse-response';
import { toolCallEvents } from './tool-call-list';

const messageId = z.string().min(1).max(100);

/** The chat fields of a completion request (Open WebUI's names). */
const chatTurnFields = z.object({
  chat_id: messageId,
  /** The answer's message id; generated when absent. */
  id: messageId.optional(),
  /** The message the new user message follows (absent or null for the first); with `regenerate`, the user message to answer again. */
  parent_id: messageId.nullish(),
  user_message_id: messageId.optional(),
  regenerate: z.boolean().optional(),
});

/** What the completions route hands over for a request with `chat_id`. */
export interface ChatTurnInput {
  gateway: Gateway;
  generations: GenerationHub;
  reply: FastifyReply;
  principal: Principal;
  /** The whole request body, as validated by the completions route. */
  body: Record<string, unknown> & { messages: Array<{ role: string }>; stream?: boolean };
  model: CatalogModel;
  candidates: readonly RelayCandidate[];
  /** The body for the model server: the client's, without Astra's own fields. */
  upstreamBody: Record<string, unknown>;
  includeUsage: boolean;
}

/** Starts the turn's generation, stores the turn and answers the caller from it; 400/404/409 before anything reaches the caller. */
export async function answerChatTurn(input: ChatTurnInput): Promise<void> {
  const { gateway, generations, principal, model } = input;
  const fields = parseInput(chatTurnFields, input.body);
  const lastMessage = input.body.messages[input.body.messages.length - 1]!;
  let userMessage: TurnStart['userMessage'] = null;
  let answersMessageId: string;
  if (fields.regenerate === true) {
    if (fields.parent_id == null) throw badRequest('parent_id: is required with regenerate (the user message to answer again)');
    answersMessageId = fields.parent_id;
  } else {
    if (lastMessage.role !== 'user') throw badRequest(`messages: the last message must be the user's (role "user"), not "${lastMessage.role}"`);
    const content = (lastMessage as { content?: unknown }).content;
    // The text is stored as the message's content (and searched); images and other parts beside it.
    const contentParts = nonTextParts(content, `messages[${input.body.messages.length - 1}].content`);
    userMessage = { id: fields.user_message_id ?? newId(), parentId: fields.parent_id ?? null, content: textOf(content), contentParts };
    answersMessageId = userMessage.id;
  }
  const assistantMessage = { id: fields.id ?? newId(), parentId: answersMessageId, model: model.id };

  // Built before anything is stored: a body no server can take is the client's 400, with nothing kept.
  // The turn's own fields are Astra's; a strict OpenAI-compatible server would refuse them.
  const { user_message_id: _userMessageId, regenerate: _regenerate, ...clientBody } = input.upstreamBody;
  const upstream = { ...clientBody, stream: true };
  const requests = new Map(
    input.candidates.map((candidate) => {
      const body =
        candidate.connection.kind === 'openai'
          ? JSON.stringify({ ...upstream, model: candidate.upstreamId, stream_options: { include_usage: true } })
          : JSON.stringify(toOllamaChatRequest({ ...upstream, model: candidate.upstreamId } as never));
      const path = candidate.connection.kind === 'openai' ? '/chat/completions' : '/api/chat';
      const headers = upstreamHeaders(gateway, candidate, principal);
      return [candidate, { baseUrl: candidate.connection.baseUrl, path, method: 'POST' as const, headers, body }];
    }),
  );

  // Someone else's chat is refused before anything reaches a model server.
  const owner = await generations.store.chatOwner(fields.chat_id);
  if (owner !== undefined && owner !== principal.user.id) throw notFound('Chat');

  // The model server is asked first and the turn stored while it works on its first token, so the
  // write costs the answer nothing. Nothing is saved of the answer, and nothing reaches the client,
  // before the turn is stored; if storing fails (a taken id, a parent not in the chat), the upstream
  // call is aborted at once and the client gets the error, with nothing kept.
  let storedOk!: () => void;
  let storedFailed!: (error: unknown) => void;
  const turnStored = new Promise<void>((resolve, reject) => {
    storedOk = resolve;
    storedFailed = reject;
  });
  const job = new GenerationJob({
    chatId: fields.chat_id,
    userId: principal.user.id,
    messageId: assistantMessage.id,
    userMessageId: answersMessageId,
    model: model.id,
    includeUsage: input.includeUsage,
    store: generations.store,
    logger: gateway.logger,
    saveIntervalMs: generations.saveIntervalMs,
    stored: turnStored,
  });
  relayToJob(relayDeps(gateway), { candidates: input.candidates, request: (candidate) => requests.get(candidate)! }, job);
  // The request is written to the model server's socket on a later turn of the event loop: let it
  // go out before the turn's statements run (SQLite's hold the thread while they run).
  await new Promise((resolve) => setImmediate(resolve));
  let createdChat: boolean;
  try {
    ({ createdChat } = await generations.store.startTurn({
      chatId: fields.chat_id,
      userId: principal.user.id,
      models: [model.id],
      userMessage,
      assistantMessage,
      processId: generations.processId,
    }));
    storedOk();
  } catch (error) {
    storedFailed(error);
    job.discard();
    throw error;
  }
  generations.add(job, { principal, model: model.id, createdChat });

  if (input.body.stream === true) {
    await streamToClient(input.reply, job.log, 0, { pingIntervalMs: gateway.streamPingIntervalMs ?? defaultPingIntervalMs });
    return;
  }
  await job.done;
  await input.reply.send(wholeAnswer(job, model.id));
}

/** The non-streamed answer: one `chat.completion` with the chat's ids, or the failure as an error response. */
function wholeAnswer(job: GenerationJob, model: string): object {
  const outcome = job.outcome;
  if (outcome === undefined || 'code' in outcome) {
    const code: ErrorCode = outcome !== undefined && outcome.code in errorCatalogue ? (outcome.code as ErrorCode) : 'upstream_failed';
    throw new AstraError(code, outcome?.message ?? 'the answer failed');
  }
  const { content, reasoning, toolCalls, usage } = job.snapshot();
  const events: ChatEvent[] = [
    { type: 'reasoning-delta', text: reasoning },
    { type: 'text-delta', text: content },
    ...toolCallEvents(toolCalls),
    ...(usage === undefined ? [] : [{ type: 'usage', usage } as const]),
    { type: 'end', finishReason: outcome.finishReason },
  ];
  const completion = encodeCompletion({ id: `chatcmpl-${job.messageId}`, model, created: Date.now() / 1000 }, events);
  return { ...completion, chat_id: job.chatId, user_message_id: job.userMessageId, message_id: job.messageId };
}

/** The text of a message's content: a string as it is, the text parts of a list joined. */
function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((part) => (typeof part === 'object' && part !== null && (part as { type?: unknown }).type === 'text' ? String((part as { text?: unknown }).text ?? '') : ''))
      .filter((text) => text !== '')
      .join('\n');
  }
  return content === undefined || content === null ? '' : JSON.stringify(content);
}
