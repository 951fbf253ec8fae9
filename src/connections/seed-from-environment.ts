/**
 * The environment's servers (OLLAMA_BASE_URLS, OPENAI_API_BASE_URLS with OPENAI_API_KEYS) become
 * the first connections, once per installation. From then on the database is the truth: a changed
 * environment is noted at start-up, not applied.
 */
import type { ConnectionEnvConfig } from '../config';
import type { Logger } from '../core/logger';
import type { ConnectionStore } from './connection-store';
import type { Connection, ConnectionInput } from './types';

/** The `app_state` row that records that the environment has been copied into `connections`. */
export const seededClaimKey = 'connections_seeded';

/** The connections the environment describes, Ollama first, in the order given. */
export function connectionsFromEnvironment(config: ConnectionEnvConfig): ConnectionInput[] {
  const inputs: ConnectionInput[] = [];
  if (config.enableOllama) {
    for (const baseUrl of config.ollamaBaseUrls) inputs.push({ kind: 'ollama', baseUrl });
  }
  if (config.enableOpenAi) {
    config.openAiBaseUrls.forEach((baseUrl, index) => {
      inputs.push({ kind: 'openai', baseUrl, apiKey: config.openAiApiKeys[index] ?? '' });
    });
  }
  return inputs.map((input, position) => ({ ...input, position }));
}

/**
 * Copies the environment's connections into the table unless that was done before. The claim and
 * the inserts share one transaction, and the claim is a primary-key insert only one transaction
 * can make: processes starting together seed exactly once. Returns how many were added (0 when
 * another start got there first).
 */
export async function seedConnectionsOnce(store: ConnectionStore, config: ConnectionEnvConfig): Promise<number> {
  const inputs = connectionsFromEnvironment(config);
  return store.transaction(async (transaction) => {
    const now = Date.now();
    const claimed = await transaction
      .insertInto('app_state')
      .values({ key: seededClaimKey, value: String(inputs.length), updated_at: now })
      .onConflict((conflict) => conflict.column('key').doNothing())
      .returning('key')
      .executeTakeFirst();
    if (claimed === undefined) return 0;
    for (const input of inputs) await store.insert(input, transaction);
    return inputs.length;
  });
}

/** Logs one line when the environment lists other servers than the stored connections. */
export function noteEnvironmentDrift(config: ConnectionEnvConfig, stored: readonly Connection[], logger: Logger): void {
  const key = (connection: { kind: string; baseUrl: string }): string => `${connection.kind} ${connection.baseUrl}`;
  const fromEnvironment = new Set(connectionsFromEnvironment(config).map(key));
  const inDatabase = new Set(stored.map(key));
  const same = fromEnvironment.size === inDatabase.size && [...fromEnvironment].every((entry) => inDatabase.has(entry));
  if (same) return;
  logger.info(
    `The model servers in OLLAMA_BASE_URLS / OPENAI_API_BASE_URLS differ from the ${stored.length} stored connection(s); ` +
      'the stored ones apply (the environment seeds only the first start) — change them under /api/v1/connections',
  );
}
