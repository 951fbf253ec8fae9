/**
 * Which variables of an environment are Open WebUI's and unused by Astra: listed once at start-up
 * so that an operator sees what no longer has an effect, never treated as a mistake.
 */
import { openWebUiPrefixes, openWebUiVariables } from './open-webui-variables';

/** Whether the name is one of Open WebUI's variables, known or by its prefix. */
export function isOpenWebUiVariable(name: string): boolean {
  return openWebUiVariables.has(name) || openWebUiPrefixes.some((prefix) => name.startsWith(prefix));
}

/**
 * The sorted names of Open WebUI variables that have a value in `env` but that Astra does not
 * read. Variables of other software (PATH, NODE_ENV, npm_…) are not Astra's business and are left out.
 */
export function findIgnoredVariables(env: Record<string, string | undefined>, isUsed: (name: string) => boolean): string[] {
  return Object.keys(env)
    .filter((name) => (env[name] ?? '').trim() !== '' && !isUsed(name) && isOpenWebUiVariable(name))
    .sort();
}
