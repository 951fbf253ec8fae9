/**
 * For tests: an Astra with model-server stand-ins on each storage set-up (SQLite always; PostgreSQL
 * and Redis when TEST_DATABASE_URL / TEST_REDIS_URL are set), a second Astra sharing its storage as
 * another process would, and helpers to start a chat turn and read its stream.
 */
import { cleanupRedisPrefix, postgresUrl, redisUrl, testRedisPrefix } from '../../../test/support/backends';
import { startGateway, upstreamApiKey, type GatewayOptions, type GatewayUnderTest } from '../../../test/support/gateway';
import { createTestApp, type TestApp } from '../../../test/support/test-app';
import { openStream, type OpenedStream } from './sse-test-reader';

export interface StorageVariant {
  name: string;
  kind: 'sqlite' | 'postgres';
  redis: boolean;
}

/** SQLite alone always; PostgreSQL alone, and with Redis, when configured. */
export const storageVariants: StorageVariant[] = [
  { name: 'sqlite', kind: 'sqlite', redis: false },
  ...(postgresUrl ? [{ name: 'postgres', kind: 'postgres' as const, redis: false }] : []),
  ...(redisUrl ? [{ name: postgresUrl ? 'postgres+redis' : 'sqlite+redis', kind: postgresUrl ? ('postgres' as const) : ('sqlite' as const), redis: true }] : []),
];

export const ollamaModel = 'llama3.2:latest';
export const openAiModel = 'gpt-4o-mini';

export interface GenerationKit {
  gateway: GatewayUnderTest;
  /** Another Astra on the same database (and Redis), listening on its own port. */
  secondProcess(): Promise<{ astra: TestApp; url: string }>;
  close(): Promise<void>;
}

export async function startGenerationKit(variant: StorageVariant, options: GatewayOptions = {}): Promise<GenerationKit> {
  const prefix = testRedisPrefix();
  const redisEnv: Record<string, string> = variant.redis ? { REDIS_URL: redisUrl!, REDIS_KEY_PREFIX: prefix } : {};
  const gateway = await startGateway({ ...options, kind: variant.kind, env: { MODELS_CACHE_TTL: '3600', ...redisEnv, ...options.env } });
  const seconds: TestApp[] = [];
  return {
    gateway,
    async secondProcess() {
      const env: Record<string, string> = {
        MODELS_CACHE_TTL: '3600',
        ENABLE_OLLAMA_API: 'true',
        OLLAMA_BASE_URLS: gateway.ollamaServers.map((server) => server.ollamaBaseUrl).join(';'),
        ENABLE_OPENAI_API: 'true',
        OPENAI_API_BASE_URLS: gateway.openaiServers.map((server) => server.openaiBaseUrl).join(';'),
        OPENAI_API_KEYS: gateway.openaiServers.map(() => upstreamApiKey).join(';'),
        ...redisEnv,
        ...options.env,
      };
      const astra = await createTestApp({ kind: variant.kind, shareWith: gateway.astra, env });
      seconds.push(astra);
      const url = await astra.app.listen({ port: 0, host: '127.0.0.1' });
      return { astra, url };
    },
    async close() {
      for (const astra of seconds) {
        astra.app.server.closeAllConnections();
        await astra.close();
      }
      await gateway.close();
      if (variant.redis) await cleanupRedisPrefix(redisUrl!, prefix);
    },
  };
}

/** The head event of a generation: which chat, which user message, which answer. */
export interface TurnHead {
  chat_id: string;
  user_message_id: string;
  message_id: string;
}

/** Starts a chat turn with `stream: true` and waits for its head event. */
export async function startTurn(
  target: { url: string },
  token: string,
  body: Record<string, unknown> & { model: string },
): Promise<{ stream: OpenedStream; head: TurnHead }> {
  const stream = await openStream(target, '/api/chat/completions', {
    token,
    body: { chat_id: crypto.randomUUID(), messages: [{ role: 'user', content: 'Say hello' }], stream: true, ...body },
  });
  if (stream.status !== 200) {
    await stream.finished;
    throw new Error(`the turn was refused: ${stream.status} ${stream.text()}`);
  }
  await stream.until((events) => events.length > 0);
  return { stream, head: JSON.parse(stream.events[0]!.data) as TurnHead };
}

/** Re-attaches to a chat's generation. */
export function reattach(target: { url: string }, token: string, chatId: string, lastEventId?: number): Promise<OpenedStream> {
  return openStream(target, `/api/v1/chats/${chatId}/stream`, {
    token,
    headers: lastEventId === undefined ? {} : { 'last-event-id': String(lastEventId) },
  });
}
