/**
 * `GET /api/v1/events`: the signed-in user's events channel, as Server-Sent Events, so that the
 * user's other tabs (and other clients) see what happened elsewhere without polling.
 *
 * Each event is `event: <name>\ndata: <json>\n\n`; a `: ping` comment goes out after each quiet
 * interval (15 s) so proxies keep the connection open. Events are not numbered and not replayed:
 * a client that reconnects reloads the chat list once and then follows the channel again.
 *
 * | event                 | data                                                          | sent when |
 * |-----------------------|---------------------------------------------------------------|-----------|
 * | `chat-created`        | the chat list item `{id,title,updated_at,created_at,pinned,archived}` | a chat is created (`/chats/new`, import, clone, or a completion with a new `chat_id`) |
 * | `chat-updated`        | the chat list item, as it is now                               | renamed or edited, pinned, archived, or given a generated title |
 * | `chat-deleted`        | `{id}`                                                         | a chat is deleted |
 * | `chats-deleted`       | `{count}`                                                      | all the user's chats are deleted |
 * | `generation-started`  | `{chat_id, message_id, user_message_id, model}`                | an answer starts generating |
 * | `generation-finished` | `{chat_id, message_id, status, error?}` (status: complete, stopped, interrupted, error) | its final state is stored |
 *
 * The stream ends within a few seconds of the session ending (sign-out, the account deleted or set
 * back to pending). Only the user's own events arrive; the channel reaches every process of the installation
 * (through Redis, or the database's PubSub without it). A client slower than the events it is sent
 * is disconnected rather than buffered for without bound.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { principalOf } from '../../auth';
import { sendStreamHead, sseContentType } from '../../providers';
import type { UserEvent, UserEvents } from './user-events';

/** Proxies commonly cut a connection silent for 30–60 s. */
export const defaultEventsPingIntervalMs = 15_000;
/** Unsent bytes beyond which a client that does not read is disconnected. */
const maxBufferedBytes = 1024 * 1024;

/** How often an open stream checks that its credentials still hold (sign-out, deletion, demotion to pending). */
const credentialsCheckMs = 5_000;

export interface EventsRouteOptions {
  events: UserEvents;
  pingIntervalMs?: number;
  /** Whether the request's credentials still hold; the stream ends when they do not. */
  stillSignedIn?: (request: FastifyRequest) => Promise<boolean>;
}

export function registerUserEventsRoute(app: FastifyInstance, options: EventsRouteOptions): void {
  const pingIntervalMs = options.pingIntervalMs ?? defaultEventsPingIntervalMs;
  const open = new Set<FastifyReply>();
  // Event streams never end by themselves: end them before the server waits for open requests.
  app.addHook('preClose', (done) => {
    for (const reply of open) reply.raw.end();
    done();
  });

  app.get('/api/v1/events', async (request, reply) => {
    const userId = principalOf(request).user.id;
    const raw = reply.raw;
    let lastWriteAt = performance.now();
    const write = (text: string): void => {
      if (raw.destroyed || raw.writableEnded) return;
      lastWriteAt = performance.now();
      raw.write(text);
      if (raw.writableLength > maxBufferedBytes) raw.destroy();
    };
    // Events that arrive between the subscription and the response head wait here.
    let early: UserEvent[] | undefined = [];
    const send = (event: UserEvent): void => {
      if (early !== undefined) early.push(event);
      else write(frame(event));
    };
    // Subscribed before the head goes out: a client that has the head hears everything after it,
    // and a failing PubSub is an error response rather than an empty stream.
    const stopListening = await options.events.listen(userId, send);
    reply.hijack();
    // The client left while we subscribed: there is no one to write to.
    if (raw.destroyed) {
      await stopListening();
      return;
    }
    sendStreamHead(reply, sseContentType);
    open.add(reply);
    for (const event of early) write(frame(event));
    early = undefined;

    const ping = setInterval(() => {
      if (performance.now() - lastWriteAt >= pingIntervalMs) write(': ping\n\n');
    }, pingIntervalMs);
    ping.unref();
    // A stream opened before a sign-out (or the account's deletion or demotion) must not go on.
    const stillSignedIn = options.stillSignedIn;
    const check =
      stillSignedIn === undefined
        ? undefined
        : setInterval(() => {
            stillSignedIn(request).then(
              (allowed) => {
                if (!allowed) raw.end();
              },
              () => undefined,
            );
          }, Math.min(credentialsCheckMs, pingIntervalMs));
    check?.unref();

    await new Promise<void>((resolve) => {
      raw.once('close', () => {
        clearInterval(ping);
        clearInterval(check);
        open.delete(reply);
        stopListening().then(resolve, resolve);
      });
    });
  });
}

/** One SSE event. */
export function frame(event: UserEvent): string {
  return `event: ${event.event}\ndata: ${JSON.stringify(event.data)}\n\n`;
}
