/**
 * What a user's other tabs hear about: chats created, changed and deleted, and generations started
 * and finished. Events travel over the PubSub seam on one channel per user, so they reach every
 * process sharing the installation. Publishing is fire-and-forget (a failure is logged, never
 * awaited by a request); listening subscribes once per process and user, however many tabs listen.
 */
import type { Logger } from '../../core/logger';
import type { PubSub, Unsubscribe } from '../../storage';
import type { ChatListItem } from '../store';

/** The events of the channel, noun-action; `data` is what `GET /api/v1/events` sends as JSON. */
export type UserEvent =
  | { event: 'chat-created'; data: ChatListItem }
  | { event: 'chat-updated'; data: ChatListItem }
  | { event: 'chat-deleted'; data: { id: string } }
  | { event: 'chats-deleted'; data: { count: number } }
  | { event: 'generation-started'; data: { chat_id: string; message_id: string; user_message_id: string; model: string } }
  | { event: 'generation-finished'; data: { chat_id: string; message_id: string; status: string; error?: string } };

export type UserEventListener = (event: UserEvent) => void;

/** The PubSub channel of a user's events. */
export const userEventsChannel = (userId: string): string => `user-events:${userId}`;

interface UserSubscription {
  listeners: Set<UserEventListener>;
  /** Settles once the PubSub delivers the channel's messages here. */
  subscribed: Promise<Unsubscribe>;
}

/** One per process: see the top of this file. */
export class UserEvents {
  private readonly subscriptions = new Map<string, UserSubscription>();
  private closed = false;

  constructor(
    private readonly pubSub: PubSub,
    private readonly logger: Logger,
  ) {}

  /** Tells every tab of the user, in every process. Never throws and never waits. */
  publish(userId: string, event: UserEvent): void {
    if (this.closed) return;
    // In a single process nobody can hear a user who has no listener here.
    if (!this.pubSub.spansProcesses && !this.subscriptions.has(userId)) return;
    this.pubSub.publish(userEventsChannel(userId), JSON.stringify(event)).catch((error: unknown) => {
      this.logger.warn({ err: error, userId, event: event.event }, 'publishing a user event failed');
    });
  }

  /**
   * Calls `listener` with the user's events from the moment this resolves (the subscription is in
   * place) until the returned function is called.
   */
  async listen(userId: string, listener: UserEventListener): Promise<() => Promise<void>> {
    if (this.closed) throw new Error('The user events channel is closed');
    let subscription = this.subscriptions.get(userId);
    if (subscription === undefined) {
      const listeners = new Set<UserEventListener>();
      subscription = { listeners, subscribed: this.pubSub.subscribe(userEventsChannel(userId), (text) => this.deliver(listeners, text)) };
      this.subscriptions.set(userId, subscription);
    }
    const current = subscription;
    current.listeners.add(listener);
    try {
      await current.subscribed;
    } catch (error) {
      void this.release(userId, current, listener);
      throw error;
    }
    let stopped = false;
    return async () => {
      if (stopped) return;
      stopped = true;
      await this.release(userId, current, listener);
    };
  }

  /** How many PubSub subscriptions this process holds for user events (one per listened-to user). */
  get subscriptionCount(): number {
    return this.subscriptions.size;
  }

  /** Drops every subscription; later publishes and listens do nothing or fail. */
  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.subscriptions.values()];
    this.subscriptions.clear();
    await Promise.allSettled(all.map(async (subscription) => (await subscription.subscribed)()));
  }

  private async release(userId: string, subscription: UserSubscription, listener: UserEventListener): Promise<void> {
    subscription.listeners.delete(listener);
    if (subscription.listeners.size > 0 || this.subscriptions.get(userId) !== subscription) return;
    this.subscriptions.delete(userId);
    try {
      await (await subscription.subscribed)();
    } catch (error) {
      this.logger.debug({ err: error, userId }, 'dropping a user events subscription failed');
    }
  }

  private deliver(listeners: Set<UserEventListener>, text: string): void {
    const event = parseUserEvent(text);
    if (event === undefined) {
      this.logger.debug({ message: text.slice(0, 200) }, 'ignored a malformed user event');
      return;
    }
    for (const listener of [...listeners]) {
      try {
        listener(event);
      } catch (error) {
        this.logger.warn({ err: error, event: event.event }, 'a user event listener failed');
      }
    }
  }
}

/** A message of the channel, or undefined when it is not one (never expected). */
export function parseUserEvent(text: string): UserEvent | undefined {
  try {
    const value = JSON.parse(text) as { event?: unknown; data?: unknown };
    if (typeof value.event !== 'string' || typeof value.data !== 'object' || value.data === null) return undefined;
    return value as UserEvent;
  } catch {
    return undefined;
  }
}
