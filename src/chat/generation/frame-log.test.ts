import { describe, expect, it } from 'vitest';
import { FrameLog } from './frame-log';

describe('FrameLog', () => {
  it('numbers each SSE block of a text, names them when asked, and replays from any number', () => {
    const log = new FrameLog();
    expect(log.appendText('data: {"a":1}\n\n', 'chat')).toBe(1);
    expect(log.appendText('data: {"b":2}\n\ndata: [DONE]\n\n')).toBe(2);
    expect(log.appendText('')).toBe(0);
    expect(log.lastSeq).toBe(3);
    expect(log.textAfter(0)).toBe('id: 1\nevent: chat\ndata: {"a":1}\n\nid: 2\ndata: {"b":2}\n\nid: 3\ndata: [DONE]\n\n');
    expect(log.textAfter(2)).toBe('id: 3\ndata: [DONE]\n\n');
    expect(log.textAfter(3)).toBe('');
    expect(log.framesAfter(1).map(([seq]) => seq)).toEqual([2, 3]);
  });

  it('tells followers of each addition and of the end, and takes nothing after the end', () => {
    const log = new FrameLog();
    let calls = 0;
    const stop = log.follow(() => (calls += 1));
    log.appendText('data: 1\n\n');
    log.end();
    expect(log.appendText('data: 2\n\n')).toBe(0);
    expect(calls).toBe(2);
    stop();
    expect(log.ended).toBe(true);
  });

  it('a relayed log starts after a number and takes only the next frame in order', () => {
    const log = new FrameLog(10);
    expect(log.appendFrame(12, 'id: 12\ndata: b\n\n')).toBe(false);
    expect(log.appendFrame(11, 'id: 11\ndata: a\n\n')).toBe(true);
    expect(log.appendFrame(12, 'id: 12\ndata: b\n\n')).toBe(true);
    expect(log.textAfter(0)).toBe('id: 11\ndata: a\n\nid: 12\ndata: b\n\n');
    expect(log.textAfter(11)).toBe('id: 12\ndata: b\n\n');
  });
});
