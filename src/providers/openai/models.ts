/** An OpenAI-compatible `/v1/models` answer as Astra's model entries. */

export interface OpenAiModelEntry {
  id: string;
  name: string;
  object: 'model';
  /** Seconds since the epoch; 0 when the server does not say. */
  created: number;
  owned_by: 'openai';
}

type JsonObject = Record<string, unknown>;
const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Reads `{object:"list", data:[{id, created, …}]}`; a bare array (some servers) is accepted too.
 * Entries without an id are skipped; `name` is the server's display name when it gives one.
 */
export function openAiModelsToModels(response: unknown): OpenAiModelEntry[] {
  const list = Array.isArray(response) ? response : isObject(response) && Array.isArray(response.data) ? response.data : [];
  const models: OpenAiModelEntry[] = [];
  for (const item of list) {
    if (!isObject(item) || typeof item.id !== 'string' || item.id === '') continue;
    models.push({
      id: item.id,
      name: typeof item.name === 'string' && item.name !== '' ? item.name : item.id,
      object: 'model',
      created: typeof item.created === 'number' && Number.isFinite(item.created) ? Math.floor(item.created) : 0,
      owned_by: 'openai',
    });
  }
  return models;
}
