/**
 * An OpenAI chat-completions body as an Ollama `/api/chat` body.
 *
 * - Messages: text parts are joined with a newline; `image_url` data URLs become `images` (base64);
 *   assistant `tool_calls` get their JSON arguments parsed; a `tool` message gets the `tool_name`
 *   of the call it answers. `developer` is sent as `system`.
 * - `stream` defaults to false, as in OpenAI's API.
 * - Sampling fields go to `options`; an `options` object in the body passes Ollama's own options
 *   through (the OpenAI fields win where both are set).
 * - `response_format` json_object → `format: "json"`, json_schema → `format: <schema>`.
 * - `reasoning_effort` → `think`; an explicit `think` wins.
 * - `tool_choice: "none"` leaves the tools out, since Ollama has no such switch.
 *
 * Input Ollama cannot take (remote image URLs, audio or file parts, token arrays) is refused with a
 * 400 that says what to change, rather than dropped.
 */
import { badRequest } from '../../core/errors';
import type { OpenAiChatRequest, OpenAiContentPart, OpenAiMessage, OpenAiReasoningEffort, OpenAiResponseFormat, OpenAiTool } from '../openai';
import type { OllamaChatRequest, OllamaMessage, OllamaOptions, OllamaThink, OllamaTool, OllamaToolCall } from './wire-types';

export function toOllamaChatRequest(body: OpenAiChatRequest): OllamaChatRequest {
  const request: OllamaChatRequest = {
    model: body.model,
    messages: toOllamaMessages(body.messages),
    stream: body.stream === true,
  };
  if (Array.isArray(body.tools) && body.tools.length > 0 && body.tool_choice !== 'none') request.tools = body.tools.map(toOllamaTool);
  const format = toOllamaFormat(body.response_format) ?? (body.format ?? undefined);
  if (format !== undefined) request.format = format;
  const options = toOllamaOptions(body);
  if (options !== undefined) request.options = options;
  const think = body.think ?? thinkFromEffort(body.reasoning_effort);
  if (think !== undefined) request.think = think;
  if (body.keep_alive !== undefined && body.keep_alive !== null) request.keep_alive = body.keep_alive;
  return request;
}

function toOllamaMessages(messages: OpenAiMessage[]): OllamaMessage[] {
  if (!Array.isArray(messages)) throw badRequest('messages must be an array');
  // Tool results name the call they answer by id; Ollama wants the tool's name.
  const toolNames = new Map<string, string>();
  const result: OllamaMessage[] = [];
  for (let position = 0; position < messages.length; position += 1) {
    const message = messages[position]!;
    switch (message.role) {
      case 'system':
      case 'developer':
      case 'user': {
        const { content, images } = flattenContent(message.content, position);
        const converted: OllamaMessage = { role: message.role === 'user' ? 'user' : 'system', content };
        if (images !== undefined) converted.images = images;
        result.push(converted);
        break;
      }
      case 'assistant':
        result.push(toOllamaAssistant(message, position, toolNames));
        break;
      case 'tool': {
        const converted: OllamaMessage = { role: 'tool', content: flattenContent(message.content, position).content };
        const toolName = message.tool_call_id === undefined ? undefined : toolNames.get(message.tool_call_id);
        if (toolName !== undefined) converted.tool_name = toolName;
        result.push(converted);
        break;
      }
      case 'function': {
        const converted: OllamaMessage = { role: 'tool', content: flattenContent(message.content, position).content };
        if (typeof message.name === 'string') converted.tool_name = message.name;
        result.push(converted);
        break;
      }
      default:
        throw badRequest(`messages[${position}].role "${String((message as { role?: unknown }).role)}" is not one of system, developer, user, assistant, tool`);
    }
  }
  return result;
}

function toOllamaAssistant(message: OpenAiMessage, position: number, toolNames: Map<string, string>): OllamaMessage {
  const converted: OllamaMessage = { role: 'assistant', content: flattenContent(message.content, position).content };
  const thinking = message.reasoning_content ?? message.reasoning;
  if (typeof thinking === 'string' && thinking !== '') converted.thinking = thinking;
  if (Array.isArray(message.tool_calls) && message.tool_calls.length > 0) {
    converted.tool_calls = message.tool_calls.map((call, callIndex): OllamaToolCall => {
      const name = call.function?.name;
      if (typeof name !== 'string' || name === '') throw badRequest(`messages[${position}].tool_calls[${callIndex}] has no function name`);
      if (typeof call.id === 'string') toolNames.set(call.id, name);
      return { function: { name, arguments: parseToolArguments(call.function.arguments, position, callIndex) } };
    });
  }
  return converted;
}

function parseToolArguments(text: unknown, position: number, callIndex: number): Record<string, unknown> {
  if (text === undefined || text === null || text === '') return {};
  if (typeof text === 'object' && !Array.isArray(text)) return text as Record<string, unknown>;
  if (typeof text === 'string') {
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    } catch {
      // reported below
    }
  }
  throw badRequest(`messages[${position}].tool_calls[${callIndex}].function.arguments must be a JSON object in a string`);
}

/** A message's content as one string plus its images (base64), if any. */
function flattenContent(content: OpenAiMessage['content'], position: number): { content: string; images?: string[] } {
  if (content === undefined || content === null) return { content: '' };
  if (typeof content === 'string') return { content };
  if (!Array.isArray(content)) throw badRequest(`messages[${position}].content must be a string or an array of parts`);
  let text: string | undefined;
  let images: string[] | undefined;
  for (let partIndex = 0; partIndex < content.length; partIndex += 1) {
    const part: OpenAiContentPart | undefined = content[partIndex];
    const where = `messages[${position}].content[${partIndex}]`;
    if (typeof part !== 'object' || part === null) throw badRequest(`${where} must be an object`);
    switch (part.type) {
      case 'text':
        if (typeof part.text !== 'string') throw badRequest(`${where}.text must be a string`);
        text = text === undefined ? part.text : `${text}\n${part.text}`;
        break;
      case 'image_url': {
        const url = typeof part.image_url === 'string' ? part.image_url : part.image_url?.url;
        (images ??= []).push(imageBase64(url, where));
        break;
      }
      default:
        throw badRequest(`${where} has type "${String((part as { type?: unknown }).type)}", which Ollama models do not accept (only text and image_url)`);
    }
  }
  return images === undefined ? { content: text ?? '' } : { content: text ?? '', images };
}

/** The base64 data of a `data:image/…;base64,…` URL. */
function imageBase64(url: unknown, where: string): string {
  if (typeof url !== 'string' || !url.startsWith('data:')) {
    throw badRequest(`${where}.image_url must be a data: URL with base64 image data (Ollama cannot fetch image links)`);
  }
  const comma = url.indexOf(',');
  if (comma === -1 || !url.slice(0, comma).toLowerCase().endsWith(';base64')) {
    throw badRequest(`${where}.image_url must be a base64 data: URL (data:image/png;base64,…)`);
  }
  return url.slice(comma + 1);
}

function toOllamaTool(tool: OpenAiTool, index: number): OllamaTool {
  const definition = tool?.function;
  if (typeof definition?.name !== 'string' || definition.name === '') throw badRequest(`tools[${index}].function.name is required`);
  const converted: OllamaTool = { type: 'function', function: { name: definition.name } };
  if (typeof definition.description === 'string') converted.function.description = definition.description;
  if (definition.parameters !== undefined && definition.parameters !== null) converted.function.parameters = definition.parameters;
  return converted;
}

function toOllamaFormat(format: OpenAiResponseFormat | null | undefined): OllamaChatRequest['format'] | undefined {
  if (format === undefined || format === null) return undefined;
  switch (format.type) {
    case 'json_object':
      return 'json';
    case 'json_schema': {
      const schema = format.json_schema?.schema;
      return typeof schema === 'object' && schema !== null ? schema : 'json';
    }
    default:
      return undefined;
  }
}

const number = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);

function toOllamaOptions(body: OpenAiChatRequest): OllamaOptions | undefined {
  const options: OllamaOptions = typeof body.options === 'object' && body.options !== null ? { ...body.options } : {};
  const set = (key: string, value: unknown): void => {
    if (value !== undefined) options[key] = value;
  };
  set('temperature', number(body.temperature));
  set('top_p', number(body.top_p));
  set('num_predict', number(body.max_completion_tokens) ?? number(body.max_tokens));
  set('seed', number(body.seed));
  set('frequency_penalty', number(body.frequency_penalty));
  set('presence_penalty', number(body.presence_penalty));
  if (typeof body.stop === 'string') options.stop = [body.stop];
  else if (Array.isArray(body.stop) && body.stop.length > 0) options.stop = body.stop.filter((stop) => typeof stop === 'string');
  return Object.keys(options).length > 0 ? options : undefined;
}

/** OpenAI's effort levels on Ollama's `think`: none → off, minimal → low. */
function thinkFromEffort(effort: OpenAiReasoningEffort | null | undefined): OllamaThink | undefined {
  switch (effort) {
    case 'none':
      return false;
    case 'minimal':
    case 'low':
      return 'low';
    case 'medium':
      return 'medium';
    case 'high':
      return 'high';
    default:
      return undefined;
  }
}
