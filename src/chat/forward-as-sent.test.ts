/**
 * The client's JSON goes to an OpenAI-compatible server as it came only when the server reads what
 * Astra checked; a body that could show the server another model than the one the access check saw
 * (a repeated or escaped "model" key) is serialised again from the checked body.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send, startGateway, type GatewayUnderTest } from '../../test/support/gateway';
import { canForwardAsSent } from './forward-as-sent';

describe('canForwardAsSent', () => {
  const body = (text: string): string => `{"model":"gpt-4o","messages":[{"role":"user","content":"${text}"}]}`;

  it('allows a body with one model key naming the server’s own id', () => {
    expect(canForwardAsSent(body('hi'), 'gpt-4o', 'gpt-4o')).toBe(true);
    expect(canForwardAsSent('{ "stream" : true, "messages": [], "model" : "gpt-4o" }', 'gpt-4o', 'gpt-4o')).toBe(true);
    expect(canForwardAsSent(body('say \\"model\\" twice: \\"model\\"'), 'gpt-4o', 'gpt-4o')).toBe(true);
  });

  it('refuses anything a server could read differently, or that needs rewriting', () => {
    expect(canForwardAsSent(undefined, 'gpt-4o', 'gpt-4o')).toBe(false);
    expect(canForwardAsSent(body('hi'), 'gpt-4o', 'openai.gpt-4o')).toBe(false);
    expect(canForwardAsSent('{"model":"secret","messages":[],"model":"gpt-4o"}', 'gpt-4o', 'gpt-4o')).toBe(false);
    expect(canForwardAsSent('{"mod\\u0065l":"secret","model":"gpt-4o","messages":[]}', 'gpt-4o', 'gpt-4o')).toBe(false);
    expect(canForwardAsSent(body('caf\\u00e9'), 'gpt-4o', 'gpt-4o')).toBe(false);
    expect(canForwardAsSent('{"model":"gpt-4o","tools":[{"parameters":{"properties":{"model":{}}}}]}', 'gpt-4o', 'gpt-4o')).toBe(false);
    expect(canForwardAsSent('{"model":"gpt-4o","messages":[{"role":"user","content":"model"}]}', 'gpt-4o', 'gpt-4o')).toBe(false);
    expect(canForwardAsSent('{"model":"gpt-4o","stream":false,"messages":[],"stream":true}', 'gpt-4o', 'gpt-4o')).toBe(false);
  });
});

describe('the body a model server receives', () => {
  let gateway: GatewayUnderTest;
  beforeAll(async () => {
    gateway = await startGateway();
    // gpt-4o-mini is kept for admins: a user may not use it.
    const updated = await send(gateway, `/api/v1/models/${encodeURIComponent('gpt-4o-mini')}/update`, { token: gateway.admin.token, body: { access: 'admins' } });
    expect(updated.status).toBe(200);
  });
  afterAll(async () => gateway?.close());

  const lastUpstreamBody = (): string => gateway.openai.requests.filter((entry) => entry.path === '/v1/chat/completions').at(-1)!.rawBody;

  it('is the client’s own text, spacing and key order kept, when nothing needs changing', async () => {
    const text = '{ "messages" : [ { "role": "user", "content": "Hello" } ],\n  "temperature": 0.5, "model": "gpt-4o" }';
    const response = await send(gateway, '/api/chat/completions', { token: gateway.user.token, body: text });
    expect(response.status).toBe(200);
    expect(lastUpstreamBody()).toBe(text);
  });

  it('is serialised again when a repeated model key could show the server a model the user may not use', async () => {
    const text = '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hello"}],"model":"gpt-4o"}';
    const response = await send(gateway, '/api/chat/completions', { token: gateway.user.token, body: text });
    expect(response.status).toBe(200);
    expect(lastUpstreamBody()).toBe('{"model":"gpt-4o","messages":[{"role":"user","content":"Hello"}]}');
  });

  it('is serialised again when a key is written with an escape', async () => {
    const text = '{"mod\\u0065l":"gpt-4o-mini","model":"gpt-4o","messages":[{"role":"user","content":"Hello"}]}';
    const response = await send(gateway, '/api/chat/completions', { token: gateway.user.token, body: text });
    expect(response.status).toBe(200);
    const received = JSON.parse(lastUpstreamBody()) as { model: string };
    expect(received.model).toBe('gpt-4o');
    expect(lastUpstreamBody()).not.toContain('gpt-4o-mini');
  });

  it('loses Astra’s own fields, as before', async () => {
    const text = '{"model":"gpt-4o","messages":[{"role":"user","content":"Hello"}],"session_id":"s-1","features":{}}';
    const response = await send(gateway, '/api/chat/completions', { token: gateway.user.token, body: text });
    expect(response.status).toBe(200);
    expect(lastUpstreamBody()).toBe('{"model":"gpt-4o","messages":[{"role":"user","content":"Hello"}]}');
  });
});
