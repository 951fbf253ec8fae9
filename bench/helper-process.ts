import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { delimiter, dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { createTemporaryDirectory, trackChild } from './cleanup.js';
import { findFreePort } from './server-process.js';
import { sleep } from './stats.js';
import { watchExit } from './child-exit.js';

const benchDirectory = dirname(fileURLToPath(import.meta.url));
const repositoryRoot = join(benchDirectory, '..');
const listenTimeoutMilliseconds = 15_000;
const stopTimeoutMilliseconds = 3_000;
const outputTailBytes = 4_000;

/** Another server the bench runs beside Astra (the floor proxy, a peer gateway), as its own process. */
export interface HelperProcess {
  pid: number;
  baseUrl: string;
  stop(): Promise<void>;
}

export interface HelperOptions {
  label: string;
  command: string;
  /** The arguments, given the port the process should listen on. */
  args(port: number): string[];
  /** The environment, given the port (nothing of the bench's own environment is passed on but PATH and HOME). */
  environment(port: number): Record<string, string>;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const done = (result: boolean): void => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Spawns the process and resolves once its port accepts connections; rejects if it exits or times out first. */
export async function startHelperProcess(options: HelperOptions): Promise<HelperProcess> {
  const port = await findFreePort();
  let output = '';
  const base: Record<string, string> = {};
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ']) {
    const value = process.env[name];
    if (value !== undefined) base[name] = value;
  }
  const child = spawn(options.command, options.args(port), {
    cwd: repositoryRoot,
    env: { ...base, ...options.environment(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  trackChild(child);
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-outputTailBytes);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const { exited, description: exitDescription } = watchExit(child);
  const stop = async (): Promise<void> => {
    if (exitDescription() !== undefined) return;
    child.kill('SIGTERM');
    const stopped = await Promise.race([exited.then(() => true), sleep(stopTimeoutMilliseconds).then(() => false)]);
    if (!stopped) {
      child.kill('SIGKILL');
      await exited;
    }
  };

  const started = performance.now();
  for (;;) {
    if (exitDescription() !== undefined) {
      throw new Error(`${options.label} exited (${exitDescription()}) before it listened\n--- its last output ---\n${output.trim() || '(none)'}`);
    }
    if (await canConnect(port)) break;
    if (performance.now() - started > listenTimeoutMilliseconds) {
      await stop();
      throw new Error(`${options.label} did not listen on port ${port} within ${listenTimeoutMilliseconds / 1000} s\n--- its last output ---\n${output.trim() || '(none)'}`);
    }
    await sleep(10);
  }
  if (child.pid === undefined) throw new Error(`${options.label}: no process id`);
  return { pid: child.pid, baseUrl: `http://127.0.0.1:${port}`, stop };
}

let floorBundle: Promise<string> | undefined;

/**
 * Bundles bench/floor-proxy.ts with its undici (the version Astra uses) into one plain JavaScript
 * file in a temporary directory, once per run, so the floor runs on bare node like Astra.
 */
function floorProxyScript(): Promise<string> {
  floorBundle ??= (async () => {
    const outfile = join(createTemporaryDirectory('astra-bench-floor-'), 'floor-proxy.mjs');
    await build({
      entryPoints: [join(benchDirectory, 'floor-proxy.ts')],
      outfile,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20.18',
      // undici's CommonJS needs `require` inside an ES module bundle.
      banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
      logLevel: 'warning',
    });
    return outfile;
  })();
  return floorBundle;
}

/** Starts the floor proxy in front of `upstreamOrigin`. */
export async function startFloorProxy(upstreamOrigin: string): Promise<HelperProcess> {
  const script = await floorProxyScript();
  return startHelperProcess({
    label: 'floor proxy',
    command: process.execPath,
    args: () => [script],
    environment: (port) => ({ PORT: String(port), FLOOR_UPSTREAM: upstreamOrigin }),
  });
}

/** A peer gateway found on this machine, or why there is none. Never installs anything. */
export type PeerDetection = { found: true; name: string; command: string; args: (port: number) => string[] } | { found: false; reason: string };

function onPath(command: string): string | undefined {
  for (const directory of (process.env.PATH ?? '').split(delimiter)) {
    if (directory === '') continue;
    const candidate = join(directory, command);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Portkey's open-source gateway, when a command for it is installed: `portkey-gateway` or `portkey`
 * on PATH, or the @portkey-ai/gateway package in this repository's or the global node_modules.
 * It takes `--port=<n>` and proxies OpenAI-style requests to the host named in `x-portkey-custom-host`.
 */
export function detectPeerGateway(): PeerDetection {
  for (const command of ['portkey-gateway', 'portkey']) {
    const path = onPath(command);
    if (path) return { found: true, name: `Portkey gateway (${command})`, command: path, args: (port) => [`--port=${port}`] };
  }
  const packageScripts = [
    join(repositoryRoot, 'node_modules', '@portkey-ai', 'gateway', 'build', 'start-server.js'),
    join(dirname(dirname(process.execPath)), 'lib', 'node_modules', '@portkey-ai', 'gateway', 'build', 'start-server.js'),
  ];
  for (const script of packageScripts) {
    if (existsSync(script)) {
      return { found: true, name: 'Portkey gateway (@portkey-ai/gateway)', command: process.execPath, args: (port) => [script, `--port=${port}`] };
    }
  }
  return { found: false, reason: 'not installed (no portkey-gateway or portkey command, no @portkey-ai/gateway package)' };
}
