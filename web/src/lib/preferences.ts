/**
 * The user's preferences on this device (localStorage): theme, the default model, the last model
 * used, Enter to send.
 * Only preferences live here — the session stays in its HttpOnly cookie, out of script reach.
 */

export type Theme = 'system' | 'light' | 'dark';

/** The localStorage keys; `storage` events for them come from the user's other tabs. */
export const preferenceKeys = { theme: 'astra.theme', model: 'astra.model', defaultModel: 'astra.defaultModel', enterToSend: 'astra.enterToSend' } as const;
const keys = preferenceKeys;

function read(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    // Storage can be off (private windows, policies): preferences then last for the visit.
    return null;
  }
}

function write(key: string, value: string | null): void {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch {
    // See read().
  }
}

export const preferences = {
  theme(): Theme {
    const value = read(keys.theme);
    return value === 'light' || value === 'dark' ? value : 'system';
  },
  setTheme(theme: Theme): void {
    write(keys.theme, theme === 'system' ? null : theme);
    applyTheme(theme);
  },
  lastModel(): string | null {
    return read(keys.model);
  },
  setLastModel(model: string | null): void {
    write(keys.model, model);
  },
  /** The model chats start with when none was used last on this device; null: the first one listed. */
  defaultModel(): string | null {
    return read(keys.defaultModel);
  },
  setDefaultModel(model: string | null): void {
    write(keys.defaultModel, model === '' ? null : model);
  },
  enterToSend(): boolean {
    return read(keys.enterToSend) !== 'false';
  },
  setEnterToSend(enabled: boolean): void {
    write(keys.enterToSend, enabled ? null : 'false');
  },
};

/** Light or dark follows the system unless the user chose one. */
export function applyTheme(theme: Theme = preferences.theme()): void {
  const root = document.documentElement;
  if (theme === 'system') delete root.dataset.theme;
  else root.dataset.theme = theme;
}
