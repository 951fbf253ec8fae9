/**
 * The add/edit form of a model-server connection: what it starts from, what it sends (only what
 * changed, the key only when typed), what Verify asks, and how a Verify answer reads.
 */
import type { ConnectionFields, VerifyTarget } from './admin-api';
import type { ConnectionKind, ConnectionView, VerifyAnswer } from './types';

export interface ConnectionDraft {
  kind: ConnectionKind;
  baseUrl: string;
  /** Typed by the admin; '' keeps the saved key (when editing). */
  apiKey: string;
  /** Remove the saved key (when editing). */
  removeKey: boolean;
  name: string;
  prefixId: string;
  enabled: boolean;
}

export const exampleUrls: Record<ConnectionKind, string> = {
  ollama: 'http://localhost:11434',
  openai: 'https://api.openai.com/v1',
};

export const kindLabels: Record<ConnectionKind, string> = { ollama: 'Ollama', openai: 'OpenAI-compatible' };

export function draftFrom(connection?: ConnectionView): ConnectionDraft {
  if (connection === undefined) return { kind: 'ollama', baseUrl: '', apiKey: '', removeKey: false, name: '', prefixId: '', enabled: true };
  return {
    kind: connection.kind,
    baseUrl: connection.base_url,
    apiKey: '',
    removeKey: false,
    name: connection.name,
    prefixId: connection.prefix_id,
    enabled: connection.enabled,
  };
}

/** What is wrong with the draft before asking the server, or '' (the server checks again). */
export function draftProblem(draft: ConnectionDraft): string {
  const url = draft.baseUrl.trim();
  if (url === '') return 'Base URL: enter the address of the model server';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `Base URL: must be an http(s) URL such as ${exampleUrls[draft.kind]}`;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return `Base URL: must be an http(s) URL such as ${exampleUrls[draft.kind]}`;
  if (parsed.username !== '' || parsed.password !== '') return 'Base URL: must not contain a user name or password; give the key as API key';
  if (!/^[A-Za-z0-9._-]{0,32}$/.test(draft.prefixId.trim())) return 'Model id prefix: at most 32 letters, digits, dots, dashes or underscores';
  return '';
}

/** The body of `POST /api/v1/connections`. */
export function addBody(draft: ConnectionDraft): ConnectionFields & { kind: ConnectionKind; base_url: string } {
  const body: ConnectionFields & { kind: ConnectionKind; base_url: string } = { kind: draft.kind, base_url: draft.baseUrl.trim(), enabled: draft.enabled };
  if (draft.apiKey.trim() !== '') body.api_key = draft.apiKey.trim();
  if (draft.name.trim() !== '') body.name = draft.name.trim();
  if (draft.prefixId.trim() !== '') body.prefix_id = draft.prefixId.trim();
  return body;
}

/** The body of `POST /api/v1/connections/{id}/update`: the fields that changed. */
export function updateBody(draft: ConnectionDraft, saved: ConnectionView): ConnectionFields {
  const body: ConnectionFields = {};
  if (draft.kind !== saved.kind) body.kind = draft.kind;
  // The URL is shown masked when it holds a password: unchanged text means "keep it".
  if (draft.baseUrl.trim() !== saved.base_url) body.base_url = draft.baseUrl.trim();
  if (draft.removeKey) body.api_key = '';
  else if (draft.apiKey.trim() !== '') body.api_key = draft.apiKey.trim();
  // An empty name goes back to the host of the URL.
  if (draft.name.trim() !== saved.name) body.name = draft.name.trim();
  if (draft.prefixId.trim() !== saved.prefix_id) body.prefix_id = draft.prefixId.trim();
  if (draft.enabled !== saved.enabled) body.enabled = draft.enabled;
  return body;
}

/**
 * What Verify asks the server to reach: the saved connection (with its saved key) when the server,
 * kind and key are as saved; else the server and key as typed.
 */
export function verifyTarget(draft: ConnectionDraft, saved?: ConnectionView): VerifyTarget {
  const typedKey = draft.apiKey.trim();
  if (saved !== undefined && draft.kind === saved.kind && draft.baseUrl.trim() === saved.base_url && typedKey === '' && !draft.removeKey) {
    return { id: saved.id };
  }
  return { kind: draft.kind, base_url: draft.baseUrl.trim(), ...(typedKey !== '' ? { api_key: typedKey } : {}) };
}

/** A note shown beside Verify when the saved key cannot be used for what is being verified, or ''. */
export function verifyNote(draft: ConnectionDraft, saved?: ConnectionView): string {
  if (saved === undefined || !saved.has_api_key || draft.removeKey) return '';
  const target = verifyTarget(draft, saved);
  return 'id' in target || target.api_key !== undefined ? '' : 'Verify sends no key: type the key again to verify the changed address with it.';
}

/** One line for a Verify answer: latency and model count, or the exact failure. */
export function describeVerify(answer: VerifyAnswer): string {
  if (answer.ok) {
    const models = answer.model_count === 1 ? '1 model' : `${answer.model_count} models`;
    return `Reachable: answered in ${answer.latency_ms} ms with ${models}.`;
  }
  return `Failed after ${answer.latency_ms} ms (${phaseLabels[answer.phase] ?? answer.phase}): ${answer.error}`;
}

const phaseLabels: Record<string, string> = {
  connect: 'could not connect',
  response: 'no answer',
  status: 'error status',
  body: 'unexpected answer',
};
