/**
 * An incremental Server-Sent Events parser (the WHATWG `text/event-stream` rules): feed it bytes or
 * text as they come off the socket, in pieces of any size, and it calls back once per event.
 *
 * - Lines end with LF, CRLF or CR, also when a CRLF pair is split between two chunks.
 * - Bytes are decoded as one UTF-8 stream, so a character split between chunks stays whole.
 * - Comments (`: ping`) and `retry:` are skipped; `data:` lines of one event are joined with LF.
 * - Unlike a browser, `end()` also delivers an event the server did not close with a blank line,
 *   so a last `data: [DONE]` without a trailing newline is not lost.
 *
 * Cost per chunk is proportional to its length: lines are found with `indexOf`, and only the
 * unfinished last line is carried over (as pieces, joined once when the line ends).
 */

export interface SseEvent {
  /** The `event:` name; absent for unnamed events (a browser would call them `message`). */
  event?: string;
  data: string;
  /** The last `id:` seen on the stream so far, when one was set and is not empty. */
  id?: string;
}

export interface SseParser {
  push(chunk: Uint8Array | string): void;
  /** The stream ended: delivers what is left. Later pushes are ignored. */
  end(): void;
}

const lineFeed = 10;
const space = 32;
const byteOrderMark = 0xfeff;
const streamOption = { stream: true } as const;

export function createSseParser(onEvent: (event: SseEvent) => void): SseParser {
  const decoder = new TextDecoder();
  // The line in progress (no terminator seen yet): its first piece, and any later pieces.
  let partial = '';
  let partialPieces: string[] | undefined;
  // The previous chunk ended with CR: an LF starting the next one belongs to the same line break.
  let skipLeadingLineFeed = false;
  let atStreamStart = true;
  let ended = false;

  // The event being assembled.
  let data = '';
  let hasData = false;
  let eventName: string | undefined;
  let lastEventId = '';

  const dispatch = (): void => {
    if (!hasData) {
      eventName = undefined;
      return;
    }
    const event: SseEvent = { data };
    if (eventName !== undefined && eventName !== '') event.event = eventName;
    if (lastEventId !== '') event.id = lastEventId;
    data = '';
    hasData = false;
    eventName = undefined;
    onEvent(event);
  };

  const processLine = (line: string): void => {
    if (line.length === 0) {
      dispatch();
      return;
    }
    const separator = line.indexOf(':');
    if (separator === 0) return; // a comment
    let value = '';
    if (separator !== -1) {
      const valueStart = line.charCodeAt(separator + 1) === space ? separator + 2 : separator + 1;
      value = line.slice(valueStart);
    }
    const nameLength = separator === -1 ? line.length : separator;
    if (nameLength === 4 && line.startsWith('data')) {
      if (hasData) data += '\n' + value;
      else {
        data = value;
        hasData = true;
      }
    } else if (nameLength === 5 && line.startsWith('event')) {
      eventName = value;
    } else if (nameLength === 2 && line.startsWith('id')) {
      if (!value.includes('\u0000')) lastEventId = value;
    }
    // `retry` and unknown fields are ignored.
  };

  const takeLine = (text: string, start: number, end: number): string => {
    if (partial === '') return text.slice(start, end);
    const head = partialPieces === undefined ? partial : partial + partialPieces.join('');
    partial = '';
    partialPieces = undefined;
    return head + text.slice(start, end);
  };

  const processText = (text: string, position: number): void => {
    const length = text.length;
    if (position >= length) return;
    if (skipLeadingLineFeed) {
      skipLeadingLineFeed = false;
      if (text.charCodeAt(position) === lineFeed) position += 1;
    }
    // Next LF and CR at or after `position`; -1 once there are no more in this text.
    let nextLineFeed = text.indexOf('\n', position);
    let nextCarriageReturn = text.indexOf('\r', position);
    while (position < length) {
      if (nextLineFeed !== -1 && nextLineFeed < position) nextLineFeed = text.indexOf('\n', position);
      if (nextCarriageReturn !== -1 && nextCarriageReturn < position) nextCarriageReturn = text.indexOf('\r', position);
      let lineEnd: number;
      let nextPosition: number;
      if (nextCarriageReturn === -1) {
        if (nextLineFeed === -1) break;
        lineEnd = nextLineFeed;
        nextPosition = lineEnd + 1;
      } else if (nextLineFeed !== -1 && nextLineFeed < nextCarriageReturn) {
        lineEnd = nextLineFeed;
        nextPosition = lineEnd + 1;
      } else {
        lineEnd = nextCarriageReturn;
        if (lineEnd + 1 === length) {
          nextPosition = length;
          skipLeadingLineFeed = true;
        } else {
          nextPosition = text.charCodeAt(lineEnd + 1) === lineFeed ? lineEnd + 2 : lineEnd + 1;
        }
      }
      processLine(takeLine(text, position, lineEnd));
      position = nextPosition;
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
      if (typeof chunk !== 'string') {
        // The decoder drops a byte order mark at the start of the byte stream itself.
        if (chunk.length > 0) atStreamStart = false;
        processText(decoder.decode(chunk, streamOption), 0);
        return;
      }
      if (chunk.length === 0) return;
      let start = 0;
      if (atStreamStart) {
        atStreamStart = false;
        if (chunk.charCodeAt(0) === byteOrderMark) start = 1;
      }
      processText(chunk, start);
    },
    end() {
      if (ended) return;
      processText(decoder.decode(), 0);
      ended = true;
      if (partial !== '') processLine(takeLine('', 0, 0));
      dispatch();
    },
  };
}

/** Parses a whole event-stream text at once (tests, recorded transcripts). */
export function parseSseText(text: string): SseEvent[] {
  const events: SseEvent[] = [];
  const parser = createSseParser((event) => events.push(event));
  parser.push(text);
  parser.end();
  return events;
}
