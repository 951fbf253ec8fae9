/**
 * The user events hub: one PubSub subscription per user however many listeners, dropped with the
 * last one; events of one user never reach another's listeners; publishing never throws.
 */
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../core/logger';
import { createMemoryPubSub, type PubSub } from '../../storage';
import { UserEvents, userEventsChannel, type UserEvent } from './user-events';

const logger = createLogger({ level: 'silent' });

/** A PubSub that counts its live subscriptions per channel. */
function countingPubSub(inner: PubSub, spansProcesses = inner.spansProcesses): PubSub & { live: Map<string, number> } {
  const live = new Map<string, number>();
  return {
    live,
    spansProcesses,
    publish: (channel, message) => inner.publish(channel, message),
    async subscribe(channel, handler) {
      const unsubscribe = await inner.subscribe(channel, handler);
      live.set(channel, (live.get(channel) ?? 0) + 1);
      return async () => {
        live.set(channel, live.get(channel)! - 1);
        await unsubscribe();
      };
    },
    close: () => inner.close(),
  };
}

const created = (id: string): UserEvent => ({ event: 'chat-created', data: { id, title: 'T', updated_at: 1, created_at: 1, pinned: false, archived: false } });

describe('UserEvents', () => {
  it('shares one subscription between the listeners of a user and drops it with the last', async () => {
    const pubSub = countingPubSub(createMemoryPubSub());
    const events = new UserEvents(pubSub, logger);
    const first: UserEvent[] = [];
    const second: UserEvent[] = [];
    const stranger: UserEvent[] = [];
    const stopFirst = await events.listen('u1', (event) => first.push(event));
    const stopSecond = await events.listen('u1', (event) => second.push(event));
    const stopStranger = await events.listen('u2', (event) => stranger.push(event));
    expect(pubSub.live.get(userEventsChannel('u1'))).toBe(1);
    expect(events.subscriptionCount).toBe(2);

    events.publish('u1', created('a'));
    expect(first).toEqual([created('a')]);
    expect(second).toEqual([created('a')]);
    expect(stranger).toEqual([]);

    await stopFirst();
    await stopFirst();
    events.publish('u1', created('b'));
    expect(first).toHaveLength(1);
    expect(second).toHaveLength(2);
    expect(pubSub.live.get(userEventsChannel('u1'))).toBe(1);
    await stopSecond();
    expect(pubSub.live.get(userEventsChannel('u1'))).toBe(0);
    expect(events.subscriptionCount).toBe(1);
    await stopStranger();
    expect(events.subscriptionCount).toBe(0);
  });

  it('a listener that throws does not stop the others; malformed messages are ignored', async () => {
    const pubSub = createMemoryPubSub();
    const events = new UserEvents(pubSub, logger);
    const heard: UserEvent[] = [];
    await events.listen('u1', () => {
      throw new Error('broken tab');
    });
    await events.listen('u1', (event) => heard.push(event));
    await pubSub.publish(userEventsChannel('u1'), 'not json');
    await pubSub.publish(userEventsChannel('u1'), '{"event": "chat-deleted"}');
    events.publish('u1', { event: 'chat-deleted', data: { id: 'x' } });
    expect(heard).toEqual([{ event: 'chat-deleted', data: { id: 'x' } }]);
    await events.close();
  });

  it('publishing never throws, even when the PubSub fails or is closed', async () => {
    const failing: PubSub = { ...createMemoryPubSub(), spansProcesses: true, publish: () => Promise.reject(new Error('Redis is down')) };
    const events = new UserEvents(failing, logger);
    expect(() => events.publish('u1', created('a'))).not.toThrow();
    await events.close();
    expect(() => events.publish('u1', created('b'))).not.toThrow();
    await expect(events.listen('u1', () => {})).rejects.toThrow(/closed/);
  });

  it('a failed subscription is an error for the listener and leaves nothing behind', async () => {
    const failing: PubSub = { ...createMemoryPubSub(), subscribe: () => Promise.reject(new Error('Redis is down')) };
    const events = new UserEvents(failing, logger);
    await expect(events.listen('u1', () => {})).rejects.toThrow('Redis is down');
    expect(events.subscriptionCount).toBe(0);
  });
});
