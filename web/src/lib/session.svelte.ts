/**
 * Who is signed in, and what the app shows for it: loading, the server unreachable, signed out
 * (sign in / sign up), pending approval, or ready. The session itself is the HttpOnly cookie the
 * server sets; the app only asks the server who it is.
 */
import { api } from './api';
import { isApiError } from './api-error';
import type { PublicConfig, SignedIn, User } from './types';

export type SessionStatus = 'loading' | 'unreachable' | 'signed-out' | 'pending' | 'ready';

interface SessionState {
  status: SessionStatus;
  config: PublicConfig | null;
  user: User | null;
  /** Why the server could not be reached. */
  problem: string;
  /** The account just created is the administrator (the first account). */
  justBecameAdmin: boolean;
}

export const session: SessionState = $state({ status: 'loading', config: null, user: null, problem: '', justBecameAdmin: false });

api.onUnauthenticated = () => {
  if (session.status === 'ready' || session.status === 'pending') {
    session.user = null;
    session.status = 'signed-out';
    void refreshConfig();
  }
};

/**
 * Reads the public config again when the sign-in screen comes back without a page load: an
 * administrator may have turned sign-up on or off meanwhile. A failure keeps the config known.
 */
async function refreshConfig(): Promise<void> {
  try {
    session.config = await api.loadConfig();
  } catch {
    // The sign-in screen still works with what was known.
  }
}

/** Reads the public config and the current user. */
export async function boot(): Promise<void> {
  session.status = 'loading';
  try {
    session.config = await api.loadConfig();
  } catch (error) {
    session.problem = isApiError(error) ? error.message : String(error);
    session.status = 'unreachable';
    return;
  }
  await refreshUser();
}

/** Asks the server who is signed in (also how a pending account finds out it was approved). */
export async function refreshUser(): Promise<void> {
  try {
    adopt(await api.get<User>('/api/v1/auths/'));
  } catch (error) {
    if (isApiError(error) && (error.status === 401 || error.status === 403)) {
      session.user = null;
      session.status = 'signed-out';
      return;
    }
    session.problem = isApiError(error) ? error.message : String(error);
    session.status = 'unreachable';
  }
}

export async function signIn(email: string, password: string): Promise<void> {
  adopt(await api.post<SignedIn>('/api/v1/auths/signin', { email, password }));
}

export async function signUp(name: string, email: string, password: string): Promise<void> {
  const wasOnboarding = session.config?.onboarding === true;
  const user = await api.post<SignedIn>('/api/v1/auths/signup', { name, email, password });
  session.justBecameAdmin = wasOnboarding && user.role === 'admin';
  if (session.config !== null) session.config.onboarding = false;
  adopt(user);
}

export async function signOut(): Promise<void> {
  try {
    await api.post('/api/v1/auths/signout', {}, { idempotent: true });
  } finally {
    session.user = null;
    session.justBecameAdmin = false;
    session.status = 'signed-out';
    void refreshConfig();
  }
}

function adopt(user: User): void {
  // The token in sign-in answers is for API clients; the browser keeps only the cookie.
  session.user = { id: user.id, email: user.email, name: user.name, role: user.role };
  session.status = user.role === 'pending' ? 'pending' : 'ready';
}
