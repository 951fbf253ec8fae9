/**
 * The session cookie, read and written by hand: one cookie with a URL-safe value needs no library,
 * and reading it only when there is no Authorization header keeps bearer requests from paying for it.
 */

/** The value of cookie `name` in a Cookie header, or undefined. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const separator = part.indexOf('=');
    if (separator === -1 || part.slice(0, separator).trim() !== name) continue;
    let value = part.slice(separator + 1).trim();
    if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    try {
      return decodeURIComponent(value);
    } catch {
      return value;
    }
  }
  return undefined;
}

export interface CookieOptions {
  expires?: Date;
  secure: boolean;
}

/** A Set-Cookie value for an HttpOnly, SameSite=Lax cookie on the whole site. */
export function sessionCookie(name: string, value: string, options: CookieOptions): string {
  const parts = [`${name}=${encodeURIComponent(value)}`, 'Path=/', 'HttpOnly', 'SameSite=Lax'];
  if (options.expires) parts.push(`Expires=${options.expires.toUTCString()}`);
  if (options.secure) parts.push('Secure');
  return parts.join('; ');
}

/** A Set-Cookie value that removes the cookie. */
export function clearedCookie(name: string, options: { secure: boolean }): string {
  return sessionCookie(name, '', { expires: new Date(0), secure: options.secure });
}
