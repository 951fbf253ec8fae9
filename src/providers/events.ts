/**
 * The one event vocabulary of a reply. Adapters translate each provider's protocol into these at
 * the edge (and back into OpenAI-style chunks for clients); the core never branches on the provider.
 */

/** Why a reply ended. `stopped`: the user pressed Stop; `interrupted`: the server went away mid-reply. */
export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter' | 'stopped' | 'interrupted' | 'error';

export interface Usage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

export type ChatEvent =
  | { type: 'text-delta'; text: string }
  | { type: 'reasoning-delta'; text: string }
  /** One piece of a tool call; the arguments arrive as JSON text split over several events. */
  | { type: 'tool-call'; index: number; id?: string; name?: string; argumentsDelta: string }
  | { type: 'usage'; usage: Usage }
  | { type: 'end'; finishReason: FinishReason }
  | { type: 'error'; code: string; message: string };

/** The member of `ChatEvent` with the given `type`, e.g. `ChatEventOf<'tool-call'>`. */
export type ChatEventOf<Type extends ChatEvent['type']> = Extract<ChatEvent, { type: Type }>;
