/**
 * The user's settings on this device, as state the screens follow: a change applies at once (the
 * theme, the composer's Enter key, the model new chats start with) and is kept in localStorage
 * (preferences.ts). A change made in another tab of the app arrives through the `storage` event.
 */
import { applyTheme, preferenceKeys, preferences, type Theme } from './preferences';

interface UserSettings {
  theme: Theme;
  /** Enter sends (Shift+Enter: new line); false: Ctrl/Cmd+Enter sends. */
  enterToSend: boolean;
  /** The model chats start with when none was used last; null: the first one listed. */
  defaultModel: string | null;
}

export const userSettings: UserSettings = $state({
  theme: preferences.theme(),
  enterToSend: preferences.enterToSend(),
  defaultModel: preferences.defaultModel(),
});

export function setTheme(theme: Theme): void {
  userSettings.theme = theme;
  preferences.setTheme(theme);
}

export function setEnterToSend(enabled: boolean): void {
  userSettings.enterToSend = enabled;
  preferences.setEnterToSend(enabled);
}

/** Stores the default model (see models.svelte.ts' `chooseDefaultModel`, which also shows it). */
export function setDefaultModel(model: string | null): void {
  userSettings.defaultModel = model === '' ? null : model;
  preferences.setDefaultModel(userSettings.defaultModel);
}

if (typeof window !== 'undefined') {
  const watched = new Set<string>([preferenceKeys.theme, preferenceKeys.enterToSend, preferenceKeys.defaultModel]);
  window.addEventListener('storage', (event) => {
    if (event.key !== null && !watched.has(event.key)) return;
    userSettings.theme = preferences.theme();
    userSettings.enterToSend = preferences.enterToSend();
    userSettings.defaultModel = preferences.defaultModel();
    applyTheme(userSettings.theme);
  });
}
