/** An Ollama `/api/tags` answer as Astra's model entries. */
import type { OllamaTag } from './wire-types';

export interface OllamaModelEntry {
  id: string;
  name: string;
  object: 'model';
  /** Seconds since the epoch, from `modified_at`; 0 when absent. */
  created: number;
  owned_by: 'ollama';
  /** The tag entry as the server sent it (size, digest, details, …). */
  ollama: OllamaTag;
}

type JsonObject = Record<string, unknown>;
const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Entries without a name are skipped; the id is the tag's `model` (`llama3.2:latest`), else its name. */
export function ollamaTagsToModels(response: unknown): OllamaModelEntry[] {
  const list = isObject(response) && Array.isArray(response.models) ? response.models : [];
  const models: OllamaModelEntry[] = [];
  for (const item of list) {
    if (!isObject(item) || typeof item.name !== 'string' || item.name === '') continue;
    const tag = item as OllamaTag;
    const modifiedAt = typeof tag.modified_at === 'string' ? Date.parse(tag.modified_at) : Number.NaN;
    models.push({
      id: typeof tag.model === 'string' && tag.model !== '' ? tag.model : tag.name,
      name: tag.name,
      object: 'model',
      created: Number.isNaN(modifiedAt) ? 0 : Math.floor(modifiedAt / 1000),
      owned_by: 'ollama',
      ollama: tag,
    });
  }
  return models;
}
