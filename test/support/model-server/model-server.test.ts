/**
 * The stand-in speaks the documented wire formats: its output has the same structure as each
 * transcript in test/support/transcripts/ (same keys and value types per chunk, same sequence of
 * chunk kinds, same framing).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startModelServer, type ModelServer } from './index';
import { behaviorHeader, send } from './test-http';
import { readTranscript, readTranscriptJson } from './transcripts';
import { parseNdjson, parseSse, shapeOf, type Shape } from './wire-shape';

let server: ModelServer;
beforeAll(async () => {
  server = await startModelServer();
});
afterAll(async () => {
  await server.close();
});

const weatherTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Get the weather in a given city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

function openaiChunkKind(payload: string): string {
  if (payload === '[DONE]') return 'done';
  const chunk = JSON.parse(payload) as { choices: Array<{ delta: Record<string, unknown>; finish_reason: unknown }> };
  const choice = chunk.choices[0];
  if (choice === undefined) return 'usage';
  if (choice.finish_reason !== null) return 'finish';
  if (choice.delta.tool_calls !== undefined) return choice.delta.role !== undefined ? 'tool-call-start' : 'tool-call-arguments';
  if (choice.delta.role !== undefined) return 'role';
  return 'content';
}

function ollamaChunkKind(chunk: Record<string, unknown>): string {
  if (chunk.done === true) return 'final';
  const message = chunk.message as Record<string, unknown> | undefined;
  if (chunk.thinking !== undefined || message?.thinking !== undefined) return 'thinking';
  if (message?.tool_calls !== undefined) return 'tool-call';
  return 'content';
}

/** Consecutive repeats collapsed: ["role","content","content","finish"] → ["role","content","finish"]. */
function collapse(kinds: string[]): string[] {
  return kinds.filter((kind, index) => kind !== kinds[index - 1]);
}

/** Every chunk of a kind has the shape the transcript's chunks of that kind have. */
function expectSameShapesPerKind(actual: Array<{ kind: string; value: unknown }>, expected: Array<{ kind: string; value: unknown }>): void {
  const expectedShapes = new Map<string, Shape>();
  for (const { kind, value } of expected) {
    const shape = shapeOf(value);
    const known = expectedShapes.get(kind);
    if (known === undefined) expectedShapes.set(kind, shape);
    else expect(shape, `transcript chunks of kind ${kind} differ`).toEqual(known);
  }
  for (const { kind, value } of actual) expect({ kind, shape: shapeOf(value) }).toEqual({ kind, shape: expectedShapes.get(kind) });
}

function sseChunks(text: string): Array<{ kind: string; value: unknown }> {
  return parseSse(text).map((payload) => ({ kind: openaiChunkKind(payload), value: payload === '[DONE]' ? '[DONE]' : (JSON.parse(payload) as unknown) }));
}

function ndjsonChunks(text: string): Array<{ kind: string; value: unknown }> {
  return parseNdjson(text).map((chunk) => ({ kind: ollamaChunkKind(chunk), value: chunk }));
}

function expectStreamLike(actual: Array<{ kind: string; value: unknown }>, transcript: Array<{ kind: string; value: unknown }>): void {
  expect(collapse(actual.map((chunk) => chunk.kind))).toEqual(collapse(transcript.map((chunk) => chunk.kind)));
  expectSameShapesPerKind(actual, transcript);
}

describe('OpenAI wire format', () => {
  it('streams chat like openai-chat-stream.sse (role, content, finish, usage, [DONE])', async () => {
    const response = await send(`${server.openaiBaseUrl}/chat/completions`, {
      model: 'gpt-4o-mini',
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: 'user', content: 'Hello' }],
    });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    const transcript = sseChunks(readTranscript('openai-chat-stream.sse'));
    expect(transcript.map((chunk) => chunk.kind)).toContain('usage');
    expectStreamLike(sseChunks(response.text), transcript);
  });

  it('streams a tool call like openai-chat-stream-tool-call.sse', async () => {
    const response = await send(`${server.openaiBaseUrl}/chat/completions`, {
      model: 'gpt-4o-mini',
      stream: true,
      tools: [weatherTool],
      messages: [{ role: 'user', content: 'What is the weather in Paris? Please call tool.' }],
    });
    expectStreamLike(sseChunks(response.text), sseChunks(readTranscript('openai-chat-stream-tool-call.sse')));
  });

  it('answers stream:false like openai-chat.json', async () => {
    const response = await send(`${server.openaiBaseUrl}/chat/completions`, { model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }] });
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(shapeOf(JSON.parse(response.text))).toEqual(shapeOf(readTranscriptJson('openai-chat.json')));
  });

  it('lists models like openai-models.json', async () => {
    const response = await send(`${server.openaiBaseUrl}/models`);
    expect(shapeOf(JSON.parse(response.text))).toEqual(shapeOf(readTranscriptJson('openai-models.json')));
  });

  it('embeds like openai-embeddings.json', async () => {
    const response = await send(`${server.openaiBaseUrl}/embeddings`, { model: 'text-embedding-3-small', input: 'The food was delicious', encoding_format: 'float' });
    expect(shapeOf(JSON.parse(response.text))).toEqual(shapeOf(readTranscriptJson('openai-embeddings.json')));
  });

  it('rate-limits like openai-error-429.json, with Retry-After', async () => {
    const response = await send(
      `${server.openaiBaseUrl}/chat/completions`,
      { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] },
      { headers: behaviorHeader({ fault: 'status-429', retryAfterSeconds: 7 }) },
    );
    expect(response.status).toBe(429);
    expect(response.headers['retry-after']).toBe('7');
    expect(shapeOf(JSON.parse(response.text))).toEqual(shapeOf(readTranscriptJson('openai-error-429.json')));
  });
});

describe('Ollama wire format', () => {
  it('streams /api/chat like ollama-chat-stream.ndjson', async () => {
    const response = await send(`${server.ollamaBaseUrl}/api/chat`, { model: 'llama3.2', messages: [{ role: 'user', content: 'why is the sky blue?' }] });
    expect(response.headers['content-type']).toBe('application/x-ndjson');
    expectStreamLike(ndjsonChunks(response.text), ndjsonChunks(readTranscript('ollama-chat-stream.ndjson')));
  });

  it('streams thinking like ollama-chat-thinking.ndjson', async () => {
    const response = await send(`${server.ollamaBaseUrl}/api/chat`, { model: 'qwen3:8b', think: true, messages: [{ role: 'user', content: 'What is 17 × 23?' }] });
    const transcript = ndjsonChunks(readTranscript('ollama-chat-thinking.ndjson'));
    expect(collapse(transcript.map((chunk) => chunk.kind))).toEqual(['thinking', 'content', 'final']);
    expectStreamLike(ndjsonChunks(response.text), transcript);
  });

  it('streams a tool call like ollama-chat-tool-call.ndjson', async () => {
    const response = await send(`${server.ollamaBaseUrl}/api/chat`, {
      model: 'llama3.2',
      tools: [weatherTool],
      messages: [{ role: 'user', content: 'what is the weather in tokyo? call tool' }],
    });
    expectStreamLike(ndjsonChunks(response.text), ndjsonChunks(readTranscript('ollama-chat-tool-call.ndjson')));
  });

  it('answers /api/chat stream:false like ollama-chat.json', async () => {
    const response = await send(`${server.ollamaBaseUrl}/api/chat`, { model: 'llama3.2', stream: false, messages: [{ role: 'user', content: 'hi' }] });
    expect(shapeOf(JSON.parse(response.text))).toEqual(shapeOf(readTranscriptJson('ollama-chat.json')));
  });

  it('streams /api/generate like ollama-generate-stream.ndjson', async () => {
    const response = await send(`${server.ollamaBaseUrl}/api/generate`, { model: 'llama3.2', prompt: 'Why is the sky blue?' });
    expectStreamLike(ndjsonChunks(response.text), ndjsonChunks(readTranscript('ollama-generate-stream.ndjson')));
  });

  it('answers the metadata endpoints like their transcripts', async () => {
    const tags = await send(`${server.ollamaBaseUrl}/api/tags`);
    expect(shapeOf(JSON.parse(tags.text))).toEqual(shapeOf(readTranscriptJson('ollama-tags.json')));
    const version = await send(`${server.ollamaBaseUrl}/api/version`);
    expect(shapeOf(JSON.parse(version.text))).toEqual(shapeOf(readTranscriptJson('ollama-version.json')));
    const show = await send(`${server.ollamaBaseUrl}/api/show`, { model: 'llama3.2' });
    expect(shapeOf(JSON.parse(show.text))).toEqual(shapeOf(readTranscriptJson('ollama-show.json')));
    // /api/ps lists the models used recently (llama3.2 answered above).
    const running = await send(`${server.ollamaBaseUrl}/api/ps`);
    expect(shapeOf(JSON.parse(running.text))).toEqual(shapeOf(readTranscriptJson('ollama-ps.json')));
  });

  it('embeds like ollama-embed.json and ollama-embeddings.json', async () => {
    const embed = await send(`${server.ollamaBaseUrl}/api/embed`, { model: 'nomic-embed-text', input: 'Why is the sky blue?' });
    expect(shapeOf(JSON.parse(embed.text))).toEqual(shapeOf(readTranscriptJson('ollama-embed.json')));
    const legacy = await send(`${server.ollamaBaseUrl}/api/embeddings`, { model: 'nomic-embed-text', prompt: 'Here is an article about llamas...' });
    expect(shapeOf(JSON.parse(legacy.text))).toEqual(shapeOf(readTranscriptJson('ollama-embeddings.json')));
  });

  it('answers an unknown model with 404 {"error": "model \'x\' not found"}', async () => {
    const response = await send(`${server.ollamaBaseUrl}/api/chat`, { model: 'nope', messages: [{ role: 'user', content: 'hi' }] });
    expect(response.status).toBe(404);
    expect(JSON.parse(response.text)).toEqual({ error: "model 'nope' not found" });
  });
});

describe('the transcripts themselves', () => {
  it('are framed as documented', () => {
    for (const name of ['openai-chat-stream.sse', 'openai-chat-stream-tool-call.sse']) {
      const payloads = parseSse(readTranscript(name));
      expect(payloads.at(-1)).toBe('[DONE]');
      for (const payload of payloads.slice(0, -1)) expect(() => JSON.parse(payload) as unknown).not.toThrow();
    }
    for (const name of ['ollama-chat-stream.ndjson', 'ollama-chat-thinking.ndjson', 'ollama-chat-tool-call.ndjson', 'ollama-generate-stream.ndjson']) {
      const chunks = parseNdjson(readTranscript(name));
      expect(chunks.at(-1)?.done).toBe(true);
      expect(chunks.slice(0, -1).every((chunk) => chunk.done === false)).toBe(true);
    }
  });

  it('show every documented field of the final Ollama chat object', () => {
    const final = parseNdjson(readTranscript('ollama-chat-stream.ndjson')).at(-1) ?? {};
    for (const key of ['done_reason', 'total_duration', 'load_duration', 'prompt_eval_count', 'prompt_eval_duration', 'eval_count', 'eval_duration']) {
      expect(final).toHaveProperty(key);
    }
  });
});
