/**
 * Builds the HTTP server from the configuration and the services. No module-level state: tests
 * build as many independent apps as they like.
 */
import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { LazyChildLogger } from './core/lazy-child-logger';
import type { Logger } from './core/logger';
import { isAdminRequest, registerAuth, stillSignedIn } from './auth';
import { registerChat, registerChatsRoutes } from './chat';
import { registerConnectionRoutes } from './connections';
import { registerModels } from './models';
import {
  registerErrorHandling,
  registerHealthRoutes,
  registerJsonBodyParser,
  registerMetricsRoute,
  registerPublicConfigRoute,
  registerRequestLogging,
  registerSecurityHeaders,
} from './ops';
import type { Services } from './services';
import { version } from './version';
import { registerWebApp } from './web';

/** JSON bodies larger than this are refused with 413 before they are read whole. */
export const jsonBodyLimitBytes = 1024 * 1024;

/** Request ids for log lines: unique across processes (a random prefix), cheap to make (a counter). */
const requestIdPrefix = randomUUID().slice(0, 8);
let requestCount = 0;
function nextRequestId(): string {
  requestCount += 1;
  return `${requestIdPrefix}-${requestCount.toString(36)}`;
}

/** Settings no deployment needs but tests do (shorter intervals). */
export interface AppTuning {
  streamPingIntervalMs?: number;
  eventsPingIntervalMs?: number;
}

export async function buildApp(services: Services, tuning: AppTuning = {}): Promise<FastifyInstance> {
  const { config } = services;
  let ready = false;
  const app = Fastify({
    loggerInstance: services.logger as FastifyBaseLogger,
    // Requests are logged once, after the response, by ops/request-logging.ts.
    logController: new LogController({ disableRequestLogging: true }),
    requestIdHeader: false,
    genReqId: nextRequestId,
    childLoggerFactory: (logger, bindings, options) => new LazyChildLogger(logger as Logger, bindings, options) as unknown as FastifyBaseLogger,
    bodyLimit: jsonBodyLimitBytes,
    trustProxy: trustProxySetting(config.server.trustedProxies),
    routerOptions: { ignoreTrailingSlash: true },
  });

  // The API speaks JSON (uploads, later, multipart): plain text bodies get a clear 415.
  app.removeContentTypeParser('text/plain');
  registerJsonBodyParser(app);
  registerSecurityHeaders(app);
  registerErrorHandling(app, { bodyLimitBytes: jsonBodyLimitBytes });
  registerRequestLogging(app);
  registerAuth(app, services.auth, config);
  registerHealthRoutes(app, { database: services.database, keyValue: services.keyValue, isReady: () => ready });
  registerPublicConfigRoute(app, { config, version, users: services.auth.users, signupEnabled: () => services.auth.settings.current().enableSignup });
  registerMetricsRoute(app, {
    access: { token: config.metricsToken, isAdmin: (request) => isAdminRequest(services.auth, request) },
    database: services.database,
  });
  registerConnectionRoutes(app, { registry: services.connections, config });
  registerModels(app, services.models);
  registerChat(
    app,
    {
      config,
      registry: services.connections,
      catalog: services.models.catalog,
      access: services.models.access,
      balancer: services.balancer,
      logger: services.logger,
      streamPingIntervalMs: tuning.streamPingIntervalMs,
    },
    services.generations,
  );
  // Answers still generating end as interrupted (and their readers' streams with them) before the
  // server waits for requests in flight, so a shutdown is not held up by long answers.
  app.addHook('preClose', async () => services.generations.interruptAll());
  registerChatsRoutes(app, {
    chats: services.chats,
    events: services.userEvents,
    eventsPingIntervalMs: tuning.eventsPingIntervalMs,
    stillSignedIn: (request) => stillSignedIn(services.auth, request),
  });
  registerWebApp(app);

  app.addHook('onReady', (done) => {
    ready = true;
    done();
  });
  return app;
}

function trustProxySetting(trusted: string[]): boolean | string[] {
  if (trusted.includes('*')) return true;
  return trusted;
}
