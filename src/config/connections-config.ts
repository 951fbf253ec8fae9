/**
 * Connection variables: the Ollama and OpenAI-compatible servers Astra starts with, their keys,
 * TLS verification and the HTTP connection pool.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import type { EnvironmentReader } from './environment-reader';
import { maskSecretList, maskUrlPassword } from './mask-secret';
import type { ConnectionEnvConfig } from './types';
import { accept, parseBoolean, parseHttpUrl, reject, splitList, wholeNumber, type Parsed } from './value-parsers';

/** Where Ollama listens when neither OLLAMA_BASE_URL nor OLLAMA_BASE_URLS is set. */
export const ollamaDefaultUrl = 'http://localhost:11434';
/** OpenAI's own API: the URL for a key given without one, and the audio default. */
export const openAiDefaultUrl = 'https://api.openai.com/v1';

/** The value Open WebUI's image sets; Open WebUI then looks for Ollama on the Docker host. */
const ollamaImagePlaceholder = '/ollama';

/** Masks passwords in each URL of a `;`-separated list. */
export function maskUrls(text: string): string {
  return text.split(';').map(maskUrlPassword).join(';');
}

/**
 * A `;`-separated list of http(s) URLs. An empty entry is skipped, or — for OpenAI, as in Open
 * WebUI — stands for `emptyEntry`, which keeps the keys aligned.
 */
export function urlList(emptyEntry?: string): (text: string) => Parsed<string[]> {
  return (text) => {
    const entries = splitList(text, ';');
    const urls: string[] = [];
    for (const entry of entries) {
      if (entry === '') {
        if (emptyEntry !== undefined) urls.push(emptyEntry);
        continue;
      }
      const parsed = parseHttpUrl(entry);
      if (!parsed.ok && entries.length === 1) return parsed;
      if (!parsed.ok) {
        return reject(`has "${maskUrlPassword(entry)}", which is not an http(s) URL; expected ;-separated URLs such as http://host:11434`);
      }
      urls.push(parsed.value);
    }
    return urls.length > 0 ? accept(urls) : reject('has no URLs; expected ;-separated URLs such as http://host:11434');
  };
}

function keyList(text: string): Parsed<string[]> {
  return accept(splitList(text, ';'));
}

/** AIOHTTP_CLIENT_SESSION_SSL: true/false, or the path of a CA bundle (relative to `cwd`) that exists. */
export function tlsVerification(cwd: string): (text: string) => Parsed<ConnectionEnvConfig['tls']> {
  return (text) => {
    const flag = parseBoolean(text);
    if (flag.ok) return accept({ verify: flag.value, caFile: undefined });
    const caFile = path.resolve(cwd, text);
    let isFile = false;
    try {
      isFile = statSync(caFile).isFile();
    } catch {
      isFile = false;
    }
    if (!isFile) return reject('is neither true/false nor an existing file; expected true, false or the path of a CA certificate file (PEM)');
    return accept({ verify: true, caFile });
  };
}

function readOllama(reader: EnvironmentReader): Pick<ConnectionEnvConfig, 'enableOllama' | 'ollamaBaseUrls'> {
  if (reader.text('OLLAMA_BASE_URL') === ollamaImagePlaceholder) {
    reader.treatAsUnset('OLLAMA_BASE_URL');
    reader.warn(`OLLAMA_BASE_URL=${ollamaImagePlaceholder} is Open WebUI's image placeholder; using ${ollamaDefaultUrl} — set the address of your Ollama server`);
  }
  const enableOllama = reader.read('ENABLE_OLLAMA_API', parseBoolean, true);
  const ollamaBaseUrls = reader.read('OLLAMA_BASE_URLS', urlList(), [ollamaDefaultUrl], {
    aliases: ['OLLAMA_BASE_URL'],
    mask: maskUrls,
    show: (urls) => urls.join(';'),
  });
  return { enableOllama, ollamaBaseUrls };
}

/**
 * OpenAI-compatible connections. Keys pair with URLs by position; missing keys are '' (a server
 * without authentication). With keys but no URLs the keys are for OpenAI itself; with neither
 * there is no OpenAI connection at all.
 */
function readOpenAi(reader: EnvironmentReader): Pick<ConnectionEnvConfig, 'enableOpenAi' | 'openAiBaseUrls' | 'openAiApiKeys'> {
  const enableOpenAi = reader.read('ENABLE_OPENAI_API', parseBoolean, true);
  const urls = reader.lookup('OPENAI_API_BASE_URLS', urlList(openAiDefaultUrl), { aliases: ['OPENAI_API_BASE_URL'], mask: maskUrls });
  const keys = reader.lookup('OPENAI_API_KEYS', keyList, { aliases: ['OPENAI_API_KEY'], mask: maskSecretList });
  if (urls.status === 'problem' || keys.status === 'problem') return { enableOpenAi, openAiBaseUrls: [], openAiApiKeys: [] };

  const givenKeys = keys.status === 'found' ? keys.value : [];
  const openAiBaseUrls = urls.status === 'found' ? urls.value : givenKeys.length > 0 ? [openAiDefaultUrl] : [];
  if (givenKeys.length > openAiBaseUrls.length) {
    const keysName = keys.status === 'found' ? keys.name : 'OPENAI_API_KEYS';
    const masked = maskSecretList(keys.status === 'found' ? keys.text : '');
    const urlsWhere = urls.status === 'found' ? `in ${urls.name}` : `(${openAiDefaultUrl}, as OPENAI_API_BASE_URLS is unset)`;
    reader.problem(
      keysName,
      masked,
      `${keysName}=${masked} has ${givenKeys.length} keys for ${openAiBaseUrls.length} URL${openAiBaseUrls.length === 1 ? '' : 's'} ${urlsWhere}; expected at most one key per URL, in the same order`,
    );
    return { enableOpenAi, openAiBaseUrls: [], openAiApiKeys: [] };
  }
  const openAiApiKeys = openAiBaseUrls.map((_url, index) => givenKeys[index] ?? '');

  const urlsNote = urls.status === 'found' ? undefined : openAiBaseUrls.length > 0 ? 'OpenAI itself, as a key is set' : 'none: no OpenAI key given';
  reader.record('OPENAI_API_BASE_URLS', maskUrls(openAiBaseUrls.join(';')), urls.status === 'found' ? urls.source : { kind: 'default' }, urlsNote);
  reader.record('OPENAI_API_KEYS', maskSecretList(openAiApiKeys.join(';')), keys.status === 'found' ? keys.source : { kind: 'default' });
  return { enableOpenAi, openAiBaseUrls, openAiApiKeys };
}

/** Reads the Connections group; a relative CA path in AIOHTTP_CLIENT_SESSION_SSL is resolved against `cwd`. */
export function readConnectionsConfig(reader: EnvironmentReader, cwd: string): ConnectionEnvConfig {
  reader.startGroup('Connections');
  const ollama = readOllama(reader);
  const openAi = readOpenAi(reader);
  const forwardUserInfoHeaders = reader.read('ENABLE_FORWARD_USER_INFO_HEADERS', parseBoolean, false);
  const tls = reader.read('AIOHTTP_CLIENT_SESSION_SSL', tlsVerification(cwd), { verify: true, caFile: undefined }, {
    show: (value) => value.caFile ?? String(value.verify),
  });
  if (!tls.verify) reader.warn("AIOHTTP_CLIENT_SESSION_SSL=false: model servers' TLS certificates are not checked");
  // No limit by default: a limit would make the 101st streaming user wait on the others' answers.
  const poolConnections = reader.read('AIOHTTP_POOL_CONNECTIONS', wholeNumber({ min: 0 }), 0);
  const poolConnectionsPerHost = reader.read('AIOHTTP_POOL_CONNECTIONS_PER_HOST', wholeNumber({ min: 0 }), 0, {
    defaultNote: 'no limit per host',
  });
  const poolDnsTtlSeconds = reader.read('AIOHTTP_POOL_DNS_TTL', wholeNumber({ min: 0, unit: 'seconds' }), 300);
  return { ...ollama, ...openAi, forwardUserInfoHeaders, tls, poolConnections, poolConnectionsPerHost, poolDnsTtlSeconds };
}
