/**
 * Connection URLs carry passwords; these helpers make them safe to show in logs and error messages.
 */

/**
 * The URL with its password removed (`postgres://astra@db:5432/astra`). When the text is not a URL
 * at all, only its scheme is kept, because the rest might be a password typed in the wrong place.
 */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(url)?.[0];
    return scheme === undefined ? '(not a URL)' : `${scheme}… (not a valid URL)`;
  }
  if (parsed.password !== '') parsed.password = '';
  return parsed.toString();
}
