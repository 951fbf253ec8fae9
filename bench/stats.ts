/** Summary of a list of measurements: the median is the headline figure, min and max show the spread. */
export interface Summary {
  median: number;
  min: number;
  max: number;
  values: number[];
}

export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) throw new Error('no measurements to summarize');
  const sorted = [...values].sort((left, right) => left - right);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, values: [...values] };
}

/** Rounds to a fixed number of decimals so the JSON report stays readable. */
export function round(value: number, decimals = 1): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

export function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

/** A summary as plain numbers for the JSON report, optionally converted (e.g. bytes → MB) and rounded. */
export function summaryFigures(summary: Summary, convert: (value: number) => number = (value) => value): Record<string, unknown> {
  const figure = (value: number): number => round(convert(value));
  return { median: figure(summary.median), min: figure(summary.min), max: figure(summary.max), rounds: summary.values.map(figure) };
}
