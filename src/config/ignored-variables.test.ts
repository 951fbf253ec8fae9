import { describe, expect, it } from 'vitest';
import { findIgnoredVariables, isOpenWebUiVariable } from './ignored-variables';
import { openWebUiVariables } from './open-webui-variables';

describe('isOpenWebUiVariable', () => {
  it("knows a good few hundred of Open WebUI's names", () => {
    expect(openWebUiVariables.size).toBeGreaterThan(500);
    expect(isOpenWebUiVariable('ENABLE_COMMUNITY_SHARING')).toBe(true);
    expect(isOpenWebUiVariable('CHROMA_HTTP_HOST')).toBe(true);
  });

  it('recognises newer variables by their prefix', () => {
    expect(isOpenWebUiVariable('WEBUI_SOMETHING_NEW')).toBe(true);
    expect(isOpenWebUiVariable('RAG_SOMETHING_NEW')).toBe(true);
    expect(isOpenWebUiVariable('OAUTH_SOMETHING_NEW')).toBe(true);
  });

  it('leaves other software alone', () => {
    for (const name of ['PATH', 'HOME', 'NODE_ENV', 'TEST_DATABASE_URL', 'npm_config_cache', 'GITHUB_ACTIONS', 'LANG']) {
      expect(isOpenWebUiVariable(name)).toBe(false);
    }
  });
});

describe('findIgnoredVariables', () => {
  it('lists set Open WebUI variables that Astra does not read, sorted, each once', () => {
    const env = { WEBUI_AUTH: 'true', ENABLE_LDAP: 'false', PORT: '8080', PATH: '/bin', VECTOR_DB: 'chroma', EMPTY_IS_SKIPPED: '', RAG_TEMPLATE: '' };
    expect(findIgnoredVariables(env, (name) => name === 'PORT')).toEqual(['ENABLE_LDAP', 'VECTOR_DB', 'WEBUI_AUTH']);
  });
});
