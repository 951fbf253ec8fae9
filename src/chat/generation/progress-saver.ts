/**
 * Keeps a generation's stored text close to what has streamed without writing per chunk: at most
 * one save per interval while the text changes, one write at a time, and the final state written
 * after any save still in flight (so a late save never overwrites the end). Nothing is written
 * before the turn's rows exist (`stored`), and nothing at all when storing them failed.
 */
import type { Logger } from '../../core/logger';
import type { AnswerProgress, FinishedMessage, GenerationStore } from './generation-store';

/** Saves of one answer's text. */
export interface ProgressSaver {
  /** The text changed; `snapshot` is read when the save actually happens. */
  changed(): void;
  /** Stores the final state (after any save in flight); later `changed` calls are ignored. */
  finish(result: FinishedMessage): Promise<void>;
}

/** A saver for one answer; `snapshot` gives its text when a save happens. */
export function createProgressSaver(options: {
  store: Pick<GenerationStore, 'saveProgress' | 'finishMessage'>;
  messageId: string;
  intervalMs: number;
  snapshot(): AnswerProgress;
  logger: Logger;
  /** Resolves once the answer's row exists; rejects when it could not be stored (then nothing is written). */
  stored?: Promise<unknown>;
}): ProgressSaver {
  const { store, messageId, logger } = options;
  let timer: NodeJS.Timeout | undefined;
  let rowExists = true;
  let finished = false;
  // Until the row exists a save waits, like one behind a save in flight.
  let inFlight = options.stored !== undefined;
  let writing: Promise<void> = (options.stored ?? Promise.resolve()).then(
    () => {
      inFlight = false;
    },
    () => {
      rowExists = false;
      finished = true;
    },
  );

  const save = (): void => {
    timer = undefined;
    if (finished) return;
    // Still writing the previous one (a slow database): try again after another interval.
    if (inFlight) {
      arm();
      return;
    }
    inFlight = true;
    writing = store
      .saveProgress(messageId, options.snapshot())
      .catch((error: unknown) => logger.warn({ err: error, messageId }, 'saving the answer so far failed; will save again'))
      .finally(() => (inFlight = false));
  };
  const arm = (): void => {
    timer = setTimeout(save, options.intervalMs);
    timer.unref();
  };

  return {
    changed() {
      if (finished || timer !== undefined) return;
      arm();
    },
    async finish(result) {
      finished = true;
      clearTimeout(timer);
      timer = undefined;
      await writing;
      if (rowExists) await store.finishMessage(messageId, result);
    },
  };
}
