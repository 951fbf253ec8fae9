/**
 * One log line per request, after the response: method, path, status, time. Routes marked
 * `quiet` (health checks) are never logged. Headers and bodies are never logged, so neither are
 * passwords or tokens.
 */
import type { FastifyInstance } from 'fastify';
import { infoEnabled } from '../core/logger';

declare module 'fastify' {
  interface FastifyContextConfig {
    quiet?: boolean;
  }
}

export function registerRequestLogging(app: FastifyInstance): void {
  // The level is set once, at start: below info there is nothing to log, and no hook to run per request.
  if (!infoEnabled(app.log.level)) return;
  app.addHook('onResponse', (request, reply, done) => {
    if (infoEnabled(request.log.level) && !request.routeOptions.config.quiet) {
      request.log.info(
        {
          method: request.method,
          path: request.url.split('?')[0],
          status: reply.statusCode,
          ms: Math.round(reply.elapsedTime * 10) / 10,
          user: request.principal?.user.id,
        },
        'request',
      );
    }
    done();
  });
}

