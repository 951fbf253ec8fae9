import { describe, expect, it } from 'vitest';
import { readJsonTranscript } from './fixtures/transcripts';
import { ollamaTagsToModels } from './models';

describe('ollamaTagsToModels', () => {
  it('turns the recorded /api/tags answer into model entries that keep the tag', () => {
    const tags = readJsonTranscript('ollama-tags.json') as { models: Array<Record<string, unknown>> };
    const models = ollamaTagsToModels(tags);
    expect(models.map((model) => model.id)).toEqual(['deepseek-r1:latest', 'llama3.2:latest']);
    expect(models[1]).toEqual({
      id: 'llama3.2:latest',
      name: 'llama3.2:latest',
      object: 'model',
      created: Math.floor(Date.parse('2025-05-04T17:37:44.706015396-07:00') / 1000),
      owned_by: 'ollama',
      ollama: tags.models[1],
    });
  });

  it('uses the name when there is no model field, and skips entries without a name', () => {
    expect(ollamaTagsToModels({ models: [{ name: 'phi3:mini' }, { model: 'nameless' }, 'junk'] })).toEqual([
      { id: 'phi3:mini', name: 'phi3:mini', object: 'model', created: 0, owned_by: 'ollama', ollama: { name: 'phi3:mini' } },
    ]);
    expect(ollamaTagsToModels({ error: 'x' })).toEqual([]);
  });
});
