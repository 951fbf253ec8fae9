import { describe, expect, it } from 'vitest';
import { createUpstreamEventDecoder } from './upstream-events';

const sse = (payload: unknown): Buffer => Buffer.from(`data: ${typeof payload === 'string' ? payload : JSON.stringify(payload)}\n\n`);
const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) => ({ choices: [{ index: 0, delta, finish_reason: finishReason }] });

describe('createUpstreamEventDecoder', () => {
  it('OpenAI: parses each chunk once (carriesToken, then take), holding the end until [DONE]', () => {
    const decoder = createUpstreamEventDecoder('openai');
    const role = sse(chunk({ role: 'assistant', content: '' }));
    expect(decoder.carriesToken(role)).toBe(false);
    expect(decoder.take(role)).toEqual([]);
    const first = sse(chunk({ content: 'Hi' }));
    expect(decoder.carriesToken(first)).toBe(true);
    expect(decoder.take(first)).toEqual([{ type: 'text-delta', text: 'Hi' }]);
    // After the first token the exchange stops asking; take parses by itself.
    expect(decoder.take(Buffer.concat([sse(chunk({}, 'stop')), sse({ choices: [], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } })]))).toEqual([
      { type: 'usage', usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 } },
    ]);
    expect(decoder.take(sse('[DONE]'))).toEqual([{ type: 'end', finishReason: 'stop' }]);
    expect(decoder.finish()).toEqual([]);
  });

  it('OpenAI: a stream that closes without a finish is an error', () => {
    const decoder = createUpstreamEventDecoder('openai');
    decoder.take(sse(chunk({ content: 'Hi' })));
    expect(decoder.finish()).toEqual([expect.objectContaining({ type: 'error', code: 'upstream_failed' })]);
  });

  it('Ollama: lines split across chunks, thinking and the done line with usage', () => {
    const decoder = createUpstreamEventDecoder('ollama');
    const lines = [
      JSON.stringify({ message: { role: 'assistant', content: '', thinking: 'Hm' }, done: false }),
      JSON.stringify({ message: { role: 'assistant', content: 'Hi' }, done: false }),
      JSON.stringify({ message: { role: 'assistant', content: '' }, done: true, done_reason: 'stop', prompt_eval_count: 3, eval_count: 2 }),
    ].join('\n') + '\n';
    const bytes = Buffer.from(lines);
    const events = [...decoder.take(bytes.subarray(0, 30)), ...decoder.take(bytes.subarray(30)), ...decoder.finish()];
    expect(events).toEqual([
      { type: 'reasoning-delta', text: 'Hm' },
      { type: 'text-delta', text: 'Hi' },
      { type: 'usage', usage: { promptTokens: 3, completionTokens: 2, totalTokens: 5 } },
      { type: 'end', finishReason: 'stop' },
    ]);
  });

  it('Ollama: a malformed line or a stream without its done line is an error', () => {
    const bad = createUpstreamEventDecoder('ollama');
    expect(bad.take(Buffer.from('{not json\n'))).toEqual([expect.objectContaining({ type: 'error' })]);
    const cut = createUpstreamEventDecoder('ollama');
    cut.take(Buffer.from(`${JSON.stringify({ message: { content: 'Hi' }, done: false })}\n`));
    expect(cut.finish()).toEqual([expect.objectContaining({ type: 'error', message: expect.stringMatching(/closed the stream/) })]);
  });
});
