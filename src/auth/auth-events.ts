/**
 * Invalidation messages between processes: when a session ends or a user changes, every process
 * drops what it cached about them. Over Redis this reaches other processes within milliseconds.
 */
import type { PubSub } from '../storage';

export type AuthEvent =
  | { type: 'session-ended'; tokenHash: string }
  | { type: 'user-changed'; userId: string }
  | { type: 'api-key-changed'; userId: string };

const channel = 'auth:invalidate';

export class AuthEvents {
  private readonly listeners: Array<(event: AuthEvent) => void> = [];

  constructor(private readonly pubSub: PubSub) {}

  /** Subscribes once; returns the function that unsubscribes. */
  async start(): Promise<() => Promise<void>> {
    return this.pubSub.subscribe(channel, (message) => {
      const event = JSON.parse(message) as AuthEvent;
      for (const listener of this.listeners) listener(event);
    });
  }

  listen(listener: (event: AuthEvent) => void): void {
    this.listeners.push(listener);
  }

  publish(event: AuthEvent): Promise<void> {
    return this.pubSub.publish(channel, JSON.stringify(event));
  }
}
