/**
 * The one place where errors become HTTP responses: `{"detail": "…", "code": "…"}` with the
 * catalogue's status. Fastify's own errors (bad JSON, oversized body, wrong content type) are
 * mapped to the same shape.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { AstraError, isAstraError } from '../core/errors';

export function registerErrorHandling(app: FastifyInstance, options: { bodyLimitBytes: number }): void {
  app.setErrorHandler((error: FastifyError | AstraError, request, reply) => {
    // A route may take larger bodies than the default (the chat import does).
    const bodyLimitBytes = request.routeOptions.bodyLimit ?? options.bodyLimitBytes;
    const astraError = isAstraError(error) ? error : fromFastifyError(error, bodyLimitBytes);
    if (astraError.status >= 500) {
      request.log.error({ err: error }, 'request failed');
    }
    // Ollama's clients read `error`; the rest of Astra's shape stays as it is.
    const forOllama = request.url.startsWith('/ollama/') ? { error: astraError.message } : {};
    return reply
      .status(astraError.status)
      .headers(astraError.headers)
      .send({ detail: astraError.message, code: astraError.code, ...forOllama });
  });

  app.setNotFoundHandler((request, reply) => {
    return reply
      .status(404)
      .send({ detail: `No route for ${request.method} ${request.url.split('?')[0] ?? ''}`, code: 'not_found' });
  });
}

function fromFastifyError(error: FastifyError, bodyLimitBytes: number): AstraError {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AstraError('payload_too_large', `Request body is larger than the limit of ${formatBytes(bodyLimitBytes)}`);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AstraError('unsupported_media_type', 'Send the body as application/json');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new AstraError('invalid_request', 'body: is required (the request said JSON but sent nothing)');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AstraError('invalid_request', 'The Content-Length header does not match the body');
  }
  if (error instanceof SyntaxError || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return new AstraError('invalid_request', `body: is not valid JSON (${error.message})`);
  }
  const status = error.statusCode ?? 500;
  if (status === 404) return new AstraError('not_found', error.message);
  if (status === 405) return new AstraError('method_not_allowed', error.message);
  if (status === 413) return new AstraError('payload_too_large', error.message);
  if (status === 415) return new AstraError('unsupported_media_type', error.message);
  if (status === 429) return new AstraError('too_many_requests', error.message);
  if (status >= 400 && status < 500) return new AstraError('invalid_request', error.message);
  return new AstraError('internal', 'Something went wrong on the server; the log has the details', { cause: error });
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${bytes / (1024 * 1024)} MiB` : `${Math.round(bytes / 1024)} KiB`;
}
