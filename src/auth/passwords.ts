/**
 * Password hashing with argon2id. The hashing runs on libuv's thread pool (the argon2 addon is
 * asynchronous), so a sign-in never blocks the event loop.
 */
import argon2 from 'argon2';
import { badRequest } from '../core/errors';

/** OWASP's argon2id floor: 19 MiB of memory, 2 iterations, 1 lane. */
const hashOptions = { type: argon2.argon2id, memoryCost: 19 * 1024, timeCost: 2, parallelism: 1 } as const;

export const passwordLimits = { minLength: 8, maxLength: 128 } as const;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, hashOptions);
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    // A malformed stored hash is a failed check, never a crash.
    return false;
  }
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends the same time as a real check, for sign-ins with an unknown email, so response times do
 * not tell which emails have accounts.
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= hashPassword('dummy password for unknown accounts');
  await verifyPassword(await dummyHash, password);
  return false;
}

/** Throws a 400 naming `field` when the password is too short or too long. */
export function checkPasswordRules(password: string, field = 'password'): void {
  const length = [...password].length;
  if (length < passwordLimits.minLength || length > passwordLimits.maxLength) {
    throw badRequest(
      `${field}: must be ${passwordLimits.minLength} to ${passwordLimits.maxLength} characters long (got ${length})`,
    );
  }
}
