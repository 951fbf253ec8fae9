/** The app's few addresses: `/` (a new chat), `/c/{id}` (a chat). History-based, served by the server's fallback to index.html. */

export const route = $state({ path: typeof location === 'undefined' ? '/' : location.pathname });

if (typeof window !== 'undefined') {
  window.addEventListener('popstate', () => {
    route.path = location.pathname;
  });
}

export function navigate(path: string, options: { replace?: boolean } = {}): void {
  if (path === location.pathname) return;
  if (options.replace === true) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  route.path = path;
}

/** The chat id in a `/c/{id}` path, or null. */
export function chatIdOf(path: string): string | null {
  const match = /^\/c\/([^/]+)\/?$/.exec(path);
  if (match === null) return null;
  try {
    return decodeURIComponent(match[1]!);
  } catch {
    return null;
  }
}

export const chatPath = (id: string): string => `/c/${encodeURIComponent(id)}`;
