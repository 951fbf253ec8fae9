import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger';

function capture(): { destination: Writable; lines: () => Array<Record<string, unknown>> } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  return { destination, lines: () => chunks.join('').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('createLogger', () => {
  it('never writes passwords, tokens, keys or credentials headers', () => {
    const { destination, lines } = capture();
    const logger = createLogger({ level: 'info', destination });
    logger.info({ password: 'hunter2', token: 'tok', api_key: 'sk-1', body: { password: 'hunter2', new_password: 'n3w', name: 'Ada' } }, 'one');
    logger.info({ req: { headers: { authorization: 'Bearer sk-2', cookie: 'astra_session=s', accept: '*/*' } }, headers: { authorization: 'Bearer sk-3' } }, 'two');
    logger.child({ reqId: 'r-1' }).info({ new_password: 'n3w' }, 'three');
    const text = JSON.stringify(lines());
    for (const secret of ['hunter2', 'n3w', 'tok"', 'sk-1', 'sk-2', 'sk-3', 'astra_session=s']) expect(text).not.toContain(secret);
    const [one, two, three] = lines();
    expect(one).toMatchObject({ password: '[redacted]', body: { password: '[redacted]', name: 'Ada' } });
    expect(two).toMatchObject({ req: { headers: { authorization: '[redacted]', accept: '*/*' } } });
    expect(three).toMatchObject({ reqId: 'r-1', new_password: '[redacted]' });
  });
});
