/**
 * Secrets never reach the configuration summary, a problem message or a log line whole: keys show
 * at most their first three characters, URLs lose their password.
 */

const hidden = '****';

/** Variables whose whole value is a secret, besides the ones `isSecretVariable` recognises by name. */
const secretVariables = new Set(['WEBUI_SECRET_KEY', 'WEBUI_JWT_SECRET_KEY', 'OPENAI_API_KEYS', 'METRICS_TOKEN']);

/** Name endings that mark a secret in Open WebUI's variables (`TAVILY_API_KEY`, `LDAP_APP_PASSWORD`, …). */
const secretEndings = ['_API_KEY', '_API_KEYS', '_KEY', '_TOKEN', '_PASSWORD', '_SECRET', '_CREDENTIALS'];

/** Whether the variable's value is a secret to be masked wherever it is shown. */
export function isSecretVariable(name: string): boolean {
  return secretVariables.has(name) || secretEndings.some((ending) => name.endsWith(ending));
}

/**
 * `sk-abcdef…` → `sk-****`. Short values show nothing at all, since three characters of an
 * eight-character password are most of it.
 */
export function maskSecret(value: string): string {
  if (value === '') return '';
  return value.length >= 12 ? `${value.slice(0, 3)}${hidden}` : hidden;
}

/** Masks each `;`-separated entry (OPENAI_API_KEYS), keeping empty entries visible as empty. */
export function maskSecretList(value: string): string {
  return value
    .split(';')
    .map((entry) => maskSecret(entry.trim()))
    .join(';');
}

/** `postgres://user:secret@host/db` → `postgres://user:****@host/db`; other text is returned as is. */
export function maskUrlPassword(url: string): string {
  const match = /^([a-z][a-z0-9+.-]*:\/\/[^:@/?#]*:)(.*)@([^@]*)$/i.exec(url);
  if (match === null || match[2] === '') return url;
  return `${match[1] ?? ''}${hidden}@${match[3] ?? ''}`;
}

/** The password part of a URL with credentials, if any (to scrub it from free text). */
export function urlPassword(url: string): string | undefined {
  const match = /^[a-z][a-z0-9+.-]*:\/\/[^:@/?#]*:(.*)@[^@]*$/i.exec(url);
  const password = match?.[1];
  return password === undefined || password === '' ? undefined : password;
}

/**
 * Every secret value in the environment: whole values of secret variables (each entry of a
 * `;`-list), and passwords inside URLs. Used to scrub text as a last line of defence.
 */
export function secretValuesIn(env: Record<string, string | undefined>): string[] {
  const secrets = new Set<string>();
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || value.trim() === '') continue;
    if (isSecretVariable(name)) {
      secrets.add(value.trim());
      for (const entry of value.split(';')) if (entry.trim() !== '') secrets.add(entry.trim());
    }
    for (const entry of value.split(/[;,]/)) {
      const password = urlPassword(entry.trim());
      if (password !== undefined) secrets.add(password);
    }
  }
  // Short values would match ordinary words ("admin"); Astra's own secrets are masked at the source.
  return [...secrets].filter((secret) => secret.length >= 8).sort((a, b) => b.length - a.length);
}

/** Replaces every occurrence of each secret in `text` with its masked form. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let scrubbed = text;
  for (const secret of secrets) scrubbed = scrubbed.split(secret).join(maskSecret(secret));
  return scrubbed;
}
