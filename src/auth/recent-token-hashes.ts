/**
 * The hashes of recently presented tokens (session tokens and API keys), so that a caller's
 * requests pay for hashing its token once, not on every request: the hash is what every lookup of
 * a token is keyed by, and it was the largest cost of authenticating a request. Bounded (cleared
 * when full), so random tokens cannot make it grow; a token here is no more exposed than in the
 * request that brought it, and a revoked token's hash finds nothing in the caches it keys.
 */
export class RecentTokenHashes {
  private readonly hashes = new Map<string, string>();

  constructor(
    private readonly hash: (token: string) => string,
    private readonly limit = 10_000,
  ) {}

  of(token: string): string {
    let tokenHash = this.hashes.get(token);
    if (tokenHash === undefined) {
      tokenHash = this.hash(token);
      if (this.hashes.size >= this.limit) this.hashes.clear();
      this.hashes.set(token, tokenHash);
    }
    return tokenHash;
  }
}
