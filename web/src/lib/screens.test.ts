import { describe, expect, it } from 'vitest';
import { adminPath, screenOf } from './screens';

describe('screenOf', () => {
  it('maps the chat addresses to the chat screen', () => {
    expect(screenOf('/')).toEqual({ name: 'chat' });
    expect(screenOf('/c/abc')).toEqual({ name: 'chat' });
  });

  it('maps /settings and the administration sections, with or without a trailing slash', () => {
    expect(screenOf('/settings')).toEqual({ name: 'settings' });
    expect(screenOf('/settings/')).toEqual({ name: 'settings' });
    expect(screenOf('/admin')).toEqual({ name: 'admin', section: 'users' });
    expect(screenOf('/admin/')).toEqual({ name: 'admin', section: 'users' });
    for (const section of ['users', 'connections', 'models', 'general'] as const) {
      expect(screenOf(adminPath(section))).toEqual({ name: 'admin', section });
    }
  });

  it('leaves unknown addresses to the chat screen (which sends them to /)', () => {
    expect(screenOf('/admin/secrets')).toEqual({ name: 'chat' });
    expect(screenOf('/settingsx')).toEqual({ name: 'chat' });
    expect(screenOf('/admin/users/extra')).toEqual({ name: 'chat' });
  });
});
