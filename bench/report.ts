import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Row, Section } from './section.js';

/** Formats one section as a plain text table: figure, the section's columns, target, PASS/FAIL. */
export function formatTable(section: Section, rows: readonly Row[]): string {
  const header = ['', ...section.columns, 'target', 'result'];
  const body = rows.map((row) => [
    row.figure,
    ...section.columns.map((column) => row.cells[column] ?? ''),
    row.target ?? '',
    row.passed === undefined ? '' : row.passed ? 'PASS' : 'FAIL',
  ]);
  const widths = header.map((_, index) => Math.max(...[header, ...body].map((cells) => cells[index]!.length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, index) => (index === 0 ? cell.padEnd(widths[index]!) : cell.padStart(widths[index]!)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [section.title, line(header), rule, ...body.map(line)].join('\n');
}

/** Writes the run's figures as one JSON line (creating the results directory) and returns that line. */
export function writeJsonReport(path: string, report: Record<string, unknown>): string {
  const json = JSON.stringify(report);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${json}\n`);
  return json;
}
