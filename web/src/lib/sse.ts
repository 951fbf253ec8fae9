/**
 * A parser for `text/event-stream` as the HTML standard defines it: lines end with CRLF, LF or CR;
 * `:` starts a comment (the server's keep-alive pings); `id:`, `event:` and `data:` fields make up
 * an event, which a blank line dispatches. The last event id is kept across events (an event
 * without `id:` keeps the previous one), which is what a client sends back as `Last-Event-ID`.
 */

export interface SseEvent {
  /** The last event id at the time of this event ('' when the server sent none yet). */
  id: string;
  /** The `event:` name, or 'message' when there was none. */
  event: string;
  /** The `data:` lines joined with newlines. */
  data: string;
}

export class SseParser {
  /** The id of the last event seen, as `Last-Event-ID` wants it. */
  lastEventId = '';
  private buffer = '';
  private dataLines: string[] = [];
  private eventName = '';
  private afterCarriageReturn = false;

  /** Takes the next piece of text (decoded already) and returns the events it completed. */
  push(text: string): SseEvent[] {
    // A CR that ended the previous piece was a whole line end: an LF right after it belongs to it.
    if (this.afterCarriageReturn && text.startsWith('\n')) text = text.slice(1);
    this.afterCarriageReturn = false;
    this.buffer += text;
    const events: SseEvent[] = [];
    let start = 0;
    for (;;) {
      let end = start;
      while (end < this.buffer.length && this.buffer[end] !== '\n' && this.buffer[end] !== '\r') end += 1;
      if (end >= this.buffer.length) break;
      const line = this.buffer.slice(start, end);
      if (this.buffer[end] === '\r' && end === this.buffer.length - 1) this.afterCarriageReturn = true;
      start = this.buffer[end] === '\r' && this.buffer[end + 1] === '\n' ? end + 2 : end + 1;
      const event = this.line(line);
      if (event !== undefined) events.push(event);
    }
    this.buffer = this.buffer.slice(start);
    return events;
  }

  /** The stream ended: an event that no blank line closed is dropped, as the standard says. */
  end(): void {
    this.buffer = '';
    this.afterCarriageReturn = false;
    this.dataLines = [];
    this.eventName = '';
  }

  private line(line: string): SseEvent | undefined {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'data':
        this.dataLines.push(value);
        break;
      case 'event':
        this.eventName = value;
        break;
      case 'id':
        if (!value.includes('\0')) this.lastEventId = value;
        break;
      default:
        // `retry:` and unknown fields: nothing this client uses.
        break;
    }
    return undefined;
  }

  private dispatch(): SseEvent | undefined {
    const eventName = this.eventName;
    this.eventName = '';
    if (this.dataLines.length === 0) return undefined;
    const data = this.dataLines.join('\n');
    this.dataLines = [];
    return { id: this.lastEventId, event: eventName === '' ? 'message' : eventName, data };
  }
}
