/**
 * Who may use a model: the rules on their own, the settings kept in the database, and a change in
 * one process reaching another that shares the database.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../test/support/gateway';
import { backendVariants, createTestApp, type TestApp } from '../../test/support/test-app';
import { ModelAccess } from './access';

const admin = { id: 'admin-1', role: 'admin' };
const alice = { id: 'alice', role: 'user' };
const bob = { id: 'bob', role: 'user' };

describe.each(backendVariants)('ModelAccess ($name)', (variant) => {
  const apps: TestApp[] = [];
  afterEach(async () => {
    for (const app of apps.splice(0).reverse()) await app.close();
  });

  it('everyone by default; admins only; listed users; admins always', async () => {
    const astra = await createTestApp({ ...variant, env: { ENABLE_OLLAMA_API: 'false', ENABLE_OPENAI_API: 'false' } });
    apps.push(astra);
    const access = astra.services.models.access;
    expect(access.canUse(bob, 'm')).toBe(true);
    expect(access.settingOf('m')).toEqual({ modelId: 'm', access: 'everyone', userIds: [] });

    await access.update({ modelId: 'm', access: 'admins', userIds: [] });
    expect(access.canUse(bob, 'm')).toBe(false);
    expect(access.canUse(admin, 'm')).toBe(true);
    expect(access.canUse(bob, 'other')).toBe(true);

    await access.update({ modelId: 'm', access: 'users', userIds: ['alice'] });
    expect(access.canUse(alice, 'm')).toBe(true);
    expect(access.canUse(bob, 'm')).toBe(false);
    expect(access.canUse(admin, 'm')).toBe(true);

    // An empty list of users: nobody but admins.
    await access.update({ modelId: 'm', access: 'users', userIds: [] });
    expect(access.canUse(alice, 'm')).toBe(false);

    await access.update({ modelId: 'm', access: 'everyone', userIds: [] });
    expect(access.canUse(bob, 'm')).toBe(true);

    const bypass = new ModelAccess(astra.services.database.db, astra.services.pubSub, true);
    await bypass.start();
    await access.update({ modelId: 'm', access: 'admins', userIds: [] });
    expect(bypass.canUse(bob, 'm')).toBe(true);
    await bypass.stop();
  });

  it('a change made by one process applies in another sharing the database', async () => {
    const first = await createTestApp({ ...variant, env: { ENABLE_OLLAMA_API: 'false', ENABLE_OPENAI_API: 'false' } });
    apps.push(first);
    const second = await createTestApp({ ...variant, shareWith: first, env: { ENABLE_OLLAMA_API: 'false', ENABLE_OPENAI_API: 'false' } });
    apps.push(second);
    await first.services.models.access.update({ modelId: 'shared-model', access: 'users', userIds: ['alice'] });
    await waitFor(() => !second.services.models.access.canUse(bob, 'shared-model'), 5000, 'the other process to hear of the change');
    expect(second.services.models.access.canUse(alice, 'shared-model')).toBe(true);
    expect(second.services.models.access.settingOf('shared-model')).toEqual({ modelId: 'shared-model', access: 'users', userIds: ['alice'] });
  });

  it('stopping waits for a reload a change set off, so none runs on a closed database', async () => {
    const astra = await createTestApp({ ...variant, env: { ENABLE_OLLAMA_API: 'false', ENABLE_OPENAI_API: 'false' } });
    apps.push(astra);
    const listener = new ModelAccess(astra.services.database.db, astra.services.pubSub, false);
    await listener.start();
    const heard = new Promise<void>((resolve) => void astra.services.pubSub.subscribe('models:settings-changed', () => resolve()));
    await astra.services.models.access.update({ modelId: 'late', access: 'admins', userIds: [] });
    await heard;
    await listener.stop();
    // Closing the database right after: a reload still running would fail here as an unhandled rejection.
    await apps.pop()?.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(listener.canUse(bob, 'late')).toBe(false);
  });
});
