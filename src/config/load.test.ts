import { describe, expect, it } from 'vitest';
import { loadConfig } from './load';
import type { Config } from './types';

const cwd = '/srv/astra';

/** Every variable of the configuration section of the HTTP contract, plus the few Astra adds. */
const astraVariables = [
  'PORT', 'HOST', 'DATA_DIR', 'WEBUI_NAME', 'ENV', 'WORKERS', 'THREAD_POOL_SIZE', 'GLOBAL_LOG_LEVEL', 'WEBHOOK_LOG_LEVEL',
  'OAUTH_LOG_LEVEL', 'FORWARDED_ALLOW_IPS', 'CORS_ALLOW_ORIGIN', 'METRICS_TOKEN', 'WEBUI_SECRET_KEY', 'ENABLE_SIGNUP',
  'DEFAULT_USER_ROLE', 'JWT_EXPIRES_IN', 'ENABLE_API_KEYS', 'DATABASE_URL', 'DATABASE_POOL_SIZE', 'DATABASE_POOL_MAX_OVERFLOW',
  'DATABASE_POOL_TIMEOUT', 'DATABASE_POOL_RECYCLE', 'REDIS_URL', 'REDIS_KEY_PREFIX', 'OLLAMA_BASE_URLS', 'ENABLE_OLLAMA_API',
  'OPENAI_API_BASE_URLS', 'OPENAI_API_KEYS', 'ENABLE_OPENAI_API', 'ENABLE_FORWARD_USER_INFO_HEADERS',
  'AIOHTTP_CLIENT_SESSION_SSL', 'AIOHTTP_POOL_CONNECTIONS', 'AIOHTTP_POOL_CONNECTIONS_PER_HOST', 'AIOHTTP_POOL_DNS_TTL',
  'AIOHTTP_CLIENT_TIMEOUT', 'AIOHTTP_CLIENT_STREAM_IDLE_TIMEOUT', 'AIOHTTP_CLIENT_TIMEOUT_TOTAL',
  'AIOHTTP_CLIENT_TIMEOUT_MODEL_LIST', 'MODELS_CACHE_TTL', 'ENABLE_MODEL_CACHE', 'BYPASS_MODEL_ACCESS_CONTROL', 'TASK_MODEL',
  'ENABLE_TITLE_GENERATION', 'RAG_TOP_K', 'RAG_RELEVANCE_THRESHOLD', 'ENABLE_RAG_HYBRID_SEARCH', 'RAG_HYBRID_BM25_WEIGHT',
  'CHUNK_SIZE', 'CHUNK_OVERLAP', 'RAG_TEXT_SPLITTER', 'RAG_EMBEDDING_ENGINE', 'RAG_EMBEDDING_MODEL',
  'RAG_EMBEDDING_BATCH_SIZE', 'RAG_RERANKING_ENGINE', 'RAG_EXTERNAL_RERANKER_URL', 'PDF_EXTRACT_IMAGES', 'FILE_MAX_SIZE',
  'DOCLING_SERVER_URL', 'DOCLING_FORCE_OCR', 'ENABLE_WEB_SEARCH', 'WEB_SEARCH_ENGINE', 'SEARXNG_QUERY_URL',
  'WEB_SEARCH_RESULT_COUNT', 'WEB_SEARCH_CONCURRENT_REQUESTS', 'WEB_LOADER_CONCURRENT_REQUESTS', 'WEB_LOADER_TIMEOUT',
  'WEB_SEARCH_TIMEOUT', 'ENABLE_LOCAL_WEB_FETCH', 'AUDIO_STT_ENGINE', 'AUDIO_STT_OPENAI_API_BASE_URL',
  'AUDIO_STT_OPENAI_API_KEY', 'AUDIO_STT_MODEL', 'WHISPER_MODEL', 'WHISPER_VAD_FILTER', 'AUDIO_TTS_ENGINE',
  'AUDIO_TTS_OPENAI_API_BASE_URL', 'AUDIO_TTS_OPENAI_API_KEY', 'AUDIO_TTS_MODEL', 'AUDIO_TTS_VOICE', 'AUDIO_TTS_SPLIT_ON',
];

const defaults: Config = {
  server: {
    port: 8080,
    host: '0.0.0.0',
    dataDir: '/srv/astra/data',
    name: 'Astra',
    env: 'prod',
    workers: 1,
    threadPoolSize: 0,
    logLevel: 'info',
    webhookLogLevel: 'info',
    oauthLogLevel: 'info',
    trustedProxies: ['127.0.0.1', '::1'],
    corsAllowOrigins: [],
  },
  accounts: { secretKey: undefined, enableSignup: true, defaultUserRole: 'pending', sessionTtlSeconds: 2_419_200, enableApiKeys: true },
  storage: {
    databaseUrl: undefined,
    pool: { size: 10, maxOverflow: 10, timeoutSeconds: 30, recycleSeconds: 3600 },
    redisUrl: undefined,
    redisKeyPrefix: 'astra',
  },
  connections: {
    enableOllama: true,
    ollamaBaseUrls: ['http://localhost:11434'],
    enableOpenAi: true,
    openAiBaseUrls: [],
    openAiApiKeys: [],
    forwardUserInfoHeaders: false,
    tls: { verify: true, caFile: undefined },
    poolConnections: 0,
    poolConnectionsPerHost: 0,
    poolDnsTtlSeconds: 300,
  },
  timeouts: { firstTokenSeconds: 300, streamIdleSeconds: 300, totalSeconds: undefined, modelListSeconds: 5 },
  models: { cacheTtlSeconds: 1, enableModelCache: true, bypassAccessControl: false, taskModel: undefined, enableTitleGeneration: true },
  rag: {
    topK: 3,
    relevanceThreshold: 0,
    enableHybridSearch: false,
    hybridBm25Weight: 0.5,
    chunkSize: 1000,
    chunkOverlap: 100,
    textSplitter: 'character',
    embeddingEngine: '',
    embeddingModel: '',
    embeddingBatchSize: 1,
    rerankingEngine: '',
    externalRerankerUrl: undefined,
    pdfExtractImages: false,
    fileMaxSizeMb: undefined,
    doclingServerUrl: undefined,
    doclingForceOcr: false,
  },
  webSearch: {
    enabled: false,
    engine: '',
    searxngQueryUrl: undefined,
    resultCount: 3,
    concurrentRequests: 10,
    loaderConcurrentRequests: 10,
    loaderTimeoutSeconds: 10,
    searchTimeoutSeconds: 20,
    enableLocalWebFetch: false,
  },
  audio: {
    sttEngine: '',
    sttOpenAiBaseUrl: 'https://api.openai.com/v1',
    sttOpenAiApiKey: '',
    sttModel: 'whisper-1',
    whisperModel: 'base',
    whisperVadFilter: false,
    ttsEngine: '',
    ttsOpenAiBaseUrl: 'https://api.openai.com/v1',
    ttsOpenAiApiKey: '',
    ttsModel: 'tts-1',
    ttsVoice: 'alloy',
    ttsSplitOn: 'punctuation',
  },
  metricsToken: undefined,
  telemetryDisabled: true,
};

describe('loadConfig defaults', () => {
  it('gives every setting its default in an empty environment', () => {
    const result = loadConfig({}, { cwd });
    expect(result.problems).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.ignored).toEqual([]);
    expect(result.config).toEqual(defaults);
  });

  it('lists every variable once in the settings, from its default', () => {
    const { settings } = loadConfig({}, { cwd });
    expect(settings.map((setting) => setting.variable).sort()).toEqual([...astraVariables].sort());
    expect(settings.every((setting) => setting.source.kind === 'default')).toBe(true);
  });

  it('treats VAR= as unset for every variable', () => {
    const empty = Object.fromEntries(astraVariables.map((name) => [name, '']));
    const result = loadConfig(empty, { cwd });
    expect(result.problems).toEqual([]);
    expect(result.config).toEqual(defaults);
  });

  it('resolves DATA_DIR against process.cwd() when no cwd is given', () => {
    expect(loadConfig({ DATA_DIR: 'state' }).config?.server.dataDir).toBe(`${process.cwd()}/state`);
  });
});

describe('loadConfig aliases', () => {
  const cases: { primary: string; alias: string; value: string; other: string; read: (config: Config) => unknown; expected: unknown; extra?: Record<string, string> }[] = [
    { primary: 'WORKERS', alias: 'UVICORN_WORKERS', value: '4', other: '2', read: (config) => config.server.workers, expected: 4 },
    { primary: 'DATABASE_POOL_MAX_OVERFLOW', alias: 'DATABASE_MAX_OVERFLOW', value: '5', other: '6', read: (config) => config.storage.pool.maxOverflow, expected: 5 },
    {
      primary: 'ENABLE_WEB_SEARCH', alias: 'ENABLE_RAG_WEB_SEARCH', value: 'true', other: 'false', read: (config) => config.webSearch.enabled, expected: true,
      extra: { WEB_SEARCH_ENGINE: 'searxng', SEARXNG_QUERY_URL: 'http://searxng:8080/search?q=<query>' },
    },
    { primary: 'WEB_SEARCH_ENGINE', alias: 'RAG_WEB_SEARCH_ENGINE', value: 'searxng', other: 'brave', read: (config) => config.webSearch.engine, expected: 'searxng' },
    { primary: 'WEB_SEARCH_RESULT_COUNT', alias: 'RAG_WEB_SEARCH_RESULT_COUNT', value: '7', other: '8', read: (config) => config.webSearch.resultCount, expected: 7 },
    { primary: 'WEB_SEARCH_CONCURRENT_REQUESTS', alias: 'RAG_WEB_SEARCH_CONCURRENT_REQUESTS', value: '4', other: '5', read: (config) => config.webSearch.concurrentRequests, expected: 4 },
    { primary: 'OLLAMA_BASE_URLS', alias: 'OLLAMA_BASE_URL', value: 'http://ollama:11434/', other: 'http://other:11434', read: (config) => config.connections.ollamaBaseUrls, expected: ['http://ollama:11434'] },
    { primary: 'OPENAI_API_BASE_URLS', alias: 'OPENAI_API_BASE_URL', value: 'http://vllm:8000/v1', other: 'http://other:8000/v1', read: (config) => config.connections.openAiBaseUrls, expected: ['http://vllm:8000/v1'] },
    { primary: 'OPENAI_API_KEYS', alias: 'OPENAI_API_KEY', value: 'sk-test-0123456789', other: 'sk-test-9876543210', read: (config) => config.connections.openAiApiKeys, expected: ['sk-test-0123456789'] },
    { primary: 'ENABLE_API_KEYS', alias: 'ENABLE_API_KEY', value: 'false', other: 'true', read: (config) => config.accounts.enableApiKeys, expected: false },
    { primary: 'ENABLE_MODEL_CACHE', alias: 'ENABLE_BASE_MODELS_CACHE', value: 'false', other: 'true', read: (config) => config.models.enableModelCache, expected: false },
    { primary: 'WEBUI_SECRET_KEY', alias: 'WEBUI_JWT_SECRET_KEY', value: 'a-long-random-secret', other: 'another-long-secret', read: (config) => config.accounts.secretKey, expected: 'a-long-random-secret' },
    { primary: 'AIOHTTP_CLIENT_TIMEOUT_MODEL_LIST', alias: 'AIOHTTP_CLIENT_TIMEOUT_OPENAI_MODEL_LIST', value: '3', other: '4', read: (config) => config.timeouts.modelListSeconds, expected: 3 },
    { primary: 'RAG_EMBEDDING_BATCH_SIZE', alias: 'RAG_EMBEDDING_OPENAI_BATCH_SIZE', value: '16', other: '8', read: (config) => config.rag.embeddingBatchSize, expected: 16 },
    { primary: 'FILE_MAX_SIZE', alias: 'RAG_FILE_MAX_SIZE', value: '25', other: '50', read: (config) => config.rag.fileMaxSizeMb, expected: 25 },
    { primary: 'ENABLE_LOCAL_WEB_FETCH', alias: 'ENABLE_RAG_LOCAL_WEB_FETCH', value: 'true', other: 'false', read: (config) => config.webSearch.enableLocalWebFetch, expected: true },
  ];

  it.each(cases)('reads $alias as $primary', ({ primary, alias, value, read, expected, extra }) => {
    const result = loadConfig({ ...extra, [alias]: value }, { cwd });
    expect(result.problems).toEqual([]);
    expect(result.config && read(result.config)).toEqual(expected);
    expect(result.settings.find((setting) => setting.variable === primary)?.source).toEqual({ kind: 'alias', name: alias });
    expect(result.ignored).not.toContain(alias);
  });

  it.each(cases)('reads $primary itself', ({ primary, value, read, expected, extra }) => {
    const result = loadConfig({ ...extra, [primary]: value }, { cwd });
    expect(result.config && read(result.config)).toEqual(expected);
    expect(result.settings.find((setting) => setting.variable === primary)?.source).toEqual({ kind: 'set' });
  });

  it.each(cases)('accepts $primary and $alias set alike', ({ primary, alias, value, extra }) => {
    expect(loadConfig({ ...extra, [primary]: value, [alias]: value }, { cwd }).problems).toEqual([]);
  });

  it.each(cases)('reports $primary and $alias set differently, naming both', ({ primary, alias, value, other, extra }) => {
    const result = loadConfig({ ...extra, [primary]: value, [alias]: other }, { cwd });
    expect(result.config).toBeUndefined();
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]?.message).toMatch(new RegExp(`^${primary}=.* and ${alias}=.* disagree; expected only one of them`));
  });
});

describe('loadConfig problems', () => {
  it('reports every problem at once, one line each', () => {
    const result = loadConfig(
      {
        PORT: 'abc',
        WORKERS: '0',
        DEFAULT_USER_ROLE: 'boss',
        ENABLE_SIGNUP: 'maybe',
        JWT_EXPIRES_IN: 'forever',
        OLLAMA_BASE_URL: 'ftp://ollama:11434',
        AIOHTTP_CLIENT_SESSION_SSL: '/nonexistent/ca.pem',
        AIOHTTP_CLIENT_TIMEOUT: '0',
        CHUNK_SIZE: '800',
        CHUNK_OVERLAP: '900',
      },
      { cwd },
    );
    expect(result.config).toBeUndefined();
    expect(result.problems.map((problem) => problem.message)).toEqual([
      'PORT=abc is not a whole number; expected 1–65535',
      'WORKERS=0 is out of range; expected 1–1024',
      'ENABLE_SIGNUP=maybe is not a boolean; expected true or false (also 1/0, yes/no, on/off)',
      'DEFAULT_USER_ROLE=boss is not accepted; expected one of pending, user, admin',
      'JWT_EXPIRES_IN=forever is not a duration; expected -1 (never expire) or a duration such as 30m, 12h, 7d, 4w or 1h30m (units ms, s, m, h, d, w)',
      'OLLAMA_BASE_URL=ftp://ollama:11434 is not an http(s) URL; expected something like http://host:port',
      'AIOHTTP_CLIENT_SESSION_SSL=/nonexistent/ca.pem is neither true/false nor an existing file; expected true, false or the path of a CA certificate file (PEM)',
      'AIOHTTP_CLIENT_TIMEOUT=0 is out of range; expected a number of seconds greater than 0',
      'CHUNK_OVERLAP=900 must be smaller than CHUNK_SIZE=800',
    ]);
    expect(result.problems.every((problem) => !problem.message.includes('\n'))).toBe(true);
    expect(result.problems[0]).toEqual({ variable: 'PORT', value: 'abc', message: 'PORT=abc is not a whole number; expected 1–65535' });
  });

  it('still lists the variables that were fine', () => {
    const result = loadConfig({ PORT: 'abc', HOST: '127.0.0.1' }, { cwd });
    expect(result.settings.find((setting) => setting.variable === 'HOST')).toMatchObject({ value: '127.0.0.1', source: { kind: 'set' } });
    expect(result.settings.find((setting) => setting.variable === 'PORT')).toBeUndefined();
  });
});

describe('loadConfig with an Open WebUI deployment', () => {
  /** What `docker inspect` shows for a typical ghcr.io/open-webui/open-webui container, trimmed. */
  const openWebUiDockerEnvironment = {
    PATH: '/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin',
    LANG: 'C.UTF-8',
    GPG_KEY: 'A035C8C19219BA821ECEA86B64E628F8D684696D',
    PYTHON_VERSION: '3.11.13',
    ENV: 'prod',
    PORT: '8080',
    USE_OLLAMA_DOCKER: 'false',
    USE_CUDA_DOCKER: 'false',
    USE_CUDA_DOCKER_VER: 'cu128',
    USE_EMBEDDING_MODEL_DOCKER: 'sentence-transformers/all-MiniLM-L6-v2',
    USE_RERANKING_MODEL_DOCKER: '',
    OLLAMA_BASE_URL: 'http://host.docker.internal:11434',
    OPENAI_API_BASE_URL: '',
    OPENAI_API_KEY: '',
    WEBUI_SECRET_KEY: '',
    SCARF_NO_ANALYTICS: 'true',
    DO_NOT_TRACK: 'true',
    ANONYMIZED_TELEMETRY: 'false',
    WHISPER_MODEL: 'base',
    WHISPER_MODEL_DIR: '/app/backend/data/cache/whisper/models',
    RAG_EMBEDDING_MODEL: 'sentence-transformers/all-MiniLM-L6-v2',
    RAG_RERANKING_MODEL: '',
    SENTENCE_TRANSFORMERS_HOME: '/app/backend/data/cache/embedding/models',
    TIKTOKEN_ENCODING_NAME: 'cl100k_base',
    TIKTOKEN_CACHE_DIR: '/app/backend/data/cache/tiktoken',
    HF_HOME: '/app/backend/data/cache/embedding/models',
    HOME: '/root',
    WEBUI_BUILD_VERSION: '1a2b3c4d',
    DOCKER: 'true',
    DATA_DIR: '/app/backend/data',
    WEBUI_NAME: 'Team Chat',
    WEBUI_URL: 'https://chat.example.com',
    ENABLE_SIGNUP: 'False',
    DEFAULT_USER_ROLE: 'user',
    ENABLE_COMMUNITY_SHARING: 'False',
    ENABLE_OAUTH_SIGNUP: 'true',
    OAUTH_CLIENT_ID: 'open-webui',
    OAUTH_CLIENT_SECRET: 'oauth-client-secret-value',
    OPENID_PROVIDER_URL: 'https://sso.example.com/.well-known/openid-configuration',
    VECTOR_DB: 'chroma',
    ENABLE_RAG_WEB_SEARCH: 'False',
    RAG_WEB_SEARCH_ENGINE: 'duckduckgo',
    GLOBAL_LOG_LEVEL: 'INFO',
    WEBUI_AUTH: 'True',
    UVICORN_WORKERS: '2',
    UVICORN_TIMEOUT: '600',
    NODE_ENV: 'production',
    TEST_DATABASE_URL: 'postgres://test@localhost/test',
    npm_config_cache: '/root/.npm',
  };

  it('starts without a problem and lists the unused Open WebUI variables once, sorted', () => {
    const result = loadConfig(openWebUiDockerEnvironment, { cwd });
    expect(result.problems).toEqual([]);
    expect(result.ignored).toEqual([
      'DOCKER',
      'ENABLE_COMMUNITY_SHARING',
      'ENABLE_OAUTH_SIGNUP',
      'HF_HOME',
      'OAUTH_CLIENT_ID',
      'OAUTH_CLIENT_SECRET',
      'OPENID_PROVIDER_URL',
      'SENTENCE_TRANSFORMERS_HOME',
      'TIKTOKEN_CACHE_DIR',
      'TIKTOKEN_ENCODING_NAME',
      'USE_CUDA_DOCKER',
      'USE_CUDA_DOCKER_VER',
      'USE_EMBEDDING_MODEL_DOCKER',
      'USE_OLLAMA_DOCKER',
      'UVICORN_TIMEOUT',
      'VECTOR_DB',
      'WEBUI_AUTH',
      'WEBUI_BUILD_VERSION',
      'WEBUI_URL',
      'WHISPER_MODEL_DIR',
    ]);
  });

  it('reads what Astra shares with Open WebUI', () => {
    const config = loadConfig(openWebUiDockerEnvironment, { cwd }).config;
    expect(config?.server).toMatchObject({ name: 'Team Chat', dataDir: '/app/backend/data', workers: 2, env: 'prod', logLevel: 'info' });
    expect(config?.accounts).toMatchObject({ enableSignup: false, defaultUserRole: 'user', secretKey: undefined });
    expect(config?.connections.ollamaBaseUrls).toEqual(['http://host.docker.internal:11434']);
    expect(config?.connections.openAiBaseUrls).toEqual([]);
  });

  it('explains what it will not do', () => {
    const { warnings } = loadConfig(openWebUiDockerEnvironment, { cwd });
    expect(warnings).toContain(
      'RAG_WEB_SEARCH_ENGINE=duckduckgo is not an engine Astra has (expected one of searxng); web search is off, so it changes nothing',
    );
    expect(warnings.some((warning) => warning.startsWith('UVICORN_TIMEOUT is ignored'))).toBe(true);
  });

  it('lists the telemetry switches as accepted, with no effect', () => {
    const { settings } = loadConfig(openWebUiDockerEnvironment, { cwd });
    expect(settings.find((setting) => setting.variable === 'DO_NOT_TRACK')).toMatchObject({
      value: 'true',
      note: 'no effect: Astra sends no telemetry',
    });
  });

  it('treats the image placeholder OLLAMA_BASE_URL=/ollama as unset, with a warning', () => {
    const result = loadConfig({ OLLAMA_BASE_URL: '/ollama', OLLAMA_BASE_URLS: 'http://a:11434;http://b:11434' }, { cwd });
    expect(result.problems).toEqual([]);
    expect(result.config?.connections.ollamaBaseUrls).toEqual(['http://a:11434', 'http://b:11434']);
    expect(result.warnings[0]).toMatch(/^OLLAMA_BASE_URL=\/ollama is Open WebUI's image placeholder/);
  });
});
