import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from './load';

const cwd = '/srv/astra';

function connections(env: Record<string, string>) {
  const result = loadConfig(env, { cwd });
  expect(result.problems).toEqual([]);
  return result.config?.connections;
}

describe('Ollama connections', () => {
  it('splits OLLAMA_BASE_URLS on ; and drops trailing slashes and empty entries', () => {
    expect(connections({ OLLAMA_BASE_URLS: 'http://a:11434/; http://b:11434;' })?.ollamaBaseUrls).toEqual(['http://a:11434', 'http://b:11434']);
  });

  it('names the entry of a list that is not a URL', () => {
    expect(loadConfig({ OLLAMA_BASE_URLS: 'http://a:11434;b:11434' }, { cwd }).problems[0]?.message).toBe(
      'OLLAMA_BASE_URLS=http://a:11434;b:11434 has "b:11434", which is not an http(s) URL; expected ;-separated URLs such as http://host:11434',
    );
  });

  it('can be switched off', () => {
    expect(connections({ ENABLE_OLLAMA_API: 'false' })?.enableOllama).toBe(false);
  });
});

describe('OpenAI connections and keys', () => {
  it('has no OpenAI connection without a URL or a key', () => {
    expect(connections({})).toMatchObject({ openAiBaseUrls: [], openAiApiKeys: [] });
  });

  it('connects to OpenAI itself when only a key is given', () => {
    expect(connections({ OPENAI_API_KEY: 'sk-only-a-key-0000' })).toMatchObject({
      openAiBaseUrls: ['https://api.openai.com/v1'],
      openAiApiKeys: ['sk-only-a-key-0000'],
    });
  });

  it('pairs keys with URLs by position', () => {
    const env = { OPENAI_API_BASE_URLS: 'https://api.openai.com/v1;http://vllm:8000/v1', OPENAI_API_KEYS: 'sk-openai-0000;sk-vllm-0000' };
    expect(connections(env)).toMatchObject({
      openAiBaseUrls: ['https://api.openai.com/v1', 'http://vllm:8000/v1'],
      openAiApiKeys: ['sk-openai-0000', 'sk-vllm-0000'],
    });
  });

  it("fills missing keys with '', as Open WebUI does", () => {
    const env = { OPENAI_API_BASE_URLS: 'http://a/v1;http://b/v1;http://c/v1', OPENAI_API_KEYS: 'sk-a-0000' };
    expect(connections(env)?.openAiApiKeys).toEqual(['sk-a-0000', '', '']);
  });

  it('keeps an empty key in the middle in its place', () => {
    const env = { OPENAI_API_BASE_URLS: 'http://a/v1;http://b/v1;http://c/v1', OPENAI_API_KEYS: 'sk-a-0000;;sk-c-0000' };
    expect(connections(env)?.openAiApiKeys).toEqual(['sk-a-0000', '', 'sk-c-0000']);
  });

  it('reads an empty URL entry as OpenAI itself, keeping keys aligned', () => {
    const env = { OPENAI_API_BASE_URLS: ';http://vllm:8000/v1', OPENAI_API_KEYS: 'sk-openai-0000;sk-vllm-0000' };
    expect(connections(env)?.openAiBaseUrls).toEqual(['https://api.openai.com/v1', 'http://vllm:8000/v1']);
  });

  it('reports more keys than URLs, without showing the keys', () => {
    const env = { OPENAI_API_BASE_URLS: 'http://a/v1;http://b/v1', OPENAI_API_KEYS: 'sk-a-0123456789;sk-b-0123456789;sk-c-0123456789' };
    const result = loadConfig(env, { cwd });
    expect(result.problems.map((problem) => problem.message)).toEqual([
      'OPENAI_API_KEYS=sk-****;sk-****;sk-**** has 3 keys for 2 URLs in OPENAI_API_BASE_URLS; expected at most one key per URL, in the same order',
    ]);
    expect(JSON.stringify(result.problems)).not.toContain('0123456789');
  });

  it('reports several keys with no URL', () => {
    const result = loadConfig({ OPENAI_API_KEYS: 'sk-a-0123456789;sk-b-0123456789' }, { cwd });
    expect(result.problems[0]?.message).toBe(
      'OPENAI_API_KEYS=sk-****;sk-**** has 2 keys for 1 URL (https://api.openai.com/v1, as OPENAI_API_BASE_URLS is unset); ' +
        'expected at most one key per URL, in the same order',
    );
  });
});

describe('AIOHTTP_CLIENT_SESSION_SSL', () => {
  let directory = '';
  let caFile = '';

  beforeAll(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'astra-config-'));
    caFile = path.join(directory, 'ca.pem');
    await writeFile(caFile, '-----BEGIN CERTIFICATE-----\n');
  });

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('verifies TLS by default', () => {
    expect(connections({})?.tls).toEqual({ verify: true, caFile: undefined });
  });

  it('can turn verification off, with a warning', () => {
    const result = loadConfig({ AIOHTTP_CLIENT_SESSION_SSL: 'False' }, { cwd });
    expect(result.config?.connections.tls).toEqual({ verify: false, caFile: undefined });
    expect(result.warnings).toEqual(["AIOHTTP_CLIENT_SESSION_SSL=false: model servers' TLS certificates are not checked"]);
  });

  it('takes the path of a CA file, relative to the working directory too', () => {
    expect(connections({ AIOHTTP_CLIENT_SESSION_SSL: caFile })?.tls).toEqual({ verify: true, caFile });
    expect(loadConfig({ AIOHTTP_CLIENT_SESSION_SSL: 'ca.pem' }, { cwd: directory }).config?.connections.tls).toEqual({ verify: true, caFile });
  });

  it('refuses a path that does not exist or is a directory', () => {
    const missing = path.join(directory, 'missing.pem');
    const expected = 'is neither true/false nor an existing file; expected true, false or the path of a CA certificate file (PEM)';
    expect(loadConfig({ AIOHTTP_CLIENT_SESSION_SSL: missing }, { cwd }).problems[0]?.message).toBe(`AIOHTTP_CLIENT_SESSION_SSL=${missing} ${expected}`);
    expect(loadConfig({ AIOHTTP_CLIENT_SESSION_SSL: directory }, { cwd }).problems[0]?.message).toBe(`AIOHTTP_CLIENT_SESSION_SSL=${directory} ${expected}`);
  });
});

describe('HTTP pool variables', () => {
  it('reads the pool sizes and DNS cache time', () => {
    const env = { AIOHTTP_POOL_CONNECTIONS: '50', AIOHTTP_POOL_CONNECTIONS_PER_HOST: '10', AIOHTTP_POOL_DNS_TTL: '60' };
    expect(connections(env)).toMatchObject({ poolConnections: 50, poolConnectionsPerHost: 10, poolDnsTtlSeconds: 60 });
  });
});
