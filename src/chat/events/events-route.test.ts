/**
 * `GET /api/v1/events`: a user's second tab hears of the chats the first creates, changes and
 * deletes, of its generations and of their titles; another user hears nothing of it; a tab on
 * another process hears it too (Redis, or the database's PubSub); tabs of one user share one
 * subscription, which goes when the last tab leaves.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { send, waitFor } from '../../../test/support/gateway';
import { ollamaModel, startGenerationKit, startTurn, storageVariants, type GenerationKit } from '../generation/generation-test-kit';
import { openStream, type OpenedStream, type ReceivedEvent } from '../generation/sse-test-reader';

const titleReply = '{"title": "👋 Friendly Greeting"}';

/** The events named `name`, their data parsed. */
const named = <T = Record<string, unknown>>(events: ReceivedEvent[], name: string): T[] =>
  events.filter((event) => event.event === name).map((event) => JSON.parse(event.data) as T);

describe.each(storageVariants)('the events channel ($name)', (variant) => {
  let kit: GenerationKit;
  let other: Awaited<ReturnType<GenerationKit['secondProcess']>>;
  const tabs: OpenedStream[] = [];
  beforeAll(async () => {
    // Titles from the OpenAI-compatible stand-in, answers from the Ollama one.
    kit = await startGenerationKit(variant, { env: { TASK_MODEL: 'gpt-4o' }, tuning: { eventsPingIntervalMs: 100 } });
    other = await kit.secondProcess();
  });
  afterEach(async () => {
    for (const tab of tabs.splice(0)) tab.hangUp();
    // Titles of this test's chats come in the background: not into the next test's tabs.
    await Promise.all([kit.gateway.astra.services.titles.idle(), other.astra.services.titles.idle()]);
    kit.gateway.openai.resetBehavior();
  });
  afterAll(async () => kit?.close());

  const openTab = async (target: { url: string }, token: string): Promise<OpenedStream> => {
    const tab = await openStream(target, '/api/v1/events', { token });
    tabs.push(tab);
    return tab;
  };
  const call = (method: 'GET' | 'POST' | 'DELETE', url: string, token: string, body?: unknown) =>
    kit.gateway.astra.call(method, url, token, body);

  it('a second tab hears of a new chat, its generation, its title and its end', async () => {
    kit.gateway.openai.setBehavior({ replyText: titleReply });
    const tab = await openTab(kit.gateway, kit.gateway.user.token);
    expect(tab.status).toBe(200);
    expect(tab.headers['content-type']).toMatch(/^text\/event-stream/);
    const { stream, head } = await startTurn(kit.gateway, kit.gateway.user.token, { model: ollamaModel });
    await stream.finished;
    await tab.until((events) => named(events, 'chat-updated').length > 0);

    expect(tab.events.map((event) => event.event)).toEqual(['chat-created', 'generation-started', 'generation-finished', 'chat-updated']);
    expect(named(tab.events, 'chat-created')[0]).toMatchObject({ id: head.chat_id, title: 'New Chat', pinned: false, archived: false });
    expect(named(tab.events, 'generation-started')[0]).toEqual({ chat_id: head.chat_id, message_id: head.message_id, user_message_id: head.user_message_id, model: ollamaModel });
    expect(named(tab.events, 'generation-finished')[0]).toEqual({ chat_id: head.chat_id, message_id: head.message_id, status: 'complete' });
    expect(named(tab.events, 'chat-updated')[0]).toMatchObject({ id: head.chat_id, title: '👋 Friendly Greeting' });
  });

  it('announces chats created, renamed, pinned, archived, cloned, imported and deleted', async () => {
    const token = kit.gateway.user.token;
    const tab = await openTab(kit.gateway, token);
    const created = (await call('POST', '/api/v1/chats/new', token, { chat: { title: 'Plans', models: [ollamaModel] } })).json<{ id: string }>();
    await call('POST', `/api/v1/chats/${created.id}`, token, { chat: { title: 'Summer plans' } });
    await call('POST', `/api/v1/chats/${created.id}/pin`, token);
    await call('POST', `/api/v1/chats/${created.id}/archive`, token);
    const clone = (await call('POST', `/api/v1/chats/${created.id}/clone`, token)).json<{ id: string }>();
    const exported = (await call('GET', '/api/v1/chats/export', token)).json<{ chats: Array<{ id: string }> }>();
    const toImport = { version: 1, chats: exported.chats.filter((chat) => chat.id === clone.id).map((chat) => ({ ...chat, id: 'imported-chat' })) };
    expect((await call('POST', '/api/v1/chats/import', token, toImport)).statusCode).toBe(200);
    await call('DELETE', `/api/v1/chats/${clone.id}`, token);
    await tab.until((events) => named(events, 'chat-deleted').length > 0);

    expect(tab.events.map((event) => [event.event, JSON.parse(event.data)])).toEqual([
      ['chat-created', expect.objectContaining({ id: created.id, title: 'Plans' })],
      ['chat-updated', expect.objectContaining({ id: created.id, title: 'Summer plans', pinned: false })],
      ['chat-updated', expect.objectContaining({ id: created.id, pinned: true, archived: false })],
      ['chat-updated', expect.objectContaining({ id: created.id, pinned: true, archived: true })],
      ['chat-created', expect.objectContaining({ id: clone.id, title: 'Clone of Summer plans' })],
      ['chat-created', expect.objectContaining({ id: 'imported-chat', title: 'Clone of Summer plans' })],
      ['chat-deleted', { id: clone.id }],
    ]);
    await call('DELETE', '/api/v1/chats/', token);
    await tab.until((events) => named(events, 'chats-deleted').length > 0);
    expect(named(tab.events, 'chats-deleted')[0]!.count).toBeGreaterThanOrEqual(2);
  });

  it('another user hears nothing of it, and only their own events', async () => {
    const stranger = await kit.gateway.addAccount('user');
    const strangersTab = await openTab(kit.gateway, stranger.token);
    const ownersTab = await openTab(kit.gateway, kit.gateway.user.token);
    await call('POST', '/api/v1/chats/new', kit.gateway.user.token, { chat: { title: 'Private' } });
    const { stream } = await startTurn(kit.gateway, kit.gateway.user.token, { model: ollamaModel });
    await stream.finished;
    await ownersTab.until((events) => named(events, 'generation-finished').length > 0);
    await call('POST', '/api/v1/chats/new', stranger.token, { chat: { title: 'Mine' } });
    await strangersTab.until((events) => events.length > 0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(strangersTab.events.map((event) => [event.event, JSON.parse(event.data).title])).toEqual([['chat-created', 'Mine']]);
  });

  it('a tab on another process hears what happens in this one, and the other way round', async () => {
    const token = kit.gateway.user.token;
    const [thereTab, hereTab] = [await openTab(other, token), await openTab(kit.gateway, token)];
    const created = (await call('POST', '/api/v1/chats/new', token, { chat: { title: 'From here' } })).json<{ id: string }>();
    await thereTab.until((events) => named(events, 'chat-created').length > 0, 5000);
    expect(named(thereTab.events, 'chat-created')[0]).toMatchObject({ id: created.id, title: 'From here' });

    const { stream, head } = await startTurn(other, token, { model: ollamaModel });
    await stream.finished;
    await hereTab.until((events) => named(events, 'generation-finished').some((event) => event.chat_id === head.chat_id), 5000);
    // The chat's title comes after its answer, from the other process: heard here, not in the next test's tab.
    await hereTab.until((events) => named<{ id: string }>(events, 'chat-updated').some((event) => event.id === head.chat_id), 5000);
  });

  it('sends pings while quiet, and requires a signed-in, approved account', async () => {
    const tab = await openTab(kit.gateway, kit.gateway.user.token);
    await waitFor(() => tab.text().includes(': ping\n\n'), 2000, 'a ping');
    expect(tab.events).toEqual([]);
    expect((await send(kit.gateway, '/api/v1/events', {})).status).toBe(401);
    expect((await send(kit.gateway, '/api/v1/events', { token: kit.gateway.pending.token })).status).toBe(403);
  });

  it('a stream ends soon after its session is signed out', async () => {
    const account = await kit.gateway.addAccount('user');
    const tab = await openTab(kit.gateway, account.token);
    expect(tab.status).toBe(200);
    expect((await send(kit.gateway, '/api/v1/auths/signout', { token: account.token })).status).toBe(200);
    await Promise.race([tab.finished, new Promise((_resolve, reject) => setTimeout(() => reject(new Error('the stream stayed open after sign-out')), 3000))]);
  });

  it('tabs of one user share one subscription, dropped when the last tab leaves', async () => {
    const userEvents = kit.gateway.astra.services.userEvents;
    const account = await kit.gateway.addAccount('user');
    const before = userEvents.subscriptionCount;
    const first = await openTab(kit.gateway, account.token);
    const second = await openTab(kit.gateway, account.token);
    expect(userEvents.subscriptionCount).toBe(before + 1);

    first.hangUp();
    await first.finished;
    await call('POST', '/api/v1/chats/new', account.token, { chat: { title: 'Still heard' } });
    await second.until((events) => events.length > 0);
    expect(userEvents.subscriptionCount).toBe(before + 1);

    second.hangUp();
    await second.finished;
    await waitFor(() => userEvents.subscriptionCount === before, 2000, 'the subscription to be dropped');
  });
});
