/**
 * The numbered SSE events of one generation, kept for replay: event n (from 1) goes out as
 * `id: n` followed by its lines. Readers (HTTP responses in this process, a publisher for other
 * processes) hear that there is more and take what they have not sent yet, so a slow reader never
 * holds up the generation or the other readers.
 */

/** Something readers can replay from and follow: a generation's log, or one relayed from another process. */
export interface FrameSource {
  /** The number of the last event so far (0 before the first). */
  readonly lastSeq: number;
  /** No more events will come. */
  readonly ended: boolean;
  /** The SSE text of the events numbered above `seq`, up to `lastSeq`. */
  textAfter(seq: number): string;
  /** Calls `listener` whenever events were added or the source ended; returns the unsubscribe. */
  follow(listener: () => void): () => void;
}

/** The log of one generation (or of one reader's copy of another process's generation). */
export class FrameLog implements FrameSource {
  /** frames[i] is the whole SSE text of event i + 1 + base. */
  private readonly frames: string[] = [];
  private readonly listeners = new Set<() => void>();
  private isEnded = false;

  /** `base`: the number of the event before the first one this log holds (a relayed log starts late). */
  constructor(private readonly base = 0) {}

  get lastSeq(): number {
    return this.base + this.frames.length;
  }

  get ended(): boolean {
    return this.isEnded;
  }

  /**
   * Adds the events of an SSE text (one or several `data: …` blocks, each ending with a blank line),
   * numbering each block. `eventName` names them (`event: chat`). Returns how many were added.
   */
  appendText(text: string, eventName?: string): number {
    if (this.isEnded || text === '') return 0;
    let start = 0;
    let added = 0;
    const prefix = eventName === undefined ? '' : `event: ${eventName}\n`;
    for (;;) {
      const end = text.indexOf('\n\n', start);
      if (end === -1) break;
      if (end > start) {
        this.frames.push(`id: ${this.lastSeq + 1}\n${prefix}${text.slice(start, end)}\n\n`);
        added += 1;
      }
      start = end + 2;
    }
    if (added > 0) this.notify();
    return added;
  }

  /** Adds already-numbered frames (relayed from another process); returns false if `seq` is not the next one. */
  appendFrame(seq: number, frame: string): boolean {
    if (this.isEnded || seq !== this.lastSeq + 1) return false;
    this.frames.push(frame);
    this.notify();
    return true;
  }

  /** The frames numbered above `seq`, each as [number, text]. */
  framesAfter(seq: number): Array<[number, string]> {
    const from = Math.max(0, seq - this.base);
    return this.frames.slice(from).map((frame, index) => [this.base + from + index + 1, frame]);
  }

  textAfter(seq: number): string {
    const from = Math.max(0, seq - this.base);
    if (from >= this.frames.length) return '';
    return from === this.frames.length - 1 ? this.frames[from]! : this.frames.slice(from).join('');
  }

  end(): void {
    if (this.isEnded) return;
    this.isEnded = true;
    this.notify();
  }

  follow(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}
