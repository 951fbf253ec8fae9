/** The `connections` table: reading it whole, and the single-row changes the registry makes. */
import type { Kysely, Transaction } from 'kysely';
import { newId } from '../core/ids';
import type { ConnectionTable, Schema } from '../storage';
import type { Connection, ConnectionChanges, ConnectionInput } from './types';

export function rowToConnection(row: ConnectionTable): Connection {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    baseUrl: row.base_url,
    apiKey: row.api_key,
    enabled: Number(row.enabled) === 1,
    prefixId: row.prefix_id,
    position: Number(row.position),
  };
}

/** `http://host:11434/` → `http://host:11434`: paths are appended to the base URL as they are. */
export function normaliseBaseUrl(url: string): string {
  return url.trim().replace(/\/+$/, '');
}

/** The name a connection gets when none is given: its host (`localhost:11434`, `api.openai.com`). */
export function defaultName(baseUrl: string): string {
  try {
    return new URL(baseUrl).host || baseUrl;
  } catch {
    return baseUrl;
  }
}

type Queryable = Kysely<Schema> | Transaction<Schema>;

export class ConnectionStore {
  constructor(private readonly db: Kysely<Schema>) {}

  /** Every connection, in position order (creation order among equal positions). */
  async list(): Promise<Connection[]> {
    const rows = await this.db.selectFrom('connections').selectAll().orderBy('position').orderBy('created_at').orderBy('id').execute();
    return rows.map(rowToConnection);
  }

  async insert(input: ConnectionInput, executor: Queryable = this.db): Promise<Connection> {
    const now = Date.now();
    const baseUrl = normaliseBaseUrl(input.baseUrl);
    let position = input.position;
    if (position === undefined) {
      const last = await executor
        .selectFrom('connections')
        .select((eb) => eb.fn.max('position').as('last'))
        .executeTakeFirst();
      position = last?.last === null || last?.last === undefined ? 0 : Number(last.last) + 1;
    }
    const row: ConnectionTable = {
      id: newId(),
      kind: input.kind,
      name: input.name?.trim() || defaultName(baseUrl),
      base_url: baseUrl,
      api_key: input.apiKey ?? '',
      enabled: input.enabled === false ? 0 : 1,
      prefix_id: input.prefixId ?? '',
      position,
      created_at: now,
      updated_at: now,
    };
    await executor.insertInto('connections').values(row).execute();
    return rowToConnection(row);
  }

  /** Applies `changes`; false when there is no such connection. */
  async update(id: string, changes: ConnectionChanges): Promise<boolean> {
    const values: Partial<ConnectionTable> = { updated_at: Date.now() };
    if (changes.kind !== undefined) values.kind = changes.kind;
    if (changes.name !== undefined) values.name = changes.name.trim();
    if (changes.baseUrl !== undefined) values.base_url = normaliseBaseUrl(changes.baseUrl);
    if (changes.apiKey !== undefined) values.api_key = changes.apiKey;
    if (changes.enabled !== undefined) values.enabled = changes.enabled ? 1 : 0;
    if (changes.prefixId !== undefined) values.prefix_id = changes.prefixId;
    if (changes.position !== undefined) values.position = changes.position;
    const result = await this.db.updateTable('connections').set(values).where('id', '=', id).executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** False when there is no such connection. */
  async delete(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('connections').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  /** Runs `work` in one transaction (seeding claims its turn and inserts together). */
  transaction<T>(work: (transaction: Transaction<Schema>) => Promise<T>): Promise<T> {
    return this.db.transaction().execute(work);
  }
}
