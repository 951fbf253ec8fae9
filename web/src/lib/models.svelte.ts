/** The models the user may use, and the one chosen (remembered on this device). */
import { api } from './api';
import { isApiError } from './api-error';
import { preferences } from './preferences';
import type { ModelInfo } from './types';

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
    const remembered = preferences.lastModel();
    if (!models.list.some((model) => model.id === models.selected)) {
      models.selected = models.list.find((model) => model.id === remembered)?.id ?? models.list[0]?.id ?? '';
    }
  } catch (error) {
    models.problem = isApiError(error) ? error.message : String(error);
  } finally {
    models.loading = false;
  }
}

export function selectModel(id: string): void {
  models.selected = id;
  preferences.setLastModel(id);
}
