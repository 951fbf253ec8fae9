import { describe, expect, it } from 'vitest';
import { loadConfig } from './load';

const cwd = '/srv/astra';

describe('timeout variables', () => {
  it('lets the idle timeout follow AIOHTTP_CLIENT_TIMEOUT unless set', () => {
    expect(loadConfig({ AIOHTTP_CLIENT_TIMEOUT: '45' }, { cwd }).config?.timeouts).toEqual({
      firstTokenSeconds: 45,
      streamIdleSeconds: 45,
      totalSeconds: undefined,
      modelListSeconds: 5,
    });
    expect(loadConfig({ AIOHTTP_CLIENT_TIMEOUT: '45', AIOHTTP_CLIENT_STREAM_IDLE_TIMEOUT: '20' }, { cwd }).config?.timeouts.streamIdleSeconds).toBe(20);
  });

  it('accepts decimals', () => {
    expect(loadConfig({ AIOHTTP_CLIENT_TIMEOUT_MODEL_LIST: '2.5' }, { cwd }).config?.timeouts.modelListSeconds).toBe(2.5);
  });

  it('refuses zero, negative and non-numeric timeouts', () => {
    const problems = loadConfig(
      { AIOHTTP_CLIENT_TIMEOUT: 'soon', AIOHTTP_CLIENT_STREAM_IDLE_TIMEOUT: '-3', AIOHTTP_CLIENT_TIMEOUT_TOTAL: '0' },
      { cwd },
    ).problems.map((problem) => problem.message);
    expect(problems).toEqual([
      'AIOHTTP_CLIENT_TIMEOUT=soon is not a number; expected a number of seconds greater than 0',
      'AIOHTTP_CLIENT_STREAM_IDLE_TIMEOUT=-3 is out of range; expected a number of seconds greater than 0',
      'AIOHTTP_CLIENT_TIMEOUT_TOTAL=0 is out of range; expected a number of seconds greater than 0',
    ]);
  });

  it('warns when the total cap is shorter than the first-token wait', () => {
    const result = loadConfig({ AIOHTTP_CLIENT_TIMEOUT_TOTAL: '60' }, { cwd });
    expect(result.config?.timeouts.totalSeconds).toBe(60);
    expect(result.warnings).toEqual([
      'AIOHTTP_CLIENT_TIMEOUT_TOTAL=60 is shorter than AIOHTTP_CLIENT_TIMEOUT=300; a slow first token fails at the total limit',
    ]);
  });

  it('accepts UVICORN_TIMEOUT, reporting it as ignored', () => {
    const result = loadConfig({ UVICORN_TIMEOUT: '600' }, { cwd });
    expect(result.problems).toEqual([]);
    expect(result.ignored).toEqual(['UVICORN_TIMEOUT']);
    expect(result.warnings[0]).toMatch(/^UVICORN_TIMEOUT is ignored: /);
  });
});
