/**
 * The owner's side of reading a generation from another process. Nothing is published until a
 * reader elsewhere asks; then the events it missed go out in one message, and from then on each
 * batch of new events as it is logged, one publish at a time (so they arrive in order; whatever
 * piles up meanwhile goes out together), until the generation ends or no reader has asked for
 * a while (readers renew their interest every few seconds).
 */
import type { Logger } from '../../core/logger';
import type { PubSub } from '../../storage';
import type { FrameLog } from './frame-log';
import type { EventsMessage } from './remote-channel';

/** Live publishing stops when no reader has asked for this long. */
export const readerLeaseMs = 15_000;

/** Publishes one generation's events for readers in other processes. */
export class RemotePublisher {
  /** Events up to this number have been published live; undefined while no one follows. */
  private publishedUpTo: number | undefined;
  private readonly replays: number[] = [];
  private sending = false;
  private stopFollowing: (() => void) | undefined;
  private askedAt = 0;

  constructor(
    private readonly pubSub: PubSub,
    private readonly channel: string,
    private readonly messageId: string,
    private readonly log: FrameLog,
    private readonly logger: Logger,
    private readonly leaseMs = readerLeaseMs,
  ) {}

  /** A reader elsewhere wants the events numbered above `after` and what follows (or renews its interest). */
  request(after: number): void {
    this.askedAt = performance.now();
    this.replays.push(after);
    if (this.stopFollowing === undefined && !this.log.ended) this.stopFollowing = this.log.follow(() => void this.flush());
    void this.flush();
  }

  private async flush(): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    try {
      for (;;) {
        let after: number;
        if (this.replays.length > 0) {
          after = Math.min(...this.replays.splice(0));
        } else if (this.stopFollowing !== undefined && this.publishedUpTo !== undefined && (this.log.lastSeq > this.publishedUpTo || this.log.ended)) {
          after = this.publishedUpTo;
        } else {
          break;
        }
        const message: EventsMessage = { messageId: this.messageId, frames: this.log.framesAfter(after), lastSeq: this.log.lastSeq, ended: this.log.ended };
        this.publishedUpTo = Math.max(this.publishedUpTo ?? 0, message.lastSeq);
        // The end has gone out, or every reader has gone: nothing more to follow.
        if (message.ended || performance.now() - this.askedAt > this.leaseMs) this.unfollow();
        try {
          await this.pubSub.publish(this.channel, JSON.stringify(message));
        } catch (error) {
          // The reader notices the gap and asks again.
          this.logger.warn({ err: error, channel: this.channel }, 'publishing generation events failed');
        }
      }
    } finally {
      this.sending = false;
    }
  }

  private unfollow(): void {
    this.stopFollowing?.();
    this.stopFollowing = undefined;
    this.publishedUpTo = undefined;
  }
}
