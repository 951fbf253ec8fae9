/**
 * The request for a chat title (Open WebUI's kind: a concise 3–5 word title with an emoji, asked for
 * as JSON `{"title": "…"}`) and the reading of what a model answers, which is often not quite that:
 * JSON in a code fence, a bare line, quotes, markdown, a reasoning block first.
 */

/** Longest title kept, in characters (a model that rambles is cut at a word). */
export const maxTitleLength = 80;
/** Each message of the conversation goes into the prompt up to this many characters. */
const maxMessageLength = 2000;

/** The instruction for the task model, with the conversation (the question and its answer) at the end. */
export function buildTitlePrompt(messages: ReadonlyArray<{ role: string; content: string }>): string {
  const history = messages
    .filter((message) => message.content.trim() !== '')
    .map((message) => `${message.role.toUpperCase()}: ${clip(message.content.trim(), maxMessageLength)}`)
    .join('\n');
  return `### Task:
Write a concise title of 3 to 5 words, starting with a fitting emoji, that sums up the chat below.
### Guidelines:
- The title names the main subject of the conversation.
- Write it in the main language of the chat; use English when in doubt.
- No quotation marks, no markdown, no trailing punctuation.
- Prefer plain accuracy to creativity.
- Answer with the raw JSON object only: no code fence, no text before or after it.
### Output:
{ "title": "the title" }
### Examples:
{ "title": "📉 Stock Market Trends" }
{ "title": "🍪 Perfect Chocolate Chip Cookies" }
{ "title": "Remote Work Productivity Tips" }
### Chat:
<chat_history>
${history}
</chat_history>`;
}

/** The title in a model's reply, cleaned up; undefined when there is none to use. */
export function parseTitle(reply: string): string | undefined {
  // Reasoning models may think aloud first; an unclosed block means the answer never came.
  let text = reply.replace(/<think>[\s\S]*?<\/think>/gi, '');
  if (/<think>/i.test(text)) return undefined;
  text = text.replace(/```[a-z]*\s*/gi, '').replace(/```/g, '').trim();
  const candidate = titleFromJson(text) ?? firstLine(text);
  if (candidate === undefined) return undefined;
  const title = clean(candidate);
  return title === '' ? undefined : clip(title, maxTitleLength, true);
}

/** The `title` of the JSON object in the text ('' for an object without one), or undefined when there is no object. */
function titleFromJson(text: string): string | undefined {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start === -1 || end <= start) return undefined;
  try {
    const value = JSON.parse(text.slice(start, end + 1)) as unknown;
    if (typeof value !== 'object' || value === null) return undefined;
    const title = (value as { title?: unknown }).title;
    return typeof title === 'string' ? title : '';
  } catch {
    // Not JSON after all (or JSON with a single-quoted title): read it as a line.
    const loose = /["']title["']\s*:\s*["']([^"'\n]+)["']/i.exec(text);
    return loose?.[1];
  }
}

function firstLine(text: string): string | undefined {
  return text
    .split('\n')
    .map((line) => line.trim())
    .find((line) => line !== '' && line !== '{' && line !== '}');
}

/** Without markdown, a "Title:" label, surrounding quotes, trailing punctuation or runs of spaces. */
function clean(title: string): string {
  let text = title
    .replace(/^#+\s*/, '')
    .replace(/[*_`]+/g, '')
    .replace(/^title\s*:\s*/i, '')
    .replace(/\s+/g, ' ')
    .trim();
  for (;;) {
    const unquoted = text.replace(/^["'“”‘’«»]+|["'“”‘’«»]+$/g, '').replace(/[.,;:]+$/, '').trim();
    if (unquoted === text) return text;
    text = unquoted;
  }
}

/** At most `limit` characters (whole code points), cut at a word when `atWord` and one is near. */
function clip(text: string, limit: number, atWord = false): string {
  const characters = Array.from(text);
  if (characters.length <= limit) return text;
  const cut = characters.slice(0, limit).join('');
  if (!atWord) return cut;
  const space = cut.lastIndexOf(' ');
  return (space > limit / 2 ? cut.slice(0, space) : cut).trim();
}
