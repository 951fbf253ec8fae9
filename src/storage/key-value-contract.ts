/**
 * The behaviour every KeyValue must show, written once and run against each implementation by its
 * own test file. Test-only: imported by `*.test.ts` files, never by the server.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, it, expect } from 'vitest';
import type { KeyValue } from './types';

export interface KeyValueContractSetup {
  /** Opens a KeyValue; several calls must share data when `shared` is set (think: separate processes). */
  open(): Promise<KeyValue>;
  /** Whether separately opened instances see the same data. */
  shared: boolean;
  cleanup?(): Promise<void>;
}

const pause = (milliseconds: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, milliseconds));

/** Registers the KeyValue contract suite for one implementation. */
export function describeKeyValueContract(name: string, setup: KeyValueContractSetup): void {
  describe(`KeyValue contract: ${name}`, () => {
    const opened: KeyValue[] = [];
    let keyValue: KeyValue;
    // Every test uses its own keys, so tests cannot see each other's leftovers.
    const newKey = (): string => `contract:${randomUUID()}`;

    beforeAll(async () => {
      keyValue = await setup.open();
      opened.push(keyValue);
    });

    afterAll(async () => {
      await Promise.all(opened.map((instance) => instance.close()));
      await setup.cleanup?.();
    });

    it('answers a ping', async () => {
      await expect(keyValue.ping()).resolves.toBeUndefined();
    });

    it('gets what was set, overwrites, and deletes', async () => {
      const key = newKey();
      expect(await keyValue.get(key)).toBeUndefined();
      await keyValue.set(key, 'first');
      expect(await keyValue.get(key)).toBe('first');
      await keyValue.set(key, 'second');
      expect(await keyValue.get(key)).toBe('second');
      await keyValue.delete(key);
      expect(await keyValue.get(key)).toBeUndefined();
      await expect(keyValue.delete(key)).resolves.toBeUndefined();
    });

    it('forgets a value when its ttl passes, and reports the time left until then', async () => {
      const key = newKey();
      await keyValue.set(key, 'short-lived', { ttlMs: 80 });
      const left = await keyValue.ttl(key);
      expect(left).toBeGreaterThan(0);
      expect(left).toBeLessThanOrEqual(80);
      expect(await keyValue.get(key)).toBe('short-lived');
      await pause(120);
      expect(await keyValue.get(key)).toBeUndefined();
      expect(await keyValue.ttl(key)).toBeUndefined();
    });

    it('reports no ttl for a missing key or one without expiry, and a plain set removes an expiry', async () => {
      const key = newKey();
      expect(await keyValue.ttl(key)).toBeUndefined();
      await keyValue.set(key, 'value', { ttlMs: 60 });
      await keyValue.set(key, 'value');
      expect(await keyValue.ttl(key)).toBeUndefined();
      await pause(90);
      expect(await keyValue.get(key)).toBe('value');
    });

    it('counts up from 1, keeping the expiry set when the counter was created', async () => {
      const key = newKey();
      const first = await keyValue.increment(key, { ttlMs: 1000 });
      expect(first.value).toBe(1);
      expect(first.ttlMs).toBeGreaterThan(900);
      expect(first.ttlMs).toBeLessThanOrEqual(1000);
      await pause(60);
      const second = await keyValue.increment(key, { ttlMs: 1000 });
      expect(second.value).toBe(2);
      expect(second.ttlMs).toBeLessThanOrEqual(first.ttlMs - 40);
      expect(await keyValue.get(key)).toBe('2');
    });

    it('counts 50 concurrent increments exactly once each', async () => {
      const key = newKey();
      const results = await Promise.all(Array.from({ length: 50 }, () => keyValue.increment(key, { ttlMs: 10_000 })));
      expect(results.map((result) => result.value).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, index) => index + 1));
      expect(await keyValue.get(key)).toBe('50');
    });

    it('restarts an expired counter at 1 with a fresh expiry', async () => {
      const key = newKey();
      await keyValue.increment(key, { ttlMs: 50 });
      await keyValue.increment(key, { ttlMs: 50 });
      await pause(90);
      const restarted = await keyValue.increment(key, { ttlMs: 5000 });
      expect(restarted.value).toBe(1);
      expect(restarted.ttlMs).toBeGreaterThan(4000);
    });

    it('gives a counter stored without expiry the increment ttl', async () => {
      const key = newKey();
      await keyValue.set(key, '7');
      const result = await keyValue.increment(key, { ttlMs: 5000 });
      expect(result).toEqual({ value: 8, ttlMs: expect.any(Number) as number });
      expect(result.ttlMs).toBeGreaterThan(4000);
      expect(result.ttlMs).toBeLessThanOrEqual(5000);
    });

    it('keeps set members once each, removes them, and deletes the whole set', async () => {
      const key = newKey();
      expect(await keyValue.setMembers(key)).toEqual([]);
      await keyValue.addToSet(key, 'a');
      await keyValue.addToSet(key, 'b');
      await keyValue.addToSet(key, 'a');
      expect((await keyValue.setMembers(key)).sort()).toEqual(['a', 'b']);
      await keyValue.removeFromSet(key, 'a');
      await keyValue.removeFromSet(key, 'not-a-member');
      expect(await keyValue.setMembers(key)).toEqual(['b']);
      await keyValue.delete(key);
      expect(await keyValue.setMembers(key)).toEqual([]);
      await keyValue.addToSet(key, 'c');
      expect(await keyValue.setMembers(key)).toEqual(['c']);
    });

    it('expires a set as a whole; adding with a ttl renews it, adding without keeps it', async () => {
      const key = newKey();
      await keyValue.addToSet(key, 'a', { ttlMs: 150 });
      await keyValue.addToSet(key, 'b');
      const left = await keyValue.ttl(key);
      expect(left).toBeGreaterThan(0);
      expect(left).toBeLessThanOrEqual(150);
      await pause(100);
      await keyValue.addToSet(key, 'c', { ttlMs: 150 });
      await pause(100);
      // 200 ms after the first add, past its original expiry: still alive thanks to the renewal.
      expect((await keyValue.setMembers(key)).sort()).toEqual(['a', 'b', 'c']);
      await pause(100);
      expect(await keyValue.setMembers(key)).toEqual([]);
      expect(await keyValue.ttl(key)).toBeUndefined();
      // An expired set starts afresh, without the old members or expiry.
      await keyValue.addToSet(key, 'd');
      expect(await keyValue.setMembers(key)).toEqual(['d']);
      expect(await keyValue.ttl(key)).toBeUndefined();
    });

    it.runIf(setup.shared)('shares values and counters between separately opened instances', async () => {
      const other = await setup.open();
      opened.push(other);
      const key = newKey();
      await keyValue.set(key, 'from the first');
      expect(await other.get(key)).toBe('from the first');

      const counter = newKey();
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, index) => (index % 2 === 0 ? keyValue : other).increment(counter, { ttlMs: 10_000 })),
      );
      expect(new Set(results.map((result) => result.value)).size).toBe(50);
      expect(await other.get(counter)).toBe('50');
    });
  });
}
