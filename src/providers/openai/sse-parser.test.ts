import { describe, expect, it } from 'vitest';
import { createSseParser, parseSseText, type SseEvent } from './sse-parser';
import { readTranscript } from './fixtures/transcripts';

const encoder = new TextEncoder();

/** Parses `bytes` fed in the given pieces. */
function parseInPieces(pieces: Array<Uint8Array | string>): SseEvent[] {
  const events: SseEvent[] = [];
  const parser = createSseParser((event) => events.push(event));
  for (const piece of pieces) parser.push(piece);
  parser.end();
  return events;
}

/** Every way of cutting the bytes in two, plus one byte per chunk. */
function everySplit(bytes: Uint8Array): Array<Uint8Array[]> {
  const splits: Array<Uint8Array[]> = [];
  for (let cut = 0; cut <= bytes.length; cut += 1) splits.push([bytes.subarray(0, cut), bytes.subarray(cut)]);
  splits.push(Array.from(bytes, (_, index) => bytes.subarray(index, index + 1)));
  return splits;
}

describe('createSseParser', () => {
  it('reads data events, event names, ids and multi-line data', () => {
    const events = parseSseText('event: status\nid: 7\ndata: first\ndata: second\n\ndata: {"a":1}\n\n');
    expect(events).toEqual([
      { event: 'status', id: '7', data: 'first\nsecond' },
      // The last id persists, as in a browser.
      { id: '7', data: '{"a":1}' },
    ]);
  });

  it('accepts LF, CRLF and CR line ends, also mixed', () => {
    const expected = [{ data: 'one' }, { data: 'two' }, { data: 'three\nfour' }];
    expect(parseSseText('data: one\n\ndata: two\n\ndata: three\ndata: four\n\n')).toEqual(expected);
    expect(parseSseText('data: one\r\n\r\ndata: two\r\n\r\ndata: three\r\ndata: four\r\n\r\n')).toEqual(expected);
    expect(parseSseText('data: one\r\rdata: two\r\rdata: three\rdata: four\r\r')).toEqual(expected);
    expect(parseSseText('data: one\r\n\ndata: two\r\rdata: three\ndata: four\r\n\r\n')).toEqual(expected);
  });

  it('skips comments, retry and unknown fields, and blank lines between events', () => {
    expect(parseSseText(': ping\n\n:\n\nretry: 1000\nfoo: bar\ndata: x\n\n\n\n: keep-alive\n\n')).toEqual([{ data: 'x' }]);
  });

  it('follows the field rules: one optional space, no colon, empty data', () => {
    expect(parseSseText('data:no-space\n\n')).toEqual([{ data: 'no-space' }]);
    expect(parseSseText('data:  two spaces\n\n')).toEqual([{ data: ' two spaces' }]);
    expect(parseSseText('data\n\n')).toEqual([{ data: '' }]);
    expect(parseSseText('data:\ndata:\n\n')).toEqual([{ data: '\n' }]);
    expect(parseSseText('data: a:b:c\n\n')).toEqual([{ data: 'a:b:c' }]);
    // An event with no data is not dispatched, and its name does not leak into the next one.
    expect(parseSseText('event: lonely\n\ndata: x\n\n')).toEqual([{ data: 'x' }]);
    // An id holding NUL is ignored; an empty id resets it.
    expect(parseSseText('id: a\u0000b\ndata: x\n\nid: 5\ndata: y\n\nid\ndata: z\n\n')).toEqual([{ data: 'x' }, { id: '5', data: 'y' }, { data: 'z' }]);
  });

  it('delivers a last event without a trailing newline at end()', () => {
    expect(parseSseText('data: {"a":1}\n\ndata: [DONE]')).toEqual([{ data: '{"a":1}' }, { data: '[DONE]' }]);
    expect(parseSseText('data: [DONE]\n')).toEqual([{ data: '[DONE]' }]);
    expect(parseSseText('data: x\r')).toEqual([{ data: 'x' }]);
    expect(parseSseText('')).toEqual([]);
    expect(parseSseText(': just a comment')).toEqual([]);
  });

  it('drops a byte order mark at the start only', () => {
    expect(parseSseText('\uFEFFdata: x\n\n')).toEqual([{ data: 'x' }]);
    expect(parseInPieces([new Uint8Array([0xef, 0xbb, 0xbf]), encoder.encode('data: x\n\n')])).toEqual([{ data: 'x' }]);
    expect(parseSseText('data: \uFEFFx\n\n')).toEqual([{ data: '\uFEFFx' }]);
  });

  it('gives the same events however the bytes are cut, also inside a multi-byte character and a CRLF', () => {
    const text = 'event: status\r\ndata: {"content":"héllo ×"}\r\n\r\n: ping\r\n\r\ndata: 😀 and 中文\rdata: two\r\rid: 3\ndata: last';
    const expected = parseInPieces([text]);
    expect(expected).toEqual([
      { event: 'status', data: '{"content":"héllo ×"}' },
      { data: '😀 and 中文\ntwo' },
      { id: '3', data: 'last' },
    ]);
    for (const pieces of everySplit(encoder.encode(text))) expect(parseInPieces(pieces)).toEqual(expected);
  });

  it('gives the same events however a text is cut into string pieces', () => {
    const text = 'data: a\r\n\r\ndata: b\r\rdata: c\n\n';
    const expected = parseSseText(text);
    for (let cut = 0; cut <= text.length; cut += 1) {
      for (let second = cut; second <= text.length; second += 1) {
        expect(parseInPieces([text.slice(0, cut), text.slice(cut, second), text.slice(second)])).toEqual(expected);
      }
    }
  });

  it('joins a long line that arrives in many small pieces', () => {
    const long = 'x'.repeat(100_000);
    const pieces = ['data: '];
    for (let index = 0; index < long.length; index += 1000) pieces.push(long.slice(index, index + 1000));
    pieces.push('\n\n');
    expect(parseInPieces(pieces)).toEqual([{ data: long }]);
  });

  it('ignores pushes after end()', () => {
    const events: SseEvent[] = [];
    const parser = createSseParser((event) => events.push(event));
    parser.push('data: a\n\n');
    parser.end();
    parser.push('data: b\n\n');
    parser.end();
    expect(events).toEqual([{ data: 'a' }]);
  });

  it('reads the recorded OpenAI streams byte-split anywhere', () => {
    for (const name of ['openai-chat-stream.sse', 'openai-chat-stream-tool-call.sse']) {
      const text = readTranscript(name);
      const expected = parseSseText(text);
      expect(expected.at(-1)).toEqual({ data: '[DONE]' });
      for (const event of expected.slice(0, -1)) expect(() => JSON.parse(event.data) as unknown).not.toThrow();
      const bytes = encoder.encode(text);
      for (let cut = 0; cut <= bytes.length; cut += 7) expect(parseInPieces([bytes.subarray(0, cut), bytes.subarray(cut)])).toEqual(expected);
    }
  });
});
