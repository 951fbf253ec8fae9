import { describe, expect, it } from 'vitest';
import { EnvironmentReader } from './environment-reader';
import { maskSecret } from './mask-secret';
import { anyText, oneOf, wholeNumber } from './value-parsers';

const count = wholeNumber({ min: 1, max: 100 });

describe('EnvironmentReader.read', () => {
  it('returns the default and records it when the variable is unset', () => {
    const reader = new EnvironmentReader({});
    expect(reader.read('WORKERS', count, 1)).toBe(1);
    expect(reader.settings).toEqual([{ group: 'Server', variable: 'WORKERS', value: '1', source: { kind: 'default' } }]);
  });

  it('treats an empty or blank value as unset', () => {
    const reader = new EnvironmentReader({ WORKERS: '', UVICORN_WORKERS: '  ' });
    expect(reader.read('WORKERS', count, 1, { aliases: ['UVICORN_WORKERS'] })).toBe(1);
    expect(reader.problems).toEqual([]);
  });

  it("keeps '' when it is meaningful", () => {
    const reader = new EnvironmentReader({ AUDIO_STT_ENGINE: '' });
    expect(reader.read('AUDIO_STT_ENGINE', oneOf(['', 'openai'] as const), 'openai', { keepEmpty: true })).toBe('');
    expect(reader.settings[0]?.source).toEqual({ kind: 'set' });
  });

  it('trims values', () => {
    const reader = new EnvironmentReader({ WORKERS: ' 4\n' });
    expect(reader.read('WORKERS', count, 1)).toBe(4);
  });

  it('reads an alias and says so', () => {
    const reader = new EnvironmentReader({ UVICORN_WORKERS: '4' });
    expect(reader.read('WORKERS', count, 1, { aliases: ['UVICORN_WORKERS'] })).toBe(4);
    expect(reader.settings[0]?.source).toEqual({ kind: 'alias', name: 'UVICORN_WORKERS' });
    expect(reader.isUsed('WORKERS') && reader.isUsed('UVICORN_WORKERS')).toBe(true);
  });

  it('accepts both names when they mean the same value', () => {
    const reader = new EnvironmentReader({ WORKERS: '4', UVICORN_WORKERS: '04' });
    expect(reader.read('WORKERS', count, 1, { aliases: ['UVICORN_WORKERS'] })).toBe(4);
    expect(reader.problems).toEqual([]);
  });

  it('reports both names when they disagree', () => {
    const reader = new EnvironmentReader({ WORKERS: '2', UVICORN_WORKERS: '4' });
    reader.read('WORKERS', count, 1, { aliases: ['UVICORN_WORKERS'] });
    expect(reader.problems).toEqual([
      {
        variable: 'WORKERS',
        value: '2',
        message: 'WORKERS=2 and UVICORN_WORKERS=4 disagree; expected only one of them, or both the same (they name one setting)',
      },
    ]);
  });

  it('reports a bad value with the variable, the value and what is accepted', () => {
    const reader = new EnvironmentReader({ WORKERS: 'many' });
    expect(reader.read('WORKERS', count, 1)).toBe(1);
    expect(reader.problems).toEqual([{ variable: 'WORKERS', value: 'many', message: 'WORKERS=many is not a whole number; expected 1–100' }]);
    expect(reader.settings).toEqual([]);
  });

  it('masks secrets in problems and settings', () => {
    const reader = new EnvironmentReader({ OPENAI_API_KEY: 'sk-0123456789abcdef', OPENAI_API_KEYS: 'sk-fedcba9876543210' });
    reader.read('OPENAI_API_KEYS', anyText, '', { aliases: ['OPENAI_API_KEY'], mask: maskSecret });
    expect(reader.problems[0]?.message).toBe(
      'OPENAI_API_KEYS=sk-**** and OPENAI_API_KEY=sk-**** disagree; expected only one of them, or both the same (they name one setting)',
    );
    expect(JSON.stringify(reader.problems)).not.toContain('0123456789');
  });
});

describe('EnvironmentReader.treatAsUnset', () => {
  it('makes a placeholder value count as unset', () => {
    const reader = new EnvironmentReader({ OLLAMA_BASE_URL: '/ollama' });
    reader.treatAsUnset('OLLAMA_BASE_URL');
    expect(reader.text('OLLAMA_BASE_URL')).toBeUndefined();
    expect(reader.read('OLLAMA_BASE_URL', anyText, 'http://localhost:11434')).toBe('http://localhost:11434');
  });
});

describe('EnvironmentReader.acceptWithoutEffect', () => {
  it('marks the variable as read and lists it only when set', () => {
    const reader = new EnvironmentReader({ DO_NOT_TRACK: 'true' });
    reader.acceptWithoutEffect('DO_NOT_TRACK', 'no effect');
    reader.acceptWithoutEffect('SCARF_NO_ANALYTICS', 'no effect');
    expect(reader.isUsed('SCARF_NO_ANALYTICS')).toBe(true);
    expect(reader.settings).toEqual([{ group: 'Server', variable: 'DO_NOT_TRACK', value: 'true', source: { kind: 'set' }, note: 'no effect' }]);
  });
});
