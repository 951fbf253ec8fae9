/** Words the settings and administration screens show, and the checks they make before asking the server. */
import type { ModelVisibility, Role } from './types';

export const roleLabels: Record<Role, string> = { admin: 'Administrator', user: 'User', pending: 'Pending' };

export const roleDescriptions: Record<Role, string> = {
  pending: 'Pending — waits for an administrator to approve it',
  user: 'User — can chat at once',
  admin: 'Administrator — can change everything here',
};

export const visibilityLabels: Record<ModelVisibility, string> = { everyone: 'Everyone', admins: 'Administrators only', users: 'Listed users' };

/** The server's password rules (8 to 128 characters). */
export const passwordLength = { min: 8, max: 128 } as const;

/** What is wrong with a new password and its confirmation, or ''. */
export function newPasswordProblem(password: string, confirmation: string): string {
  const length = [...password].length;
  if (length < passwordLength.min || length > passwordLength.max) return `The new password must be ${passwordLength.min} to ${passwordLength.max} characters long.`;
  if (password !== confirmation) return 'The two new passwords differ.';
  return '';
}

/** `5 min ago`, `3 h ago`, `2 days ago`, or the date for anything older than a month. */
export function timeAgo(epochSeconds: number, nowMs: number = Date.now()): string {
  const seconds = Math.max(0, Math.round(nowMs / 1000 - epochSeconds));
  if (seconds < 60) return 'just now';
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.floor(hours / 24);
  if (days < 31) return days === 1 ? 'yesterday' : `${days} days ago`;
  return new Date(epochSeconds * 1000).toLocaleDateString();
}

/** Who may use a model, in a few words: `Everyone`, `Administrators only`, `Ada, Bo and 3 more`. */
export function accessSummary(access: ModelVisibility, userIds: readonly string[], nameOf: (id: string) => string | undefined): string {
  if (access !== 'users') return visibilityLabels[access];
  if (userIds.length === 0) return 'Nobody but administrators (no user listed)';
  const names = userIds.map((id) => nameOf(id) ?? 'a deleted user');
  if (names.length <= 3) return names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} and ${names.at(-1)!}`;
  return `${names.slice(0, 2).join(', ')} and ${names.length - 2} more`;
}

/** Whether two sets of user ids hold the same users, whatever the order. */
export function sameUsers(first: readonly string[], second: readonly string[]): boolean {
  if (first.length !== second.length) return false;
  const set = new Set(first);
  return second.every((id) => set.has(id));
}
