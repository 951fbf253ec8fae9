import { describe, expect, it } from 'vitest';
import { readJsonTranscript } from './fixtures/transcripts';
import { openAiModelsToModels } from './models';

describe('openAiModelsToModels', () => {
  it('reads a /v1/models list', () => {
    const response = {
      object: 'list',
      data: [
        { id: 'gpt-4o-mini', object: 'model', created: 1686935002, owned_by: 'system' },
        { id: 'qwen', object: 'model', owned_by: 'vllm', name: 'Qwen 2.5' },
        { object: 'model' },
      ],
    };
    expect(openAiModelsToModels(response)).toEqual([
      { id: 'gpt-4o-mini', name: 'gpt-4o-mini', object: 'model', created: 1686935002, owned_by: 'openai' },
      { id: 'qwen', name: 'Qwen 2.5', object: 'model', created: 0, owned_by: 'openai' },
    ]);
  });

  it('reads the recorded model list', () => {
    const models = openAiModelsToModels(readJsonTranscript('openai-models.json'));
    expect(models.map((model) => model.id)).toEqual(['gpt-4o-mini', 'gpt-4o', 'text-embedding-3-small']);
    expect(models[0]).toEqual({ id: 'gpt-4o-mini', name: 'gpt-4o-mini', object: 'model', created: 1721172741, owned_by: 'openai' });
  });

  it('accepts a bare array and gives nothing for anything else', () => {
    expect(openAiModelsToModels([{ id: 'a' }])).toEqual([{ id: 'a', name: 'a', object: 'model', created: 0, owned_by: 'openai' }]);
    expect(openAiModelsToModels({ error: 'no' })).toEqual([]);
    expect(openAiModelsToModels(null)).toEqual([]);
  });
});
