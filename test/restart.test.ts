import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, Pool, request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, startServer, type ServerProcess } from './support/server-process';

async function json(method: 'GET' | 'POST', url: string, token?: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await request(url, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: response.statusCode, body: (await response.body.json()) as Record<string, unknown> };
}

describe('a real server process', () => {
  let dataDir: string;
  let server: ServerProcess | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps sessions across restarts, and a signed-out token stays dead after one', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'astra-restart-'));
    const env = { DATA_DIR: dataDir };
    server = await startServer(env);
    const signedUp = await json('POST', `${server.url}/api/v1/auths/signup`, undefined, { name: 'R', email: 'r@example.com', password: 'restart password' });
    expect(signedUp.status).toBe(200);
    const token = signedUp.body.token as string;
    const second = (await json('POST', `${server.url}/api/v1/auths/signin`, undefined, { email: 'r@example.com', password: 'restart password' })).body.token as string;
    // No WEBUI_SECRET_KEY: one was generated and kept in DATA_DIR, private to its owner.
    expect((await stat(join(dataDir, '.webui_secret_key'))).mode & 0o077).toBe(0);
    expect(await server.stop()).toBe(0);

    server = await startServer(env);
    const me = await json('GET', `${server.url}/api/v1/auths/`, token);
    expect(me.status).toBe(200);
    expect(me.body.email).toBe('r@example.com');
    expect((await json('GET', `${server.url}/api/v1/auths/signout`, token)).status).toBe(200);
    expect(await server.stop()).toBe(0);

    server = await startServer(env);
    expect((await json('GET', `${server.url}/api/v1/auths/`, token)).status).toBe(401);
    expect((await json('GET', `${server.url}/api/v1/auths/`, second)).status).toBe(200);
  });

  it('on SIGTERM finishes the request in flight, then exits 0', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'astra-sigterm-'));
    server = await startServer({ DATA_DIR: dataDir });
    // A kept-alive connection, so that the next request reaches the server at once.
    const client = new Pool(server.url, { connections: 1 });
    expect((await (await client.request({ method: 'GET', path: '/health' })).body.json())).toEqual({ status: true });
    // Sign-up hashes a password (tens of ms): the signal arrives while it runs.
    const inFlight = client.request({
      method: 'POST',
      path: '/api/v1/auths/signup',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'T', email: 't@example.com', password: 'sigterm password' }),
    });
    await new Promise((resolve) => setTimeout(resolve, 15));
    const started = Date.now();
    const exited = server.stop();
    const response = await inFlight;
    expect(response.statusCode).toBe(200);
    expect(((await response.body.json()) as { role: string }).role).toBe('admin');
    expect(await exited).toBe(0);
    // The idle keep-alive connection did not hold the exit up for the 10 s grace period.
    expect(Date.now() - started).toBeLessThan(5000);
    await client.close();
  });

  it('with WORKERS=2 serves from two processes that share sessions and sign-outs, and stops with exit 0', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'astra-workers-'));
    server = await startServer({ DATA_DIR: dataDir, WORKERS: '2', GLOBAL_LOG_LEVEL: 'INFO' });
    const token = (await json('POST', `${server.url}/api/v1/auths/signup`, undefined, { name: 'W', email: 'w@example.com', password: 'workers password' })).body.token as string;
    // Each new connection may land on either worker; both must know the session.
    const statuses = await Promise.all(Array.from({ length: 8 }, () => json('GET', `${server!.url}/api/v1/auths/`, token)));
    expect(statuses.map((answer) => answer.status)).toEqual(Array(8).fill(200));
    expect((await json('GET', `${server.url}/api/v1/auths/signout`, token)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const after = await Promise.all(Array.from({ length: 8 }, () => json('GET', `${server!.url}/api/v1/auths/`, token)));
    expect(after.map((answer) => answer.status)).toEqual(Array(8).fill(401));
    // The second worker may still be starting when the first answers: keep asking (each request a
    // new connection) until both have served one, for up to 10 s.
    const servingPids = (): Set<string> => new Set([...server!.output().matchAll(/"pid":(\d+),"reqId"/g)].map((match) => match[1]!));
    for (const deadline = Date.now() + 10_000; servingPids().size < 2 && Date.now() < deadline; ) {
      const fresh = new Agent();
      await (await request(`${server.url}/api/v1/auths/`, { dispatcher: fresh })).body.dump();
      await fresh.close();
    }
    expect(servingPids().size).toBe(2);
    expect(await server.stop()).toBe(0);
  });

  it('refuses to start on a bad configuration, naming the variable, the value and what is accepted', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'astra-badconfig-'));
    const result = await runCli(['serve'], { DATA_DIR: dataDir, PORT: 'eighty', DEFAULT_USER_ROLE: 'boss' });
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/PORT=eighty/);
    expect(result.output).toMatch(/DEFAULT_USER_ROLE=boss.*pending, user, admin/);
  });

  it('creates an admin and resets a password from the command line', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'astra-cli-'));
    const env = { DATA_DIR: dataDir };
    const created = await runCli(['user', 'create-admin', '--email', 'Root@Example.com', '--name', 'Root'], env);
    expect(created.code).toBe(0);
    const password = /Password: (\S+)/.exec(created.output)?.[1];
    expect(password).toBeDefined();
    server = await startServer(env);
    const signedIn = await json('POST', `${server.url}/api/v1/auths/signin`, undefined, { email: 'root@example.com', password });
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.role).toBe('admin');
    // The CLI's admin took the first-admin claim: the next sign-up is not an admin.
    const next = await json('POST', `${server.url}/api/v1/auths/signup`, undefined, { name: 'N', email: 'n@example.com', password: 'next password' });
    expect(next.body.role).toBe('pending');

    const reset = await runCli(['user', 'reset-password', '--email', 'root@example.com', '--password', 'brand new password'], env);
    expect(reset.code).toBe(0);
    expect((await json('POST', `${server.url}/api/v1/auths/signin`, undefined, { email: 'root@example.com', password: 'brand new password' })).status).toBe(200);
    expect((await json('POST', `${server.url}/api/v1/auths/signin`, undefined, { email: 'root@example.com', password })).status).toBe(400);
    const unknown = await runCli(['user', 'reset-password', '--email', 'nobody@example.com'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.output).toMatch(/No account has the email nobody@example.com/);
  });
});
