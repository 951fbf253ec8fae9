/**
 * POST /v1/chat/completions: a streamed reply in OpenAI's SSE chunks (role chunk, content chunks,
 * finish chunk, usage chunk when `stream_options.include_usage`, `data: [DONE]`), or one
 * `chat.completion` object. Tool calls when the request offers tools and asks to "call tool".
 * The shapes follow test/support/transcripts/openai-*.
 */
import type { Exchange } from './exchange';
import { deliverOneShot } from './faults';
import { SSE_CONTENT_TYPE, SSE_DONE, sseEvent } from './framing';
import { openaiStatusError } from './openai-errors';
import { lastUserText, plannedToolCall, promptWordCount, replyFor, stampToken, thinkingTokens, wantsToolCall } from './reply-text';
import type { StandInState } from './state';
import { streamTokens } from './token-stream';

const SYSTEM_FINGERPRINT = 'fp_stand_in';

/** Splits serialised tool arguments into a few fragments, the way they arrive from a real server. */
function argumentFragments(serialised: string): string[] {
  const size = Math.max(1, Math.ceil(serialised.length / 3));
  const fragments: string[] = [];
  for (let start = 0; start < serialised.length; start += size) fragments.push(serialised.slice(start, start + size));
  return fragments;
}

function usageObject(promptTokens: number, completionTokens: number, reasoningTokens: number): Record<string, unknown> {
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: reasoningTokens,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

export function handleOpenaiChat(exchange: Exchange, state: StandInState, model: string): void {
  const { behavior } = exchange;
  const body = exchange.record.body as Record<string, unknown>;
  const userText = lastUserText(body.messages);
  const maxTokens = typeof body.max_completion_tokens === 'number' ? body.max_completion_tokens : typeof body.max_tokens === 'number' ? body.max_tokens : undefined;
  const reply = replyFor(behavior, userText, maxTokens);
  const thinking = thinkingTokens(behavior.thinkingTokenCount);
  const toolCall = wantsToolCall(body.tools, userText) ? plannedToolCall(body.tools) : undefined;
  const toolCallId = `call_stand_in_${state.nextId()}`;
  const serialisedArguments = toolCall === undefined ? '' : JSON.stringify(toolCall.arguments);
  const fragments = argumentFragments(serialisedArguments);
  const finishReason = toolCall !== undefined ? 'tool_calls' : reply.finishReason;
  const answerTokenCount = toolCall !== undefined ? 1 + fragments.length : reply.tokens.length;
  const promptTokens = promptWordCount(body.messages);
  const completionTokens = thinking.length + answerTokenCount;
  const id = `chatcmpl-stand-in-${state.nextId()}`;
  const created = Math.floor(Date.now() / 1000);

  if (body.stream !== true) {
    const message: Record<string, unknown> = {
      role: 'assistant',
      content: toolCall === undefined ? reply.tokens.join('') : null,
    };
    if (thinking.length > 0) message.reasoning_content = thinking.join('');
    if (toolCall !== undefined) {
      message.tool_calls = [{ id: toolCallId, type: 'function', function: { name: toolCall.name, arguments: serialisedArguments } }];
    }
    message.refusal = null;
    message.annotations = [];
    const completion = {
      id,
      object: 'chat.completion',
      created,
      model,
      system_fingerprint: SYSTEM_FINGERPRINT,
      choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason }],
      usage: usageObject(promptTokens, completionTokens, thinking.length),
      service_tier: 'default',
    };
    const delayMs = behavior.firstTokenDelayMs + behavior.tokenDelayMs * Math.max(0, completionTokens - 1);
    deliverOneShot(exchange, () => completion, delayMs, openaiStatusError, { 'x-request-id': id });
    return;
  }

  const streamOptions = body.stream_options as { include_usage?: unknown } | undefined;
  const includeUsage = streamOptions?.include_usage === true;
  // Every chunk shares this prefix; only the delta and finish reason change (no per-token object building).
  const head = `{"id":"${id}","object":"chat.completion.chunk","created":${created},"model":${JSON.stringify(model)},"system_fingerprint":"${SYSTEM_FINGERPRINT}","choices":`;
  const usageNull = includeUsage ? ',"usage":null' : '';
  const deltaChunk = (delta: string): string => sseEvent(`${head}[{"index":0,"delta":${delta},"logprobs":null,"finish_reason":null}]${usageNull}}`);

  const tokenFrame = (index: number): string => {
    if (index < thinking.length) return deltaChunk(`{"reasoning_content":${JSON.stringify(thinking[index])}}`);
    const answerIndex = index - thinking.length;
    if (toolCall === undefined) {
      const token = reply.tokens[answerIndex] ?? '';
      return deltaChunk(`{"content":${JSON.stringify(behavior.stampTokens ? stampToken(token) : token)}}`);
    }
    if (answerIndex === 0) {
      return deltaChunk(
        `{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"${toolCallId}","type":"function","function":{"name":${JSON.stringify(toolCall.name)},"arguments":""}}]}`,
      );
    }
    return deltaChunk(`{"tool_calls":[{"index":0,"function":{"arguments":${JSON.stringify(fragments[answerIndex - 1])}}}]}`);
  };

  streamTokens(exchange, {
    contentType: SSE_CONTENT_TYPE,
    headers: { 'x-request-id': id },
    // A tool-call reply carries the role in its first tool chunk (see the tool-call transcript).
    opening: () => (toolCall === undefined || thinking.length > 0 ? [deltaChunk('{"role":"assistant","content":""}')] : []),
    tokenCount: completionTokens,
    tokenFrame,
    malformedFrame: () => sseEvent(`${head}[{"index":0,"delta":{"content":"malformed`),
    errorFrame: () => sseEvent(JSON.stringify(openaiStatusError(500))),
    closing: () => {
      const frames = [sseEvent(`${head}[{"index":0,"delta":{},"logprobs":null,"finish_reason":"${finishReason}"}]${usageNull}}`)];
      if (includeUsage) {
        frames.push(sseEvent(`${head}[],"usage":${JSON.stringify(usageObject(promptTokens, exchange.tokensSent, thinking.length))}}`));
      }
      frames.push(SSE_DONE);
      return frames;
    },
  });
}
