/** How a connection is shown over the API: Open WebUI-like snake_case, the key never whole. */
import { maskUrlPassword } from '../config';
import type { Connection } from './types';

/** Keys shorter than this show nothing at all: seven characters would be too much of them. */
const shortestKeyShown = 20;

/** `sk-proj-abc…` → `sk-…wxyz` (first three and last four characters) for long keys, `****` for short ones, '' for none. */
export function maskApiKey(key: string): string {
  if (key === '') return '';
  return key.length >= shortestKeyShown ? `${key.slice(0, 3)}…${key.slice(-4)}` : '****';
}

export interface ConnectionView {
  id: string;
  kind: Connection['kind'];
  name: string;
  base_url: string;
  /** Masked; '' when there is no key. */
  api_key: string;
  has_api_key: boolean;
  enabled: boolean;
  prefix_id: string;
  position: number;
}

export function connectionView(connection: Connection): ConnectionView {
  return {
    id: connection.id,
    kind: connection.kind,
    name: connection.name,
    // A URL from the environment may carry a password; it is shown masked like a key.
    base_url: maskUrlPassword(connection.baseUrl),
    api_key: maskApiKey(connection.apiKey),
    has_api_key: connection.apiKey !== '',
    enabled: connection.enabled,
    prefix_id: connection.prefixId,
    position: connection.position,
  };
}
