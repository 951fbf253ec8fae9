import { describe, expect, it } from 'vitest';
import { loadConfig } from './load';

const cwd = '/srv/astra';

describe('model variables', () => {
  it('reads the cache, access and task settings', () => {
    const env = { MODELS_CACHE_TTL: '30', BYPASS_MODEL_ACCESS_CONTROL: 'true', TASK_MODEL: 'llama3.2:1b', ENABLE_TITLE_GENERATION: 'off' };
    const result = loadConfig(env, { cwd });
    expect(result.config?.models).toEqual({
      cacheTtlSeconds: 30,
      enableModelCache: true,
      bypassAccessControl: true,
      taskModel: 'llama3.2:1b',
      enableTitleGeneration: false,
    });
    expect(result.warnings).toEqual(['BYPASS_MODEL_ACCESS_CONTROL=true: every user may use every model']);
  });
});
