/**
 * One request/response pair and its lifecycle: timers that die with the connection, and the
 * difference between the client going away (an abort, which tests assert on) and the server
 * closing the connection on purpose (a reset fault, or the stand-in shutting down).
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Behavior } from './behavior';

export interface RecordedRequest {
  /** 1-based sequence number over the server's life. */
  id: number;
  method: string;
  /** Path without the query string, e.g. "/v1/chat/completions". */
  path: string;
  /** Path with the query string. */
  url: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body; undefined when there was no body, the raw text when it was not JSON. */
  body: unknown;
  /** The body exactly as it arrived (utf-8). */
  rawBody: string;
  /** Date.now() when the body had been read. */
  receivedAt: number;
}

export interface AbortedRequest {
  request: RecordedRequest;
  /** Tokens written before the client went away. */
  tokensSent: number;
  /** Whether the status line and headers had been sent. */
  headersSent: boolean;
  /** Milliseconds from the request's arrival to the abort. */
  elapsedMs: number;
}

export class Exchange {
  /** Tokens written so far (content, reasoning or tool-call pieces). */
  tokensSent = 0;
  /** performance.now() when the request arrived. */
  readonly startedAt = performance.now();
  /** process.hrtime.bigint() when the request arrived (Ollama reports nanoseconds). */
  readonly startedAtNanoseconds = process.hrtime.bigint();
  private closed = false;
  private closedByServer = false;
  private readonly cleanups: Array<() => void> = [];

  constructor(
    readonly request: IncomingMessage,
    readonly response: ServerResponse,
    readonly record: RecordedRequest,
    readonly behavior: Behavior,
  ) {}

  /** False once the connection closed (client abort, reset fault, or server shutdown). */
  get open(): boolean {
    return !this.closed;
  }

  /** Runs `cleanup` when the response closes, for whatever reason. */
  onClose(cleanup: () => void): void {
    if (this.closed) cleanup();
    else this.cleanups.push(cleanup);
  }

  /** setTimeout that is cleared when the connection closes. */
  after(delayMs: number, callback: () => void): void {
    const timer = setTimeout(() => {
      if (this.open) callback();
    }, delayMs);
    this.onClose(() => clearTimeout(timer));
  }

  /** Called by the server when the response's 'close' fires; returns true when this was a client abort. */
  markClosed(serverShuttingDown: boolean): boolean {
    if (this.closed) return false;
    this.closed = true;
    for (const cleanup of this.cleanups.splice(0)) cleanup();
    return !this.response.writableFinished && !this.closedByServer && !serverShuttingDown;
  }

  /**
   * Resets the TCP connection (RST) once what was written has left Node's buffers, after a short
   * pause so the client has read the bytes already sent: the client sees N tokens, then a reset.
   */
  resetConnection(): void {
    this.closedByServer = true;
    const socket = this.response.socket;
    if (socket === null) return;
    const reset = (): void => {
      setTimeout(() => {
        if (!socket.destroyed) socket.resetAndDestroy();
      }, 20);
    };
    // 'drain' only comes after a write that returned false; otherwise what is buffered (a corked
    // head and body, say) leaves well within the pause.
    if (socket.writableNeedDrain) socket.once('drain', reset);
    else reset();
  }
}
