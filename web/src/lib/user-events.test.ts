import { describe, expect, it } from 'vitest';
import { ApiClient } from './api';
import { followUserEvents, type UserEvent } from './user-events';
import { json, scriptedFetch, sse } from './test-fetch';

describe('followUserEvents', () => {
  it('delivers events, reconnects after a break and says so', async () => {
    const controller = new AbortController();
    let connections = 0;
    const { fetch } = scriptedFetch((request) => {
      connections += 1;
      if (connections === 1) return sse(['event: chat-updated\ndata: {"id":"c1","title":"Sorting lists"}\n\n', ': ping\n\n'], 'break');
      return sse(['event: chat-deleted\ndata: {"id":"c2"}\n\n'], 'hang', request.signal);
    });
    const client = new ApiClient({ fetch, backoff: { baseMs: 1, maxMs: 2 } });
    const events: UserEvent[] = [];
    let reconnected = 0;
    const following = followUserEvents(
      client,
      {
        onEvent: (event) => {
          events.push(event);
          if (events.length === 2) controller.abort();
        },
        onReconnected: () => (reconnected += 1),
      },
      controller.signal,
    );
    await following;
    expect(events).toEqual([
      { event: 'chat-updated', data: { id: 'c1', title: 'Sorting lists' } },
      { event: 'chat-deleted', data: { id: 'c2' } },
    ]);
    expect(reconnected).toBe(1);
  });

  it('leaves a server without the channel alone', async () => {
    const { fetch, requests } = scriptedFetch(() => json(404, { detail: 'No route for GET /api/v1/events', code: 'not_found' }));
    await followUserEvents(new ApiClient({ fetch }), { onEvent: () => {} }, new AbortController().signal);
    expect(requests).toHaveLength(1);
  });
});
