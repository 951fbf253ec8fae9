/**
 * Asks a model for a chat title, non-streamed, through the gateway's own upstream path: the model
 * resolved in the catalog and checked against what the user may use, the connections serving it
 * tried with failover, each connection's key (and the user headers when forwarded). TASK_MODEL when
 * set and usable by the user, else the chat's own model. The whole exchange has one time bound.
 */
import type { Principal } from '../../auth';
import type { CatalogModel } from '../../models';
import { relayOnce, toOllamaChatRequest, type RelayCandidate, type WholeAnswer } from '../../providers';
import { candidatesFor, relayDeps, upstreamHeaders, type Gateway } from '../gateway';
import { parseTitle } from './title-prompt';

export interface TitleRequest {
  principal: Principal;
  /** The model the chat answered with (its catalog id). */
  chatModel: string;
  prompt: string;
  /** Bound on the whole exchange, failover included. */
  timeoutMs: number;
  /** Aborts the request (shutdown). */
  signal: AbortSignal;
}

/** What came of the request: a title, or why there is none. */
export type TitleOutcome = { title: string; model: string } | { title: undefined; model: string | undefined; reason: string };

export async function generateTitle(gateway: Gateway, request: TitleRequest): Promise<TitleOutcome> {
  const model = await titleModel(gateway, request.principal, request.chatModel);
  if (model === undefined) return { title: undefined, model: undefined, reason: 'neither TASK_MODEL nor the chat model is available to the user' };
  const candidates = candidatesFor(gateway, model);
  const message = { role: 'user', content: request.prompt };
  const build = (candidate: RelayCandidate): { path: string; body: string } =>
    candidate.connection.kind === 'openai'
      ? { path: '/chat/completions', body: JSON.stringify({ model: candidate.upstreamId, messages: [message], stream: false }) }
      : { path: '/api/chat', body: JSON.stringify(toOllamaChatRequest({ model: candidate.upstreamId, messages: [message], stream: false } as never)) };
  const deps = relayDeps(gateway);
  const timeouts = { firstTokenMs: Math.min(deps.timeouts.firstTokenMs, request.timeoutMs), idleMs: Math.min(deps.timeouts.idleMs, request.timeoutMs), totalMs: request.timeoutMs };
  const bound = boundedSignal(request.signal, request.timeoutMs);
  let answer: WholeAnswer;
  try {
    answer = await relayOnce(
      { ...deps, timeouts },
      {
        candidates,
        request: (candidate) => ({
          baseUrl: candidate.connection.baseUrl,
          method: 'POST',
          ...build(candidate),
          headers: upstreamHeaders(gateway, candidate, request.principal),
        }),
      },
      bound.signal,
    );
  } finally {
    bound.release();
  }
  const reply = replyText(answer.candidate.connection.kind, answer.body);
  if (reply === undefined) return { title: undefined, model: model.id, reason: 'the reply held no text' };
  const title = parseTitle(reply);
  return title === undefined ? { title: undefined, model: model.id, reason: `no title in the reply: ${reply.slice(0, 200)}` } : { title, model: model.id };
}

/**
 * A signal that aborts with `parent` or after `timeoutMs` (failover included), whichever comes
 * first; `release` clears the timer and the listener on the long-lived parent.
 */
function boundedSignal(parent: AbortSignal, timeoutMs: number): { signal: AbortSignal; release(): void } {
  const controller = new AbortController();
  const onParentAbort = (): void => controller.abort(parent.reason);
  if (parent.aborted) onParentAbort();
  else parent.addEventListener('abort', onParentAbort, { once: true });
  const timer = setTimeout(() => controller.abort(new Error(`the title took longer than ${timeoutMs} ms`)), timeoutMs);
  timer.unref();
  return {
    signal: controller.signal,
    release() {
      clearTimeout(timer);
      parent.removeEventListener('abort', onParentAbort);
    },
  };
}

/** TASK_MODEL when it is set, served and the user may use it; else the chat's model, if still so. */
async function titleModel(gateway: Gateway, principal: Principal, chatModel: string): Promise<CatalogModel | undefined> {
  const taskModel = gateway.config.models.taskModel;
  for (const id of taskModel === undefined || taskModel === chatModel ? [chatModel] : [taskModel, chatModel]) {
    const model = await gateway.catalog.resolve(id);
    if (model !== undefined && model.servedBy.length > 0 && gateway.access.canUse(principal.user, model.id)) return model;
    if (id === taskModel) gateway.logger.debug({ taskModel }, 'TASK_MODEL is not available to this user: titling with the chat model');
  }
  return undefined;
}

/** The answer's text: OpenAI's `choices[0].message.content`, Ollama's `message.content`. */
function replyText(kind: 'openai' | 'ollama', body: Buffer): string | undefined {
  try {
    const value = JSON.parse(body.toString('utf8')) as {
      choices?: Array<{ message?: { content?: unknown } }>;
      message?: { content?: unknown };
    };
    const content = kind === 'openai' ? value.choices?.[0]?.message?.content : value.message?.content;
    return typeof content === 'string' && content.trim() !== '' ? content : undefined;
  } catch {
    return undefined;
  }
}
