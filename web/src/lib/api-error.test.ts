import { describe, expect, it } from 'vitest';
import { ApiError, errorFromResponse, networkError, readErrorBody, streamError, timeoutError } from './api-error';

describe('API errors', () => {
  it("uses the server's detail and code", () => {
    const error = errorFromResponse(404, '{"detail":"Chat not found","code":"not_found"}');
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ kind: 'http', status: 404, code: 'not_found', message: 'Chat not found', retryable: false });
  });

  it('starts a lower-case server message with a capital', () => {
    expect(errorFromResponse(504, '{"detail":"model server at http://x sent no first token within 45 s","code":"upstream_timeout"}').message).toBe(
      'Model server at http://x sent no first token within 45 s',
    );
  });

  it('reads OpenAI-style and plain-text bodies, and ignores HTML pages', () => {
    expect(readErrorBody('{"error":{"message":"bad model","code":"invalid_request"}}')).toEqual({ message: 'bad model', code: 'invalid_request' });
    expect(readErrorBody('upstream connect error')).toEqual({ message: 'upstream connect error' });
    expect(readErrorBody('<html><title>502 Bad Gateway</title></html>')).toEqual({});
    expect(readErrorBody('{not json')).toEqual({});
  });

  it('says what a bare gateway status means, and that it may pass', () => {
    const error = errorFromResponse(503, '<html>Service Unavailable</html>');
    expect(error.message).toMatch(/unavailable right now \(503\)/);
    expect(error.retryable).toBe(true);
    expect(errorFromResponse(401, '').message).toMatch(/sign in again/);
  });

  it('names offline, unreachable and timed-out requests', () => {
    expect(networkError(new TypeError('fetch failed'), false).message).toMatch(/offline/);
    expect(networkError(new TypeError('fetch failed'), true).message).toMatch(/Cannot reach the server/);
    expect(timeoutError(45_000).message).toBe('The server did not answer within 45 s');
    expect(timeoutError(1500).message).toBe('The server did not answer within 1.5 s');
    expect(networkError(undefined, true).retryable).toBe(true);
  });

  it('turns a stream error payload into a message', () => {
    expect(streamError({ message: 'the model server sent nothing for 45 s', code: 'upstream_timeout' })).toMatchObject({
      kind: 'stream',
      code: 'upstream_timeout',
      message: 'The model server sent nothing for 45 s',
    });
    expect(streamError({}).message).toBe('The answer failed');
  });
});
