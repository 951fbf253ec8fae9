/**
 * The merged model list on its own, with a registry and model servers made of plain functions:
 * merging and prefixes, the cache and its stale-while-refresh, one request for concurrent callers,
 * and the circuit breaker that hides a failing connection until a probe finds it answering again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../test/support/gateway';
import type { Connection } from '../connections';
import { createLogger } from '../core/logger';
import { ModelCatalog, type CatalogOptions } from './catalog';
import type { UpstreamModel } from './list-upstream-models';

const logger = createLogger({ level: 'silent' });

function connection(id: string, overrides: Partial<Connection> = {}): Connection {
  return { id, kind: 'ollama', name: id, baseUrl: `http://${id}:11434`, apiKey: '', enabled: true, prefixId: '', position: 0, ...overrides };
}

const model = (id: string): UpstreamModel => ({ id, name: id, created: 1, details: { id } });

/** A registry of plain connections and a lister whose answers a test controls. */
function setUp(initial: Connection[], options: Partial<CatalogOptions> = {}) {
  let connections = initial;
  const listeners: Array<() => void> = [];
  const answers = new Map<string, () => Promise<UpstreamModel[]>>();
  const calls: string[] = [];
  const registry = {
    enabled: () => connections.filter((entry) => entry.enabled),
    onChange: (listener: () => void) => {
      listeners.push(listener);
      return () => undefined;
    },
  };
  const catalog = new ModelCatalog(
    registry,
    (target) => {
      calls.push(target.id);
      const answer = answers.get(target.id);
      return answer ? answer() : Promise.resolve([]);
    },
    { ttlMs: 60_000, serveStale: true, listTimeoutMs: 1000, probeDelayMs: { first: 20, longest: 80 }, ...options },
    logger,
  );
  catalogs.push(catalog);
  return {
    catalog,
    calls,
    answer(id: string, models: UpstreamModel[] | Error | (() => Promise<UpstreamModel[]>)) {
      answers.set(id, typeof models === 'function' ? models : models instanceof Error ? () => Promise.reject(models) : () => Promise.resolve(models));
    },
    change(next: Connection[]) {
      connections = next;
      for (const listener of listeners) listener();
    },
  };
}

const catalogs: ModelCatalog[] = [];
afterEach(() => {
  for (const catalog of catalogs.splice(0)) catalog.close();
});

/** A promise and its resolve, for an answer that arrives when the test says. */
function deferred<T>(): { promise: Promise<T>; resolve(value: T): void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => (resolve = done));
  return { promise, resolve };
}

describe('ModelCatalog', () => {
  it('merges the connections’ lists: a model served by two is one entry with both, in connection order', async () => {
    const first = connection('a');
    const second = connection('b', { kind: 'openai', position: 1 });
    const { catalog, answer } = setUp([first, second]);
    answer('a', [model('llama3.2:latest'), model('shared')]);
    answer('b', [model('gpt-4o'), model('shared')]);
    const models = await catalog.list();
    expect(models.map((entry) => entry.id)).toEqual(['llama3.2:latest', 'shared', 'gpt-4o']);
    const shared = catalog.find('shared');
    expect(shared?.ownedBy).toBe('ollama');
    expect(shared?.servedBy.map((entry) => [entry.connection.id, entry.upstreamId])).toEqual([
      ['a', 'shared'],
      ['b', 'shared'],
    ]);
    expect(catalog.find('gpt-4o')?.ownedBy).toBe('openai');
  });

  it('names the models of a connection with a prefix `prefix.model`, keeping the server’s own id for upstream', async () => {
    const { catalog, answer } = setUp([connection('a', { prefixId: 'lab' }), connection('b')]);
    answer('a', [model('llama3.2:latest')]);
    answer('b', [model('llama3.2:latest')]);
    await catalog.list();
    expect(catalog.find('lab.llama3.2:latest')?.servedBy).toEqual([{ connection: expect.objectContaining({ id: 'a' }), upstreamId: 'llama3.2:latest' }]);
    expect(catalog.find('lab.llama3.2:latest')?.name).toBe('lab.llama3.2:latest');
    expect(catalog.find('llama3.2:latest')?.servedBy.map((entry) => entry.connection.id)).toEqual(['b']);
  });

  it('keeps a list for the TTL; concurrent callers share one request', async () => {
    const { catalog, answer, calls } = setUp([connection('a')]);
    const slow = deferred<UpstreamModel[]>();
    answer('a', () => slow.promise);
    const lists = [catalog.list(), catalog.list(), catalog.resolve('m')];
    slow.resolve([model('m')]);
    const [one, two, resolved] = await Promise.all(lists);
    expect(calls).toEqual(['a']);
    expect(one).toBe(two);
    expect(resolved).toMatchObject({ id: 'm' });
    await catalog.list();
    expect(calls).toEqual(['a']);
    await catalog.list({ refresh: true });
    expect(calls).toEqual(['a', 'a']);
  });

  it('serves a stale list at once while it refreshes in the background', async () => {
    const { catalog, answer, calls } = setUp([connection('a')], { ttlMs: 0 });
    answer('a', [model('old')]);
    await catalog.list();
    const refreshed = deferred<UpstreamModel[]>();
    answer('a', () => refreshed.promise);
    const stale = await catalog.list();
    expect(stale.map((entry) => entry.id)).toEqual(['old']);
    expect(calls).toEqual(['a', 'a']);
    refreshed.resolve([model('new')]);
    await waitFor(() => catalog.find('new'), 1000, 'the refreshed list');
    expect(catalog.find('old')).toBeUndefined();
  });

  it('waits for the refresh instead when stale lists may not be served (ENABLE_MODEL_CACHE=false)', async () => {
    const { catalog, answer } = setUp([connection('a')], { ttlMs: 0, serveStale: false });
    answer('a', [model('old')]);
    await catalog.list();
    answer('a', [model('new')]);
    expect((await catalog.list()).map((entry) => entry.id)).toEqual(['new']);
  });

  it('hides a failing connection without asking it again, and brings it back when a probe finds it answering', async () => {
    const { catalog, answer, calls } = setUp([connection('up'), connection('down', { position: 1 })]);
    answer('up', [model('m1')]);
    answer('down', new Error('model server at http://down:11434 sent no response within 0.5 s'));
    expect((await catalog.list()).map((entry) => entry.id)).toEqual(['m1']);
    expect(catalog.isDown('down')).toBe(true);
    expect(catalog.isDown('up')).toBe(false);
    const asked = calls.length;
    await catalog.list();
    expect(calls.length).toBe(asked);

    answer('down', [model('m2')]);
    await waitFor(() => catalog.find('m2'), 2000, 'the probe to bring the connection back');
    expect(catalog.isDown('down')).toBe(false);
    expect((await catalog.list()).map((entry) => entry.id)).toEqual(['m1', 'm2']);
  });

  it('probes a connection that stays down less and less often', async () => {
    const { catalog, answer, calls } = setUp([connection('down')]);
    answer('down', new Error('refused'));
    await catalog.list();
    // Probes after 20, 40, 80, 80 … ms: about 5 in 300 ms, not one every few milliseconds.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(calls.length).toBeGreaterThanOrEqual(2);
    expect(calls.length).toBeLessThanOrEqual(7);
    catalog.close();
    const afterClose = calls.length;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(calls.length).toBe(afterClose);
  });

  it('refresh asks a connection that is down too', async () => {
    const { catalog, answer } = setUp([connection('a')], { probeDelayMs: { first: 60_000, longest: 60_000 } });
    answer('a', new Error('refused'));
    await catalog.list();
    expect(catalog.isDown('a')).toBe(true);
    answer('a', [model('m')]);
    expect((await catalog.list()).map((entry) => entry.id)).toEqual([]);
    expect((await catalog.list({ refresh: true })).map((entry) => entry.id)).toEqual(['m']);
  });

  it('forgets what it knew of a connection that changed, was disabled or removed', async () => {
    const original = connection('a');
    const { catalog, answer, change, calls } = setUp([original]);
    answer('a', [model('m')]);
    await catalog.list();
    // An edit makes a new connection object: the old list is dropped at once and fetched again.
    change([{ ...original, baseUrl: 'http://elsewhere:11434' }]);
    expect(catalog.find('m')).toBeUndefined();
    answer('a', [model('n')]);
    expect((await catalog.list()).map((entry) => entry.id)).toEqual(['n']);
    expect(calls).toEqual(['a', 'a']);
    change([{ ...original, enabled: false }]);
    expect(await catalog.list()).toEqual([]);
    change([]);
    expect(await catalog.list()).toEqual([]);
  });

  it('ignores an answer that arrives after its connection was changed', async () => {
    const original = connection('a');
    const { catalog, answer, change } = setUp([original]);
    const late = deferred<UpstreamModel[]>();
    answer('a', () => late.promise);
    const listing = catalog.list();
    answer('a', [model('current')]);
    change([{ ...original, baseUrl: 'http://elsewhere:11434' }]);
    late.resolve([model('from-the-old-server')]);
    await listing;
    expect(catalog.find('from-the-old-server')).toBeUndefined();
    expect((await catalog.list()).map((entry) => entry.id)).toEqual(['current']);
  });
});
