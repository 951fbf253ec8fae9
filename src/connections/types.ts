/** The shapes the connection registry hands to the rest of Astra. */
import type { Dispatcher } from 'undici';

export type ConnectionKind = 'ollama' | 'openai';

export const connectionKinds: readonly ConnectionKind[] = ['ollama', 'openai'];

/** A model server Astra talks to. */
export interface Connection {
  id: string;
  kind: ConnectionKind;
  /** What people see it as; the host of its URL unless named. */
  name: string;
  /** http(s), without a trailing slash: request paths are appended as they are. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer …`; '' when the server needs none. */
  apiKey: string;
  enabled: boolean;
  /** Open WebUI's per-connection model id prefix (`prefix.model`); '' = none. */
  prefixId: string;
  /** List order, ascending. */
  position: number;
}

/** A new connection; what is left out gets its default (no key, enabled, no prefix, last). */
export interface ConnectionInput {
  kind: ConnectionKind;
  baseUrl: string;
  apiKey?: string;
  /** Defaults to the host of `baseUrl`. */
  name?: string;
  prefixId?: string;
  enabled?: boolean;
  position?: number;
}

/** A partial update: a field left out keeps its value; `apiKey: ''` removes the key; `name: ''` resets it to the host. */
export type ConnectionChanges = Partial<Omit<Connection, 'id'>>;

/** The connections of this installation, kept in memory and in step across processes. */
export interface ConnectionRegistry {
  /** All connections, in position order, from memory (no I/O). */
  list(): readonly Connection[];
  /** The enabled connections, in position order, from memory (no I/O). */
  enabled(): readonly Connection[];
  get(id: string): Connection | undefined;
  /**
   * The pooled HTTP dispatcher for the connection's origin: one pool per origin, shared by the
   * connections on it, with keep-alive, DNS caching and TLS settings applied. It sets no header or
   * body timeout: callers bound each phase of their requests themselves.
   */
  dispatcherFor(connection: Connection): Dispatcher;
  /** Called after any change (made here or, heard over PubSub, in another process); returns the unsubscribe. */
  onChange(listener: () => void): () => void;
  /** Stores a new connection and applies it at once, here and (within about a second) everywhere. */
  add(input: ConnectionInput): Promise<Connection>;
  /** Applies `changes`; throws a 404 AstraError for an unknown id. */
  update(id: string, changes: ConnectionChanges): Promise<Connection>;
  /** Throws a 404 AstraError for an unknown id. */
  remove(id: string): Promise<void>;
  /** Stops listening for changes and closes every pool (requests in flight finish first). */
  close(): Promise<void>;
}
