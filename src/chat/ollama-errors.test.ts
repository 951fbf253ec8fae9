/** Ollama's own client reads `error` from an error body: Astra's errors on /ollama carry it. */
import { Ollama } from 'ollama';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedPortUrl, startGateway, type GatewayUnderTest } from '../../test/support/gateway';

describe('errors on the Ollama routes', () => {
  let gateway: GatewayUnderTest;
  beforeAll(async () => {
    gateway = await startGateway({ extraOllamaUrls: [await closedPortUrl()] });
  });
  afterAll(async () => gateway?.close());

  it('reach the official ollama client with Astra’s message', async () => {
    const ollama = new Ollama({ host: `${gateway.url}/ollama`, headers: { Authorization: `Bearer ${gateway.user.token}` } });
    await expect(ollama.chat({ model: 'no-such-model', messages: [{ role: 'user', content: 'hi' }] })).rejects.toThrow(/Model no-such-model not found/);
    gateway.ollama.setBehavior({ fault: 'status-500' });
    await expect(ollama.chat({ model: 'llama3.2:latest', messages: [{ role: 'user', content: 'hi' }], stream: true })).rejects.toThrow(/answered HTTP 500/);
    gateway.ollama.resetBehavior();
  });
});
