/**
 * The shapes of Ollama's native API (`/api/chat`, `/api/embed`, `/api/tags`) that Astra reads and
 * writes. Only the fields Astra touches are spelled out.
 */

export type OllamaThink = boolean | 'low' | 'medium' | 'high';

export interface OllamaToolCall {
  /** Newer servers number and name their calls; older ones send only `function`. */
  id?: string;
  function: { index?: number; name: string; arguments: Record<string, unknown> };
}

export interface OllamaMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
  thinking?: string;
  /** Base64 image data, without a `data:` prefix. */
  images?: string[];
  tool_calls?: OllamaToolCall[];
  /** For `tool` messages: the tool that produced this result. */
  tool_name?: string;
}

export interface OllamaTool {
  type: 'function';
  function: { name: string; description?: string; parameters?: Record<string, unknown> };
}

/** Model options (Modelfile parameters): temperature, top_p, num_predict, stop, seed, num_ctx, … */
export type OllamaOptions = Record<string, unknown> & {
  temperature?: number;
  top_p?: number;
  num_predict?: number;
  stop?: string[];
  seed?: number;
  frequency_penalty?: number;
  presence_penalty?: number;
};

export interface OllamaChatRequest {
  model: string;
  messages: OllamaMessage[];
  stream: boolean;
  tools?: OllamaTool[];
  /** `"json"` or a JSON schema. */
  format?: 'json' | Record<string, unknown>;
  options?: OllamaOptions;
  think?: OllamaThink;
  keep_alive?: string | number;
}

/** One object of a streamed `/api/chat` answer, or the whole non-streamed answer. */
export interface OllamaChatResponse {
  model: string;
  created_at: string;
  message?: { role: 'assistant'; content: string; thinking?: string; images?: null; tool_calls?: OllamaToolCall[] };
  done: boolean;
  /** On the last object: stop, length, load, unload. */
  done_reason?: string;
  total_duration?: number;
  load_duration?: number;
  prompt_eval_count?: number;
  prompt_eval_duration?: number;
  eval_count?: number;
  eval_duration?: number;
  /** A failure in the middle of a stream. */
  error?: string;
}

export interface OllamaEmbedRequest {
  model: string;
  input: string | string[];
  truncate?: boolean;
  dimensions?: number;
  keep_alive?: string | number;
  options?: Record<string, unknown>;
}

export interface OllamaEmbedResponse {
  model: string;
  embeddings: number[][];
  total_duration?: number;
  load_duration?: number;
  prompt_eval_count?: number;
}

/** One entry of `/api/tags`. */
export interface OllamaTag {
  name: string;
  model?: string;
  modified_at?: string;
  size?: number;
  digest?: string;
  details?: {
    parent_model?: string;
    format?: string;
    family?: string;
    families?: string[] | null;
    parameter_size?: string;
    quantization_level?: string;
  };
  [field: string]: unknown;
}

export interface OllamaTagsResponse {
  models: OllamaTag[];
}
