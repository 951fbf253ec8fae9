/**
 * Watches raw response bytes of an OpenAI-compatible stream for the first real output, for the
 * "first token" timer: returns true from the chunk on that carries it (events may be split across
 * chunks). Once it has answered true it stops parsing.
 */
import { chunkCarriesToken } from './carries-token';
import { createSseParser } from './sse-parser';

export function createOpenAiTokenWatch(): (chunk: Uint8Array | string) => boolean {
  let seen = false;
  const parser = createSseParser((event) => {
    if (!seen && chunkCarriesToken(event.data)) seen = true;
  });
  return (chunk) => {
    if (!seen) parser.push(chunk);
    return seen;
  };
}
