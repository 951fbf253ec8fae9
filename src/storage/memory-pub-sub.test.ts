import { describe, it, expect } from 'vitest';
import { createMemoryPubSub } from './memory-pub-sub';
import { describePubSubContract } from './pub-sub-contract';

describePubSubContract('memory', { open: (options) => Promise.resolve(createMemoryPubSub(options)), spansProcesses: false });

describe('createMemoryPubSub', () => {
  it('has run every subscriber by the time publish resolves', async () => {
    const pubSub = createMemoryPubSub();
    const heard: string[] = [];
    await pubSub.subscribe('channel', (message) => heard.push(message));
    await pubSub.publish('channel', 'now');
    expect(heard).toEqual(['now']);
    await pubSub.close();
  });

  it('lets a handler unsubscribe itself while a message is being delivered', async () => {
    const pubSub = createMemoryPubSub();
    const heard: string[] = [];
    const unsubscribe = await pubSub.subscribe('channel', () => void unsubscribe());
    await pubSub.subscribe('channel', (message) => heard.push(message));
    await pubSub.publish('channel', 'one');
    await pubSub.publish('channel', 'two');
    expect(heard).toEqual(['one', 'two']);
    await pubSub.close();
  });
});
