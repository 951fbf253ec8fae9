/**
 * A bench section measures one thing and returns table rows plus the raw figures for the JSON report.
 * To add a section, write a module exporting a `Section` and list it in run.ts.
 */
export interface Row {
  figure: string;
  /** One cell per column the section declares; missing cells print empty. */
  cells: Record<string, string>;
  /** The target in words, e.g. "≤ 1000 ms"; rows without one are informational. */
  target?: string;
  passed?: boolean;
}

export interface SectionResult {
  rows: Row[];
  /** Numbers only (or lists/objects of numbers), written to bench/results/latest.json. */
  figures: Record<string, unknown>;
  /** Lines printed under the table (e.g. what could not be measured, and why). */
  notes?: string[];
}

export interface BenchContext {
  /** The bundled CLI to start as `node <serverEntry> serve`. */
  serverEntry: string;
  /** A progress line on stderr (the report itself goes to stdout). */
  progress(message: string): void;
  /** Node options for an Astra process a section starts (with `--cpu-prof`: profile into a folder named `label`). */
  astraNodeArguments(label: string): string[];
}

export interface Section {
  /** Key in the JSON report and for `--only`. */
  key: string;
  title: string;
  columns: readonly string[];
  run(context: BenchContext): Promise<SectionResult>;
}

export function formatMilliseconds(value: number): string {
  return `${Math.round(value)} ms`;
}

export function formatMegabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function formatRate(requestsPerSecond: number): string {
  return `${Math.round(requestsPerSecond).toLocaleString('en-US')}/s`;
}
