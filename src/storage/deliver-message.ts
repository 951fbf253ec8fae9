import type { Logger } from '../core/logger';

export type MessageHandler = (message: string) => void;

/**
 * Calls every handler with `message`. A handler that throws is reported and skipped, so one
 * broken subscriber cannot stop the others from hearing about, say, a generation's next token.
 */
export function deliverMessage(handlers: Iterable<MessageHandler>, channel: string, message: string, logger: Logger | undefined): void {
  for (const handler of handlers) {
    try {
      handler(message);
    } catch (error) {
      if (logger === undefined) console.error(`A subscriber to pub/sub channel "${channel}" failed:`, error);
      else logger.error({ err: error, channel }, 'a pub/sub subscriber failed');
    }
  }
}
