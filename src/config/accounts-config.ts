/**
 * Account variables: the key that signs sessions, who may sign up and as what, and how long a
 * session lasts.
 */
import { durationFormat, formatDuration, parseDuration } from './duration';
import type { EnvironmentReader } from './environment-reader';
import { maskSecret } from './mask-secret';
import type { AccountsConfig, UserRole } from './types';
import { accept, oneOf, parseBoolean, reject, type Parsed } from './value-parsers';

/** The key Open WebUI falls back to when none is set; public, so it signs nothing in Astra. */
const openWebUiDefaultKey = 't0p-s3cr3t';

function parseSecretKey(text: string): Parsed<string> {
  if (text === openWebUiDefaultKey) {
    return reject("is Open WebUI's published default key; expected a long random value, or leave it unset to have one generated");
  }
  return accept(text);
}

/** JWT_EXPIRES_IN: `-1` or `0` (never, as in Open WebUI) → null, else a duration in seconds. */
export function parseSessionLifetime(text: string): Parsed<number | null> {
  if (text === '-1' || text === '0') return accept(null);
  const parsed = parseDuration(text);
  return parsed.ok ? parsed : reject(`is not a duration; expected -1 (never expire) or ${durationFormat}`);
}

/** Reads the Accounts group. */
export function readAccountsConfig(reader: EnvironmentReader): AccountsConfig {
  reader.startGroup('Accounts');
  const secretKey = reader.readOptional('WEBUI_SECRET_KEY', parseSecretKey, {
    aliases: ['WEBUI_JWT_SECRET_KEY'],
    mask: maskSecret,
    defaultNote: 'generated once and kept in DATA_DIR/.webui_secret_key',
  });
  const enableSignup = reader.read('ENABLE_SIGNUP', parseBoolean, true);
  const defaultUserRole = reader.read<UserRole>('DEFAULT_USER_ROLE', oneOf(['pending', 'user', 'admin'] as const), 'pending');
  const sessionTtlSeconds = reader.read('JWT_EXPIRES_IN', parseSessionLifetime, 4 * 7 * 24 * 60 * 60, {
    show: (seconds) => (seconds === null ? '-1' : formatDuration(seconds)),
    note: (seconds) => (seconds === null ? 'sessions never expire' : undefined),
  });
  if (sessionTtlSeconds === null && reader.isSet('JWT_EXPIRES_IN')) {
    const text = reader.text('JWT_EXPIRES_IN') ?? '-1';
    reader.warn(`JWT_EXPIRES_IN=${text}: sessions never expire; a leaked token works until its user signs out`);
  }
  const enableApiKeys = reader.read('ENABLE_API_KEYS', parseBoolean, true, { aliases: ['ENABLE_API_KEY'] });
  return { secretKey, enableSignup, defaultUserRole, sessionTtlSeconds, enableApiKeys };
}
