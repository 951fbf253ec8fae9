/**
 * Model variables: how long a model list stays fresh, access control, and the model and switches
 * for background tasks such as titles.
 */
import type { EnvironmentReader } from './environment-reader';
import type { ModelsConfig } from './types';
import { anyText, decimalNumber, parseBoolean } from './value-parsers';

/** Reads the Models group. */
export function readModelsConfig(reader: EnvironmentReader): ModelsConfig {
  reader.startGroup('Models');
  const cacheTtlSeconds = reader.read('MODELS_CACHE_TTL', decimalNumber({ min: 0, unit: 'seconds' }), 1);
  const enableModelCache = reader.read('ENABLE_MODEL_CACHE', parseBoolean, true, { aliases: ['ENABLE_BASE_MODELS_CACHE'] });
  const bypassAccessControl = reader.read('BYPASS_MODEL_ACCESS_CONTROL', parseBoolean, false);
  if (bypassAccessControl) reader.warn('BYPASS_MODEL_ACCESS_CONTROL=true: every user may use every model');
  const taskModel = reader.readOptional('TASK_MODEL', anyText, { defaultNote: 'the chat model itself' });
  const enableTitleGeneration = reader.read('ENABLE_TITLE_GENERATION', parseBoolean, true);
  return { cacheTtlSeconds, enableModelCache, bypassAccessControl, taskModel, enableTitleGeneration };
}
