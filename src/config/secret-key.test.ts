import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from './load';
import { resolveSecretKey, secretKeyFileName } from './secret-key';
import type { Config } from './types';

const directories: string[] = [];

async function temporaryDirectory(): Promise<string> {
  const directory = await mkdtemp(path.join(tmpdir(), 'astra-secret-'));
  directories.push(directory);
  return directory;
}

function configFor(env: Record<string, string>): Config {
  const { config, problems } = loadConfig(env);
  expect(problems).toEqual([]);
  if (config === undefined) throw new Error('configuration expected');
  return config;
}

afterEach(async () => {
  await Promise.all(directories.splice(0).map((directory) => rm(directory, { recursive: true, force: true })));
});

describe('resolveSecretKey', () => {
  it('returns WEBUI_SECRET_KEY when set, writing nothing', async () => {
    const dataDir = await temporaryDirectory();
    const key = await resolveSecretKey(configFor({ DATA_DIR: dataDir, WEBUI_SECRET_KEY: 'configured-secret-key' }));
    expect(key).toBe('configured-secret-key');
    await expect(stat(path.join(dataDir, secretKeyFileName))).rejects.toThrow();
  });

  it('generates a random key into DATA_DIR, readable by its owner only', async () => {
    const dataDir = path.join(await temporaryDirectory(), 'not-yet-created');
    const key = await resolveSecretKey(configFor({ DATA_DIR: dataDir }));
    expect(key).toMatch(/^[A-Za-z0-9_-]{43,}$/);
    const file = path.join(dataDir, secretKeyFileName);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await readFile(file, 'utf8')).trim()).toBe(key);
  });

  it('returns the same key on the next call', async () => {
    const config = configFor({ DATA_DIR: await temporaryDirectory() });
    const first = await resolveSecretKey(config);
    expect(await resolveSecretKey(config)).toBe(first);
  });

  it('gives every caller starting at once the same key', async () => {
    const config = configFor({ DATA_DIR: path.join(await temporaryDirectory(), 'fresh') });
    const keys = await Promise.all(Array.from({ length: 8 }, () => resolveSecretKey(config)));
    expect(new Set(keys).size).toBe(1);
    const stored = await readFile(path.join(config.server.dataDir, secretKeyFileName), 'utf8');
    expect(stored.trim()).toBe(keys[0]);
  });

  it('reads a key file written by Open WebUI, newline and all', async () => {
    const dataDir = await temporaryDirectory();
    await writeFile(path.join(dataDir, secretKeyFileName), 'b3BlbndlYnVpa2V5\n');
    expect(await resolveSecretKey(configFor({ DATA_DIR: dataDir }))).toBe('b3BlbndlYnVpa2V5');
  });

  it('generates different keys for different data directories', async () => {
    const first = await resolveSecretKey(configFor({ DATA_DIR: await temporaryDirectory() }));
    const second = await resolveSecretKey(configFor({ DATA_DIR: await temporaryDirectory() }));
    expect(first).not.toBe(second);
  });
});
