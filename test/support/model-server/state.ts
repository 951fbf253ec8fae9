/** What the routes share: the model lists, the API key, counters and Ollama's "loaded" models. */

export interface StandInState {
  openaiModels: string[];
  ollamaModels: string[];
  /** When set, OpenAI routes require `Authorization: Bearer <apiKey>`. */
  apiKey: string | undefined;
  ollamaVersion: string;
  /** Ollama models used so far, with when they would unload (listed by /api/ps). */
  loadedOllamaModels: Map<string, Date>;
  /** A fresh number for ids (chatcmpl-…, call_…, req_…). */
  nextId(): number;
}

/** How long Ollama keeps a model loaded after use (its default keep_alive). */
export const KEEP_ALIVE_MS = 5 * 60 * 1000;
