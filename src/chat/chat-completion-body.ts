/**
 * The body of a chat-completions request: the few fields Astra reads (model, messages, stream,
 * stream_options), everything else left as the client sent it for the model server.
 *
 * Every completion pays for this check, so a well-formed body is recognised by a plain loop over its
 * messages; only a body that fails that loop goes through the zod schema, which names the field
 * that is wrong. Both accept exactly the same bodies (the test beside this file holds them to it).
 */
import { parseInput, z } from '../core/validation';

export const modelIdLimit = 500;
export const messageCountLimit = 100_000;

export const chatCompletionBody = z
  .object({
    model: z.string().min(1).max(modelIdLimit),
    messages: z.array(z.looseObject({ role: z.string().min(1) })).min(1).max(messageCountLimit),
    stream: z.boolean().optional(),
    stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
  })
  .loose();

export type ChatCompletionBody = z.output<typeof chatCompletionBody>;

/** The body as a chat-completions request, or a 400 naming the field that is wrong. */
export function readChatCompletionBody(value: unknown): ChatCompletionBody {
  if (isWellFormed(value)) return value;
  return parseInput(chatCompletionBody, value);
}

function isWellFormed(value: unknown): value is ChatCompletionBody {
  if (!isPlainObject(value)) return false;
  const { model, messages, stream, stream_options: streamOptions } = value;
  if (typeof model !== 'string' || model.length === 0 || model.length > modelIdLimit) return false;
  if (!Array.isArray(messages) || messages.length === 0 || messages.length > messageCountLimit) return false;
  for (const message of messages) {
    if (!isPlainObject(message)) return false;
    const role = message.role;
    if (typeof role !== 'string' || role.length === 0) return false;
  }
  if (stream !== undefined && typeof stream !== 'boolean') return false;
  if (streamOptions !== undefined && streamOptions !== null) {
    if (!isPlainObject(streamOptions)) return false;
    const includeUsage = streamOptions.include_usage;
    if (includeUsage !== undefined && typeof includeUsage !== 'boolean') return false;
  }
  return true;
}

/** A JSON object (not an array, not null). */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
