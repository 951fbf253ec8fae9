/**
 * While a model server is slow to start answering, the stream carries `: ping` comments so proxies
 * keep it open; and a streamed request is logged once, like any other.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { hello, send, sseContent, startGateway, type GatewayUnderTest } from '../../test/support/gateway';
import { defaultReplyText } from '../../test/support/model-server';

describe('keep-alive pings and request lines', () => {
  let gateway: GatewayUnderTest | undefined;
  afterEach(async () => gateway?.close());

  it('sends pings while waiting for the first token, then the answer, whole', async () => {
    gateway = await startGateway({ tuning: { streamPingIntervalMs: 100 } });
    gateway.openai.setBehavior({ firstTokenDelayMs: 450 });
    const response = await send(gateway, '/api/chat/completions', { token: gateway.user.token, body: { model: 'gpt-4o-mini', messages: hello, stream: true } });
    expect(response.status).toBe(200);
    const pings = response.text.split('\n').filter((line) => line === ': ping').length;
    expect(pings).toBeGreaterThanOrEqual(3);
    // Pings come only before the first token.
    expect(response.text.lastIndexOf(': ping')).toBeLessThan(response.text.indexOf('"content":"Token1'));
    expect(sseContent(response.text)).toBe(defaultReplyText(8));
  });

  it('logs a streamed request once, like a whole one, with its status and user', async () => {
    const lines: string[] = [];
    gateway = await startGateway({ logLines: lines });
    await send(gateway, '/api/chat/completions', { token: gateway.user.token, body: { model: 'gpt-4o-mini', messages: hello, stream: true } });
    await send(gateway, '/api/chat/completions', { token: gateway.user.token, body: { model: 'gpt-4o-mini', messages: hello } });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const requests = lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.msg === 'request' && line.path === '/api/chat/completions');
    // Fastify logs a streamed (hijacked) reply too, once it is finished.
    expect(requests.map((line) => [line.status, line.user])).toEqual([
      [200, gateway.user.id],
      [200, gateway.user.id],
    ]);
  });
});
