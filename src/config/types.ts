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
  env: 'dev' | 'prod'; // ENV
  workers: number; // WORKERS, alias UVICORN_WORKERS (1)
  threadPoolSize: number; // THREAD_POOL_SIZE (0 = one fewer than the cores, at least 1)
  logLevel: LevelWithSilent; // GLOBAL_LOG_LEVEL (INFO), Python level names mapped to pino's
  webhookLogLevel: LevelWithSilent; // WEBHOOK_LOG_LEVEL
  oauthLogLevel: LevelWithSilent; // OAUTH_LOG_LEVEL
  /** Proxies whose X-Forwarded-* headers are believed: FORWARDED_ALLOW_IPS (127.0.0.1,::1). */
  trustedProxies: string[];
  /** CORS_ALLOW_ORIGIN (''): origins, besides the server's own, allowed to make cookie requests. */
  corsAllowOrigins: string[];
}

export interface AccountsConfig {
  /** WEBUI_SECRET_KEY; when unset, generated once and kept in DATA_DIR (resolved at start-up). */
  secretKey: string | undefined;
  enableSignup: boolean; // ENABLE_SIGNUP (true)
  defaultUserRole: UserRole; // DEFAULT_USER_ROLE (pending)
  /** JWT_EXPIRES_IN (4w) in seconds; null when "-1" (sessions never expire). */
  sessionTtlSeconds: number | null;
  enableApiKeys: boolean; // ENABLE_API_KEYS (true) — also ENABLE_API_KEY, Open WebUI's older name
}

export interface DatabasePoolConfig {
  size: number; // DATABASE_POOL_SIZE (10)
  maxOverflow: number; // DATABASE_POOL_MAX_OVERFLOW, alias DATABASE_MAX_OVERFLOW (10)
  timeoutSeconds: number; // DATABASE_POOL_TIMEOUT (30)
  recycleSeconds: number; // DATABASE_POOL_RECYCLE (3600)
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
  ollamaBaseUrls: string[]; // OLLAMA_BASE_URLS (;-separated) or OLLAMA_BASE_URL
  enableOpenAi: boolean; // ENABLE_OPENAI_API (true)
  openAiBaseUrls: string[]; // OPENAI_API_BASE_URLS or OPENAI_API_BASE_URL
  openAiApiKeys: string[]; // OPENAI_API_KEYS or OPENAI_API_KEY, aligned by position
  forwardUserInfoHeaders: boolean; // ENABLE_FORWARD_USER_INFO_HEADERS (false)
  /** AIOHTTP_CLIENT_SESSION_SSL: true/false, or a CA bundle path. */
  tls: { verify: boolean; caFile: string | undefined };
  poolConnections: number; // AIOHTTP_POOL_CONNECTIONS (100)
  poolConnectionsPerHost: number; // AIOHTTP_POOL_CONNECTIONS_PER_HOST (0 = no limit)
  poolDnsTtlSeconds: number; // AIOHTTP_POOL_DNS_TTL (300)
}

export interface TimeoutConfig {
  firstTokenSeconds: number; // AIOHTTP_CLIENT_TIMEOUT (300)
  streamIdleSeconds: number; // AIOHTTP_CLIENT_STREAM_IDLE_TIMEOUT (= firstTokenSeconds)
  totalSeconds: number | undefined; // AIOHTTP_CLIENT_TIMEOUT_TOTAL
  modelListSeconds: number; // AIOHTTP_CLIENT_TIMEOUT_MODEL_LIST (5)
}

export interface ModelsConfig {
  cacheTtlSeconds: number; // MODELS_CACHE_TTL (1)
  enableModelCache: boolean; // ENABLE_MODEL_CACHE / ENABLE_BASE_MODELS_CACHE
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
  textSplitter: 'character' | 'token'; // RAG_TEXT_SPLITTER
  embeddingEngine: 'ollama' | 'openai' | ''; // RAG_EMBEDDING_ENGINE
  embeddingModel: string; // RAG_EMBEDDING_MODEL
  embeddingBatchSize: number; // RAG_EMBEDDING_BATCH_SIZE (1)
  rerankingEngine: '' | 'external'; // RAG_RERANKING_ENGINE
  externalRerankerUrl: string | undefined; // RAG_EXTERNAL_RERANKER_URL
  pdfExtractImages: boolean; // PDF_EXTRACT_IMAGES
  fileMaxSizeMb: number | undefined; // FILE_MAX_SIZE
  doclingServerUrl: string | undefined; // DOCLING_SERVER_URL
  doclingForceOcr: boolean; // DOCLING_FORCE_OCR
}

export interface WebSearchConfig {
  enabled: boolean; // ENABLE_WEB_SEARCH, alias ENABLE_RAG_WEB_SEARCH
  engine: string; // WEB_SEARCH_ENGINE, alias RAG_WEB_SEARCH_ENGINE
  searxngQueryUrl: string | undefined; // SEARXNG_QUERY_URL
  resultCount: number; // WEB_SEARCH_RESULT_COUNT, alias RAG_WEB_SEARCH_RESULT_COUNT (3)
  concurrentRequests: number; // WEB_SEARCH_CONCURRENT_REQUESTS, alias RAG_… (10)
  loaderConcurrentRequests: number; // WEB_LOADER_CONCURRENT_REQUESTS (10)
  loaderTimeoutSeconds: number; // WEB_LOADER_TIMEOUT (10)
  searchTimeoutSeconds: number; // WEB_SEARCH_TIMEOUT (budget for the whole search phase)
  enableLocalWebFetch: boolean; // ENABLE_LOCAL_WEB_FETCH (false)
}

export interface AudioConfig {
  sttEngine: '' | 'openai'; // AUDIO_STT_ENGINE
  sttOpenAiBaseUrl: string; // AUDIO_STT_OPENAI_API_BASE_URL
  sttOpenAiApiKey: string; // AUDIO_STT_OPENAI_API_KEY
  whisperModel: string; // WHISPER_MODEL
  whisperVadFilter: boolean; // WHISPER_VAD_FILTER
  ttsEngine: '' | 'openai'; // AUDIO_TTS_ENGINE
  ttsOpenAiBaseUrl: string; // AUDIO_TTS_OPENAI_API_BASE_URL
  ttsOpenAiApiKey: string; // AUDIO_TTS_OPENAI_API_KEY
  ttsModel: string; // AUDIO_TTS_MODEL
  ttsVoice: string; // AUDIO_TTS_VOICE
  ttsSplitOn: 'punctuation' | 'paragraphs' | 'none'; // AUDIO_TTS_SPLIT_ON
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
  value: string;
  message: string;
}

export interface ConfigResult {
  /** Present only when there are no problems. */
  config: Config | undefined;
  problems: ConfigProblem[];
  /** Open WebUI variables present in the environment that Astra has no use for. */
  ignored: string[];
  /** Notes worth a line at start-up (an alias used, a risky but accepted value). */
  warnings: string[];
}
