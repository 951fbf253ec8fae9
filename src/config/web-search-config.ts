/**
 * Web search variables: the engine, how many results and pages, and the time each step may take.
 */
import type { EnvironmentReader } from './environment-reader';
import { maskUrlPassword } from './mask-secret';
import { positiveSeconds } from './timeouts-config';
import type { WebSearchConfig } from './types';
import { accept, parseBoolean, parseHttpUrl, wholeNumber } from './value-parsers';

/** The engines Astra implements (src/websearch/engines/); add a name here with its engine. */
export const webSearchEngines: readonly string[] = ['searxng'];

/**
 * WEB_SEARCH_ENGINE. An engine Astra lacks is a problem only when web search is on: an Open WebUI
 * deployment may name one it never enabled.
 */
function readEngine(reader: EnvironmentReader, enabled: boolean): string {
  const found = reader.lookup('WEB_SEARCH_ENGINE', (text) => accept(text.toLowerCase()), { aliases: ['RAG_WEB_SEARCH_ENGINE'] });
  if (found.status === 'problem') return '';
  const expected = `expected one of ${webSearchEngines.join(', ')}`;
  if (found.status === 'unset') {
    if (enabled) reader.problem('ENABLE_WEB_SEARCH', 'true', `ENABLE_WEB_SEARCH=true needs WEB_SEARCH_ENGINE; ${expected}`);
    reader.record('WEB_SEARCH_ENGINE', '', { kind: 'default' }, 'none');
    return '';
  }
  if (!webSearchEngines.includes(found.value)) {
    const setting = `${found.name}=${found.text}`;
    if (enabled) reader.problem(found.name, found.text, `${setting} is not accepted; ${expected}`);
    else reader.warn(`${setting} is not an engine Astra has (${expected}); web search is off, so it changes nothing`);
    return '';
  }
  reader.record('WEB_SEARCH_ENGINE', found.value, found.source);
  return found.value;
}

/** Reads the Web search group. */
export function readWebSearchConfig(reader: EnvironmentReader): WebSearchConfig {
  reader.startGroup('Web search');
  const enabled = reader.read('ENABLE_WEB_SEARCH', parseBoolean, false, { aliases: ['ENABLE_RAG_WEB_SEARCH'] });
  const engine = readEngine(reader, enabled);
  const searxngQueryUrl = reader.readOptional('SEARXNG_QUERY_URL', parseHttpUrl, { mask: maskUrlPassword });
  if (enabled && engine === 'searxng' && searxngQueryUrl === undefined && !reader.hasProblem('SEARXNG_QUERY_URL')) {
    reader.problem(
      'WEB_SEARCH_ENGINE',
      'searxng',
      'WEB_SEARCH_ENGINE=searxng needs SEARXNG_QUERY_URL; expected a URL such as http://searxng:8080/search?q=<query> there',
    );
  }
  const resultCount = reader.read('WEB_SEARCH_RESULT_COUNT', wholeNumber({ min: 1, max: 100 }), 3, {
    aliases: ['RAG_WEB_SEARCH_RESULT_COUNT'],
  });
  const concurrentRequests = reader.read('WEB_SEARCH_CONCURRENT_REQUESTS', wholeNumber({ min: 1, max: 1000 }), 10, {
    aliases: ['RAG_WEB_SEARCH_CONCURRENT_REQUESTS'],
  });
  const loaderConcurrentRequests = reader.read('WEB_LOADER_CONCURRENT_REQUESTS', wholeNumber({ min: 1, max: 1000 }), 10);
  const loaderTimeoutSeconds = reader.read('WEB_LOADER_TIMEOUT', positiveSeconds, 10, { note: 'per page' });
  const searchTimeoutSeconds = reader.read('WEB_SEARCH_TIMEOUT', positiveSeconds, 20, { note: 'whole search phase' });
  const enableLocalWebFetch = reader.read('ENABLE_LOCAL_WEB_FETCH', parseBoolean, false, { aliases: ['ENABLE_RAG_LOCAL_WEB_FETCH'] });
  if (enableLocalWebFetch) {
    reader.warn('ENABLE_LOCAL_WEB_FETCH=true: web search and URL fetching may reach addresses on your own network');
  }
  return {
    enabled,
    engine,
    searxngQueryUrl,
    resultCount,
    concurrentRequests,
    loaderConcurrentRequests,
    loaderTimeoutSeconds,
    searchTimeoutSeconds,
    enableLocalWebFetch,
  };
}
