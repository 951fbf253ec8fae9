/**
 * A session token's hash is remembered for the token's next requests: the remembered hash must be
 * the keyed hash itself, for every token, also once the memory of tokens has been cleared.
 */
import { describe, expect, it } from 'vitest';
import { createMemoryKeyValue } from '../storage/memory-key-value';
import { hashSessionToken } from './credentials';
import { SessionStore } from './sessions';

describe('SessionStore.hash', () => {
  it('is the keyed hash of the token, asked once or many times, for many tokens', () => {
    const store = new SessionStore(createMemoryKeyValue(), 'secret-key', null);
    const other = new SessionStore(createMemoryKeyValue(), 'another-key', null);
    expect(store.hash('token-a')).toBe(hashSessionToken('secret-key', 'token-a'));
    expect(store.hash('token-a')).toBe(hashSessionToken('secret-key', 'token-a'));
    expect(other.hash('token-a')).toBe(hashSessionToken('another-key', 'token-a'));
    expect(store.hash('token-b')).not.toBe(store.hash('token-a'));
    // More tokens than are remembered: each still gets its own hash.
    for (let index = 0; index < 25_000; index += 1) {
      const token = `token-${index}`;
      if (index % 997 === 0) expect(store.hash(token)).toBe(hashSessionToken('secret-key', token));
      else store.hash(token);
    }
    expect(store.hash('token-a')).toBe(hashSessionToken('secret-key', 'token-a'));
    expect(store.hash('token-24999')).toBe(hashSessionToken('secret-key', 'token-24999'));
  });
});
