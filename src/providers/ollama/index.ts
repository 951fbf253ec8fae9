/**
 * Ollama's native protocol: OpenAI requests as `/api/chat` bodies, NDJSON parsing, chat objects as
 * events, non-streamed answers, embeddings and model lists in OpenAI's shapes, first-token
 * detection. Pure functions, no I/O; the relay calls them on the hot path.
 */
export { toOllamaChatRequest } from './to-ollama-chat';
export { createLineSplitter } from './line-splitter';
export type { LineSplitter } from './line-splitter';
export { createNdjsonParser, NdjsonLineError, parseNdjsonText } from './ndjson-parser';
export type { NdjsonParser } from './ndjson-parser';
export { createOllamaChatDecoder } from './chat-chunk-to-events';
export type { OllamaChatDecoder } from './chat-chunk-to-events';
export { mapOllamaDoneReason } from './map-ollama-done-reason';
export { ollamaChatToOpenAiCompletion } from './to-openai-completion';
export type { OllamaCompletionOptions } from './to-openai-completion';
export { toOllamaEmbedRequest, toOpenAiEmbeddingsResponse } from './embeddings';
export type { EmbeddingsResponseOptions } from './embeddings';
export { ollamaTagsToModels } from './models';
export type { OllamaModelEntry } from './models';
export { ollamaLineCarriesToken } from './carries-token';
export { createOllamaTokenWatch } from './token-watch';
export type {
  OllamaChatRequest,
  OllamaChatResponse,
  OllamaEmbedRequest,
  OllamaEmbedResponse,
  OllamaMessage,
  OllamaOptions,
  OllamaTag,
  OllamaTagsResponse,
  OllamaThink,
  OllamaTool,
  OllamaToolCall,
} from './wire-types';
