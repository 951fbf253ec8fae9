import { describe, expect, it } from 'vitest';
import { ApiClient } from './api';
import { streamChat, type ChatStreamHandlers, type ConnectionState } from './chat-stream';
import { json, manualConnectivity, scriptedFetch, sse, type Handler } from './test-fetch';

const head = (extra: Record<string, unknown> = {}): string =>
  `id: 1\nevent: chat\ndata: ${JSON.stringify({ chat_id: 'c1', user_message_id: 'u1', message_id: 'a1', ...extra })}\n\n`;
const delta = (id: number, text: string): string => `id: ${id}\ndata: {"choices":[{"index":0,"delta":{"content":${JSON.stringify(text)}},"finish_reason":null}]}\n\n`;
const finish = (id: number): string => `id: ${id}\ndata: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\nid: ${id + 1}\ndata: [DONE]\n\n`;

/** Reads an answer and collects what the screen would show. */
function reader(handler: Handler, options: { online?: boolean } = {}) {
  const { fetch, requests } = scriptedFetch(handler);
  const connectivity = manualConnectivity(options.online ?? true);
  const client = new ApiClient({ fetch, connectivity, backoff: { baseMs: 1, maxMs: 5 }, timeoutMs: 1000 });
  let text = '';
  const states: ConnectionState[] = [];
  const handlers: ChatStreamHandlers = {
    onReset: () => (text = ''),
    onDelta: (piece) => (text += piece.content ?? ''),
    onConnection: (state) => states.push(state),
  };
  return { client, requests, connectivity, handlers, states, text: () => text };
}

const body = { model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true, chat_id: 'c1', id: 'a1' };

describe('streamChat', () => {
  it('reads an answer to its end', async () => {
    const test = reader(() => sse([head(), delta(2, 'Hello'), delta(3, ' world'), finish(4)]));
    const outcome = await streamChat(test.client, { chatId: 'c1', messageId: 'a1', body }, test.handlers).done;
    expect(outcome).toEqual({ kind: 'done', finishReason: 'stop' });
    expect(test.text()).toBe('Hello world');
    expect(test.requests[0]).toMatchObject({ method: 'POST', url: '/api/chat/completions', body });
  });

  it('re-attaches after a drop with Last-Event-ID and continues without losing or repeating text', async () => {
    const test = reader((request) => {
      if (request.method === 'POST') return sse([head(), delta(2, 'One '), delta(3, 'two ')], 'break');
      expect(request.url).toBe('/api/v1/chats/c1/stream?message_id=a1');
      return request.headers['last-event-id'] === '3' ? sse([delta(4, 'three'), finish(5)]) : json(500, {});
    });
    const outcome = await streamChat(test.client, { chatId: 'c1', messageId: 'a1', body }, test.handlers).done;
    expect(outcome.kind).toBe('done');
    expect(test.text()).toBe('One two three');
    expect(test.states).toEqual([{ status: 'reconnecting', message: 'Connection lost — reconnecting…' }, { status: 'connected' }]);
  });

  it('takes the whole stored answer when it ended while the connection was down', async () => {
    const test = reader((request) =>
      request.method === 'POST'
        ? sse([head(), delta(2, 'Partial')], 'break')
        : sse([head({ final: true, status: 'complete' }), delta(2, 'Partial and the rest'), finish(3)]),
    );
    await streamChat(test.client, { chatId: 'c1', messageId: 'a1', body }, test.handlers).done;
    expect(test.text()).toBe('Partial and the rest');
  });

  it('waits while offline, saying so, and resumes when back online', async () => {
    const test = reader((request) => (request.method === 'POST' ? sse([head(), delta(2, 'A')], 'hang', request.signal) : sse([delta(3, 'B'), finish(4)])));
    const done = streamChat(test.client, { chatId: 'c1', messageId: 'a1', body }, test.handlers).done;
    await new Promise((resolve) => setTimeout(resolve, 20));
    test.connectivity.set(false);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(test.states.at(-1)).toEqual({ status: 'offline', message: 'You are offline — reconnecting…' });
    expect(test.requests).toHaveLength(1);
    test.connectivity.set(true);
    expect((await done).kind).toBe('done');
    expect(test.text()).toBe('AB');
    expect(test.requests[1]?.headers['last-event-id']).toBe('2');
  });

  it('re-attaches when the connection stays silent past the deadline', async () => {
    let posts = 0;
    const test = reader((request) => {
      if (request.method === 'POST') {
        posts += 1;
        return sse([head(), delta(2, 'x')], 'hang', request.signal);
      }
      return sse([delta(3, 'y'), finish(4)]);
    });
    const outcome = await streamChat(test.client, { chatId: 'c1', messageId: 'a1', body }, test.handlers, { idleMs: 30 }).done;
    expect(outcome.kind).toBe('done');
    expect(posts).toBe(1);
    expect(test.text()).toBe('xy');
    expect(test.states[0]).toEqual({ status: 'reconnecting', message: 'The server sent nothing for 0.03 s — reconnecting…' });
  });

  it("shows the model server's error from the stream", async () => {
    const error = 'id: 3\ndata: {"error":{"message":"the model server sent nothing for 45 s","type":"server_error","code":"upstream_timeout"}}\n\n';
    const test = reader(() => sse([head(), delta(2, 'Hal'), error]));
    const outcome = await streamChat(test.client, { chatId: 'c1', messageId: 'a1', body }, test.handlers).done;
    expect(outcome).toMatchObject({ kind: 'error', error: { code: 'upstream_timeout', message: 'The model server sent nothing for 45 s' } });
    expect(test.text()).toBe('Hal');
  });

  it('fails at once when the server refuses to start the answer', async () => {
    const test = reader(() => json(400, { detail: 'model: unknown model "x"', code: 'invalid_request' }));
    const outcome = await streamChat(test.client, { chatId: 'c1', messageId: 'a1', body }, test.handlers).done;
    expect(outcome).toMatchObject({ kind: 'error', error: { status: 400, message: 'Model: unknown model "x"' } });
    expect(test.requests).toHaveLength(1);
  });

  it('says the message never arrived when the first request failed and nothing is there to re-attach to', async () => {
    const test = reader((request) => (request.method === 'POST' ? Promise.reject(new TypeError('Failed to fetch')) : json(404, { detail: 'Chat not found', code: 'not_found' })));
    const outcome = await streamChat(test.client, { chatId: 'c1', messageId: 'a1', body }, test.handlers).done;
    expect(outcome).toMatchObject({ kind: 'error', error: { message: 'The server never received this message — try again' } });
  });

  it('gives up after a bounded number of failed reconnections', async () => {
    const test = reader((request) => (request.method === 'POST' ? sse([head()], 'break') : json(503, {})));
    const outcome = await streamChat(test.client, { chatId: 'c1', messageId: 'a1', body }, test.handlers, { maxReconnects: 3 }).done;
    expect(outcome).toMatchObject({ kind: 'error', error: { kind: 'network' } });
    expect(test.requests.filter((request) => request.method === 'GET')).toHaveLength(3);
  });

  it('stops: asks the server to stop the job and aborts the read', async () => {
    const test = reader((request) => {
      if (request.url === '/api/tasks/chat/c1/stop') return json(200, { status: true });
      return sse([head(), delta(2, 'So far')], 'hang', request.signal);
    });
    const handle = streamChat(test.client, { chatId: 'c1', messageId: 'a1', body }, test.handlers);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await handle.stop();
    expect(await handle.done).toEqual({ kind: 'stopped' });
    expect(test.requests.map((request) => `${request.method} ${request.url}`)).toEqual(['POST /api/chat/completions', 'POST /api/tasks/chat/c1/stop']);
    expect(test.requests[0]?.signal?.aborted).toBe(true);
    expect(test.text()).toBe('So far');
  });

  it('re-attaching to a running answer from the start replaces what was shown', async () => {
    const test = reader(() => sse([head(), delta(2, 'Fresh'), finish(3)]));
    test.handlers.onDelta?.({ content: 'stale saved text' });
    const outcome = await streamChat(test.client, { chatId: 'c1', messageId: 'a1' }, test.handlers).done;
    expect(outcome.kind).toBe('done');
    expect(test.text()).toBe('Fresh');
    expect(test.requests[0]).toMatchObject({ method: 'GET', url: '/api/v1/chats/c1/stream?message_id=a1' });
    expect(test.requests[0]?.headers['last-event-id']).toBeUndefined();
  });
});
