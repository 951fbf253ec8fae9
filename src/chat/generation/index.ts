/**
 * Generations: a chat reply as a server-owned job that outlives the request that started it. The
 * completions route starts one for a request with `chat_id` (`answerChatTurn`); readers re-attach
 * with `Last-Event-ID`, from any process; Stop aborts the upstream call wherever it runs; answers
 * left by a process that died are marked interrupted.
 */
export { answerChatTurn, type ChatTurnInput } from './chat-turn';
export { GenerationHub, type GenerationHubOptions, type GenerationListener, type GenerationRecord, type TurnContext } from './generation-hub';
export { GenerationJob } from './generation-job';
export type { FinishedMessage, FinishedStatus, GenerationStore, StoredMessage, TurnStart } from './generation-store';
export { registerGenerationRoutes, type GenerationRoutesOptions } from './generation-routes';

import { GenerationHub, type GenerationHubOptions } from './generation-hub';

/** Creates this process's generation hub and starts it (control channel, heartbeat, first sweep). */
export async function createGenerations(options: GenerationHubOptions): Promise<GenerationHub> {
  const hub = new GenerationHub(options);
  await hub.start();
  return hub;
}
