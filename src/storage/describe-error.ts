/**
 * A one-line reason for an error, for messages that wrap it. Node reports a failed connection to a
 * host with several addresses as an `AggregateError` whose own message is empty, so fall back to
 * the inner errors and the error code.
 */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.message !== '') return error.message;
  if (error instanceof AggregateError && error.errors.length > 0) {
    return [...new Set(error.errors.map(describeError))].join('; ');
  }
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : error.name;
}
