import { describe, expect, it } from 'vitest';
import { loadConfig } from './load';

const cwd = '/srv/astra';
const searxng = { ENABLE_WEB_SEARCH: 'true', WEB_SEARCH_ENGINE: 'searxng', SEARXNG_QUERY_URL: 'http://searxng:8080/search?q=<query>' };

function messages(env: Record<string, string>): string[] {
  return loadConfig(env, { cwd }).problems.map((problem) => problem.message);
}

describe('web search variables', () => {
  it('reads a SearXNG setup, keeping the query placeholder', () => {
    expect(loadConfig({ ...searxng, WEB_LOADER_TIMEOUT: '5', WEB_SEARCH_TIMEOUT: '12.5' }, { cwd }).config?.webSearch).toMatchObject({
      enabled: true,
      engine: 'searxng',
      searxngQueryUrl: 'http://searxng:8080/search?q=<query>',
      loaderTimeoutSeconds: 5,
      searchTimeoutSeconds: 12.5,
    });
  });

  it('needs an engine when web search is on', () => {
    expect(messages({ ENABLE_WEB_SEARCH: 'true' })).toEqual(['ENABLE_WEB_SEARCH=true needs WEB_SEARCH_ENGINE; expected one of searxng']);
  });

  it('refuses an engine Astra does not have when web search is on', () => {
    expect(messages({ ENABLE_WEB_SEARCH: 'true', WEB_SEARCH_ENGINE: 'brave' })).toEqual([
      'WEB_SEARCH_ENGINE=brave is not accepted; expected one of searxng',
    ]);
  });

  it('only warns about such an engine when web search is off', () => {
    const result = loadConfig({ WEB_SEARCH_ENGINE: 'tavily' }, { cwd });
    expect(result.problems).toEqual([]);
    expect(result.config?.webSearch.engine).toBe('');
    expect(result.warnings).toHaveLength(1);
  });

  it('needs SEARXNG_QUERY_URL for SearXNG', () => {
    expect(messages({ ENABLE_WEB_SEARCH: 'true', WEB_SEARCH_ENGINE: 'searxng' })).toEqual([
      'WEB_SEARCH_ENGINE=searxng needs SEARXNG_QUERY_URL; expected a URL such as http://searxng:8080/search?q=<query> there',
    ]);
  });

  it('warns when local addresses may be fetched', () => {
    expect(loadConfig({ ENABLE_LOCAL_WEB_FETCH: 'true' }, { cwd }).warnings).toEqual([
      'ENABLE_LOCAL_WEB_FETCH=true: web search and URL fetching may reach addresses on your own network',
    ]);
  });
});
