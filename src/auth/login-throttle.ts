/**
 * Login throttling: after 10 failed sign-ins for one account from one address in 15 minutes, or 100
 * from one address in a day, sign-ins answer 429 with Retry-After. The counters live in KeyValue,
 * so every process (and, with Redis, every machine) shares them.
 */
import { AstraError } from '../core/errors';
import type { KeyValue } from '../storage';

export interface ThrottleLimits {
  perAccount: { max: number; windowMs: number };
  perAddress: { max: number; windowMs: number };
}

export const defaultThrottleLimits: ThrottleLimits = {
  perAccount: { max: 10, windowMs: 15 * 60_000 },
  perAddress: { max: 100, windowMs: 24 * 60 * 60_000 },
};

export class LoginThrottle {
  constructor(
    private readonly keyValue: KeyValue,
    private readonly limits: ThrottleLimits = defaultThrottleLimits,
  ) {}

  /** Throws 429 when either counter has reached its limit. */
  async check(email: string, address: string): Promise<void> {
    const keys = this.keys(email, address);
    const [account, perAddress] = await Promise.all([this.keyValue.get(keys.account), this.keyValue.get(keys.address)]);
    if (Number(account ?? 0) >= this.limits.perAccount.max) {
      throw await this.tooMany(keys.account, 'Too many failed sign-ins for this account');
    }
    if (Number(perAddress ?? 0) >= this.limits.perAddress.max) {
      throw await this.tooMany(keys.address, 'Too many failed sign-ins from this address');
    }
  }

  async recordFailure(email: string, address: string): Promise<void> {
    const keys = this.keys(email, address);
    await Promise.all([
      this.keyValue.increment(keys.account, { ttlMs: this.limits.perAccount.windowMs }),
      this.keyValue.increment(keys.address, { ttlMs: this.limits.perAddress.windowMs }),
    ]);
  }

  /** A successful sign-in clears the account's counter (not the address's). */
  async recordSuccess(email: string, address: string): Promise<void> {
    await this.keyValue.delete(this.keys(email, address).account);
  }

  private keys(email: string, address: string): { account: string; address: string } {
    return { account: `login-failures:account:${email}:${address}`, address: `login-failures:address:${address}` };
  }

  private async tooMany(key: string, message: string): Promise<AstraError> {
    const ttlMs = (await this.keyValue.ttl(key)) ?? 60_000;
    const seconds = Math.max(1, Math.ceil(ttlMs / 1000));
    return new AstraError('too_many_requests', `${message}; try again in ${formatWait(seconds)}`, {
      headers: { 'retry-after': String(seconds) },
    });
  }
}

function formatWait(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.ceil(seconds / 60)} min`;
  return `${Math.ceil(seconds / 3600)} h`;
}
