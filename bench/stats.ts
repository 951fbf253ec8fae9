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

/** The p-th percentile (0–100) of `values`, interpolating linearly between the two nearest ranks. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new Error('no values for a percentile');
  const sorted = [...values].sort((left, right) => left - right);
  return percentileOfSorted(sorted, p);
}

/** Like `percentile`, for values already sorted ascending (no copy). */
export function percentileOfSorted(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new Error('no values for a percentile');
  const rank = (p / 100) * (sorted.length - 1);
  const below = Math.floor(rank);
  const above = Math.min(below + 1, sorted.length - 1);
  const fraction = rank - below;
  return sorted[below]! + (sorted[above]! - sorted[below]!) * fraction;
}

/** The median of a list (a shorthand for summarize(values).median). */
export function median(values: readonly number[]): number {
  return summarize(values).median;
}
