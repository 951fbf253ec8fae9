import { afterEach, describe, expect, it } from 'vitest';
import { backendVariants, createTestApp, type TestApp } from '../../test/support/test-app';

describe.each(backendVariants)('admin user management ($name)', (variant) => {
  let astra: TestApp;
  afterEach(async () => astra?.close());

  it('lists, approves, demotes and deletes users; each change applies to open sessions at once', async () => {
    astra = await createTestApp(variant);
    const admin = await astra.signUp({ name: 'Admin' });
    const second = await astra.signUp({ name: 'Second', email: 'second@example.com' });
    expect(second.role).toBe('pending');

    const list = await astra.call('GET', '/api/v1/users/', admin.token);
    expect(list.statusCode).toBe(200);
    expect(list.json().total).toBe(2);
    expect(list.json().users.map((user: { name: string }) => user.name)).toEqual(['Admin', 'Second']);
    expect(JSON.stringify(list.json())).not.toMatch(/argon2|password/);
    const found = await astra.call('GET', '/api/v1/users/?query=SECOND', admin.token);
    expect(found.json().users).toHaveLength(1);

    // Approve, then promote: the second account's open session gains the rights at once.
    expect((await astra.call('POST', `/api/v1/users/${second.id}/update`, admin.token, { role: 'admin' })).json().role).toBe('admin');
    expect((await astra.call('GET', '/api/v1/users/', second.token)).statusCode).toBe(200);
    // Demote: the same open session loses admin rights on its very next request.
    expect((await astra.call('POST', `/api/v1/users/${second.id}/update`, admin.token, { role: 'user' })).statusCode).toBe(200);
    const demoted = await astra.call('GET', '/api/v1/users/', second.token);
    expect(demoted.statusCode).toBe(403);
    expect(demoted.json().code).toBe('forbidden');
    // Disable (back to pending).
    await astra.call('POST', `/api/v1/users/${second.id}/update`, admin.token, { role: 'pending' });
    expect((await astra.call('POST', '/api/v1/auths/api_key', second.token)).json().code).toBe('account_pending');

    const deleted = await astra.call('DELETE', `/api/v1/users/${second.id}`, admin.token);
    expect(deleted.statusCode).toBe(200);
    expect((await astra.call('GET', '/api/v1/auths/', second.token)).statusCode).toBe(401);
    expect((await astra.signIn('second@example.com', 'correct horse battery')).statusCode).toBe(400);
    expect((await astra.call('DELETE', `/api/v1/users/${second.id}`, admin.token)).statusCode).toBe(404);
  });

  it('an admin-set password ends that user’s sessions; email changes keep emails unique', async () => {
    astra = await createTestApp({ ...variant, env: { DEFAULT_USER_ROLE: 'user' } });
    const admin = await astra.signUp();
    const user = await astra.signUp({ email: 'u@example.com' });
    await astra.signUp({ email: 'taken@example.com' });
    const taken = await astra.call('POST', `/api/v1/users/${user.id}/update`, admin.token, { email: 'TAKEN@example.com' });
    expect(taken.statusCode).toBe(400);
    expect(taken.json().code).toBe('email_taken');
    const reset = await astra.call('POST', `/api/v1/users/${user.id}/update`, admin.token, { password: 'set by admin' });
    expect(reset.statusCode).toBe(200);
    expect((await astra.call('GET', '/api/v1/auths/', user.token)).statusCode).toBe(401);
    expect((await astra.signIn('u@example.com', 'set by admin')).statusCode).toBe(200);
    // An empty password means "unchanged", as Open WebUI's admin form sends it.
    expect((await astra.call('POST', `/api/v1/users/${user.id}/update`, admin.token, { name: 'Renamed', password: '' })).json().name).toBe('Renamed');
  });

  it('never leaves the server without an admin', async () => {
    astra = await createTestApp(variant);
    const admin = await astra.signUp();
    const demoteSelf = await astra.call('POST', `/api/v1/users/${admin.id}/update`, admin.token, { role: 'user' });
    expect(demoteSelf.statusCode).toBe(409);
    expect(demoteSelf.json().detail).toMatch(/only administrator/);
    const deleteSelf = await astra.call('DELETE', `/api/v1/users/${admin.id}`, admin.token);
    expect(deleteSelf.statusCode).toBe(403);
  });

  it('lets admins add users; refuses non-admins and bad input with the field named', async () => {
    astra = await createTestApp({ ...variant, env: { DEFAULT_USER_ROLE: 'user' } });
    const admin = await astra.signUp();
    const user = await astra.signUp();
    const added = await astra.call('POST', '/api/v1/auths/add', admin.token, { name: 'New', email: 'new@example.com', password: 'new password', role: 'user' });
    expect(added.statusCode).toBe(200);
    expect(added.json()).toMatchObject({ email: 'new@example.com', role: 'user' });
    expect((await astra.signIn('new@example.com', 'new password')).statusCode).toBe(200);

    expect((await astra.call('POST', '/api/v1/auths/add', user.token, { name: 'X', email: 'x@example.com', password: 'xxxxxxxx' })).statusCode).toBe(403);
    expect((await astra.call('GET', '/api/v1/users/', user.token)).statusCode).toBe(403);
    expect((await astra.call('DELETE', `/api/v1/users/${admin.id}`, user.token)).statusCode).toBe(403);

    const badRole = await astra.call('POST', '/api/v1/auths/add', admin.token, { name: 'X', email: 'x@example.com', password: 'xxxxxxxx', role: 'boss' });
    expect(badRole.statusCode).toBe(400);
    expect(badRole.json().detail).toBe('role: must be one of "admin", "user", "pending"');
    const unknownField = await astra.call('POST', `/api/v1/users/${user.id}/update`, admin.token, { is_admin: true });
    expect(unknownField.statusCode).toBe(400);
    expect(unknownField.json().detail).toMatch(/unknown field is_admin/);
    const badPage = await astra.call('GET', '/api/v1/users/?page=0', admin.token);
    expect(badPage.statusCode).toBe(400);
    expect(badPage.json().detail).toMatch(/^page: must be at least 1/);
    expect((await astra.call('POST', '/api/v1/users/no-such-id/update', admin.token, { name: 'X' })).statusCode).toBe(404);
  });
});
