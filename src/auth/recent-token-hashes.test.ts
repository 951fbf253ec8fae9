/**
 * A token's hash is remembered for the token's next requests: the remembered hash must be the hash
 * itself, for every token, also once the memory of tokens has been cleared.
 */
import { describe, expect, it } from 'vitest';
import { hashSessionToken } from './credentials';
import { RecentTokenHashes } from './recent-token-hashes';

describe('RecentTokenHashes', () => {
  it('is the keyed hash of the token, asked once or many times, for many tokens', () => {
    const store = new RecentTokenHashes((token) => hashSessionToken('secret-key', token));
    const other = new RecentTokenHashes((token) => hashSessionToken('another-key', token));
    expect(store.of('token-a')).toBe(hashSessionToken('secret-key', 'token-a'));
    expect(store.of('token-a')).toBe(hashSessionToken('secret-key', 'token-a'));
    expect(other.of('token-a')).toBe(hashSessionToken('another-key', 'token-a'));
    expect(store.of('token-b')).not.toBe(store.of('token-a'));
    // More tokens than are remembered: each still gets its own hash.
    for (let index = 0; index < 25_000; index += 1) {
      const token = `token-${index}`;
      if (index % 997 === 0) expect(store.of(token)).toBe(hashSessionToken('secret-key', token));
      else store.of(token);
    }
    expect(store.of('token-a')).toBe(hashSessionToken('secret-key', 'token-a'));
    expect(store.of('token-24999')).toBe(hashSessionToken('secret-key', 'token-24999'));
  });
});
