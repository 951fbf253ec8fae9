import { describe, expect, it } from 'vitest';
import { parseUpstreamErrorBody } from './error-body';
import { readTranscript } from './fixtures/transcripts';

describe('parseUpstreamErrorBody', () => {
  it('reads OpenAI, Ollama, vLLM and FastAPI error bodies', () => {
    expect(parseUpstreamErrorBody('{"error":{"message":"Rate limit reached for gpt-4o","type":"requests","param":null,"code":"rate_limit_exceeded"}}')).toBe(
      'Rate limit reached for gpt-4o',
    );
    expect(parseUpstreamErrorBody('{"error":"model \'x\' not found"}')).toBe("model 'x' not found");
    expect(parseUpstreamErrorBody('{"object":"error","message":"The model `y` does not exist.","type":"NotFoundError","code":404}')).toBe(
      'The model `y` does not exist.',
    );
    expect(parseUpstreamErrorBody('{"detail":"Not authenticated"}')).toBe('Not authenticated');
    expect(parseUpstreamErrorBody('{"detail":[{"loc":["body","model"],"msg":"field required"},{"loc":["body"],"msg":"bad"}]}')).toBe('field required; bad');
  });

  it('reads the recorded 429 body', () => {
    expect(parseUpstreamErrorBody(readTranscript('openai-error-429.json'))).toBe(
      'Rate limit reached for gpt-4o-mini in organization org-123 on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s.',
    );
  });

  it('reads bytes', () => {
    expect(parseUpstreamErrorBody(new TextEncoder().encode('{"error":"GPU out of memory ✗"}'))).toBe('GPU out of memory ✗');
  });

  it('uses the text of a body that is not JSON, collapsed and cut', () => {
    expect(parseUpstreamErrorBody('  Bad\n\n  Gateway  ')).toBe('Bad Gateway');
    expect(parseUpstreamErrorBody('{not json')).toBe('{not json');
    expect(parseUpstreamErrorBody('{"unexpected":true}')).toBe('{"unexpected":true}');
    const long = parseUpstreamErrorBody('word '.repeat(200), 50);
    expect(long.length).toBeLessThanOrEqual(50);
    expect(long.endsWith('…')).toBe(true);
    expect(parseUpstreamErrorBody('')).toBe('');
    expect(parseUpstreamErrorBody('   ')).toBe('');
  });

  it('takes the title of an HTML error page', () => {
    expect(parseUpstreamErrorBody('<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>')).toBe(
      '502 Bad Gateway',
    );
    expect(parseUpstreamErrorBody('<p>Service &amp; more <b>unavailable</b></p><script>var x = 1;</script>')).toBe('Service & more unavailable');
  });
});
