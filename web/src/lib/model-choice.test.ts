import { describe, expect, it } from 'vitest';
import { initialModel } from './model-choice';

const models = [{ id: 'llama3.2:latest' }, { id: 'qwen3:8b' }, { id: 'gpt-4o-mini' }];
const none = { selected: '', lastUsed: null, defaultModel: null };

describe('initialModel', () => {
  it('keeps the model on screen while it is offered', () => {
    expect(initialModel(models, { selected: 'qwen3:8b', lastUsed: 'gpt-4o-mini', defaultModel: 'llama3.2:latest' })).toBe('qwen3:8b');
  });

  it('starts from the last model used, then the default model, then the first listed', () => {
    expect(initialModel(models, { ...none, lastUsed: 'gpt-4o-mini', defaultModel: 'qwen3:8b' })).toBe('gpt-4o-mini');
    expect(initialModel(models, { ...none, defaultModel: 'qwen3:8b' })).toBe('qwen3:8b');
    expect(initialModel(models, none)).toBe('llama3.2:latest');
  });

  it('passes over remembered models that are no longer offered', () => {
    expect(initialModel(models, { selected: 'gone', lastUsed: 'also-gone', defaultModel: 'qwen3:8b' })).toBe('qwen3:8b');
    expect(initialModel(models, { selected: 'gone', lastUsed: null, defaultModel: 'removed' })).toBe('llama3.2:latest');
  });

  it('is empty when no model is offered', () => {
    expect(initialModel([], { selected: 'qwen3:8b', lastUsed: 'qwen3:8b', defaultModel: 'qwen3:8b' })).toBe('');
  });
});
