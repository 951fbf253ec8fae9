/**
 * JSON request bodies, parsed by Fastify's own parser (prototype-poisoning checks and errors as
 * before), with the text they came as kept on the request: a route that would serialise the same
 * body again can send the client's bytes instead (see chat/forward-as-sent.ts).
 */
import type { FastifyInstance } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest {
    /** The JSON body's text as it arrived; undefined for other bodies. */
    rawJson: string | undefined;
  }
}

export function registerJsonBodyParser(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.decorateRequest('rawJson', undefined);
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    request.rawJson = body as string;
    parse(request, body as string, done);
  });
}
