import { describe, expect, it } from 'vitest';
import { readTranscript } from './fixtures/transcripts';
import { createLineSplitter } from './line-splitter';
import { createNdjsonParser, type NdjsonLineError, parseNdjsonText } from './ndjson-parser';

const encoder = new TextEncoder();

function parseInPieces(pieces: Array<Uint8Array | string>): { values: unknown[]; errors: NdjsonLineError[] } {
  const values: unknown[] = [];
  const errors: NdjsonLineError[] = [];
  const parser = createNdjsonParser(
    (value) => values.push(value),
    (error) => errors.push(error),
  );
  for (const piece of pieces) parser.push(piece);
  parser.end();
  return { values, errors };
}

describe('createNdjsonParser', () => {
  it('parses one value per line, with LF or CRLF, skipping blank lines', () => {
    expect(parseNdjsonText('{"a":1}\n{"b":"x"}\r\n\n  \r\n[1,2]\n')).toEqual([{ a: 1 }, { b: 'x' }, [1, 2]]);
  });

  it('parses a last line without a newline at end()', () => {
    expect(parseInPieces(['{"a":1}\n{"done":tr', 'ue}']).values).toEqual([{ a: 1 }, { done: true }]);
  });

  it('reports a malformed line and carries on', () => {
    const { values, errors } = parseInPieces(['{"a":1}\n{"a":\n{"b":2}\nnot json at all\n{"c":3}']);
    expect(values).toEqual([{ a: 1 }, { b: 2 }, { c: 3 }]);
    expect(errors.map((error) => error.line)).toEqual(['{"a":', 'not json at all']);
    expect(errors[0]).toBeInstanceOf(SyntaxError);
    expect(errors[0]?.message).toMatch(/^not a JSON line/);
  });

  it('keeps only the start of a long bad line', () => {
    const { errors } = parseInPieces([`${'x'.repeat(10_000)}\n`]);
    expect(errors[0]?.line.length).toBeLessThanOrEqual(201);
  });

  it('gives the same values however the bytes are cut, also inside a multi-byte character', () => {
    const text = '{"message":{"content":" ×"}}\r\n{"message":{"content":"😀中"}}\n\n{"done":true}';
    const expected = parseInPieces([text]).values;
    expect(expected).toEqual([{ message: { content: ' ×' } }, { message: { content: '😀中' } }, { done: true }]);
    const bytes = encoder.encode(text);
    for (let cut = 0; cut <= bytes.length; cut += 1) {
      expect(parseInPieces([bytes.subarray(0, cut), bytes.subarray(cut)])).toEqual({ values: expected, errors: [] });
    }
    expect(parseInPieces(Array.from(bytes, (_, index) => bytes.subarray(index, index + 1))).values).toEqual(expected);
  });

  it('reads the recorded Ollama streams byte-split anywhere', () => {
    for (const name of ['ollama-chat-stream.ndjson', 'ollama-chat-thinking.ndjson', 'ollama-chat-tool-call.ndjson', 'ollama-generate-stream.ndjson']) {
      const text = readTranscript(name);
      const expected = text
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as unknown);
      const bytes = encoder.encode(text);
      for (let cut = 0; cut <= bytes.length; cut += 3) {
        expect(parseInPieces([bytes.subarray(0, cut), bytes.subarray(cut)])).toEqual({ values: expected, errors: [] });
      }
    }
  });
});

describe('createLineSplitter', () => {
  it('joins a long line that arrives in many pieces, and ignores pushes after end()', () => {
    const lines: string[] = [];
    const splitter = createLineSplitter((line) => lines.push(line));
    const long = 'y'.repeat(50_000);
    for (let index = 0; index < long.length; index += 100) splitter.push(long.slice(index, index + 100));
    splitter.push('\nnext');
    splitter.end();
    splitter.push('late\n');
    splitter.end();
    expect(lines).toEqual([long, 'next']);
  });
});
