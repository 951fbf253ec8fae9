/** The message for a failed settings or administration request; a 403 also re-reads who is signed in (the role may have changed). */
import { isApiError } from './api-error';
import { refreshUser } from './session.svelte';

export function problemOf(error: unknown): string {
  if (isApiError(error) && error.status === 403) void refreshUser();
  return isApiError(error) ? error.message : String(error);
}
