/** Reads the documented wire transcripts in test/support/transcripts/. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function transcriptPath(name: string): string {
  return fileURLToPath(new URL(`../transcripts/${name}`, import.meta.url));
}

export function readTranscript(name: string): string {
  return readFileSync(transcriptPath(name), 'utf8');
}

export function readTranscriptJson(name: string): unknown {
  return JSON.parse(readTranscript(name)) as unknown;
}
