/**
 * The shapes of the OpenAI chat-completions, embeddings and models APIs that Astra reads and
 * writes. Only the fields Astra touches are spelled out; servers add more and that is fine.
 */

export interface OpenAiTextPart {
  type: 'text';
  text: string;
}

export interface OpenAiImagePart {
  type: 'image_url';
  /** Some clients send the URL as a bare string instead of `{url}`. */
  image_url: { url: string; detail?: string } | string;
}

export interface OpenAiAudioPart {
  type: 'input_audio';
  input_audio: { data: string; format: string };
}

export interface OpenAiFilePart {
  type: 'file';
  file: { file_data?: string; file_id?: string; filename?: string };
}

export type OpenAiContentPart = OpenAiTextPart | OpenAiImagePart | OpenAiAudioPart | OpenAiFilePart;

export interface OpenAiToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface OpenAiMessage {
  role: 'system' | 'developer' | 'user' | 'assistant' | 'tool' | 'function';
  content?: string | OpenAiContentPart[] | null;
  name?: string;
  tool_calls?: OpenAiToolCall[] | null;
  /** For `tool` messages: the call this message answers. */
  tool_call_id?: string;
  /** An assistant's earlier reasoning, as DeepSeek-style servers return it. */
  reasoning_content?: string | null;
  reasoning?: string | null;
}

export interface OpenAiTool {
  type: 'function';
  function: { name: string; description?: string; parameters?: Record<string, unknown>; strict?: boolean | null };
}

export type OpenAiResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | { type: 'json_schema'; json_schema: { name?: string; description?: string; schema?: Record<string, unknown>; strict?: boolean | null } };

export type OpenAiReasoningEffort = 'none' | 'minimal' | 'low' | 'medium' | 'high';

export interface OpenAiChatRequest {
  model: string;
  messages: OpenAiMessage[];
  stream?: boolean | null;
  stream_options?: { include_usage?: boolean | null } | null;
  temperature?: number | null;
  top_p?: number | null;
  max_tokens?: number | null;
  max_completion_tokens?: number | null;
  stop?: string | string[] | null;
  seed?: number | null;
  frequency_penalty?: number | null;
  presence_penalty?: number | null;
  response_format?: OpenAiResponseFormat | null;
  tools?: OpenAiTool[] | null;
  tool_choice?: 'none' | 'auto' | 'required' | { type: 'function'; function: { name: string } } | null;
  reasoning_effort?: OpenAiReasoningEffort | null;
  /** Ollama extras a client may add: thinking switch, model options, keep-alive, raw format. */
  think?: boolean | 'low' | 'medium' | 'high' | null;
  options?: Record<string, unknown> | null;
  keep_alive?: string | number | null;
  format?: 'json' | Record<string, unknown> | null;
}

export interface OpenAiUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export type OpenAiFinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

export interface OpenAiChunkToolCall {
  index: number;
  id?: string;
  type?: 'function';
  function: { name?: string; arguments: string };
}

export interface OpenAiChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: Array<{
    index: number;
    delta: { role?: 'assistant'; content?: string | null; reasoning_content?: string | null; tool_calls?: OpenAiChunkToolCall[] };
    finish_reason: OpenAiFinishReason | null;
  }>;
  usage?: OpenAiUsage | null;
}

export interface OpenAiCompletionMessage {
  role: 'assistant';
  content: string | null;
  reasoning_content?: string;
  tool_calls?: OpenAiToolCall[];
}

export interface OpenAiChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: Array<{ index: 0; message: OpenAiCompletionMessage; finish_reason: OpenAiFinishReason; logprobs: null }>;
  usage?: OpenAiUsage;
}

/** What an OpenAI-compatible server answers (or streams) when it fails. */
export interface OpenAiErrorBody {
  error: { message: string; type: string; code: string | null };
}

export interface OpenAiEmbeddingsRequest {
  model: string;
  /** Token arrays are valid for OpenAI but not accepted by Ollama. */
  input: string | string[] | number[] | number[][];
  encoding_format?: 'float' | 'base64' | null;
  dimensions?: number | null;
  user?: string;
  /** Ollama extras a client may add. */
  truncate?: boolean | null;
  keep_alive?: string | number | null;
  options?: Record<string, unknown> | null;
}

export interface OpenAiEmbedding {
  object: 'embedding';
  index: number;
  /** Numbers, or little-endian float32 bytes in base64 when `encoding_format: "base64"`. */
  embedding: number[] | string;
}

export interface OpenAiEmbeddingsResponse {
  object: 'list';
  data: OpenAiEmbedding[];
  model: string;
  usage: { prompt_tokens: number; total_tokens: number };
}
