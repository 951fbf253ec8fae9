import type { KeyValue } from './types';

interface Entry<Value> {
  value: Value;
  /** Epoch ms, or undefined for no expiry. */
  expiresAt: number | undefined;
}

/** Expired entries are dropped when read and by a sweep this often, so unread ones don't pile up. */
const sweepIntervalMilliseconds = 60_000;

/**
 * A KeyValue held in this process's memory, for a single process without Redis. Lost at restart.
 * A set expires as a whole (like a Redis key); adding with `ttlMs` renews the whole set.
 */
export function createMemoryKeyValue(): KeyValue {
  const strings = new Map<string, Entry<string>>();
  const sets = new Map<string, Entry<Set<string>>>();

  function live<Value>(map: Map<string, Entry<Value>>, key: string, now = Date.now()): Entry<Value> | undefined {
    const entry = map.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt !== undefined && entry.expiresAt <= now) {
      map.delete(key);
      return undefined;
    }
    return entry;
  }

  const sweep = setInterval(() => {
    const now = Date.now();
    for (const map of [strings, sets] as Array<Map<string, Entry<unknown>>>) {
      for (const [key, entry] of map) if (entry.expiresAt !== undefined && entry.expiresAt <= now) map.delete(key);
    }
  }, sweepIntervalMilliseconds);
  sweep.unref();

  const expiry = (ttlMs: number | undefined, now = Date.now()): number | undefined =>
    ttlMs === undefined ? undefined : now + ttlMs;

  return {
    get: (key) => Promise.resolve(live(strings, key)?.value),

    set: (key, value, options) => {
      strings.set(key, { value, expiresAt: expiry(options?.ttlMs) });
      return Promise.resolve();
    },

    delete: (key) => {
      strings.delete(key);
      sets.delete(key);
      return Promise.resolve();
    },

    increment: (key, options) => {
      const now = Date.now();
      const entry = live(strings, key, now);
      if (entry === undefined) {
        strings.set(key, { value: '1', expiresAt: now + options.ttlMs });
        return Promise.resolve({ value: 1, ttlMs: options.ttlMs });
      }
      const value = Number.parseInt(entry.value, 10) + 1;
      entry.value = String(value);
      entry.expiresAt ??= now + options.ttlMs;
      return Promise.resolve({ value, ttlMs: entry.expiresAt - now });
    },

    ttl: (key) => {
      const now = Date.now();
      const expiresAt = (live(strings, key, now) ?? live(sets, key, now))?.expiresAt;
      return Promise.resolve(expiresAt === undefined ? undefined : expiresAt - now);
    },

    addToSet: (key, member, options) => {
      const entry = live(sets, key);
      if (entry === undefined) {
        sets.set(key, { value: new Set([member]), expiresAt: expiry(options?.ttlMs) });
      } else {
        entry.value.add(member);
        if (options?.ttlMs !== undefined) entry.expiresAt = expiry(options.ttlMs);
      }
      return Promise.resolve();
    },

    removeFromSet: (key, member) => {
      const entry = live(sets, key);
      entry?.value.delete(member);
      if (entry?.value.size === 0) sets.delete(key);
      return Promise.resolve();
    },

    setMembers: (key) => Promise.resolve([...(live(sets, key)?.value ?? [])]),

    ping: () => Promise.resolve(),

    close: () => {
      clearInterval(sweep);
      strings.clear();
      sets.clear();
      return Promise.resolve();
    },
  };
}
