import { describe, it, expect, vi } from 'vitest';
import type { Logger } from '../core/logger';
import { deliverMessage } from './deliver-message';

describe('deliverMessage', () => {
  it('reaches every handler even when one throws, and reports the failure with its channel', () => {
    const received: string[] = [];
    const logger = { error: vi.fn() };
    const failure = new Error('broken subscriber');
    deliverMessage(
      [
        (message) => received.push(`first ${message}`),
        () => {
          throw failure;
        },
        (message) => received.push(`third ${message}`),
      ],
      'generation:1',
      'hello',
      logger as unknown as Logger,
    );
    expect(received).toEqual(['first hello', 'third hello']);
    expect(logger.error).toHaveBeenCalledWith({ err: failure, channel: 'generation:1' }, 'a pub/sub subscriber failed');
  });
});
