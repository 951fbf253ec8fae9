/**
 * A protocol-faithful stand-in for model servers (OpenAI-compatible and Ollama), for tests and
 * benchmarks: deterministic replies, pacing and fault knobs, and a record of what it received.
 * Wire shapes follow the documented transcripts in test/support/transcripts/.
 */
export { startModelServer, type ModelServer, type ModelServerOptions } from './server';
export { startBlackHole, type BlackHole } from './black-hole';
export {
  BEHAVIOR_HEADER,
  DEFAULT_BEHAVIOR,
  FAULTS,
  LIST_MODELS_FAULTS,
  type Behavior,
  type Fault,
  type ListModelsFault,
} from './behavior';
export type { AbortedRequest, RecordedRequest } from './exchange';
export { DEFAULT_OLLAMA_MODELS, DEFAULT_OPENAI_MODELS } from './model-catalog';
export { defaultReplyText, fillerToken, splitIntoWordTokens, stampToken, thinkingTokens } from './reply-text';
export { embeddingVector } from './embeddings';
export { parseNdjson, parseSse, shapeOf, type Shape } from './wire-shape';
export { readTranscript, readTranscriptJson, transcriptPath } from './transcripts';
