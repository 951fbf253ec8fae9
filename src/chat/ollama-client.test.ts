/**
 * The official `ollama` client against Astra's /ollama: list, chat (streamed and whole), generate,
 * embed, show, version and ps, with the caller's Astra token and the stand-in behind.
 */
import { Ollama } from 'ollama';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type GatewayUnderTest } from '../../test/support/gateway';
import { defaultReplyText, embeddingVector } from '../../test/support/model-server';

let gateway: GatewayUnderTest;
let ollama: Ollama;

beforeAll(async () => {
  gateway = await startGateway({ openaiServers: 0 });
  ollama = new Ollama({ host: `${gateway.url}/ollama`, headers: { Authorization: `Bearer ${gateway.user.token}` } });
});
afterAll(async () => gateway?.close());

const messages = [{ role: 'user', content: 'Say hello' }];

describe('the ollama client through Astra', () => {
  it('lists the models (tags) with their details', async () => {
    const { models } = await ollama.list();
    expect(models.map((model) => model.name).sort()).toEqual(['llama3.2:latest', 'nomic-embed-text:latest', 'qwen3:8b']);
    const llama = models.find((model) => model.name === 'llama3.2:latest');
    expect(llama).toMatchObject({ model: 'llama3.2:latest', details: { family: 'llama', format: 'gguf' }, digest: expect.any(String), size: expect.any(Number) });
  });

  it('chats, streamed: each part as Ollama sent it, then the final one with counts', async () => {
    const stream = await ollama.chat({ model: 'llama3.2:latest', messages, stream: true });
    const parts = [];
    for await (const part of stream) parts.push(part);
    expect(parts.map((part) => part.message.content).join('')).toBe(defaultReplyText(8));
    expect(parts).toHaveLength(9);
    const last = parts.at(-1);
    expect(last).toMatchObject({ done: true, done_reason: 'stop', eval_count: 8, prompt_eval_count: 2 });
    expect(parts.slice(0, -1).every((part) => part.done === false)).toBe(true);
  });

  it('chats, whole', async () => {
    const answer = await ollama.chat({ model: 'llama3.2:latest', messages, stream: false });
    expect(answer).toMatchObject({ model: 'llama3.2:latest', done: true, message: { role: 'assistant', content: defaultReplyText(8) } });
    expect(gateway.ollama.lastRequest('/api/chat')?.body).toMatchObject({ model: 'llama3.2:latest', messages, stream: false });
  });

  it('generates, streamed and whole', async () => {
    const stream = await ollama.generate({ model: 'llama3.2:latest', prompt: 'Say hello', stream: true });
    let text = '';
    let done = false;
    for await (const part of stream) {
      text += part.response;
      done = part.done;
    }
    expect(text).toBe(defaultReplyText(8));
    expect(done).toBe(true);
    const whole = await ollama.generate({ model: 'llama3.2:latest', prompt: 'Say hello', options: { num_predict: 2 } });
    expect(whole).toMatchObject({ response: 'Token1 Token2 ', done: true, done_reason: 'length' });
  });

  it('embeds (embed and the older embeddings)', async () => {
    const embedded = await ollama.embed({ model: 'nomic-embed-text:latest', input: ['llamas eat grass', 'the sky is blue'] });
    expect(embedded.embeddings).toEqual([embeddingVector('llamas eat grass', 8), embeddingVector('the sky is blue', 8)]);
    const older = await ollama.embeddings({ model: 'nomic-embed-text:latest', prompt: 'llamas eat grass' });
    expect(older.embedding).toEqual(embeddingVector('llamas eat grass', 8));
  });

  it('shows a model', async () => {
    const shown = await ollama.show({ model: 'qwen3:8b' });
    expect(shown.capabilities).toEqual(['completion', 'tools', 'thinking']);
    expect(shown.details).toMatchObject({ family: 'qwen3', parameter_size: '8.0B' });
    expect(shown.modelfile).toContain('FROM');
  });

  it('reports the server version', async () => {
    expect(await ollama.version()).toEqual({ version: '0.12.6' });
  });

  it('lists the running models (ps)', async () => {
    await ollama.chat({ model: 'qwen3:8b', messages, stream: false });
    const { models } = await ollama.ps();
    expect(models.map((model) => model.name)).toContain('qwen3:8b');
    expect(models.find((model) => model.name === 'qwen3:8b')).toMatchObject({ model: 'qwen3:8b', size_vram: expect.any(Number) });
  });

  it('is refused without a token', async () => {
    const anonymous = new Ollama({ host: `${gateway.url}/ollama` });
    await expect(anonymous.list()).rejects.toMatchObject({ status_code: 401 });
  });
});
