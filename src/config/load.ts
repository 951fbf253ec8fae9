/**
 * Turns an environment into Astra's configuration: every variable checked, every problem
 * collected (never just the first), Open WebUI's unused variables listed as ignored.
 */
import { readAccountsConfig } from './accounts-config';
import { readAudioConfig } from './audio-config';
import { readConnectionsConfig } from './connections-config';
import { EnvironmentReader } from './environment-reader';
import { findIgnoredVariables } from './ignored-variables';
import { maskSecret } from './mask-secret';
import { readModelsConfig } from './models-config';
import { readRagConfig } from './rag-config';
import { readServerConfig } from './server-config';
import { readStorageConfig } from './storage-config';
import { readTimeoutConfig } from './timeouts-config';
import type { Config, ConfigResult } from './types';
import { anyText } from './value-parsers';
import { readWebSearchConfig } from './web-search-config';

/** Options for `loadConfig`. */
export interface LoadConfigOptions {
  /** Directory that relative paths (DATA_DIR, a CA file) are resolved against; `process.cwd()` by default. */
  cwd?: string;
}

/**
 * Reads the configuration from `env` (usually `process.env`). `config` is present only when
 * there are no problems; each problem is one line naming the variable, its value and what is
 * accepted. Never throws for a bad value.
 */
export function loadConfig(env: Record<string, string | undefined>, options: LoadConfigOptions = {}): ConfigResult {
  const cwd = options.cwd ?? process.cwd();
  const reader = new EnvironmentReader(env);

  const server = readServerConfig(reader, cwd);
  const accounts = readAccountsConfig(reader);
  const storage = readStorageConfig(reader);
  const connections = readConnectionsConfig(reader, cwd);
  const timeouts = readTimeoutConfig(reader);
  const models = readModelsConfig(reader);
  const rag = readRagConfig(reader);
  const webSearch = readWebSearchConfig(reader);
  const audio = readAudioConfig(reader, connections);
  reader.startGroup('Server');
  const metricsToken = reader.readOptional('METRICS_TOKEN', anyText, { mask: maskSecret, defaultNote: 'admin sessions only' });

  const config: Config = {
    server,
    accounts,
    storage,
    connections,
    timeouts,
    models,
    rag,
    webSearch,
    audio,
    metricsToken,
    telemetryDisabled: true,
  };
  return {
    config: reader.problems.length === 0 ? config : undefined,
    problems: reader.problems,
    ignored: findIgnoredVariables(env, (name) => reader.isUsed(name)),
    warnings: reader.warnings,
    settings: reader.settings,
  };
}
