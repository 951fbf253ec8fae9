import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';

/** A new random identifier for database rows (UUID v4, as Open WebUI uses). */
export const newId = (): string => randomUUID();

/** A URL-safe random token carrying `bytes` × 8 bits of entropy. */
export const randomToken = (bytes = 32): string => randomBytes(bytes).toString('base64url');

export const sha256Hex = (value: string): string => createHash('sha256').update(value).digest('hex');

export const hmacSha256Hex = (key: string, value: string): string => createHmac('sha256', key).update(value).digest('hex');

/** Seconds since the epoch, as the API reports times (Open WebUI's convention). */
export const epochSeconds = (milliseconds: number = Date.now()): number => Math.floor(milliseconds / 1000);
