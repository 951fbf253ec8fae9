/**
 * The user's events channel: what happened to their chats and generations, published over PubSub
 * (so every process hears it) and streamed to their tabs by `GET /api/v1/events`.
 */
export { announceGenerations } from './generation-announcer';
export { defaultEventsPingIntervalMs, registerUserEventsRoute, type EventsRouteOptions } from './events-route';
export { parseUserEvent, UserEvents, userEventsChannel, type UserEvent, type UserEventListener } from './user-events';
