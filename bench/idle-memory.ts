import { signUp } from './astra-api.js';
import { createTemporaryDirectory, removeTemporaryDirectory } from './cleanup.js';
import { formatMegabytes, type Row, type Section } from './section.js';
import { startServer } from './server-process.js';
import { sleep, summarize, summaryFigures, type Summary } from './stats.js';

const rounds = 5;
const idleMilliseconds = 2_000;
const targetBytes = 100 * 1024 * 1024;
const toMegabytes = (bytes: number): number => bytes / 1024 / 1024;

function row(figure: string, summary: Summary, withTarget: boolean): Row {
  return {
    figure,
    cells: {
      median: formatMegabytes(summary.median),
      min: formatMegabytes(summary.min),
      max: formatMegabytes(summary.max),
      rounds: String(summary.values.length),
    },
    ...(withTarget ? { target: `≤ ${formatMegabytes(targetBytes)}`, passed: summary.median <= targetBytes } : {}),
  };
}

/**
 * Idle memory: resident set size (VmRSS) of the server process right after start-up, and after one
 * sign-up (which hashes a password) followed by ~2 s of idling. Each round is a fresh process and data dir.
 */
export const idleMemorySection: Section = {
  key: 'idleMemory',
  title: 'Idle memory (RSS of the server process)',
  columns: ['median', 'min', 'max', 'rounds'],
  async run(context) {
    const afterStartup: number[] = [];
    const idle: number[] = [];
    const peak: number[] = [];
    for (let index = 1; index <= rounds; index += 1) {
      const dataDirectory = createTemporaryDirectory();
      const server = await startServer({ entry: context.serverEntry, dataDirectory });
      try {
        afterStartup.push(server.residentBytes());
        await signUp(server.http, `Memory Bench ${index}`);
        await sleep(idleMilliseconds);
        idle.push(server.residentBytes());
        peak.push(server.peakResidentBytes());
      } finally {
        await server.stop();
        removeTemporaryDirectory(dataDirectory);
      }
      context.progress(`idle memory ${index}/${rounds}: ${formatMegabytes(idle[idle.length - 1]!)}`);
    }

    const idleSummary = summarize(idle);
    return {
      rows: [
        row('right after start-up', summarize(afterStartup), false),
        row('idle after a sign-up', idleSummary, true),
        row('peak (VmHWM)', summarize(peak), false),
      ],
      figures: {
        targetMegabytes: toMegabytes(targetBytes),
        afterStartupMegabytes: summaryFigures(summarize(afterStartup), toMegabytes),
        idleMegabytes: summaryFigures(idleSummary, toMegabytes),
        peakMegabytes: summaryFigures(summarize(peak), toMegabytes),
      },
    };
  },
};
