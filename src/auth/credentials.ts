/**
 * Session tokens and API keys: random secrets handed to the client once and stored only as hashes.
 */
import { randomBytes } from 'node:crypto';
import { keyedSha256Hex, randomToken, sha256Hex } from '../core/ids';

export const apiKeyPrefix = 'sk-';

/** A session token: 32 random bytes (256 bits), URL-safe. */
export const newSessionToken = (): string => randomToken(32);

/**
 * Session tokens are stored as a hash keyed with WEBUI_SECRET_KEY: a leaked database is useless
 * without the key, and rotating the key signs everyone out, as it does in Open WebUI.
 */
export const hashSessionToken = (secretKey: string, token: string): string => keyedSha256Hex(secretKey, token);

/** An API key: `sk-` and 24 random bytes (192 bits) in hex, like Open WebUI's keys. */
export const newApiKey = (): string => apiKeyPrefix + randomBytes(24).toString('hex');

/** API keys are hashed without the secret key, so that rotating it does not break every script. */
export const hashApiKey = (key: string): string => sha256Hex(key);

/** "sk-ab12…f9e0": enough to recognise a key, not enough to use it. */
export const apiKeyHint = (key: string): string => `${key.slice(0, 7)}…${key.slice(-4)}`;

export const isApiKey = (token: string): boolean => token.startsWith(apiKeyPrefix);
