/**
 * `npm run bench`: starts the built server (dist/main.js) in fresh processes and prints start-up time,
 * idle memory and the cost of authentication, then the gateway figures — added time to first token,
 * added delay per token, non-streamed throughput (each against direct and a bare proxy floor),
 * 1,000 concurrent streams, model lists and a hung model server — then the chats: time to first
 * token with chat storage, and 200 chat generations with clients re-attaching — then the web app in
 * Chromium (token to screen, frames per second in a long chat, initial JavaScript) — each against its
 * target. Exits 0 when a target is missed (it is a report) and 1 when the bench itself could not
 * measure (e.g. the server did not start).
 *
 *   tsx bench/run.ts [--only startup,idleMemory,…] [--server path/to/main.js] [--cpu-prof]
 *                    [--astra-node-options="--trace-gc --max-semi-space-size=16"]
 */
import { existsSync, rmSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { authThroughputSection } from './auth-throughput.js';
import { browserSection } from './browser.js';
import { chatGenerationsSection } from './chat-generations.js';
import { chatTtftSection } from './chat-ttft.js';
import { cleanUpNow, installCleanupHandlers } from './cleanup.js';
import { cpuProfileArguments, summarizeProfiles } from './cpu-profile.js';
import { machineBusyPercent } from './cpu-usage.js';
import { hungUpstreamSection } from './hung-upstream.js';
import { idleMemorySection } from './idle-memory.js';
import { manyStreamsSection } from './many-streams.js';
import { modelListSection } from './model-list.js';
import { gatewayThroughputSection } from './gateway-throughput.js';
import { gatewayTtftSection } from './gateway-ttft.js';
import { formatTable, writeJsonReport } from './report.js';
import type { BenchContext, Section } from './section.js';
import { keepServerOutput } from './server-process.js';
import { startupSection } from './startup.js';
import { tokenDelaySection } from './token-delay.js';

/** The sections, in the order they run and print. */
const sections: readonly Section[] = [
  startupSection,
  idleMemorySection,
  authThroughputSection,
  gatewayTtftSection,
  tokenDelaySection,
  gatewayThroughputSection,
  manyStreamsSection,
  modelListSection,
  hungUpstreamSection,
  chatTtftSection,
  chatGenerationsSection,
  browserSection,
];

const benchDirectory = dirname(fileURLToPath(import.meta.url));
const repositoryRoot = resolve(benchDirectory, '..');
const resultsPath = join(benchDirectory, 'results', 'latest.json');
const profilesDirectory = join(benchDirectory, 'results', 'profiles');

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      server: { type: 'string', default: join(repositoryRoot, 'dist', 'main.js') },
      'cpu-prof': { type: 'boolean', default: false },
      // Extra Node options for every Astra process the bench starts (diagnostics: --trace-gc, --heap-prof, …).
      'astra-node-options': { type: 'string', default: '' },
    },
  });
  const wanted = values.only?.split(',').map((key) => key.trim());
  const unknown = wanted?.filter((key) => !sections.some((section) => section.key === key)) ?? [];
  if (unknown.length > 0) {
    console.error(`bench: unknown section ${unknown.join(', ')}; known: ${sections.map((section) => section.key).join(', ')}`);
    return 1;
  }
  const selected = sections.filter((section) => !wanted || wanted.includes(section.key));
  const serverEntry = resolve(values.server);
  if (!existsSync(serverEntry)) {
    console.error(`bench: ${serverEntry} does not exist; build it first with \`node scripts/build.mjs\``);
    return 1;
  }

  const profiling = values['cpu-prof'] === true;
  if (profiling) rmSync(profilesDirectory, { recursive: true, force: true });
  const extraNodeOptions = values['astra-node-options'].split(/\s+/).filter((option) => option.length > 0);
  // What those options print (a GC trace, say) is kept: one log per Astra process.
  if (extraNodeOptions.length > 0) keepServerOutput(join(benchDirectory, 'results', 'astra-output'));
  const context: BenchContext = {
    serverEntry,
    progress: (message) => process.stderr.write(`  … ${message}\n`),
    astraNodeArguments: (label) => [...extraNodeOptions, ...(profiling ? cpuProfileArguments(join(profilesDirectory, label)) : [])],
  };
  // Other work on the machine skews every figure: say how much there was when the run began.
  const busyBeforePercent = Math.round(await machineBusyPercent(1_000));
  const startedAt = new Date();
  const figures: Record<string, unknown> = {};
  const failures: Record<string, string> = {};
  const tables: string[] = [];

  for (const section of selected) {
    process.stderr.write(`${section.title}\n`);
    try {
      const result = await section.run(context);
      figures[section.key] = result.figures;
      tables.push([formatTable(section, result.rows), ...(result.notes ?? []).map((note) => `  ${note}`)].join('\n'));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      failures[section.key] = message;
      tables.push(`${section.title}\nBENCH FAILED: ${message}`);
    }
  }

  console.log(
    `\nAstra bench — node ${process.version}, ${cpus().length} CPU cores, ${startedAt.toISOString()}; ` +
      `machine ${busyBeforePercent} % busy with other work in the second before the run\n`,
  );
  console.log(tables.join('\n\n'));
  const json = writeJsonReport(resultsPath, {
    date: startedAt.toISOString(),
    durationSeconds: Math.round((Date.now() - startedAt.getTime()) / 100) / 10,
    node: process.version,
    cpus: cpus().length,
    machineBusyBeforePercent: busyBeforePercent,
    ...figures,
    ...(Object.keys(failures).length > 0 ? { failures } : {}),
  });
  if (profiling) console.log(['', 'Astra CPU profiles (--cpu-prof)', ...summarizeProfiles(profilesDirectory, repositoryRoot)].join('\n'));
  console.log(`\n${json}`);
  console.log(`(written to ${resultsPath.slice(repositoryRoot.length + 1)})`);
  return Object.keys(failures).length > 0 ? 1 : 0;
}

installCleanupHandlers();
main()
  .then((code) => {
    cleanUpNow();
    process.exit(code);
  })
  .catch((error: unknown) => {
    console.error('bench failed:', error);
    cleanUpNow();
    process.exit(1);
  });
