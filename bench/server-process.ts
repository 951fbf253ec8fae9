import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { trackChild } from './cleanup.js';
import { sleep } from './stats.js';
import { watchExit } from './child-exit.js';

/** How often the bench asks GET /health while the server starts. */
const healthPollIntervalMilliseconds = 5;
/** A server that has not answered by then counts as failed to start (the target is 1 s). */
const startupTimeoutMilliseconds = 15_000;
/** How long a server gets to exit after SIGTERM before it is killed. */
const stopTimeoutMilliseconds = 5_000;
/** The last bytes of the server's output, shown when it fails to start. */
const outputTailBytes = 4_000;

let outputDirectory: string | undefined;

/** From now on each server's whole output (stdout and stderr) is also written to `<directory>/astra-<pid>.log`. */
export function keepServerOutput(directory: string): void {
  mkdirSync(directory, { recursive: true });
  outputDirectory = directory;
}

export interface ServerOptions {
  /** The bundled CLI, normally dist/main.js. */
  entry: string;
  dataDirectory: string;
  /** Extra environment on top of the bench defaults. */
  environment?: Record<string, string>;
  /** Node options before the entry, e.g. ['--cpu-prof', '--cpu-prof-dir=…'] (not allowed in NODE_OPTIONS). */
  nodeArguments?: string[];
}

export interface RunningServer {
  pid: number;
  baseUrl: string;
  /** From spawning the process to the first 200 from GET /health. */
  startupMilliseconds: number;
  /** A keep-alive connection pool to the server, for the bench's own requests. */
  http: Pool;
  /** Resident memory of the server process now (VmRSS), in bytes. */
  residentBytes(): number;
  /** Peak resident memory of the server process so far (VmHWM), in bytes. */
  peakResidentBytes(): number;
  stop(): Promise<void>;
}

export async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('could not find a free port'))));
    });
  });
}

/**
 * The server's environment: only what a process needs to run plus Astra's own settings. The bench's
 * environment is not passed on, so a DATABASE_URL, REDIS_URL or a NODE_OPTIONS loader in the shell
 * cannot change what is measured.
 */
function serverEnvironment(port: number, options: ServerOptions): NodeJS.ProcessEnv {
  const environment: NodeJS.ProcessEnv = {};
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ']) {
    const value = process.env[name];
    if (value !== undefined) environment[name] = value;
  }
  return {
    ...environment,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: options.dataDirectory,
    GLOBAL_LOG_LEVEL: 'WARNING',
    ...options.environment,
  };
}

function readProcStatusKilobytes(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch (error) {
    throw new Error(`cannot read /proc/${pid}/status (memory figures need Linux and a running server)`, { cause: error });
  }
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  if (!match?.[1]) throw new Error(`/proc/${pid}/status has no ${field} line`);
  return Number(match[1]);
}

/** Spawns `node <entry> serve` and resolves once GET /health answers 200; rejects if it exits or times out first. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const port = await findFreePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const http = new Pool(baseUrl, { connections: 4, connect: { timeout: 1_000 } });

  let output = '';
  const keepOutput = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-outputTailBytes);
  };

  const started = performance.now();
  const child = spawn(process.execPath, [...(options.nodeArguments ?? []), options.entry, 'serve'], {
    env: serverEnvironment(port, options),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  trackChild(child);
  child.stdout.on('data', keepOutput);
  child.stderr.on('data', keepOutput);
  if (outputDirectory !== undefined) {
    const file = createWriteStream(join(outputDirectory, `astra-${child.pid}.log`));
    child.stdout.pipe(file, { end: false });
    child.stderr.pipe(file, { end: false });
    child.once('exit', () => file.end());
  }
  const { exited, description: exitDescription } = watchExit(child);

  const stop = async (): Promise<void> => {
    if (exitDescription() === undefined) {
      child.kill('SIGTERM');
      const stopped = await Promise.race([exited.then(() => true), sleep(stopTimeoutMilliseconds).then(() => false)]);
      if (!stopped) {
        child.kill('SIGKILL');
        await exited;
      }
    }
    await http.destroy();
  };

  const failure = (reason: string): Error =>
    new Error(`server did not start: ${reason}\n--- last server output ---\n${output.trim() || '(none)'}`);

  try {
    for (;;) {
      if (exitDescription() !== undefined) throw failure(`process exited (${exitDescription()}) before GET /health answered`);
      try {
        const response = await http.request({ method: 'GET', path: '/health', headersTimeout: 2_000, bodyTimeout: 2_000 });
        await response.body.dump();
        if (response.statusCode === 200) break;
      } catch {
        // Not listening yet: expected until the server is up.
      }
      if (performance.now() - started > startupTimeoutMilliseconds) {
        throw failure(`no 200 from GET /health within ${startupTimeoutMilliseconds / 1000} s`);
      }
      await sleep(healthPollIntervalMilliseconds);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  const startupMilliseconds = performance.now() - started;
  const pid = child.pid;
  if (pid === undefined) throw failure('no process id');

  return {
    pid,
    baseUrl,
    startupMilliseconds,
    http,
    residentBytes: () => readProcStatusKilobytes(pid, 'VmRSS') * 1024,
    peakResidentBytes: () => readProcStatusKilobytes(pid, 'VmHWM') * 1024,
    stop,
  };
}
