/** Protocol adapters (OpenAI-compatible and Ollama) and the one event vocabulary they translate to. */
export type { ChatEvent, ChatEventOf, FinishReason, Usage } from './events';
export * from './openai';
export * from './ollama';
export { ClientStream, defaultPingIntervalMs, passThroughError, type ClientProtocol } from './client-stream';
export { fetchJson } from './fetch-json';
export { sendStreamHead, sseContentType } from './stream-head';
export { failClient, relayStream, serverOwnAnswer, type RelayCandidate, type RelayPlan, type StreamTranslator } from './relay';
export { RelayAttempts, type CandidateRequest, type RelayDeps, type UpstreamRequest } from './relay-attempts';
export { relayOnce, startWholeRelay, type WholeAnswer, type WholeRelay } from './relay-once';
export { ollamaToOpenAiTranslator, passThroughTranslator } from './translators';
export { parseRetryAfter, serverLabel, UpstreamError, upstreamFailures, type UpstreamFailure, type UpstreamPhase } from './upstream-error';
export { startExchange, type Exchange, type ExchangeRequest, type ExchangeSink, type ExchangeTimeouts, type ExchangeTimings } from './upstream-exchange';
