import { createServer, type AddressInfo, type Socket } from 'node:net';
import { describe, it, expect } from 'vitest';
import { redisUrl } from '../../test/support/backends';
import { checkRedisUrl, closeRedisClient, createRedisClient, waitForRedis } from './redis-client';

describe('checkRedisUrl', () => {
  it('accepts redis:// and rediss:// URLs', () => {
    expect(() => checkRedisUrl('redis://127.0.0.1:6379')).not.toThrow();
    expect(() => checkRedisUrl('rediss://:secret@cache.example.com:6380/2')).not.toThrow();
  });

  it('names REDIS_URL and what it accepts, without the password', () => {
    const attempt = (): void => checkRedisUrl('http://user:hunter2@cache:6379');
    expect(attempt).toThrow(/REDIS_URL http:\/\/user@cache:6379\/? is not supported: use redis:\/\//);
    expect(attempt).not.toThrow(/hunter2/);
    expect(() => checkRedisUrl('cache:6379')).toThrow(/REDIS_URL/);
  });
});

describe('waitForRedis', () => {
  it('fails fast with the connection error when nothing listens, naming REDIS_URL without the password', async () => {
    const url = 'redis://:hunter2@127.0.0.1:1';
    const client = createRedisClient({ url, purpose: 'test' });
    const started = Date.now();
    try {
      const waiting = waitForRedis(client, url);
      await expect(waiting).rejects.toThrow(/Could not reach Redis at redis:\/\/127\.0\.0\.1:1 \(REDIS_URL\): .*ECONNREFUSED/);
      await expect(waiting).rejects.not.toThrow(/hunter2/);
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await closeRedisClient(client);
    }
  });

  it('gives up after the time allowed when the server accepts the connection but never answers', async () => {
    const sockets = new Set<Socket>();
    const silentServer = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silentServer.listen(0, '127.0.0.1', resolve));
    const { port } = silentServer.address() as AddressInfo;
    const url = `redis://127.0.0.1:${port}`;
    const client = createRedisClient({ url, purpose: 'test' });
    try {
      await expect(waitForRedis(client, url, 200)).rejects.toThrow(/REDIS_URL\): no answer within 0.2 s/);
    } finally {
      await closeRedisClient(client);
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silentServer.close(resolve));
    }
  });

  it.skipIf(!redisUrl)('resolves when Redis answers', async () => {
    const url = redisUrl ?? '';
    const client = createRedisClient({ url, purpose: 'test' });
    try {
      await expect(waitForRedis(client, url)).resolves.toBeUndefined();
    } finally {
      await closeRedisClient(client);
    }
  });
});
