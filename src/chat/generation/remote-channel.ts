/**
 * The messages generations exchange between processes over PubSub. One control channel for all
 * processes carries requests (stop a chat's generation; send a chat's events to a reader elsewhere);
 * `generation:<chatId>` carries the numbered events of a chat's generation, published only while
 * someone in another process reads them.
 */

export const controlChannel = 'generation:control';

/** The channel a chat's generation events are published on while someone elsewhere reads them. */
export const eventsChannel = (chatId: string): string => `generation:${chatId}`;

/** A request on the control channel. */
export type ControlMessage =
  /** Stop the chat's running generation(s). */
  | { type: 'stop'; chatId: string }
  /** Publish the generation's events numbered above `after`, then every new one until it ends. */
  | { type: 'watch'; chatId: string; messageId: string | undefined; after: number };

/** Events of a generation: `frames` are [number, SSE text]; `lastSeq` is the last one there is so far. */
export interface EventsMessage {
  messageId: string;
  frames: Array<[number, string]>;
  lastSeq: number;
  ended: boolean;
}

/** A control message, or undefined for anything else. */
export function parseControlMessage(text: string): ControlMessage | undefined {
  try {
    const value = JSON.parse(text) as Partial<ControlMessage>;
    if (typeof value.chatId !== 'string') return undefined;
    if (value.type === 'stop') return { type: 'stop', chatId: value.chatId };
    if (value.type === 'watch' && typeof value.after === 'number') {
      return { type: 'watch', chatId: value.chatId, messageId: typeof value.messageId === 'string' ? value.messageId : undefined, after: value.after };
    }
  } catch {
    // Not ours.
  }
  return undefined;
}

/** An events message, or undefined for anything else. */
export function parseEventsMessage(text: string): EventsMessage | undefined {
  try {
    const value = JSON.parse(text) as Partial<EventsMessage>;
    if (typeof value.messageId !== 'string' || !Array.isArray(value.frames) || typeof value.lastSeq !== 'number') return undefined;
    return { messageId: value.messageId, frames: value.frames, lastSeq: value.lastSeq, ended: value.ended === true };
  } catch {
    return undefined;
  }
}
