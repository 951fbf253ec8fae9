/**
 * The OpenAI-compatible protocol: SSE parsing, chunk ⇄ event translation, first-token detection,
 * error bodies and model lists. Pure functions, no I/O; the relay calls them on the hot path.
 */
export { createSseParser, parseSseText } from './sse-parser';
export type { SseEvent, SseParser } from './sse-parser';
export { openAiChunkToEvents, openAiErrorToEvent, openAiUsageToUsage } from './chunk-to-events';
export { mapOpenAiFinishReason } from './map-openai-finish-reason';
export { createOpenAiStreamDecoder } from './stream-decoder';
export type { OpenAiStreamDecoder } from './stream-decoder';
export { chunkCarriesToken } from './carries-token';
export { createOpenAiTokenWatch } from './token-watch';
export { createOpenAiChunkEncoder, encodeCompletion, sseDone, toOpenAiErrorBody, toOpenAiFinishReason, toOpenAiUsage } from './events-to-chunks';
export type { CompletionOptions, OpenAiChunkEncoder, OpenAiChunkEncoderOptions } from './events-to-chunks';
export { parseUpstreamErrorBody } from './error-body';
export { openAiModelsToModels } from './models';
export type { OpenAiModelEntry } from './models';
export type {
  OpenAiAudioPart,
  OpenAiChatCompletion,
  OpenAiChatCompletionChunk,
  OpenAiChatRequest,
  OpenAiChunkToolCall,
  OpenAiCompletionMessage,
  OpenAiContentPart,
  OpenAiEmbedding,
  OpenAiEmbeddingsRequest,
  OpenAiEmbeddingsResponse,
  OpenAiErrorBody,
  OpenAiFilePart,
  OpenAiFinishReason,
  OpenAiImagePart,
  OpenAiMessage,
  OpenAiReasoningEffort,
  OpenAiResponseFormat,
  OpenAiTextPart,
  OpenAiTool,
  OpenAiToolCall,
  OpenAiUsage,
} from './wire-types';
