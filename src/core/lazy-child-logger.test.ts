import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { LazyChildLogger } from './lazy-child-logger';
import { createLogger } from './logger';

function capture(level: 'info' | 'warn'): { parent: ReturnType<typeof createLogger>; lines: () => Array<Record<string, unknown>> } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  const parent = createLogger({ level, destination });
  return { parent, lines: () => chunks.join('').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('LazyChildLogger', () => {
  it('writes what a pino child would, with its bindings, and only at enabled levels', () => {
    const { parent, lines } = capture('warn');
    let children = 0;
    const child = parent.child.bind(parent);
    parent.child = ((...args: Parameters<typeof child>) => {
      children += 1;
      return child(...args);
    }) as typeof parent.child;
    const logger = new LazyChildLogger(parent, { reqId: 'r-1' }, {});
    expect(logger.level).toBe('warn');
    logger.info({ quiet: true }, 'not written');
    logger.debug('not written either');
    expect(children).toBe(0);
    logger.warn({ detail: 1, password: 'hunter2' }, 'written');
    logger.error(new Error('boom'));
    expect(children).toBe(1);
    const [warn, error] = lines();
    expect(warn).toMatchObject({ level: 40, reqId: 'r-1', detail: 1, password: '[redacted]', msg: 'written' });
    expect(error).toMatchObject({ level: 50, reqId: 'r-1', err: { message: 'boom' } });
    expect(lines()).toHaveLength(2);
  });

  it('honours a level of its own and makes children of its own', () => {
    const { parent, lines } = capture('info');
    const logger = new LazyChildLogger(parent, { reqId: 'r-2' }, { level: 'error' });
    expect(logger.level).toBe('error');
    expect(logger.isLevelEnabled('warn')).toBe(false);
    logger.warn('not written');
    logger.child({ step: 'x' }).error('nested');
    expect(lines()).toEqual([expect.objectContaining({ reqId: 'r-2', step: 'x', msg: 'nested' })]);
  });
});
