/**
 * OpenAI embeddings ⇄ Ollama `/api/embed`: the request one way, the answer the other. The answer
 * can be numbers or, when the client asked for `encoding_format: "base64"` (the official `openai`
 * client does by default), little-endian float32 bytes in base64.
 */
import { badRequest } from '../../core/errors';
import type { OpenAiEmbedding, OpenAiEmbeddingsRequest, OpenAiEmbeddingsResponse } from '../openai';
import type { OllamaEmbedRequest } from './wire-types';

export function toOllamaEmbedRequest(body: OpenAiEmbeddingsRequest): OllamaEmbedRequest {
  const input = body.input;
  const isText = typeof input === 'string' || (Array.isArray(input) && input.every((item) => typeof item === 'string'));
  if (!isText) throw badRequest('input must be a string or an array of strings (Ollama models do not take token arrays)');
  const request: OllamaEmbedRequest = { model: body.model, input: input as string | string[] };
  if (typeof body.dimensions === 'number') request.dimensions = body.dimensions;
  if (typeof body.truncate === 'boolean') request.truncate = body.truncate;
  if (body.keep_alive !== undefined && body.keep_alive !== null) request.keep_alive = body.keep_alive;
  if (typeof body.options === 'object' && body.options !== null) request.options = body.options;
  return request;
}

export interface EmbeddingsResponseOptions {
  /** The model name to report; defaults to the one in the answer. */
  model?: string;
  encodingFormat?: 'float' | 'base64' | null;
}

export function toOpenAiEmbeddingsResponse(response: unknown, options: EmbeddingsResponseOptions = {}): OpenAiEmbeddingsResponse {
  const fields = typeof response === 'object' && response !== null ? (response as { model?: unknown; embeddings?: unknown; prompt_eval_count?: unknown }) : {};
  const vectors = Array.isArray(fields.embeddings) ? fields.embeddings : [];
  const base64 = options.encodingFormat === 'base64';
  const data: OpenAiEmbedding[] = new Array(vectors.length);
  for (let index = 0; index < vectors.length; index += 1) {
    const vector: unknown = vectors[index];
    const numbers = Array.isArray(vector) ? (vector as number[]) : [];
    data[index] = { object: 'embedding', index, embedding: base64 ? float32Base64(numbers) : numbers };
  }
  const promptTokens = typeof fields.prompt_eval_count === 'number' ? fields.prompt_eval_count : 0;
  return {
    object: 'list',
    data,
    model: options.model ?? (typeof fields.model === 'string' ? fields.model : ''),
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  };
}

/** The vector as little-endian float32 bytes in base64, as OpenAI encodes it. */
function float32Base64(numbers: number[]): string {
  const bytes = Buffer.allocUnsafe(numbers.length * 4);
  for (let index = 0; index < numbers.length; index += 1) bytes.writeFloatLE(numbers[index]!, index * 4);
  return bytes.toString('base64');
}
