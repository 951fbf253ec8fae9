/**
 * Following a generation through PubSub: the owner's publisher and a reader's remote source put
 * every event in order exactly once, also when a replay and live events cross, and a reader whose
 * owner never answers is ended by its fallback.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../../test/support/gateway';
import { createLogger } from '../../core/logger';
import { createMemoryPubSub, type PubSub } from '../../storage';
import { FrameLog } from './frame-log';
import { controlChannel, eventsChannel, parseControlMessage } from './remote-channel';
import { RemotePublisher } from './remote-publisher';
import { followRemoteGeneration, type RemoteSource } from './remote-source';

const logger = createLogger({ level: 'silent' });

/** A PubSub whose control messages arrive late, so that live events overtake a replay request. */
function withSlowControl(pubSub: PubSub, delayMs: number): PubSub {
  return {
    spansProcesses: true,
    publish: (channel, message) =>
      channel === controlChannel ? new Promise((resolve) => setTimeout(() => resolve(pubSub.publish(channel, message)), delayMs)) : pubSub.publish(channel, message),
    subscribe: (channel, handler) => pubSub.subscribe(channel, handler),
    close: () => pubSub.close(),
  };
}

describe('following a generation in another process', () => {
  const sources: RemoteSource[] = [];
  afterEach(async () => {
    for (const source of sources.splice(0)) await source.close();
  });

  it('gets every event after the last one seen, once and in order, when live events overtake the replay', async () => {
    const pubSub = withSlowControl(createMemoryPubSub(), 30);
    const log = new FrameLog();
    for (let index = 1; index <= 5; index += 1) log.appendText(`data: ${index}\n\n`);
    const publisher = new RemotePublisher(pubSub, eventsChannel('c1'), 'm1', log, logger);
    await pubSub.subscribe(controlChannel, (text) => {
      const message = parseControlMessage(text);
      if (message?.type === 'watch') publisher.request(message.after);
    });
    // Someone else already follows: the publisher sends each new event live.
    publisher.request(5);
    await new Promise((resolve) => setTimeout(resolve, 50));

    const source = await followRemoteGeneration({ pubSub, chatId: 'c1', messageId: 'm1', after: 2, silenceMs: 1000, maxUnanswered: 3, logger, onOwnerGone: async () => undefined });
    sources.push(source);
    log.appendText('data: 6\n\n');
    log.appendText('data: 7\n\n');
    await new Promise((resolve) => setTimeout(resolve, 60));
    log.appendText('data: 8\n\n');
    log.end();
    await waitFor(() => source.ended, 2000, 'the source to end');
    expect(source.textAfter(2)).toBe(log.textAfter(2));
    expect(source.lastSeq).toBe(8);
  });

  it('an owner that never answers: the reader asks again, then ends with its fallback', async () => {
    const pubSub = createMemoryPubSub();
    let asked = 0;
    await pubSub.subscribe(controlChannel, () => (asked += 1));
    const source = await followRemoteGeneration({
      pubSub,
      chatId: 'c2',
      messageId: 'm2',
      after: 0,
      silenceMs: 40,
      maxUnanswered: 2,
      logger,
      onOwnerGone: async (log, receivedAny) => {
        expect(receivedAny).toBe(false);
        log.appendText('data: fallback\n\n');
      },
    });
    sources.push(source);
    await waitFor(() => source.ended, 2000, 'the source to end');
    expect(asked).toBe(3);
    expect(source.textAfter(0)).toBe('id: 1\ndata: fallback\n\n');
  });

  it('the owner stops publishing live once no reader has renewed its interest within the lease', async () => {
    const pubSub = createMemoryPubSub();
    const log = new FrameLog();
    const published: string[] = [];
    await pubSub.subscribe(eventsChannel('c3'), (text) => published.push(text));
    const publisher = new RemotePublisher(pubSub, eventsChannel('c3'), 'm3', log, logger, 50);
    publisher.request(0);
    log.appendText('data: 1\n\n');
    await waitFor(() => published.length === 2, 1000, 'the replay and one live message');
    await new Promise((resolve) => setTimeout(resolve, 80));
    log.appendText('data: 2\n\n');
    log.appendText('data: 3\n\n');
    await new Promise((resolve) => setTimeout(resolve, 20));
    // One last message went out when the lease was found to have run out; nothing after it.
    expect(published).toHaveLength(3);
    publisher.request(1);
    await waitFor(() => published.length === 4, 1000, 'the replay after a renewal');
    expect(JSON.parse(published[3]!)).toMatchObject({ frames: [[2, expect.any(String)], [3, expect.any(String)]], lastSeq: 3 });
  });
});
