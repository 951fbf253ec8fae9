/**
 * The administration and account-settings requests, typed. Every one goes through the app's one
 * client (`api`), so each has its deadline, the CSRF header and the session cookie.
 */
import { api, segment } from './api';
import { isApiError } from './api-error';
import type { AdminConfig, AdminModel, AdminUser, ApiKeyInfo, ConnectionKind, ConnectionView, ModelVisibility, Role, VerifyAnswer } from './types';

/** Changes are safe to send twice: retried after a network error or a 502/503/504. */
const repeatable = { idempotent: true } as const;

export interface ConnectionFields {
  kind?: ConnectionKind;
  base_url?: string;
  /** Left out: the saved key stays; '' removes it. */
  api_key?: string;
  name?: string;
  prefix_id?: string;
  enabled?: boolean;
  position?: number;
}

/** What to verify: a saved connection, or one not saved yet. */
export type VerifyTarget = { id: string } | { kind: ConnectionKind; base_url: string; api_key?: string };

export const usersPageSize = 50;

export const adminApi = {
  listUsers(page = 1, query = ''): Promise<{ users: AdminUser[]; total: number }> {
    const search = new URLSearchParams({ page: String(page) });
    if (query.trim() !== '') search.set('query', query.trim());
    return api.get(`/api/v1/users/?${search.toString()}`);
  },
  /** Every user (page after page), for choosing who may use a model. Stops after `maxPages`. */
  async allUsers(maxPages = 40): Promise<AdminUser[]> {
    const users: AdminUser[] = [];
    for (let page = 1; page <= maxPages; page += 1) {
      const answer = await adminApi.listUsers(page);
      users.push(...answer.users);
      if (answer.users.length < usersPageSize || users.length >= answer.total) break;
    }
    return users;
  },
  updateUser(id: string, changes: { role?: Role; name?: string; email?: string }): Promise<AdminUser> {
    return api.post(`/api/v1/users/${segment(id)}/update`, changes, repeatable);
  },
  deleteUser(id: string): Promise<boolean> {
    return api.delete(`/api/v1/users/${segment(id)}`);
  },
  addUser(user: { name: string; email: string; password: string; role: Role }): Promise<AdminUser> {
    return api.post('/api/v1/auths/add', user);
  },

  async listConnections(): Promise<ConnectionView[]> {
    return (await api.get<{ connections: ConnectionView[] }>('/api/v1/connections')).connections;
  },
  addConnection(fields: ConnectionFields & { kind: ConnectionKind; base_url: string }): Promise<ConnectionView> {
    return api.post('/api/v1/connections', fields);
  },
  updateConnection(id: string, fields: ConnectionFields): Promise<ConnectionView> {
    return api.post(`/api/v1/connections/${segment(id)}/update`, fields, repeatable);
  },
  setConnectionEnabled(id: string, enabled: boolean): Promise<ConnectionView> {
    return api.post(`/api/v1/connections/${segment(id)}/${enabled ? 'enable' : 'disable'}`, {}, repeatable);
  },
  removeConnection(id: string): Promise<boolean> {
    return api.delete(`/api/v1/connections/${segment(id)}`);
  },
  verifyConnection(target: VerifyTarget): Promise<VerifyAnswer> {
    return api.post('/api/v1/connections/verify', target, repeatable);
  },

  listModels(): Promise<AdminModel[]> {
    return api.get('/api/v1/models/');
  },
  /** Asks every connection for its models again (the list is otherwise cached for a while). */
  async refreshModels(): Promise<void> {
    await api.get('/api/models?refresh=true');
  },
  updateModelAccess(id: string, access: ModelVisibility, userIds: string[]): Promise<{ id: string; access: ModelVisibility; user_ids: string[] }> {
    return api.post(`/api/v1/models/${segment(id)}/update`, { access, user_ids: access === 'users' ? userIds : [] }, repeatable);
  },

  getConfig(): Promise<AdminConfig> {
    return api.get('/api/v1/auths/admin/config');
  },
  updateConfig(config: Partial<AdminConfig>): Promise<AdminConfig> {
    return api.post('/api/v1/auths/admin/config', config, repeatable);
  },
};

export const accountApi = {
  /** Ends the user's other sessions; this one stays signed in. */
  async changePassword(password: string, newPassword: string): Promise<void> {
    await api.post('/api/v1/auths/update/password', { password, new_password: newPassword });
  },
  /** The key's hint, or null when the user has none. */
  async apiKey(): Promise<ApiKeyInfo | null> {
    try {
      return await api.get<ApiKeyInfo>('/api/v1/auths/api_key');
    } catch (error) {
      if (isApiError(error) && error.status === 404) return null;
      throw error;
    }
  },
  /** Creates a key (replacing the old one); the whole key is in this answer only. */
  async createApiKey(): Promise<string> {
    return (await api.post<{ api_key: string }>('/api/v1/auths/api_key')).api_key;
  },
  async deleteApiKey(): Promise<void> {
    await api.delete('/api/v1/auths/api_key');
  },
};
