import { describe, expect, it } from 'vitest';
import { SseParser } from './sse';

describe('SseParser', () => {
  it('reads id, event and data fields, and keeps the last event id', () => {
    const parser = new SseParser();
    const events = parser.push('id: 1\nevent: chat\ndata: {"chat_id":"c"}\n\nid: 2\ndata: {"a":1}\n\n');
    expect(events).toEqual([
      { id: '1', event: 'chat', data: '{"chat_id":"c"}' },
      { id: '2', event: 'message', data: '{"a":1}' },
    ]);
    expect(parser.lastEventId).toBe('2');
  });

  it('joins an event split anywhere across pieces, CRLF included', () => {
    const text = 'id: 7\r\ndata: hello\r\n\r\nid: 8\r\ndata: world\r\n\r\n';
    for (let cut = 1; cut < text.length; cut += 1) {
      const parser = new SseParser();
      const events = [...parser.push(text.slice(0, cut)), ...parser.push(text.slice(cut))];
      expect(events.map((event) => `${event.id}:${event.data}`), `cut at ${cut}`).toEqual(['7:hello', '8:world']);
    }
  });

  it('accepts bare CR line ends, multi-line data and fields without a space', () => {
    const parser = new SseParser();
    expect(parser.push('data:one\rdata: two\r\r')).toEqual([{ id: '', event: 'message', data: 'one\ntwo' }]);
  });

  it('ignores comments (keep-alive pings), retry and unknown fields, and blocks without data', () => {
    const parser = new SseParser();
    expect(parser.push(': ping\n\nretry: 100\nfoo: bar\n\nid: 3\n\n')).toEqual([]);
    // An id without data still counts as seen.
    expect(parser.lastEventId).toBe('3');
    expect(parser.push('data: x\n\n')).toEqual([{ id: '3', event: 'message', data: 'x' }]);
  });

  it('drops an event that the stream cut before its blank line', () => {
    const parser = new SseParser();
    expect(parser.push('id: 4\ndata: half')).toEqual([]);
    parser.end();
    expect(parser.push('id: 5\ndata: whole\n\n')).toEqual([{ id: '5', event: 'message', data: 'whole' }]);
  });

  it('keeps data exactly, a leading space beyond the first and [DONE] included', () => {
    const parser = new SseParser();
    expect(parser.push('data:   indented\n\ndata: [DONE]\n\n').map((event) => event.data)).toEqual(['  indented', '[DONE]']);
  });
});
