/**
 * The gateway bench's set-up: one model-server stand-in (in this process, so its token timestamps
 * and the client's clock agree), reached three ways — direct, through the floor proxy, and through
 * Astra (both their own processes) — plus a peer gateway when one is installed. One undici Agent is
 * the client for every path, so every path pays the same client costs.
 */
import { Agent } from 'undici';
import { startModelServer, type Behavior, type ModelServer } from '../test/support/model-server/index.js';
import { signUp } from './astra-api.js';
import { createTemporaryDirectory, removeTemporaryDirectory } from './cleanup.js';
import { detectPeerGateway, startFloorProxy, startHelperProcess, type HelperProcess } from './helper-process.js';
import type { BenchContext } from './section.js';
import { startServer, type RunningServer } from './server-process.js';
import { sendStream, type Target } from './stream-client.js';

export const benchModel = 'bench-model';
export const upstreamApiKey = 'sk-bench-upstream';

/** A chat-completions body for the bench model. */
export function chatBody(stream: boolean): string {
  return JSON.stringify({ model: benchModel, messages: [{ role: 'user', content: 'Say something.' }], stream });
}

export interface GatewayRig {
  standIn: ModelServer;
  agent: Agent;
  direct: Target;
  floor: Target;
  astra: Target;
  /** Present when a peer gateway is installed and answered a probe. */
  peer: Target | undefined;
  /** "not installed", the peer's name, or why it could not be used. */
  peerStatus: string;
  astraServer: RunningServer;
  /** The floor proxy's process id (for its CPU time). */
  floorPid: number;
  /** The first account's session token: an admin (for /metrics). */
  adminToken: string;
  /** The paths in the order they are measured: direct, floor, Astra, then the peer if any. */
  targets(): Target[];
  setBehavior(behavior: Partial<Behavior>): void;
  close(): Promise<void>;
}

export interface RigOptions {
  /** The section's key: names the folder of Astra's CPU profile under --cpu-prof. */
  label: string;
  /** Extra Astra environment (on top of the connection to the stand-in). */
  astraEnvironment?: Record<string, string>;
  /**
   * Whether to look for and start a peer gateway, and what the section will send through it: it is
   * used only when it answers that kind of request (a peer may carry whole answers but not streams).
   */
  peer?: 'streamed' | 'whole';
  /** Connections per origin of the client Agent. */
  clientConnections?: number;
}

/** Astra with one OpenAI-compatible connection: the stand-in; no socket limits towards it. */
export function astraEnvironment(openaiBaseUrls: string[], extra: Record<string, string> = {}): Record<string, string> {
  return {
    ENABLE_OLLAMA_API: 'false',
    ENABLE_OPENAI_API: 'true',
    OPENAI_API_BASE_URLS: openaiBaseUrls.join(';'),
    OPENAI_API_KEYS: openaiBaseUrls.map(() => upstreamApiKey).join(';'),
    // Both limits combine (the lower wins); 0 = unlimited, so 1,000 streams get 1,000 upstream sockets.
    AIOHTTP_POOL_CONNECTIONS: '0',
    AIOHTTP_POOL_CONNECTIONS_PER_HOST: '0',
    ...extra,
  };
}

/** Why a non-streamed completion through `target` failed, or undefined when it answered one. */
async function wholeAnswerFailure(agent: Agent, target: Target): Promise<string | undefined> {
  try {
    const response = await agent.request({
      origin: target.origin,
      path: target.path,
      method: 'POST',
      headers: target.headers,
      body: chatBody(false),
      headersTimeout: 10_000,
      bodyTimeout: 10_000,
    });
    const text = await response.body.text();
    if (response.statusCode !== 200) return `HTTP ${response.statusCode}: ${text.slice(0, 200)}`;
    const answer = JSON.parse(text) as { choices?: Array<{ message?: { content?: unknown } }> };
    return typeof answer.choices?.[0]?.message?.content === 'string' ? undefined : `no answer in ${text.slice(0, 200)}`;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

export async function startGatewayRig(context: BenchContext, options: RigOptions): Promise<GatewayRig> {
  const cleanups: Array<() => Promise<void>> = [];
  const close = async (): Promise<void> => {
    for (const cleanup of cleanups.splice(0).reverse()) {
      await cleanup().catch((error: unknown) => console.error('bench: cleanup failed:', error));
    }
  };
  try {
    const standIn = await startModelServer({ openaiModels: [benchModel], ollamaModels: [benchModel], apiKey: upstreamApiKey, requestLogLimit: 50 });
    cleanups.push(() => standIn.close());
    const agent = new Agent({ connections: options.clientConnections ?? 1_200, pipelining: 1, connect: { timeout: 10_000 } });
    cleanups.push(() => agent.destroy());

    const floorProcess = await startFloorProxy(standIn.url);
    cleanups.push(() => floorProcess.stop());

    const dataDirectory = createTemporaryDirectory();
    cleanups.push(async () => removeTemporaryDirectory(dataDirectory));
    const astraServer = await startServer({
      entry: context.serverEntry,
      dataDirectory,
      environment: astraEnvironment([standIn.openaiBaseUrl], options.astraEnvironment),
      nodeArguments: context.astraNodeArguments(options.label),
    });
    cleanups.push(() => astraServer.stop());
    const adminToken = await signUp(astraServer.http, 'Gateway Bench');

    const json = { 'content-type': 'application/json' };
    const direct: Target = { label: 'direct', origin: standIn.url, path: '/v1/chat/completions', headers: { ...json, authorization: `Bearer ${upstreamApiKey}` } };
    const floor: Target = { label: 'floor', origin: floorProcess.baseUrl, path: '/v1/chat/completions', headers: direct.headers };
    const astra: Target = { label: 'Astra', origin: astraServer.baseUrl, path: '/api/chat/completions', headers: { ...json, authorization: `Bearer ${adminToken}` } };

    let peer: Target | undefined;
    let peerStatus = 'not measured in this section';
    if (options.peer !== undefined) {
      const detection = detectPeerGateway();
      if (!detection.found) peerStatus = detection.reason;
      else {
        let peerProcess: HelperProcess | undefined;
        try {
          peerProcess = await startHelperProcess({ label: detection.name, command: detection.command, args: detection.args, environment: () => ({}) });
          const started = peerProcess;
          cleanups.push(() => started.stop());
          const candidate: Target = {
            label: 'peer',
            origin: peerProcess.baseUrl,
            path: '/v1/chat/completions',
            headers: { ...direct.headers, 'x-portkey-provider': 'openai', 'x-portkey-custom-host': standIn.openaiBaseUrl },
          };
          const failure = options.peer === 'streamed' ? (await sendStream(agent, candidate, chatBody(true), 10_000)).error : await wholeAnswerFailure(agent, candidate);
          if (failure !== undefined) throw new Error(`${options.peer === 'streamed' ? 'a streamed' : 'a whole'} answer failed: ${failure}`);
          peer = candidate;
          peerStatus = detection.name;
        } catch (error) {
          peerStatus = `${detection.name} found but not usable: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
        }
      }
    }

    // Every path must answer a stream before anything is measured.
    for (const target of [direct, floor, astra]) {
      const probe = await sendStream(agent, target, chatBody(true), 10_000);
      if (probe.error !== undefined) throw new Error(`${target.label} path does not work: ${probe.error}`);
    }
    context.progress(`gateway rig: stand-in ${standIn.url}, floor pid ${floorProcess.pid}, Astra pid ${astraServer.pid}, peer: ${peerStatus}`);

    return {
      standIn,
      agent,
      direct,
      floor,
      astra,
      peer,
      peerStatus,
      astraServer,
      floorPid: floorProcess.pid,
      adminToken,
      targets: () => [direct, floor, astra, ...(peer ? [peer] : [])],
      setBehavior(behavior) {
        standIn.resetBehavior();
        standIn.setBehavior(behavior);
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
