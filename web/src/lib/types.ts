/** The shapes of the API answers the app reads (see the HTTP contract; Open WebUI's names). */

export interface PublicConfig {
  status: boolean;
  name: string;
  version: string;
  /** True until the first account exists: that account becomes the administrator. */
  onboarding: boolean;
  features: {
    auth: boolean;
    enable_signup: boolean;
    enable_login_form: boolean;
    enable_api_key?: boolean;
    enable_web_search?: boolean;
    enable_title_generation?: boolean;
  };
  /** How long to wait for the server before telling the user (ms). */
  request_timeout_ms?: number;
}

export type Role = 'admin' | 'user' | 'pending';

export interface User {
  id: string;
  email: string;
  name: string;
  role: Role;
  profile_image_url?: string;
}

export interface SignedIn extends User {
  token_type: string;
  expires_at: number | null;
}

export interface ModelInfo {
  id: string;
  name: string;
  owned_by: string;
  connection?: string;
}

export interface ChatListItem {
  id: string;
  title: string;
  /** Seconds since the epoch. */
  updated_at: number;
  created_at: number;
  pinned: boolean;
  archived: boolean;
}

export type MessageStatus = 'generating' | 'complete' | 'stopped' | 'interrupted' | 'error';

export interface MessageView {
  id: string;
  parentId: string | null;
  childrenIds: string[];
  role: 'user' | 'assistant' | 'system';
  content: string;
  model?: string;
  timestamp: number;
  done: boolean;
  status: MessageStatus;
  error?: { content: string };
  usage?: { prompt_tokens?: number; completion_tokens?: number; total_tokens?: number };
  timings?: { time_to_first_token_ms?: number; tokens_per_second?: number; duration_ms?: number };
  reasoning?: string;
}

export interface ChatView {
  id: string;
  title: string;
  chat: {
    title: string;
    models: string[];
    history: { messages: Record<string, MessageView>; currentId: string | null };
    messages: MessageView[];
  };
  updated_at: number;
  created_at: number;
  pinned: boolean;
  archived: boolean;
  share_id: string | null;
}

/** The first event of a chat stream (`event: chat`). */
export interface ChatStreamHead {
  chat_id: string;
  user_message_id: string;
  message_id: string;
  /** A re-attach after the answer ended: the whole message follows and replaces what the client has. */
  final?: boolean;
  status?: MessageStatus;
}

/** A user as an administrator sees it (`GET /api/v1/users/`); times in seconds since the epoch. */
export interface AdminUser extends User {
  profile_image_url: string;
  created_at: number;
  updated_at: number;
  last_active_at: number;
}

export type ConnectionKind = 'ollama' | 'openai';

/** A model-server connection (`/api/v1/connections`); the key is never sent whole. */
export interface ConnectionView {
  id: string;
  kind: ConnectionKind;
  name: string;
  base_url: string;
  /** Masked (`sk-…wxyz` or `****`); '' when there is none. */
  api_key: string;
  has_api_key: boolean;
  enabled: boolean;
  prefix_id: string;
  position: number;
}

/** The answer of `POST /api/v1/connections/verify`. */
export type VerifyAnswer =
  | { ok: true; latency_ms: number; model_count: number }
  | { ok: false; latency_ms: number; error: string; phase: string };

export type ModelVisibility = 'everyone' | 'admins' | 'users';

/** A model with who may use it (`GET /api/v1/models/`). */
export interface AdminModel {
  id: string;
  name: string;
  owned_by: string;
  connection?: string;
  connections?: string[];
  access: ModelVisibility;
  user_ids: string[];
}

/** `GET/POST /api/v1/auths/admin/config` (Open WebUI's field names). */
export interface AdminConfig {
  ENABLE_SIGNUP: boolean;
  DEFAULT_USER_ROLE: Role;
}

/** `GET /api/v1/auths/api_key`: the key's hint only (the whole key is shown once, at creation). */
export interface ApiKeyInfo {
  api_key: string;
  created_at: number;
  last_used_at: number | null;
}
