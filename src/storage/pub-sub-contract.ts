/**
 * The behaviour every PubSub must show, written once and run against each implementation by its
 * own test file. Test-only: imported by `*.test.ts` files, never by the server. Delivery need not
 * be synchronous: between separately opened instances it may take up to about a second (the
 * database PubSub polls), so every expectation waits for what it counts.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, describe, it, expect, vi } from 'vitest';
import type { Logger } from '../core/logger';
import type { PubSub } from './types';

export interface PubSubContractSetup {
  /** Opens a PubSub; when `spansProcesses`, separately opened ones must hear each other. */
  open(options: { logger?: Logger }): Promise<PubSub>;
  spansProcesses: boolean;
  cleanup?(): Promise<void>;
}

/** Records what a subscription hears and lets a test wait for the nth message (3 s at most, room for a slow machine). */
function listener(): { handler: (message: string) => void; messages: string[]; received(count: number): Promise<void> } {
  const messages: string[] = [];
  let wake: (() => void) | undefined;
  return {
    messages,
    handler: (message) => {
      messages.push(message);
      wake?.();
    },
    async received(count) {
      const deadline = Date.now() + 3000;
      while (messages.length < count) {
        if (Date.now() > deadline) throw new Error(`heard ${messages.length} of ${count} messages: ${JSON.stringify(messages)}`);
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 50);
        });
      }
    },
  };
}

/** Registers the PubSub contract suite for one implementation. */
export function describePubSubContract(name: string, setup: PubSubContractSetup): void {
  describe(`PubSub contract: ${name}`, () => {
    const opened: PubSub[] = [];
    const open = async (options: { logger?: Logger } = {}): Promise<PubSub> => {
      const pubSub = await setup.open(options);
      opened.push(pubSub);
      return pubSub;
    };
    const newChannel = (): string => `contract:${randomUUID()}`;

    afterAll(async () => {
      await Promise.all(opened.map((pubSub) => pubSub.close()));
      await setup.cleanup?.();
    });

    it(`says whether it spans processes (${String(setup.spansProcesses)})`, async () => {
      expect((await open()).spansProcesses).toBe(setup.spansProcesses);
    });

    it('delivers messages in order to every subscriber of the channel, and only that channel', async () => {
      const pubSub = await open();
      const [channel, otherChannel] = [newChannel(), newChannel()];
      const first = listener();
      const second = listener();
      const other = listener();
      await pubSub.subscribe(channel, first.handler);
      await pubSub.subscribe(channel, second.handler);
      await pubSub.subscribe(otherChannel, other.handler);

      await pubSub.publish(otherChannel, 'elsewhere');
      for (const message of ['one', 'two', 'three']) await pubSub.publish(channel, message);

      await first.received(3);
      await second.received(3);
      await other.received(1);
      expect(first.messages).toEqual(['one', 'two', 'three']);
      expect(second.messages).toEqual(['one', 'two', 'three']);
      expect(other.messages).toEqual(['elsewhere']);
    });

    it('stops delivering to a subscription once unsubscribed, and lets the channel be subscribed again', async () => {
      const pubSub = await open();
      const channel = newChannel();
      const leaving = listener();
      const staying = listener();
      const unsubscribe = await pubSub.subscribe(channel, leaving.handler);
      await pubSub.subscribe(channel, staying.handler);
      await pubSub.publish(channel, 'before');
      await leaving.received(1);

      await unsubscribe();
      await unsubscribe();
      await pubSub.publish(channel, 'after');
      // Messages on one channel arrive in order, so once `staying` has 'after', `leaving` would have too.
      await staying.received(2);
      expect(leaving.messages).toEqual(['before']);

      const lastOnChannel = newChannel();
      const gone = listener();
      await (await pubSub.subscribe(lastOnChannel, gone.handler))();
      const back = listener();
      await pubSub.subscribe(lastOnChannel, back.handler);
      await pubSub.publish(lastOnChannel, 'welcome back');
      await back.received(1);
      expect(gone.messages).toEqual([]);
    });

    it('counts the same handler subscribed twice as two subscriptions', async () => {
      const pubSub = await open();
      const channel = newChannel();
      const twice = listener();
      const unsubscribeFirst = await pubSub.subscribe(channel, twice.handler);
      await pubSub.subscribe(channel, twice.handler);
      await pubSub.publish(channel, 'a');
      await twice.received(2);
      await unsubscribeFirst();
      await pubSub.publish(channel, 'b');
      await twice.received(3);
      expect(twice.messages).toEqual(['a', 'a', 'b']);
    });

    it('keeps delivering to the others when a handler throws, and reports the failure', async () => {
      const logger = { error: vi.fn(), warn: vi.fn(), info: vi.fn() };
      const pubSub = await open({ logger: logger as unknown as Logger });
      const channel = newChannel();
      const before = listener();
      const after = listener();
      await pubSub.subscribe(channel, before.handler);
      await pubSub.subscribe(channel, () => {
        throw new Error('broken subscriber');
      });
      await pubSub.subscribe(channel, after.handler);
      await pubSub.publish(channel, 'one');
      await pubSub.publish(channel, 'two');
      await after.received(2);
      expect(before.messages).toEqual(['one', 'two']);
      expect(after.messages).toEqual(['one', 'two']);
      expect(logger.error).toHaveBeenCalledTimes(2);
    });

    it('refuses to publish or subscribe once closed', async () => {
      const pubSub = await open();
      await pubSub.close();
      await expect(pubSub.publish(newChannel(), 'late')).rejects.toThrow(/closed/);
      await expect(pubSub.subscribe(newChannel(), () => undefined)).rejects.toThrow(/closed/);
      await expect(pubSub.close()).resolves.toBeUndefined();
    });

    it.runIf(setup.spansProcesses)('carries messages between separately opened instances, both ways', async () => {
      const [first, second] = [await open(), await open()];
      const channel = newChannel();
      const heardByFirst = listener();
      const heardBySecond = listener();
      await first.subscribe(channel, heardByFirst.handler);
      await second.subscribe(channel, heardBySecond.handler);
      await first.publish(channel, 'from first');
      await heardBySecond.received(1);
      await second.publish(channel, 'from second');
      await heardByFirst.received(2);
      expect(heardByFirst.messages).toEqual(['from first', 'from second']);
      await heardBySecond.received(2);
      expect(heardBySecond.messages).toEqual(['from first', 'from second']);
      // Nothing arrives twice, however a message travels (an instance hears its own only once).
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(heardByFirst.messages).toEqual(['from first', 'from second']);
      expect(heardBySecond.messages).toEqual(['from first', 'from second']);
    });

    it.runIf(!setup.spansProcesses)('keeps separately opened instances apart', async () => {
      const [first, second] = [await open(), await open()];
      const channel = newChannel();
      const heardByFirst = listener();
      const heardBySecond = listener();
      await first.subscribe(channel, heardByFirst.handler);
      await second.subscribe(channel, heardBySecond.handler);
      await second.publish(channel, 'only second');
      await heardBySecond.received(1);
      expect(heardByFirst.messages).toEqual([]);
    });
  });
}
