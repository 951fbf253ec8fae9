/**
 * Gateway tests: model-server stand-ins, a real Astra app listening on a port with them as its
 * connections, an admin, an approved user and a pending one, and small HTTP helpers that record
 * when each chunk of a streamed answer arrived.
 */
import { createServer } from 'node:net';
import { Agent, request, type Dispatcher } from 'undici';
import { startModelServer, type ModelServer, type ModelServerOptions } from './model-server';
import { createTestApp, type SignedInBody, type TestApp, type TestAppOptions } from './test-app';

/** The key the OpenAI-compatible stand-ins require, so tests see that Astra sends each connection's key. */
export const upstreamApiKey = 'sk-upstream-test-key-0123456789';

export interface GatewayOptions {
  kind?: TestAppOptions['kind'];
  /** Extra Astra environment (timeouts, switches); connection URLs are set from the stand-ins. */
  env?: Record<string, string>;
  /** How many Ollama stand-ins to start, each an Ollama connection (default 1). */
  ollamaServers?: number;
  /** How many OpenAI-compatible stand-ins to start, each an OpenAI connection (default 1). */
  openaiServers?: number;
  /** Options for every stand-in. */
  serverOptions?: ModelServerOptions;
  /** More base URLs after the stand-ins' (a closed port, a black hole). */
  extraOllamaUrls?: string[];
  extraOpenAiUrls?: string[];
  logLines?: TestAppOptions['logLines'];
  tuning?: TestAppOptions['tuning'];
}

export interface Account {
  id: string;
  token: string;
  role: string;
  name: string;
  email: string;
}

export interface GatewayUnderTest {
  astra: TestApp;
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  ollamaServers: ModelServer[];
  openaiServers: ModelServer[];
  /** The first of each (undefined when none was started; tests that start one use `!`). */
  ollama: ModelServer;
  openai: ModelServer;
  admin: SignedInBody;
  user: Account;
  pending: Account;
  /** An HTTP client of its own, for `send`. */
  dispatcher: Dispatcher;
  /** A fresh account with the given role. */
  addAccount(role: 'user' | 'pending' | 'admin'): Promise<Account>;
  close(): Promise<void>;
}

let accountCounter = 0;

export async function startGateway(options: GatewayOptions = {}): Promise<GatewayUnderTest> {
  const ollamaServers = await Promise.all(Array.from({ length: options.ollamaServers ?? 1 }, () => startModelServer(options.serverOptions)));
  const openaiServers = await Promise.all(
    Array.from({ length: options.openaiServers ?? 1 }, () => startModelServer({ apiKey: upstreamApiKey, ...options.serverOptions })),
  );
  const ollamaUrls = [...ollamaServers.map((server) => server.ollamaBaseUrl), ...(options.extraOllamaUrls ?? [])];
  const openaiUrls = [...openaiServers.map((server) => server.openaiBaseUrl), ...(options.extraOpenAiUrls ?? [])];
  const astra = await createTestApp({
    kind: options.kind ?? 'sqlite',
    logLines: options.logLines,
    tuning: options.tuning,
    env: {
      ENABLE_OLLAMA_API: String(ollamaUrls.length > 0),
      OLLAMA_BASE_URLS: ollamaUrls.join(';'),
      ENABLE_OPENAI_API: String(openaiUrls.length > 0),
      OPENAI_API_BASE_URLS: openaiUrls.join(';'),
      OPENAI_API_KEYS: openaiUrls.map(() => upstreamApiKey).join(';'),
      ...options.env,
    },
  });
  const address = await astra.app.listen({ port: 0, host: '127.0.0.1' });
  const dispatcher = new Agent({ keepAliveTimeout: 1000 });
  const admin = await astra.signUp({ name: 'Ada Admin' });

  const addAccount = async (role: 'user' | 'pending' | 'admin'): Promise<Account> => {
    accountCounter += 1;
    const email = `${role}${accountCounter}-${Date.now()}@example.com`;
    const password = 'correct horse battery';
    const added = await astra.call('POST', '/api/v1/auths/add', admin.token, { name: `Zoë ${role} ${accountCounter}`, email, password, role });
    if (added.statusCode !== 200) throw new Error(`adding a ${role} failed: ${added.statusCode} ${added.body}`);
    const signedIn = await astra.signIn(email, password);
    if (signedIn.statusCode !== 200) throw new Error(`signing in as the ${role} failed: ${signedIn.statusCode} ${signedIn.body}`);
    const body = signedIn.json<SignedInBody>();
    return { id: body.id, token: body.token, role: body.role, name: body.name, email: body.email };
  };
  const [user, pending] = [await addAccount('user'), await addAccount('pending')];

  return {
    astra,
    url: address,
    ollamaServers,
    openaiServers,
    ollama: ollamaServers[0]!,
    openai: openaiServers[0]!,
    admin,
    user,
    pending,
    dispatcher,
    addAccount,
    async close() {
      // Client connections first (a stream a test left open must not hold the close up), then the
      // stand-ins (so no upstream request waits), then Astra itself.
      astra.app.server.closeAllConnections();
      await Promise.all([...ollamaServers, ...openaiServers].map((server) => server.close()));
      await dispatcher.close();
      await astra.close();
    },
  };
}

export interface SentResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** Milliseconds from sending to the response head. */
  headersAfterMs: number;
  /** Milliseconds from sending to the end of the body (or its failure). */
  elapsedMs: number;
  /** Each body chunk as it arrived, with milliseconds since sending. */
  chunks: Array<{ atMs: number; text: string }>;
  /** Why reading the body failed, if it did. */
  bodyError: unknown;
}

/** Sends a request to Astra (POST with a JSON body, GET without) and reads the whole answer, timing each chunk. */
export async function send(
  gateway: Pick<GatewayUnderTest, 'url' | 'dispatcher'>,
  path: string,
  options: { token?: string; body?: unknown; method?: 'GET' | 'POST'; headers?: Record<string, string>; signal?: AbortSignal } = {},
): Promise<SentResponse> {
  const started = performance.now();
  const response = await request(`${gateway.url}${path}`, {
    method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
    headers: {
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }),
      ...options.headers,
    },
    body: options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
    dispatcher: gateway.dispatcher,
    signal: options.signal,
  });
  const headersAfterMs = performance.now() - started;
  const chunks: SentResponse['chunks'] = [];
  let bodyError: unknown;
  try {
    for await (const chunk of response.body) chunks.push({ atMs: performance.now() - started, text: Buffer.from(chunk as Uint8Array).toString('utf8') });
  } catch (error) {
    bodyError = error;
  }
  return {
    status: response.statusCode,
    headers: response.headers,
    text: chunks.map((chunk) => chunk.text).join(''),
    headersAfterMs,
    elapsedMs: performance.now() - started,
    chunks,
    bodyError,
  };
}

/** The JSON body of an answer (throws with the text when it is not JSON). */
export function jsonOf<T = Record<string, unknown>>(response: Pick<SentResponse, 'text' | 'status'>): T {
  try {
    return JSON.parse(response.text) as T;
  } catch {
    throw new Error(`expected JSON, got HTTP ${response.status}: ${response.text}`);
  }
}

/** The `data:` payloads of an SSE text, in order (comments such as `: ping` left out). */
export function sseData(text: string): string[] {
  return text
    .split('\n\n')
    .filter((event) => event.trim() !== '')
    .flatMap((event) => event.split('\n').filter((line) => line.startsWith('data: ')).map((line) => line.slice('data: '.length)));
}

/** The text of the `content` deltas of an OpenAI-style SSE stream. */
export function sseContent(text: string): string {
  let content = '';
  for (const data of sseData(text)) {
    if (data === '[DONE]') continue;
    const chunk = JSON.parse(data) as { choices?: Array<{ delta?: { content?: string | null } }> };
    content += chunk.choices?.[0]?.delta?.content ?? '';
  }
  return content;
}

/** The `error` payloads of an OpenAI-style SSE stream. */
export function sseErrors(text: string): Array<{ message: string; type: string; code: string }> {
  return sseData(text)
    .filter((data) => data !== '[DONE]')
    .map((data) => JSON.parse(data) as { error?: { message: string; type: string; code: string } })
    .flatMap((payload) => (payload.error === undefined ? [] : [payload.error]));
}

/** The lines of an NDJSON text, parsed. */
export function ndjsonLines(text: string): Array<Record<string, unknown>> {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** Resolves with the first non-undefined, non-false value of `probe`, checked every few milliseconds; rejects after `timeoutMs`. */
export async function waitFor<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs: number, what: string): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A local port nothing listens on (bound, then released): connecting to it is refused. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** The chat requests (OpenAI's or Ollama's) a stand-in received. */
export function chatRequests(server: ModelServer): number {
  return server.requests.filter((entry) => entry.path === '/v1/chat/completions' || entry.path === '/api/chat').length;
}

/** A user message. */
export const hello = [{ role: 'user', content: 'Say hello' }];
