import { describe, expect, it } from 'vitest';
import { addBody, describeVerify, draftFrom, draftProblem, updateBody, verifyNote, verifyTarget } from './connection-form';
import type { ConnectionView } from './types';

const saved: ConnectionView = {
  id: 'c1',
  kind: 'openai',
  name: 'Example',
  base_url: 'https://api.example.com/v1',
  api_key: 'sk-…wxyz',
  has_api_key: true,
  enabled: true,
  prefix_id: '',
  position: 0,
};

describe('connection form', () => {
  it('starts empty for a new connection, and from the saved one (key left blank) for an edit', () => {
    expect(draftFrom()).toEqual({ kind: 'ollama', baseUrl: '', apiKey: '', removeKey: false, name: '', prefixId: '', enabled: true });
    expect(draftFrom(saved)).toMatchObject({ kind: 'openai', baseUrl: 'https://api.example.com/v1', apiKey: '', name: 'Example' });
  });

  it('finds what the server would refuse before asking it', () => {
    const draft = draftFrom();
    expect(draftProblem(draft)).toMatch(/^Base URL: enter/);
    expect(draftProblem({ ...draft, baseUrl: 'localhost:11434' })).toMatch(/^Base URL: must be an http\(s\) URL such as http:\/\/localhost:11434/);
    expect(draftProblem({ ...draft, baseUrl: 'ftp://host' })).toMatch(/^Base URL: must be an http/);
    expect(draftProblem({ ...draft, baseUrl: 'http://me:secret@host' })).toMatch(/user name or password/);
    expect(draftProblem({ ...draft, baseUrl: 'http://gpu:11434', prefixId: 'has space' })).toMatch(/^Model id prefix/);
    expect(draftProblem({ ...draft, baseUrl: ' http://gpu:11434 ' })).toBe('');
  });

  it('adds with what was filled in, trimmed', () => {
    expect(addBody({ ...draftFrom(), baseUrl: ' http://gpu:11434 ' })).toEqual({ kind: 'ollama', base_url: 'http://gpu:11434', enabled: true });
    expect(addBody({ kind: 'openai', baseUrl: 'https://x/v1', apiKey: ' sk-1 ', removeKey: false, name: 'X', prefixId: 'x', enabled: false })).toEqual({
      kind: 'openai',
      base_url: 'https://x/v1',
      api_key: 'sk-1',
      name: 'X',
      prefix_id: 'x',
      enabled: false,
    });
  });

  it('updates only what changed; a blank key keeps the saved one, "remove" sends an empty key', () => {
    expect(updateBody(draftFrom(saved), saved)).toEqual({});
    expect(updateBody({ ...draftFrom(saved), name: 'Renamed', enabled: false }, saved)).toEqual({ name: 'Renamed', enabled: false });
    expect(updateBody({ ...draftFrom(saved), apiKey: 'sk-new' }, saved)).toEqual({ api_key: 'sk-new' });
    expect(updateBody({ ...draftFrom(saved), apiKey: 'ignored', removeKey: true }, saved)).toEqual({ api_key: '' });
    expect(updateBody({ ...draftFrom(saved), baseUrl: 'https://other/v1', kind: 'ollama' }, saved)).toEqual({ kind: 'ollama', base_url: 'https://other/v1' });
  });

  it('verifies the saved connection while its server and key are unchanged, else what is typed', () => {
    expect(verifyTarget(draftFrom(saved), saved)).toEqual({ id: 'c1' });
    expect(verifyTarget({ ...draftFrom(saved), name: 'Only the name changed' }, saved)).toEqual({ id: 'c1' });
    expect(verifyTarget({ ...draftFrom(saved), apiKey: 'sk-typed' }, saved)).toEqual({ kind: 'openai', base_url: 'https://api.example.com/v1', api_key: 'sk-typed' });
    expect(verifyTarget({ ...draftFrom(saved), removeKey: true }, saved)).toEqual({ kind: 'openai', base_url: 'https://api.example.com/v1' });
    expect(verifyTarget({ ...draftFrom(), baseUrl: 'http://gpu:11434' })).toEqual({ kind: 'ollama', base_url: 'http://gpu:11434' });
  });

  it('says when Verify cannot use the saved key', () => {
    expect(verifyNote(draftFrom(saved), saved)).toBe('');
    expect(verifyNote({ ...draftFrom(saved), baseUrl: 'https://moved/v1' }, saved)).toMatch(/type the key again/);
    expect(verifyNote({ ...draftFrom(saved), baseUrl: 'https://moved/v1', apiKey: 'sk-typed' }, saved)).toBe('');
    expect(verifyNote({ ...draftFrom(), baseUrl: 'http://gpu:11434' })).toBe('');
  });

  it('reads a Verify answer as latency and model count, or the exact failure', () => {
    expect(describeVerify({ ok: true, latency_ms: 42, model_count: 3 })).toBe('Reachable: answered in 42 ms with 3 models.');
    expect(describeVerify({ ok: true, latency_ms: 7, model_count: 1 })).toBe('Reachable: answered in 7 ms with 1 model.');
    expect(describeVerify({ ok: false, latency_ms: 3, error: 'connection refused to http://127.0.0.1:9', phase: 'connect' })).toBe(
      'Failed after 3 ms (could not connect): connection refused to http://127.0.0.1:9',
    );
    expect(describeVerify({ ok: false, latency_ms: 20, error: 'HTTP 401 from https://x/v1/models: bad key', phase: 'status' })).toBe(
      'Failed after 20 ms (error status): HTTP 401 from https://x/v1/models: bad key',
    );
  });
});
