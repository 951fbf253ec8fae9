/**
 * Tool calls put together from streamed pieces (by index, arguments joined), saved with the answer
 * so far while it streams and with its final state; an answer without calls is stored as before.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../core/logger';
import type { AnswerProgress } from '../store';
import { GenerationJob } from './generation-job';
import type { FinishedMessage } from './generation-store';
import { ToolCallList, toolCallEvents } from './tool-call-list';

describe('ToolCallList', () => {
  it('joins pieces by index, keeps the order of indexes, and names calls without an id', () => {
    const list = new ToolCallList();
    list.add({ type: 'tool-call', index: 1, name: 'second', argumentsDelta: '{}' });
    list.add({ type: 'tool-call', index: 0, id: 'call_a', name: 'get_weather', argumentsDelta: '' });
    list.add({ type: 'tool-call', index: 0, argumentsDelta: '{"city":' });
    list.add({ type: 'tool-call', index: 0, argumentsDelta: '"Paris"}' });
    const calls = list.calls();
    expect(calls).toEqual([
      { id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
      { id: 'call_1', type: 'function', function: { name: 'second', arguments: '{}' } },
    ]);
    // Copies: later pieces do not change calls already handed out.
    list.add({ type: 'tool-call', index: 1, argumentsDelta: ' ' });
    expect(calls[1]!.function.arguments).toBe('{}');
    expect(toolCallEvents(calls)[0]).toEqual({ type: 'tool-call', index: 0, id: 'call_a', name: 'get_weather', argumentsDelta: '{"city":"Paris"}' });
  });
});

describe('GenerationJob with tool calls', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const setUp = () => {
    const saveProgress = vi.fn((_messageId: string, _progress: AnswerProgress) => Promise.resolve());
    const finishMessage = vi.fn((_messageId: string, _result: FinishedMessage) => Promise.resolve());
    const job = new GenerationJob({
      chatId: 'c1',
      userId: 'u1',
      messageId: 'a1',
      userMessageId: 'q1',
      model: 'm1',
      includeUsage: false,
      store: { saveProgress, finishMessage },
      logger: createLogger({ level: 'silent' }),
      saveIntervalMs: 100,
    });
    return { job, saveProgress, finishMessage };
  };

  it('saves the calls so far with the progress, and whole with the final state', async () => {
    const { job, saveProgress, finishMessage } = setUp();
    job.accept({ type: 'tool-call', index: 0, id: 'call_x', name: 'lookup', argumentsDelta: '{"q":' });
    await vi.advanceTimersByTimeAsync(150);
    expect(saveProgress).toHaveBeenCalledWith('a1', { content: '', reasoning: '', toolCalls: [{ id: 'call_x', type: 'function', function: { name: 'lookup', arguments: '{"q":' } }] });
    job.accept({ type: 'tool-call', index: 0, argumentsDelta: '"tea"}' });
    job.accept({ type: 'end', finishReason: 'tool_calls' });
    const final = await job.done;
    expect(final).toMatchObject({ status: 'complete', content: '', toolCalls: [{ id: 'call_x', type: 'function', function: { name: 'lookup', arguments: '{"q":"tea"}' } }] });
    expect(finishMessage).toHaveBeenCalledWith('a1', final);
    expect(job.snapshot().toolCalls).toEqual(final.toolCalls);
    expect(job.log.textAfter(0)).toContain('"finish_reason":"tool_calls"');
  });

  it('an answer without tool calls is stored without them', async () => {
    const { job, saveProgress, finishMessage } = setUp();
    job.accept({ type: 'text-delta', text: 'Hello' });
    await vi.advanceTimersByTimeAsync(150);
    expect(saveProgress).toHaveBeenCalledWith('a1', { content: 'Hello', reasoning: '' });
    job.accept({ type: 'end', finishReason: 'stop' });
    await job.done;
    expect(finishMessage.mock.calls[0]![1]).not.toHaveProperty('toolCalls');
  });
});
