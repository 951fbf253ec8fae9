/**
 * What every model-taking route shares: finding the model the caller asked for (checking they may
 * use it), ordering the connections that serve it, and the headers and timeouts of upstream calls.
 */
import type { Principal } from '../auth';
import type { Config } from '../config';
import type { ConnectionKind, ConnectionRegistry, LoadBalancer } from '../connections';
import { AstraError, badRequest } from '../core/errors';
import type { Logger } from '../core/logger';
import type { CatalogModel, ModelAccess, ModelCatalog } from '../models';
import type { RelayCandidate, RelayDeps } from '../providers';

export interface Gateway {
  config: Config;
  registry: ConnectionRegistry;
  catalog: ModelCatalog;
  access: ModelAccess;
  balancer: LoadBalancer;
  logger: Logger;
  /** How often a stream still waiting for its first token gets a `: ping` (tests shorten it). */
  streamPingIntervalMs?: number;
}

/** The relay's dependencies: the same for every request of a gateway, so made once. */
const relayDepsOf = new WeakMap<Gateway, RelayDeps>();

export function relayDeps(gateway: Gateway): RelayDeps {
  let deps = relayDepsOf.get(gateway);
  if (deps === undefined) {
    const timeouts = gateway.config.timeouts;
    deps = {
      registry: gateway.registry,
      balancer: gateway.balancer,
      logger: gateway.logger,
      timeouts: {
        firstTokenMs: timeouts.firstTokenSeconds * 1000,
        idleMs: timeouts.streamIdleSeconds * 1000,
        totalMs: timeouts.totalSeconds === undefined ? undefined : timeouts.totalSeconds * 1000,
      },
    };
    relayDepsOf.set(gateway, deps);
  }
  return deps;
}

/**
 * The model named in a request, if the caller may use it. An unknown model and one the caller may
 * not use get the same 404, so model names are not revealed to those who cannot use them.
 */
export function modelFor(gateway: Gateway, principal: Principal, modelId: unknown): CatalogModel | Promise<CatalogModel> {
  if (typeof modelId !== 'string' || modelId === '') throw badRequest('model: is required');
  // The usual case, a model in the list in memory, is answered at once: no promise to wait for.
  const known = gateway.catalog.find(modelId);
  if (known !== undefined) return usable(gateway, principal, known, modelId);
  return gateway.catalog.resolve(modelId).then((model) => usable(gateway, principal, model, modelId));
}

function usable(gateway: Gateway, principal: Principal, model: CatalogModel | undefined, modelId: string): CatalogModel {
  if (model === undefined || !gateway.access.canUse(principal.user, model.id)) {
    throw new AstraError('not_found', `Model ${modelId} not found: it is not served by any connected model server, or you may not use it`);
  }
  return model;
}

/** The connections to try for a model, best first; only those of `kind` when the route needs one protocol. */
export function candidatesFor(gateway: Gateway, model: CatalogModel, kind?: ConnectionKind): RelayCandidate[] {
  const served = kind === undefined ? model.servedBy : model.servedBy.filter((entry) => entry.connection.kind === kind);
  if (served.length === 0) {
    throw new AstraError('not_found', `Model ${model.id} is not served by any ${kind === 'ollama' ? 'Ollama' : 'OpenAI-compatible'} connection`);
  }
  return gateway.balancer.order(served, (connectionId) => gateway.catalog.isDown(connectionId));
}

/**
 * Headers of a JSON request to a model server: its key, and who is asking when
 * ENABLE_FORWARD_USER_INFO_HEADERS is on. Without the user's headers they are the same for every
 * request to a connection, so they are made once per connection (an edited connection is a new
 * object) and shared: nobody may change them.
 */
export function upstreamHeaders(gateway: Gateway, candidate: RelayCandidate, principal: Principal): Readonly<Record<string, string>> {
  if (gateway.config.connections.forwardUserInfoHeaders) return userInfoHeaders(candidate, principal);
  let headers = sharedHeaders.get(candidate.connection);
  if (headers === undefined) {
    headers = Object.freeze(connectionHeaders(candidate));
    sharedHeaders.set(candidate.connection, headers);
  }
  return headers;
}

const sharedHeaders = new WeakMap<RelayCandidate['connection'], Readonly<Record<string, string>>>();

function connectionHeaders(candidate: RelayCandidate): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (candidate.connection.apiKey) headers.authorization = `Bearer ${candidate.connection.apiKey}`;
  return headers;
}

function userInfoHeaders(candidate: RelayCandidate, principal: Principal): Record<string, string> {
  const headers = connectionHeaders(candidate);
  const user = principal.user;
  headers['x-openwebui-user-name'] = encodeURIComponent(user.name);
  headers['x-openwebui-user-id'] = user.id;
  headers['x-openwebui-user-email'] = user.email;
  headers['x-openwebui-user-role'] = user.role;
  return headers;
}

/** A `Server-Timing` header value from milliseconds per step. */
export function serverTiming(steps: Record<string, number | undefined>): string {
  // Runs once per completion: a plain loop, no intermediate arrays.
  let header = '';
  for (const name in steps) {
    const milliseconds = steps[name];
    if (milliseconds === undefined) continue;
    header += `${header === '' ? '' : ', '}${name};dur=${formatMilliseconds(milliseconds)}`;
  }
  return header;
}

/**
 * Milliseconds to two decimals, as `Math.round(ms * 100) / 100` prints them ("12", "1.5", "0.07"),
 * from whole numbers: cheaper than printing a fraction, on every completion.
 */
export function formatMilliseconds(milliseconds: number): string {
  const hundredths = Math.round(milliseconds * 100);
  if (!(hundredths >= 0 && hundredths <= 0x7fffffff)) return String(hundredths / 100);
  const whole = Math.floor(hundredths / 100);
  const rest = hundredths - whole * 100;
  if (rest === 0) return `${whole}`;
  if (rest % 10 === 0) return `${whole}.${rest / 10}`;
  return `${whole}.${rest < 10 ? '0' : ''}${rest}`;
}
