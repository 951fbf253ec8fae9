/**
 * The effective configuration, after parsing and validating the environment. Every field comes
 * from an Open WebUI-compatible variable (named in the comment) or its default.
 */
import type { LevelWithSilent } from 'pino';

export type UserRole = 'admin' | 'user' | 'pending';

export interface ServerConfig {
  port: number; // PORT (8080)
  host: string; // HOST (0.0.0.0)
  dataDir: string; // DATA_DIR (./data), absolute after parsing
  name: string; // WEBUI_NAME (Astra)
  env: 'dev' | 'prod'; // ENV (prod; Open WebUI's image sets prod too)
  workers: number; // WORKERS, alias UVICORN_WORKERS (1)
  threadPoolSize: number; // THREAD_POOL_SIZE (0 = one fewer than the cores, at least 1)
  logLevel: LevelWithSilent; // GLOBAL_LOG_LEVEL (INFO), Python level names mapped to pino's
  webhookLogLevel: LevelWithSilent; // WEBHOOK_LOG_LEVEL (= GLOBAL_LOG_LEVEL)
  oauthLogLevel: LevelWithSilent; // OAUTH_LOG_LEVEL (= GLOBAL_LOG_LEVEL)
  /** Proxies whose X-Forwarded-* headers are believed: FORWARDED_ALLOW_IPS (127.0.0.1,::1). */
  trustedProxies: string[];
  /** CORS_ALLOW_ORIGIN (''): origins, besides the server's own, allowed to make cookie requests. */
  corsAllowOrigins: string[];
}

export interface AccountsConfig {
  /**
   * WEBUI_SECRET_KEY (or Open WebUI's older WEBUI_JWT_SECRET_KEY); when unset, generated once and
   * kept in DATA_DIR — see `resolveSecretKey`.
   */
  secretKey: string | undefined;
  enableSignup: boolean; // ENABLE_SIGNUP (true)
  defaultUserRole: UserRole; // DEFAULT_USER_ROLE (pending)
  /** JWT_EXPIRES_IN (4w) in seconds; null when "-1" or "0" (sessions never expire). */
  sessionTtlSeconds: number | null;
  enableApiKeys: boolean; // ENABLE_API_KEYS (true) — also ENABLE_API_KEY, Open WebUI's older name
}

export interface DatabasePoolConfig {
  size: number; // DATABASE_POOL_SIZE (10)
  maxOverflow: number; // DATABASE_POOL_MAX_OVERFLOW, alias DATABASE_MAX_OVERFLOW (10)
  timeoutSeconds: number; // DATABASE_POOL_TIMEOUT (30)
  recycleSeconds: number; // DATABASE_POOL_RECYCLE (3600; -1 = never)
}

export interface StorageConfig {
  /** DATABASE_URL: undefined = SQLite at DATA_DIR/astra.db; `sqlite:///path` or `postgres://…`. */
  databaseUrl: string | undefined;
  pool: DatabasePoolConfig;
  redisUrl: string | undefined; // REDIS_URL
  redisKeyPrefix: string; // REDIS_KEY_PREFIX (astra)
}

export interface ConnectionEnvConfig {
  enableOllama: boolean; // ENABLE_OLLAMA_API (true)
  /** OLLAMA_BASE_URLS (;-separated) or OLLAMA_BASE_URL (http://localhost:11434); no trailing slash. */
  ollamaBaseUrls: string[];
  enableOpenAi: boolean; // ENABLE_OPENAI_API (true)
  /**
   * OPENAI_API_BASE_URLS or OPENAI_API_BASE_URL (;-separated). When neither is set: one connection to
   * https://api.openai.com/v1 if an OpenAI key is given, else none (a keyless connection to OpenAI
   * could only fail).
   */
  openAiBaseUrls: string[];
  /** OPENAI_API_KEYS or OPENAI_API_KEY, one per URL by position ('' where the URL needs none). */
  openAiApiKeys: string[];
  forwardUserInfoHeaders: boolean; // ENABLE_FORWARD_USER_INFO_HEADERS (false)
  /** AIOHTTP_CLIENT_SESSION_SSL: true/false, or a CA bundle path. */
  tls: { verify: boolean; caFile: string | undefined };
  poolConnections: number; // AIOHTTP_POOL_CONNECTIONS (0 = no limit, the default)
  poolConnectionsPerHost: number; // AIOHTTP_POOL_CONNECTIONS_PER_HOST (0 = no limit)
  poolDnsTtlSeconds: number; // AIOHTTP_POOL_DNS_TTL (300)
}

export interface TimeoutConfig {
  firstTokenSeconds: number; // AIOHTTP_CLIENT_TIMEOUT (300)
  streamIdleSeconds: number; // AIOHTTP_CLIENT_STREAM_IDLE_TIMEOUT (= firstTokenSeconds)
  totalSeconds: number | undefined; // AIOHTTP_CLIENT_TIMEOUT_TOTAL
  modelListSeconds: number; // AIOHTTP_CLIENT_TIMEOUT_MODEL_LIST, alias AIOHTTP_CLIENT_TIMEOUT_OPENAI_MODEL_LIST (5)
}

export interface ModelsConfig {
  cacheTtlSeconds: number; // MODELS_CACHE_TTL (1; 0 = refetch on every request)
  enableModelCache: boolean; // ENABLE_MODEL_CACHE, alias ENABLE_BASE_MODELS_CACHE (true)
  bypassAccessControl: boolean; // BYPASS_MODEL_ACCESS_CONTROL (false)
  taskModel: string | undefined; // TASK_MODEL
  enableTitleGeneration: boolean; // ENABLE_TITLE_GENERATION (true)
}

export interface RagConfig {
  topK: number; // RAG_TOP_K (3)
  relevanceThreshold: number; // RAG_RELEVANCE_THRESHOLD (0)
  enableHybridSearch: boolean; // ENABLE_RAG_HYBRID_SEARCH (false)
  hybridBm25Weight: number; // RAG_HYBRID_BM25_WEIGHT (0.5)
  chunkSize: number; // CHUNK_SIZE (1000)
  chunkOverlap: number; // CHUNK_OVERLAP (100)
  textSplitter: 'character' | 'token'; // RAG_TEXT_SPLITTER (character)
  embeddingEngine: 'ollama' | 'openai' | ''; // RAG_EMBEDDING_ENGINE ('' = none configured)
  embeddingModel: string; // RAG_EMBEDDING_MODEL ('')
  embeddingBatchSize: number; // RAG_EMBEDDING_BATCH_SIZE, alias RAG_EMBEDDING_OPENAI_BATCH_SIZE (1)
  rerankingEngine: '' | 'external'; // RAG_RERANKING_ENGINE ('' = no reranking)
  externalRerankerUrl: string | undefined; // RAG_EXTERNAL_RERANKER_URL
  pdfExtractImages: boolean; // PDF_EXTRACT_IMAGES (false)
  fileMaxSizeMb: number | undefined; // FILE_MAX_SIZE, alias RAG_FILE_MAX_SIZE (no limit)
  doclingServerUrl: string | undefined; // DOCLING_SERVER_URL
  doclingForceOcr: boolean; // DOCLING_FORCE_OCR (false)
}

export interface WebSearchConfig {
  enabled: boolean; // ENABLE_WEB_SEARCH, alias ENABLE_RAG_WEB_SEARCH (false)
  /** WEB_SEARCH_ENGINE, alias RAG_WEB_SEARCH_ENGINE: one of `webSearchEngines` when enabled, else ''. */
  engine: string;
  searxngQueryUrl: string | undefined; // SEARXNG_QUERY_URL
  resultCount: number; // WEB_SEARCH_RESULT_COUNT, alias RAG_WEB_SEARCH_RESULT_COUNT (3)
  concurrentRequests: number; // WEB_SEARCH_CONCURRENT_REQUESTS, alias RAG_… (10)
  loaderConcurrentRequests: number; // WEB_LOADER_CONCURRENT_REQUESTS (10)
  loaderTimeoutSeconds: number; // WEB_LOADER_TIMEOUT (10)
  searchTimeoutSeconds: number; // WEB_SEARCH_TIMEOUT (20; budget for the whole search phase)
  enableLocalWebFetch: boolean; // ENABLE_LOCAL_WEB_FETCH, alias ENABLE_RAG_LOCAL_WEB_FETCH (false)
}

export interface AudioConfig {
  sttEngine: '' | 'openai'; // AUDIO_STT_ENGINE ('' = in the browser)
  sttOpenAiBaseUrl: string; // AUDIO_STT_OPENAI_API_BASE_URL (https://api.openai.com/v1)
  /** AUDIO_STT_OPENAI_API_KEY (the OPENAI_API_KEYS entry for https://api.openai.com/v1, else ''). */
  sttOpenAiApiKey: string;
  /** AUDIO_STT_MODEL (whisper-1): the model asked of the OpenAI-compatible speech-to-text server. */
  sttModel: string;
  whisperModel: string; // WHISPER_MODEL (base): Open WebUI's local Whisper model name
  whisperVadFilter: boolean; // WHISPER_VAD_FILTER (false)
  ttsEngine: '' | 'openai'; // AUDIO_TTS_ENGINE ('' = in the browser)
  ttsOpenAiBaseUrl: string; // AUDIO_TTS_OPENAI_API_BASE_URL (https://api.openai.com/v1)
  ttsOpenAiApiKey: string; // AUDIO_TTS_OPENAI_API_KEY (as for speech-to-text)
  ttsModel: string; // AUDIO_TTS_MODEL (tts-1)
  ttsVoice: string; // AUDIO_TTS_VOICE (alloy)
  ttsSplitOn: 'punctuation' | 'paragraphs' | 'none'; // AUDIO_TTS_SPLIT_ON (punctuation)
}

export interface Config {
  server: ServerConfig;
  accounts: AccountsConfig;
  storage: StorageConfig;
  connections: ConnectionEnvConfig;
  timeouts: TimeoutConfig;
  models: ModelsConfig;
  rag: RagConfig;
  webSearch: WebSearchConfig;
  audio: AudioConfig;
  /** METRICS_TOKEN: bearer token for /metrics besides an admin session. */
  metricsToken: string | undefined;
  telemetryDisabled: true; // Astra sends no telemetry, whatever SCARF_NO_ANALYTICS etc. say
}

/** One thing wrong with the environment: the variable, the value seen, and what is accepted. */
export interface ConfigProblem {
  variable: string;
  /** The value as seen, masked when it is a secret. */
  value: string;
  /** One line naming the variable, the value and what is accepted. */
  message: string;
}

/** The heading a variable is listed under in the configuration summary. */
export type ConfigGroup =
  | 'Server'
  | 'Accounts'
  | 'Storage'
  | 'Connections'
  | 'Timeouts'
  | 'Models'
  | 'RAG'
  | 'Web search'
  | 'Audio';

/**
 * Where a setting's value came from: its own variable, the default, another name for it, or
 * several variables put together (Open WebUI's DATABASE_TYPE, DATABASE_HOST, … for DATABASE_URL).
 */
export type SettingSource =
  | { kind: 'set' }
  | { kind: 'default' }
  | { kind: 'alias'; name: string }
  | { kind: 'composed'; names: string[] };

/** One variable of the effective configuration, as the summary shows it. */
export interface ConfigSetting {
  group: ConfigGroup;
  variable: string;
  /** The effective value as text; secrets are already masked (`sk-****`). */
  value: string;
  source: SettingSource;
  /** What the value means when that is not obvious ("in the browser", "= AIOHTTP_CLIENT_TIMEOUT"). */
  note?: string;
}

/** What `loadConfig` found: the configuration when there is no problem, and everything worth telling. */
export interface ConfigResult {
  /** Present only when there are no problems. */
  config: Config | undefined;
  problems: ConfigProblem[];
  /** Open WebUI variables present in the environment that Astra has no use for, sorted. */
  ignored: string[];
  /** Notes worth a line at start-up (an alias used, a risky but accepted value). */
  warnings: string[];
  /** Every variable Astra read that parsed, in summary order (secrets masked). */
  settings: ConfigSetting[];
}
