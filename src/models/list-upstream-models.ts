/**
 * Asks one connection for its models: Ollama's /api/tags or an OpenAI-compatible /models, bounded
 * by AIOHTTP_CLIENT_TIMEOUT_MODEL_LIST.
 */
import type { Connection, ConnectionRegistry } from '../connections';
import { fetchJson, ollamaTagsToModels, openAiModelsToModels } from '../providers';

/** A model as one server knows it. */
export interface UpstreamModel {
  /** The id the server knows it by. */
  id: string;
  name: string;
  created: number;
  /** The server's own entry (Ollama's tag details, OpenAI's model object). */
  details: Record<string, unknown>;
}

export async function listUpstreamModels(
  registry: Pick<ConnectionRegistry, 'dispatcherFor'>,
  connection: Connection,
  timeoutMs: number,
): Promise<UpstreamModel[]> {
  const dispatcher = registry.dispatcherFor(connection);
  if (connection.kind === 'ollama') {
    const body = await fetchJson({ dispatcher, baseUrl: connection.baseUrl, path: '/api/tags', headers: {}, timeoutMs });
    return ollamaTagsToModels(body).map((entry) => ({ id: entry.id, name: entry.name, created: entry.created, details: entry.ollama as Record<string, unknown> }));
  }
  const headers: Record<string, string> = connection.apiKey ? { authorization: `Bearer ${connection.apiKey}` } : {};
  const body = (await fetchJson({ dispatcher, baseUrl: connection.baseUrl, path: '/models', headers, timeoutMs })) as { data?: unknown[] };
  const originals = new Map((body.data ?? []).map((entry) => [(entry as { id?: unknown }).id, entry as Record<string, unknown>]));
  return openAiModelsToModels(body).map((entry) => ({ id: entry.id, name: entry.name, created: entry.created, details: originals.get(entry.id) ?? {} }));
}
