/**
 * The key that signs sessions. WEBUI_SECRET_KEY when set; otherwise one generated at first start
 * and kept in DATA_DIR, so that sessions survive restarts and every process shares it. There is
 * never a built-in default: a key everyone knows would let anyone forge a session.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Config } from './types';

/** The file in DATA_DIR holding the generated key (the name Open WebUI's start script uses). */
export const secretKeyFileName = '.webui_secret_key';

/** How long to wait for another process that has created the key file but not yet written it. */
const writerGraceMilliseconds = 2000;
const pollMilliseconds = 20;

function isErrorCode(error: unknown, code: string): boolean {
  return error instanceof Error && (error as NodeJS.ErrnoException).code === code;
}

async function readKeyFile(file: string): Promise<string | undefined> {
  try {
    const key = (await readFile(file, 'utf8')).trim();
    return key === '' ? undefined : key;
  } catch (error) {
    if (isErrorCode(error, 'ENOENT')) return undefined;
    throw error;
  }
}

/**
 * Reads a key file another process is creating at this moment: it exists (our exclusive create
 * failed) but may still be empty for a few milliseconds.
 */
async function readKeyWrittenByOther(file: string): Promise<string> {
  const deadline = Date.now() + writerGraceMilliseconds;
  for (;;) {
    const key = await readKeyFile(file);
    if (key !== undefined) return key;
    if (Date.now() >= deadline) {
      throw new Error(`${file} is empty; delete it to have a new key generated, or set WEBUI_SECRET_KEY`);
    }
    await sleep(pollMilliseconds);
  }
}

/**
 * The session signing key: `config.accounts.secretKey`, else the key kept in
 * `<dataDir>/.webui_secret_key`, else a new random one (32 bytes, base64url) written there with
 * mode 0600. The file is created exclusively ('wx'), so processes starting together all end up
 * with the key of whichever wrote first.
 */
export async function resolveSecretKey(config: Config): Promise<string> {
  if (config.accounts.secretKey !== undefined) return config.accounts.secretKey;

  const file = path.join(config.server.dataDir, secretKeyFileName);
  const existing = await readKeyFile(file);
  if (existing !== undefined) return existing;

  await mkdir(config.server.dataDir, { recursive: true });
  const key = randomBytes(32).toString('base64url');
  try {
    await writeFile(file, `${key}\n`, { flag: 'wx', mode: 0o600 });
    return key;
  } catch (error) {
    if (isErrorCode(error, 'EEXIST')) return readKeyWrittenByOther(file);
    throw error;
  }
}
