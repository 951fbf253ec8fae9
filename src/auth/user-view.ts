/** What the API shows of a user (Open WebUI's UserResponse shape): never the password hash. */
import { epochSeconds } from '../core/ids';
import type { UserRow } from './users';

export interface UserView {
  id: string;
  email: string;
  name: string;
  role: UserRow['role'];
  profile_image_url: string;
  created_at: number;
  updated_at: number;
  last_active_at: number;
}

export function userView(user: UserRow): UserView {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    profile_image_url: user.profile_image_url,
    created_at: epochSeconds(user.created_at),
    updated_at: epochSeconds(user.updated_at),
    last_active_at: epochSeconds(user.last_active_at),
  };
}
