/**
 * Configuration from the environment, with Open WebUI's variable names: parsing and validation
 * (`loadConfig`), the session signing key (`resolveSecretKey`), a printable summary with secrets
 * masked (`formatConfigSummary`) and the `astra config check` command (`runConfigCheck`).
 */
export { loadConfig, type LoadConfigOptions } from './load';
export { resolveSecretKey, secretKeyFileName } from './secret-key';
export { formatConfigSummary } from './summary';
export { runConfigCheck, type TextOutput } from './check-command';
export { maskSecret, maskUrlPassword } from './mask-secret';
export { webSearchEngines } from './web-search-config';
export type * from './types';
