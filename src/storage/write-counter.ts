/**
 * Counts the database's writes as they succeed, for `/metrics`: two plain numbers incremented in
 * memory from Kysely's query log, read when someone scrapes. Nothing is formatted or stored per
 * query: the callback is a property check or two. Having a log makes Kysely time each query (two
 * `performance.now()` calls and a few promise steps, about a microsecond next to the tens that
 * building and running a statement take).
 *
 * - `statements`: every successful statement that is not a read nor transaction control — INSERT
 *   (with or without ON CONFLICT, whether or not it ended up changing a row), UPDATE, DELETE, MERGE,
 *   and schema changes (the migrations at start-up). Statements inside a transaction count one each.
 * - `transactions`: explicit transactions committed (one per COMMIT). A statement outside a
 *   transaction is its own implicit transaction and counts in `statements` only.
 */
import type { LogEvent } from 'kysely';

/** Writes since the database was opened. */
export interface WriteCounts {
  readonly statements: number;
  readonly transactions: number;
}

/** The counts and the Kysely `log` callback that keeps them. */
export interface WriteCounter {
  readonly counts: WriteCounts;
  /** Pass as Kysely's `log` option. */
  readonly log: (event: LogEvent) => void;
}

/** What a raw SQL text does, from its first word. */
function rawKind(text: string): 'read' | 'commit' | 'control' | 'write' {
  const match = /^\s*(\w+)/.exec(text);
  switch (match?.[1]?.toLowerCase()) {
    case 'select':
    case 'with': // this codebase only reads with raw CTEs; a Kysely-built INSERT … WITH is an InsertQueryNode
    case 'pragma':
    case 'explain':
    case 'show':
    case 'values':
      return 'read';
    case 'commit':
    case 'end':
      return 'commit';
    case 'begin':
    case 'start':
    case 'rollback':
    case 'savepoint':
    case 'release':
    case 'set':
      return 'control';
    default:
      return 'write';
  }
}

export function createWriteCounter(): WriteCounter {
  const counts = { statements: 0, transactions: 0 };
  return {
    counts,
    log(event) {
      // Failed statements wrote nothing.
      if (event.level !== 'query') return;
      const kind = event.query.query.kind;
      if (kind === 'SelectQueryNode') return;
      // Built statements are writes (INSERT, UPDATE, DELETE, MERGE, schema changes); raw SQL (a
      // driver's BEGIN/COMMIT, a hand-written query) is told by its first word.
      if (kind !== 'RawNode') {
        counts.statements += 1;
        return;
      }
      switch (rawKind(event.query.sql)) {
        case 'write':
          counts.statements += 1;
          return;
        case 'commit':
          counts.transactions += 1;
          return;
        default:
          return;
      }
    },
  };
}
