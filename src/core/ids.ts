import { createHash, hash, randomBytes, randomUUID } from 'node:crypto';

/** A new random identifier for database rows (UUID v4, as Open WebUI uses). */
export const newId = (): string => randomUUID();

/** A URL-safe random token carrying `bytes` × 8 bits of entropy. */
export const randomToken = (bytes = 32): string => randomBytes(bytes).toString('base64url');

export const sha256Hex = (value: string): string => createHash('sha256').update(value).digest('hex');

/**
 * SHA-256 of a secret key and a value: a keyed hash for looking up random tokens, computed in one
 * call (about 0.3 µs, against 2 µs for an HMAC object). Length extension does not matter here:
 * nobody can ask the server to hash a value of their choosing and show the result.
 */
export const keyedSha256Hex = (key: string, value: string): string => hash('sha256', `${key}\u0000${value}`, 'hex');

/** Seconds since the epoch, as the API reports times (Open WebUI's convention). */
export const epochSeconds = (milliseconds: number = Date.now()): number => Math.floor(milliseconds / 1000);
