/**
 * An incremental NDJSON parser (one JSON value per line, as Ollama streams): feed it chunks of any
 * size and it calls back once per parsed line. Blank lines are skipped. A line that is not JSON
 * goes to `onError` and parsing carries on with the next line, so one bad line never kills a stream.
 */
import { createLineSplitter } from './line-splitter';

export interface NdjsonParser {
  push(chunk: Uint8Array | string): void;
  /** The stream ended: a last line without a newline is parsed too. */
  end(): void;
}

/** A line that is not valid JSON; `line` holds its first 200 characters. */
export class NdjsonLineError extends SyntaxError {
  readonly line: string;

  constructor(message: string, line: string) {
    super(message);
    this.name = 'NdjsonLineError';
    this.line = line;
  }
}

const shownLineLength = 200;

export function createNdjsonParser(onValue: (value: unknown) => void, onError: (error: NdjsonLineError) => void): NdjsonParser {
  return createLineSplitter((line) => {
    if (line.length === 0 || isBlank(line)) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      const shown = line.length > shownLineLength ? `${line.slice(0, shownLineLength)}…` : line;
      onError(new NdjsonLineError(`not a JSON line (${error instanceof Error ? error.message : String(error)}): ${shown}`, shown));
      return;
    }
    onValue(value);
  });
}

/** Whether the line is only whitespace; looks no further than the first character that is not. */
function isBlank(line: string): boolean {
  for (let index = 0; index < line.length; index += 1) {
    const code = line.charCodeAt(index);
    if (code !== 32 && code !== 9 && code !== 13) return false;
  }
  return true;
}

/** Parses a whole NDJSON text at once (tests, recorded transcripts); bad lines are skipped. */
export function parseNdjsonText(text: string): unknown[] {
  const values: unknown[] = [];
  const parser = createNdjsonParser(
    (value) => values.push(value),
    () => undefined,
  );
  parser.push(text);
  parser.end();
  return values;
}
