import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../core/logger';
import { createProgressSaver } from './progress-saver';

describe('createProgressSaver', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  type Save = (messageId: string, progress: { content: string; reasoning: string }) => Promise<void>;
  const setUp = (saveProgress = vi.fn<Save>(() => Promise.resolve()), stored?: Promise<unknown>) => {
    const finishMessage = vi.fn(() => Promise.resolve());
    let text = '';
    const saver = createProgressSaver({
      store: { saveProgress, finishMessage },
      messageId: 'm1',
      intervalMs: 1000,
      snapshot: () => ({ content: text, reasoning: '' }),
      logger: createLogger({ level: 'silent' }),
      stored,
    });
    return { saver, saveProgress, finishMessage, write: (more: string) => ((text += more), saver.changed()) };
  };

  it('saves at most once per interval, with the text as it is then, and nothing while nothing changes', async () => {
    const { saveProgress, write } = setUp();
    for (let index = 0; index < 25; index += 1) {
      write(`t${index} `);
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(saveProgress).toHaveBeenCalledTimes(2);
    expect(saveProgress.mock.calls[0]).toEqual(['m1', { content: 't0 t1 t2 t3 t4 t5 t6 t7 t8 t9 ', reasoning: '' }]);
    await vi.advanceTimersByTimeAsync(5000);
    expect(saveProgress).toHaveBeenCalledTimes(3);
  });

  it('writes the end after a save in flight, and nothing after it', async () => {
    let finishSave: () => void = () => undefined;
    const saveProgress = vi.fn<Save>(() => new Promise<void>((resolve) => (finishSave = resolve)));
    const { saver, finishMessage, write } = setUp(saveProgress);
    write('a');
    await vi.advanceTimersByTimeAsync(1000);
    expect(saveProgress).toHaveBeenCalledTimes(1);
    const finished = saver.finish({ status: 'complete', content: 'a', reasoning: '' });
    await vi.advanceTimersByTimeAsync(10);
    expect(finishMessage).not.toHaveBeenCalled();
    finishSave();
    await finished;
    expect(finishMessage).toHaveBeenCalledWith('m1', { status: 'complete', content: 'a', reasoning: '' });
    write('b');
    await vi.advanceTimersByTimeAsync(5000);
    expect(saveProgress).toHaveBeenCalledTimes(1);
  });

  it('a slow save is not doubled: the next waits for another interval', async () => {
    let finishSave: () => void = () => undefined;
    const saveProgress = vi.fn<Save>(() => new Promise<void>((resolve) => (finishSave = resolve)));
    const { write } = setUp(saveProgress);
    write('a');
    await vi.advanceTimersByTimeAsync(1000);
    write('b');
    await vi.advanceTimersByTimeAsync(1000);
    expect(saveProgress).toHaveBeenCalledTimes(1);
    finishSave();
    await vi.advanceTimersByTimeAsync(1000);
    expect(saveProgress).toHaveBeenCalledTimes(2);
  });

  it('saves nothing before the turn is stored, then the text as it is and the end', async () => {
    let markStored: () => void = () => undefined;
    const { saver, saveProgress, finishMessage, write } = setUp(undefined, new Promise<void>((resolve) => (markStored = resolve)));
    write('a');
    await vi.advanceTimersByTimeAsync(3000);
    expect(saveProgress).not.toHaveBeenCalled();
    markStored();
    write('b');
    await vi.advanceTimersByTimeAsync(1000);
    expect(saveProgress).toHaveBeenCalledWith('m1', { content: 'ab', reasoning: '' });
    await saver.finish({ status: 'complete', content: 'ab', reasoning: '' });
    expect(finishMessage).toHaveBeenCalledTimes(1);
  });

  it('an answer that ends before its turn is stored has its end written after the turn', async () => {
    let markStored: () => void = () => undefined;
    const { saver, finishMessage, write } = setUp(undefined, new Promise<void>((resolve) => (markStored = resolve)));
    write('quick');
    const finished = saver.finish({ status: 'complete', content: 'quick', reasoning: '' });
    await vi.advanceTimersByTimeAsync(100);
    expect(finishMessage).not.toHaveBeenCalled();
    markStored();
    await finished;
    expect(finishMessage).toHaveBeenCalledWith('m1', { status: 'complete', content: 'quick', reasoning: '' });
  });

  it('writes nothing at all when the turn could not be stored', async () => {
    let failStoring: (error: Error) => void = () => undefined;
    const { saver, saveProgress, finishMessage, write } = setUp(undefined, new Promise<void>((_resolve, reject) => (failStoring = reject)));
    write('a');
    failStoring(new Error('taken id'));
    await vi.advanceTimersByTimeAsync(3000);
    await saver.finish({ status: 'error', content: 'a', reasoning: '' });
    expect(saveProgress).not.toHaveBeenCalled();
    expect(finishMessage).not.toHaveBeenCalled();
  });
});
