import { describe, expect, it } from 'vitest';
import { loadConfig } from './load';
import { formatConfigSummary } from './summary';

const cwd = '/srv/astra';

function summarize(env: Record<string, string>): string {
  return formatConfigSummary(loadConfig(env, { cwd }), env);
}

describe('formatConfigSummary', () => {
  it('lists each variable under its heading with its source', () => {
    const text = summarize({ PORT: '9090', UVICORN_WORKERS: '3', AIOHTTP_CLIENT_TIMEOUT: '60' });
    expect(text).toMatch(/^Astra configuration\nServer\n/);
    expect(text).toMatch(/\n {2}PORT=9090 +# set\n/);
    expect(text).toMatch(/\n {2}HOST=0\.0\.0\.0 +# default\n/);
    expect(text).toMatch(/\n {2}WORKERS=3 +# alias UVICORN_WORKERS\n/);
    expect(text).toMatch(/\n {2}AIOHTTP_CLIENT_STREAM_IDLE_TIMEOUT=60 +# default; = AIOHTTP_CLIENT_TIMEOUT\n/);
    expect(text).toContain('\nNo problems.\n');
    for (const heading of ['Accounts', 'Storage', 'Connections', 'Timeouts', 'Models', 'RAG', 'Web search', 'Audio']) {
      expect(text).toContain(`\n${heading}\n`);
    }
  });

  it('ends with the problems, then the ignored variables and the warnings', () => {
    const text = summarize({ PORT: 'abc', CHUNK_SIZE: '800', CHUNK_OVERLAP: '900', ENABLE_LDAP: 'true', JWT_EXPIRES_IN: '-1' });
    const tail = text.slice(text.indexOf('\nProblems'));
    expect(tail).toBe(
      [
        '',
        'Problems (2)',
        '  PORT=abc is not a whole number; expected 1–65535',
        '  CHUNK_OVERLAP=900 must be smaller than CHUNK_SIZE=800',
        'Ignored Open WebUI variables (1)',
        '  ENABLE_LDAP',
        'Warnings (1)',
        '  JWT_EXPIRES_IN=-1: sessions never expire; a leaked token works until its user signs out',
        '',
      ].join('\n'),
    );
  });

  it('never shows a secret, masked or scrubbed, wherever it would appear', () => {
    const secrets = {
      WEBUI_SECRET_KEY: 'whsk-8f3kd93jfl20dk3',
      OPENAI_API_KEYS: 'sk-proj-first-a8d7f6g5h4j3;sk-proj-second-z9x8c7v6b5n4;sk-proj-third-q1w2e3r4t5y6',
      OPENAI_API_BASE_URLS: 'https://api.openai.com/v1;http://user:basic-auth-pass@vllm:8000/v1',
      DATABASE_URL: 'postgres://astra:db-pass-7h3k2l@db:5432/astra',
      REDIS_URL: 'redis://:redis-pass-9d8s7a@cache:6379/0',
      METRICS_TOKEN: 'metrics-token-5g4f3d2s',
      AUDIO_TTS_OPENAI_API_KEY: 'sk-tts-key-m1n2b3v4c5',
      OAUTH_CLIENT_SECRET: 'oauth-secret-p0o9i8u7',
    };
    const text = summarize(secrets);
    // Three keys for two URLs: a problem that quotes the keys.
    expect(text).toContain('OPENAI_API_KEYS=sk-****;sk-****;sk-**** has 3 keys for 2 URLs');
    for (const raw of [
      'whsk-8f3kd93jfl20dk3',
      'sk-proj-first-a8d7f6g5h4j3',
      'sk-proj-second-z9x8c7v6b5n4',
      'sk-proj-third-q1w2e3r4t5y6',
      'basic-auth-pass',
      'db-pass-7h3k2l',
      'redis-pass-9d8s7a',
      'metrics-token-5g4f3d2s',
      'sk-tts-key-m1n2b3v4c5',
      'oauth-secret-p0o9i8u7',
    ]) {
      expect(text).not.toContain(raw);
    }
    expect(text).toContain('WEBUI_SECRET_KEY=whs****');
    expect(text).toContain('DATABASE_URL=postgres://astra:****@db:5432/astra');
    expect(text).toContain('REDIS_URL=redis://:****@cache:6379/0');
    expect(text).toContain('METRICS_TOKEN=met****');
  });

  it('masks the keys of a configuration without problems too', () => {
    const env = { OPENAI_API_KEY: 'sk-live-0a9s8d7f6g5h', AUDIO_STT_OPENAI_API_KEY: 'sk-stt-1q2w3e4r5t6y' };
    const text = summarize(env);
    expect(text).toContain('OPENAI_API_KEYS=sk-****');
    expect(text).toContain('AUDIO_STT_OPENAI_API_KEY=sk-****');
    expect(text).not.toContain('0a9s8d7f6g5h');
    expect(text).not.toContain('1q2w3e4r5t6y');
  });
});
