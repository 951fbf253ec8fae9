import { describe, it, expect } from 'vitest';
import { describeKeyValueContract } from './key-value-contract';
import { createMemoryKeyValue } from './memory-key-value';

describeKeyValueContract('memory', { open: () => Promise.resolve(createMemoryKeyValue()), shared: false });

describe('createMemoryKeyValue', () => {
  it('keeps each instance separate', async () => {
    const first = createMemoryKeyValue();
    const second = createMemoryKeyValue();
    await first.set('key', 'value');
    expect(await second.get('key')).toBeUndefined();
    await Promise.all([first.close(), second.close()]);
  });
});
