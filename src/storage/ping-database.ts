import { sql, type Kysely } from 'kysely';
import { describeError } from './describe-error';

/**
 * Runs `select 1`. Rejects with an error naming the database when the query fails, or as soon as
 * `signal` aborts (the query itself may still finish in the background; it is harmless).
 */
export async function pingDatabase<Tables>(db: Kysely<Tables>, description: string, signal?: AbortSignal): Promise<void> {
  const query = sql`select 1`.execute(db);
  try {
    await raceAbort(query, signal);
  } catch (error) {
    const reason = describeError(error);
    throw new Error(`Database at ${description} did not answer a ping: ${reason}`, { cause: error });
  }
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  // Keep a late rejection of the abandoned query from being reported as unhandled.
  promise.catch(() => undefined);
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('the ping was aborted');
}
