/**
 * Splits a byte or text stream into LF-terminated lines, whatever the chunk boundaries (also inside
 * a multi-byte UTF-8 character). A CR before the LF is dropped. Only the unfinished last line is
 * carried between chunks, kept as pieces and joined once, so each chunk costs its own length.
 */

export interface LineSplitter {
  push(chunk: Uint8Array | string): void;
  /** The stream ended: a last line without a terminator is delivered too. Later pushes are ignored. */
  end(): void;
}

const carriageReturn = 13;
const streamOption = { stream: true } as const;

export function createLineSplitter(onLine: (line: string) => void): LineSplitter {
  const decoder = new TextDecoder();
  let partial = '';
  let partialPieces: string[] | undefined;
  let ended = false;

  const emit = (line: string): void => {
    onLine(line.charCodeAt(line.length - 1) === carriageReturn ? line.slice(0, -1) : line);
  };

  const takeLine = (text: string, start: number, end: number): string => {
    if (partial === '') return text.slice(start, end);
    const head = partialPieces === undefined ? partial : partial + partialPieces.join('');
    partial = '';
    partialPieces = undefined;
    return head + text.slice(start, end);
  };

  const processText = (text: string): void => {
    const length = text.length;
    let position = 0;
    let lineEnd = text.indexOf('\n');
    while (lineEnd !== -1) {
      emit(takeLine(text, position, lineEnd));
      position = lineEnd + 1;
      lineEnd = text.indexOf('\n', position);
    }
    if (position < length) {
      const rest = position === 0 ? text : text.slice(position);
      if (partial === '') partial = rest;
      else (partialPieces ??= []).push(rest);
    }
  };

  return {
    push(chunk) {
      if (ended) return;
      processText(typeof chunk === 'string' ? chunk : decoder.decode(chunk, streamOption));
    },
    end() {
      if (ended) return;
      processText(decoder.decode());
      ended = true;
      if (partial !== '') emit(takeLine('', 0, 0));
    },
  };
}
