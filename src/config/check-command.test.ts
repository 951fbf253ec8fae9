import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConfigCheck } from './check-command';

let directory = '';

beforeAll(async () => {
  directory = await mkdtemp(path.join(tmpdir(), 'astra-check-'));
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function run(argv: string[], env: Record<string, string> = {}): Promise<{ code: number; text: string }> {
  let text = '';
  const code = await runConfigCheck(argv, env, { write: (chunk) => (text += chunk) });
  return { code, text };
}

async function envFile(name: string, content: string): Promise<string> {
  const file = path.join(directory, name);
  await writeFile(file, content);
  return file;
}

describe('runConfigCheck', () => {
  it('exits 0 and prints the summary for a good env file', async () => {
    const file = await envFile(
      'good.env',
      ['# an Open WebUI .env', 'PORT=9090', 'OPENAI_API_KEY="sk-from-file-0123456789"', 'ENABLE_COMMUNITY_SHARING=false', ''].join('\n'),
    );
    const { code, text } = await run(['--env-file', file]);
    expect(code).toBe(0);
    expect(text).toMatch(/\n {2}PORT=9090 +# set\n/);
    expect(text).toContain('OPENAI_API_KEYS=sk-****');
    expect(text).not.toContain('sk-from-file-0123456789');
    expect(text).toContain('Ignored Open WebUI variables (1)\n  ENABLE_COMMUNITY_SHARING\n');
    expect(text.endsWith('Astra would start with this configuration.\n')).toBe(true);
  });

  it('exits 1 and prints every problem for a bad env file', async () => {
    const file = await envFile('bad.env', 'PORT=abc\nDEFAULT_USER_ROLE=boss\n');
    const { code, text } = await run([`--env-file=${file}`]);
    expect(code).toBe(1);
    expect(text).toContain('  PORT=abc is not a whole number; expected 1–65535\n');
    expect(text).toContain('  DEFAULT_USER_ROLE=boss is not accepted; expected one of pending, user, admin\n');
    expect(text.endsWith('Astra would not start: 2 problems.\n')).toBe(true);
  });

  it('lets the env file override the environment', async () => {
    const file = await envFile('override.env', 'PORT=9091\n');
    expect((await run(['--env-file', file], { PORT: 'abc' })).code).toBe(0);
    expect((await run([], { PORT: 'abc' })).code).toBe(1);
  });

  it('exits 2 with a clear message when the env file is missing', async () => {
    const missing = path.join(directory, 'missing.env');
    expect(await run(['--env-file', missing])).toEqual({ code: 2, text: `Cannot read env file ${missing}: no such file\n` });
  });

  it('exits 2 for a directory in place of the env file', async () => {
    expect(await run(['--env-file', directory])).toEqual({ code: 2, text: `Cannot read env file ${directory}: it is a directory\n` });
  });

  it('exits 2 on arguments it does not know, and 0 for --help', async () => {
    expect((await run(['--verbose'])).code).toBe(2);
    expect((await run(['--env-file'])).text).toContain('--env-file needs a file name');
    expect(await run(['--help'])).toEqual({ code: 0, text: 'Usage: astra config check [--env-file FILE]\n' });
  });
});
