/**
 * What a message carries besides its text, both in OpenAI's shapes and stored as JSON columns: an
 * answer's tool calls (`tool_calls`) and the parts of a user's message other than text
 * (`content_parts`: images, audio, files). The text itself stays in `content`, where search finds it.
 */
import type { OpenAiToolCall } from '../../providers';
import { badRequest } from '../../core/errors';
import { z } from '../../core/validation';

/** One tool call of an answer: `{id, type: 'function', function: {name, arguments}}` (arguments as JSON text). */
export type ToolCall = OpenAiToolCall;

/** A content part other than text, e.g. `{type: 'image_url', image_url: {url: 'data:image/png;base64,…'}}`. */
export type ContentPart = { type: string } & Record<string, unknown>;

/**
 * More non-text parts than this in one message is refused. Their size is bounded by the body
 * limits (1 MiB for a chat turn; an import may be larger).
 */
export const maxContentParts = 100;

/** More tool calls than this in one imported message is refused (OpenAI offers at most 128 tools). */
export const maxToolCalls = 1000;

/**
 * The non-text parts of a message's content (OpenAI's `[{type: 'text', text}, {type: 'image_url', …}]`),
 * or null when there are none (a string, or text parts only). An image URL sent as a bare string is
 * stored in the `{url}` form. A 400 for more than `maxContentParts`; `where` names the field.
 */
export function nonTextParts(content: unknown, where: string): ContentPart[] | null {
  if (!Array.isArray(content)) return null;
  const parts: ContentPart[] = [];
  for (const part of content) {
    if (typeof part !== 'object' || part === null || Array.isArray(part)) continue;
    const { type } = part as { type?: unknown };
    if (typeof type !== 'string' || type === '' || type === 'text') continue;
    parts.push(normalisedPart(part as ContentPart));
  }
  if (parts.length > maxContentParts) throw badRequest(`${where}: at most ${maxContentParts} parts other than text can be stored with a message`);
  return parts.length === 0 ? null : parts;
}

function normalisedPart(part: ContentPart): ContentPart {
  if (part.type === 'image_url' && typeof part.image_url === 'string') return { ...part, image_url: { url: part.image_url } };
  return part;
}

/** A tool call as an import gives it (Astra's export); `type` may be left out. */
export const importedToolCall = z.object({
  id: z.string().max(500),
  type: z.literal('function').default('function'),
  function: z.object({ name: z.string().max(500), arguments: z.string() }),
});

/** A non-text content part as an import gives it (Astra's export): any part with a type other than text. */
export const importedContentPart = z.looseObject({
  type: z
    .string()
    .min(1)
    .max(100)
    .refine((type) => type !== 'text', 'must not be "text" (the text is the message\'s content)'),
});
