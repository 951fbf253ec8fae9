/**
 * Watches raw response bytes of an Ollama NDJSON stream for the first real output, for the "first
 * token" timer: returns true from the chunk on that carries it (lines may be split across chunks).
 * Once it has answered true it stops looking.
 */
import { ollamaLineCarriesToken } from './carries-token';
import { createLineSplitter } from './line-splitter';

export function createOllamaTokenWatch(): (chunk: Uint8Array | string) => boolean {
  let seen = false;
  const splitter = createLineSplitter((line) => {
    if (!seen && ollamaLineCarriesToken(line)) seen = true;
  });
  return (chunk) => {
    if (!seen) splitter.push(chunk);
    return seen;
  };
}
