/**
 * Events back into OpenAI's wire format for clients: `createOpenAiChunkEncoder` writes the SSE text
 * of a streamed reply, `encodeCompletion` builds the one `chat.completion` of a non-streamed reply.
 *
 * A reply that ended normally (stop, length, tool calls, content filter, or the user's Stop) ends
 * with a finish chunk, the usage chunk when asked for, and `data: [DONE]`. A reply that failed or
 * was interrupted ends with an error payload and never with `[DONE]`: a cut answer must not look
 * complete to a client.
 */
import type { ChatEvent, ChatEventOf, FinishReason, Usage } from '../events';
import type { OpenAiChatCompletion, OpenAiErrorBody, OpenAiFinishReason, OpenAiToolCall } from './wire-types';

export interface OpenAiChunkEncoderOptions {
  /** The completion id, e.g. `chatcmpl-…`; the same in every chunk. */
  id: string;
  model: string;
  /** Seconds since the epoch. */
  created: number;
  /** The client asked for `stream_options.include_usage`: a last chunk with `choices: []` and usage. */
  includeUsage?: boolean;
}

export interface OpenAiChunkEncoder {
  /** The SSE text for one event: zero, one or several `data: …\n\n` blocks (possibly ''). */
  encode(event: ChatEvent): string;
  /** `[DONE]` or an error payload was written; everything after is ignored. */
  readonly finished: boolean;
}

export const sseDone = 'data: [DONE]\n\n';

/** The `finish_reason` for a reply that ended normally; undefined for a failed or cut one. */
export function toOpenAiFinishReason(reason: FinishReason): OpenAiFinishReason | undefined {
  switch (reason) {
    case 'stop':
    case 'stopped':
      return 'stop';
    case 'length':
      return 'length';
    case 'tool_calls':
      return 'tool_calls';
    case 'content_filter':
      return 'content_filter';
    default:
      return undefined;
  }
}

export function createOpenAiChunkEncoder(options: OpenAiChunkEncoderOptions): OpenAiChunkEncoder {
  // Every chunk shares its head and tail; only the delta between them is serialised per event.
  const created = Math.floor(options.created);
  const identity = `{"id":${JSON.stringify(options.id)},"object":"chat.completion.chunk","created":${created},"model":${JSON.stringify(options.model)}`;
  const head = `data: ${identity},"choices":[{"index":0,"delta":`;
  const usageTail = options.includeUsage === true ? ',"usage":null' : '';
  const tail = `,"finish_reason":null}]${usageTail}}\n\n`;
  const roleChunk = `${head}{"role":"assistant","content":""}${tail}`;
  let roleSent = false;
  let finished = false;
  let usage: Usage | undefined;

  const withRole = (chunk: string): string => {
    if (roleSent) return chunk;
    roleSent = true;
    return roleChunk + chunk;
  };

  const encodeEnd = (reason: FinishReason): string => {
    const finishReason = toOpenAiFinishReason(reason);
    if (finishReason === undefined) {
      return encodeError(abnormalEndError(reason));
    }
    finished = true;
    let text = withRole(`${head}{},"finish_reason":"${finishReason}"}]${usageTail}}\n\n`);
    if (options.includeUsage === true && usage !== undefined) {
      text += `data: ${identity},"choices":[],"usage":${JSON.stringify(toOpenAiUsage(usage))}}\n\n`;
    }
    return text + sseDone;
  };

  const encodeError = (event: ChatEventOf<'error'>): string => {
    finished = true;
    return `data: ${JSON.stringify(toOpenAiErrorBody(event))}\n\n`;
  };

  return {
    get finished() {
      return finished;
    },
    encode(event) {
      if (finished) return '';
      switch (event.type) {
        case 'text-delta':
          return event.text === '' ? '' : withRole(`${head}{"content":${JSON.stringify(event.text)}}${tail}`);
        case 'reasoning-delta':
          return event.text === '' ? '' : withRole(`${head}{"reasoning_content":${JSON.stringify(event.text)}}${tail}`);
        case 'tool-call':
          return withRole(`${head}{"tool_calls":[${toolCallDeltaJson(event)}]}${tail}`);
        case 'usage':
          usage = event.usage;
          return '';
        case 'end':
          return encodeEnd(event.finishReason);
        case 'error':
          return encodeError(event);
        default:
          // Events OpenAI's format has no place for (status, sources, …) are the relay's to name.
          return '';
      }
    },
  };
}

function toolCallDeltaJson(event: ChatEventOf<'tool-call'>): string {
  let json = `{"index":${event.index}`;
  if (event.id !== undefined) json += `,"id":${JSON.stringify(event.id)},"type":"function"`;
  json += ',"function":{';
  if (event.name !== undefined) json += `"name":${JSON.stringify(event.name)},`;
  return `${json}"arguments":${JSON.stringify(event.argumentsDelta)}}}`;
}

export function toOpenAiUsage(usage: Usage): { prompt_tokens: number; completion_tokens: number; total_tokens: number } {
  return { prompt_tokens: usage.promptTokens, completion_tokens: usage.completionTokens, total_tokens: usage.totalTokens };
}

/** The error a client sees for an `end` that is not a normal one, when no `error` event said more. */
function abnormalEndError(reason: FinishReason): ChatEventOf<'error'> {
  return reason === 'interrupted'
    ? { type: 'error', code: 'interrupted', message: 'the reply was interrupted before it was complete' }
    : { type: 'error', code: 'upstream_failed', message: 'the reply failed before it was complete' };
}

/** OpenAI's error `type` for an Astra error code. */
function errorType(code: string): string {
  if (code === 'invalid_request') return 'invalid_request_error';
  if (code === 'too_many_requests') return 'rate_limit_error';
  return 'server_error';
}

export function toOpenAiErrorBody(event: ChatEventOf<'error'>): OpenAiErrorBody {
  return { error: { message: event.message, type: errorType(event.code), code: event.code } };
}

export interface CompletionOptions {
  id: string;
  model: string;
  created: number;
}

/**
 * The non-streamed `chat.completion` for a whole reply's events, or the error body when the reply
 * failed or was cut (an `error` event, an `end` that is not a normal one, or no `end` at all).
 * Tool-call pieces are joined by index; a call without an id gets `call_<index>`.
 */
export function encodeCompletion(options: CompletionOptions, events: Iterable<ChatEvent>): OpenAiChatCompletion | OpenAiErrorBody {
  let text = '';
  let reasoning = '';
  let usage: Usage | undefined;
  let endReason: FinishReason | undefined;
  const toolCalls = new Map<number, OpenAiToolCall>();
  for (const event of events) {
    switch (event.type) {
      case 'text-delta':
        text += event.text;
        break;
      case 'reasoning-delta':
        reasoning += event.text;
        break;
      case 'tool-call': {
        let call = toolCalls.get(event.index);
        if (call === undefined) {
          call = { id: event.id ?? `call_${event.index}`, type: 'function', function: { name: event.name ?? '', arguments: '' } };
          toolCalls.set(event.index, call);
        } else {
          if (event.id !== undefined) call.id = event.id;
          if (event.name !== undefined) call.function.name = event.name;
        }
        call.function.arguments += event.argumentsDelta;
        break;
      }
      case 'usage':
        usage = event.usage;
        break;
      case 'end':
        endReason ??= event.finishReason;
        break;
      case 'error':
        return toOpenAiErrorBody(event);
      default:
        break;
    }
  }
  const finishReason = endReason === undefined ? undefined : toOpenAiFinishReason(endReason);
  if (finishReason === undefined) {
    return toOpenAiErrorBody(abnormalEndError(endReason ?? 'interrupted'));
  }
  const calls = [...toolCalls.entries()].sort(([left], [right]) => left - right).map(([, call]) => call);
  const completion: OpenAiChatCompletion = {
    id: options.id,
    object: 'chat.completion',
    created: Math.floor(options.created),
    model: options.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: text === '' && calls.length > 0 ? null : text,
          ...(reasoning === '' ? {} : { reasoning_content: reasoning }),
          ...(calls.length === 0 ? {} : { tool_calls: calls }),
        },
        finish_reason: finishReason,
        logprobs: null,
      },
    ],
  };
  if (usage !== undefined) completion.usage = toOpenAiUsage(usage);
  return completion;
}
