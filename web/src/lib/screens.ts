/**
 * Which screen an address shows: `/` and `/c/{id}` the chat, `/settings` the user's settings,
 * `/admin/{section}` the administration (`/admin` is its first section). The chat screen sends any
 * other address back to `/`.
 */

export const adminSections = [
  { id: 'users', label: 'Users' },
  { id: 'connections', label: 'Connections' },
  { id: 'models', label: 'Models' },
  { id: 'general', label: 'General' },
] as const;

export type AdminSection = (typeof adminSections)[number]['id'];

export type Screen = { name: 'chat' } | { name: 'settings' } | { name: 'admin'; section: AdminSection };

export const settingsPath = '/settings';

export const adminPath = (section: AdminSection = 'users'): string => `/admin/${section}`;

export function screenOf(path: string): Screen {
  const trimmed = path.length > 1 ? path.replace(/\/+$/, '') : path;
  if (trimmed === settingsPath) return { name: 'settings' };
  if (trimmed === '/admin') return { name: 'admin', section: 'users' };
  const match = /^\/admin\/([a-z]+)$/.exec(trimmed);
  const section = adminSections.find((entry) => entry.id === match?.[1]);
  if (section !== undefined) return { name: 'admin', section: section.id };
  return { name: 'chat' };
}
