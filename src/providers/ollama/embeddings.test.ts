import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { AstraError } from '../../core/errors';
import { toOllamaEmbedRequest, toOpenAiEmbeddingsResponse } from './embeddings';
import { readJsonTranscript } from './fixtures/transcripts';

describe('toOllamaEmbedRequest', () => {
  it('sends one text or a list, with dimensions and Ollama extras', () => {
    expect(toOllamaEmbedRequest({ model: 'all-minilm', input: 'Why is the sky blue?' })).toEqual({ model: 'all-minilm', input: 'Why is the sky blue?' });
    expect(
      toOllamaEmbedRequest({ model: 'all-minilm', input: ['a', 'b'], dimensions: 256, encoding_format: 'base64', user: 'u', truncate: false, keep_alive: '1m', options: { num_ctx: 512 } }),
    ).toEqual({ model: 'all-minilm', input: ['a', 'b'], dimensions: 256, truncate: false, keep_alive: '1m', options: { num_ctx: 512 } });
  });

  it('refuses token arrays', () => {
    expect(() => toOllamaEmbedRequest({ model: 'm', input: [1, 2, 3] })).toThrow(AstraError);
    expect(() => toOllamaEmbedRequest({ model: 'm', input: [[1], [2]] })).toThrow(/token arrays/);
  });
});

describe('toOpenAiEmbeddingsResponse', () => {
  const recorded = readJsonTranscript('ollama-embed.json') as { embeddings: number[][] };

  it('turns the recorded /api/embed answer into an OpenAI embeddings list', () => {
    const response = toOpenAiEmbeddingsResponse(recorded);
    expect(response).toEqual({
      object: 'list',
      data: [{ object: 'embedding', index: 0, embedding: recorded.embeddings[0] }],
      model: 'all-minilm',
      usage: { prompt_tokens: 8, total_tokens: 8 },
    });
    // The same keys as OpenAI's own answer.
    const openAi = readJsonTranscript('openai-embeddings.json') as { data: Array<Record<string, unknown>> } & Record<string, unknown>;
    expect(Object.keys(response)).toEqual(Object.keys(openAi));
    expect(Object.keys(response.data[0]!)).toEqual(Object.keys(openAi.data[0]!));
  });

  it('encodes base64 float32 vectors that the official openai client decodes', async () => {
    const response = toOpenAiEmbeddingsResponse({ model: 'm', embeddings: [[0.5, -1.25, 3], [0]], prompt_eval_count: 4 }, { model: 'alias', encodingFormat: 'base64' });
    expect(response.model).toBe('alias');
    expect(typeof response.data[0]?.embedding).toBe('string');
    // The client asks for base64 unless told otherwise, and decodes it back into numbers.
    const client = new OpenAI({
      apiKey: 'sk-test',
      baseURL: 'http://model.test/v1',
      maxRetries: 0,
      fetch: async (_url, init) => {
        expect(JSON.parse(String(init?.body)).encoding_format).toBe('base64');
        return new Response(JSON.stringify(response), { headers: { 'content-type': 'application/json' } });
      },
    });
    const decoded = await client.embeddings.create({ model: 'alias', input: ['a', 'b'] });
    expect(decoded.data.map((item) => Array.from(item.embedding))).toEqual([[0.5, -1.25, 3], [0]]);
  });

  it('copes with an answer that has no vectors', () => {
    expect(toOpenAiEmbeddingsResponse({})).toEqual({ object: 'list', data: [], model: '', usage: { prompt_tokens: 0, total_tokens: 0 } });
  });
});
