import { createTemporaryDirectory, removeTemporaryDirectory } from './cleanup.js';
import { formatMilliseconds, type Row, type Section } from './section.js';
import { startServer } from './server-process.js';
import { summarize, summaryFigures, type Summary } from './stats.js';

const freshRounds = 5;
const existingRounds = 3;
const targetMilliseconds = 1_000;

function row(figure: string, summary: Summary): Row {
  return {
    figure,
    cells: {
      median: formatMilliseconds(summary.median),
      min: formatMilliseconds(summary.min),
      max: formatMilliseconds(summary.max),
      rounds: String(summary.values.length),
    },
    target: `≤ ${formatMilliseconds(targetMilliseconds)}`,
    passed: summary.median <= targetMilliseconds,
  };
}

/**
 * Start-up: spawn to first 200 from GET /health. Fresh rounds each get a new process and an empty
 * data dir (migrations, secret key generation); the later rounds restart on the last one's data dir.
 */
export const startupSection: Section = {
  key: 'startup',
  title: 'Start-up (spawn → first 200 from GET /health)',
  columns: ['median', 'min', 'max', 'rounds'],
  async run(context) {
    const fresh: number[] = [];
    let lastDataDirectory: string | undefined;
    for (let index = 1; index <= freshRounds; index += 1) {
      if (lastDataDirectory) removeTemporaryDirectory(lastDataDirectory);
      lastDataDirectory = createTemporaryDirectory();
      const server = await startServer({ entry: context.serverEntry, dataDirectory: lastDataDirectory });
      await server.stop();
      fresh.push(server.startupMilliseconds);
      context.progress(`start-up, fresh data dir ${index}/${freshRounds}: ${formatMilliseconds(server.startupMilliseconds)}`);
    }

    const existing: number[] = [];
    for (let index = 1; index <= existingRounds; index += 1) {
      const server = await startServer({ entry: context.serverEntry, dataDirectory: lastDataDirectory! });
      await server.stop();
      existing.push(server.startupMilliseconds);
      context.progress(`start-up, existing data dir ${index}/${existingRounds}: ${formatMilliseconds(server.startupMilliseconds)}`);
    }
    removeTemporaryDirectory(lastDataDirectory!);

    const freshSummary = summarize(fresh);
    const existingSummary = summarize(existing);
    return {
      rows: [row('fresh data dir', freshSummary), row('existing data dir', existingSummary)],
      figures: {
        targetMilliseconds,
        freshMilliseconds: summaryFigures(freshSummary),
        existingMilliseconds: summaryFigures(existingSummary),
      },
    };
  },
};
