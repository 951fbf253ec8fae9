/** The models the user may use, and the one chosen (remembered on this device). */
import { api } from './api';
import { isApiError } from './api-error';
import { initialModel } from './model-choice';
import { preferences } from './preferences';
import type { ModelInfo } from './types';
import { setDefaultModel, userSettings } from './user-settings.svelte';

interface ModelsState {
  list: ModelInfo[];
  selected: string;
  loading: boolean;
  problem: string;
}

export const models: ModelsState = $state({ list: [], selected: '', loading: false, problem: '' });

export async function loadModels(): Promise<void> {
  models.loading = true;
  models.problem = '';
  try {
    const answer = await api.get<{ data: ModelInfo[] }>('/api/models');
    models.list = answer.data;
    models.selected = initialModel(models.list, { selected: models.selected, lastUsed: preferences.lastModel(), defaultModel: userSettings.defaultModel });
  } catch (error) {
    models.problem = isApiError(error) ? error.message : String(error);
  } finally {
    models.loading = false;
  }
}

/** The model picked in the chat screen: used for the chat, and remembered as the last one used. */
export function selectModel(id: string): void {
  models.selected = id;
  preferences.setLastModel(id);
}

/**
 * The default model chosen in Settings: chats start with it from now on (it replaces the last one
 * used, until another is picked in the chat screen). `null`: no default, the first model listed.
 */
export function chooseDefaultModel(id: string | null): void {
  setDefaultModel(id);
  if (id === null || id === '') return;
  preferences.setLastModel(null);
  if (models.list.some((model) => model.id === id)) models.selected = id;
}
