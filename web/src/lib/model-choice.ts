/** Which model the model picker shows, from what the user chose before on this device. */

export interface RememberedModels {
  /** The model on screen now ('' when none yet). */
  selected: string;
  /** The model last picked in the chat screen. */
  lastUsed: string | null;
  /** The default chosen in Settings. */
  defaultModel: string | null;
}

/**
 * The model on screen while it is still offered; else the last one used; else the default model;
 * else the first one listed; '' when none is offered. A remembered model that is no longer offered
 * (removed, or no longer allowed) is passed over.
 */
export function initialModel(available: ReadonlyArray<{ id: string }>, remembered: RememberedModels): string {
  const offered = (id: string | null): id is string => id !== null && id !== '' && available.some((model) => model.id === id);
  for (const candidate of [remembered.selected, remembered.lastUsed, remembered.defaultModel]) {
    if (offered(candidate)) return candidate;
  }
  return available[0]?.id ?? '';
}
