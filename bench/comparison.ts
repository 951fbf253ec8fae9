/**
 * Side-by-side figures for the paths to the stand-in: per round one value per path (measured in the
 * same time window, in rotating order), then the median over rounds of each value, of each
 * difference (path − direct, Astra − floor) and of each ratio. Differences and ratios are taken
 * within a round before the median, so drift between rounds cancels out.
 */
import type { Row } from './section.js';
import { round, summarize } from './stats.js';
import type { Target } from './stream-client.js';

export type PathKey = 'direct' | 'floor' | 'astra' | 'peer';

/** One round: a value per path (the peer only when installed). */
export type RoundValues = Partial<Record<PathKey, number>> & { direct: number; floor: number; astra: number };

export const comparisonColumns = ['direct', 'floor', 'Astra', 'peer', 'floor − direct', 'Astra − direct', 'Astra − floor', 'Astra − floor range', 'Astra/direct', 'Astra/floor'] as const;

export interface Comparison {
  direct: number;
  floor: number;
  astra: number;
  peer: number | undefined;
  floorAdded: number;
  astraAdded: number;
  astraOverFloor: number;
  astraPerDirect: number;
  astraPerFloor: number;
  /** Astra − direct per round, for the spread. */
  astraAddedRounds: number[];
  astraOverFloorRounds: number[];
  rounds: number;
}

const medianOf = (values: number[]): number => summarize(values).median;

export function compare(rounds: readonly RoundValues[]): Comparison {
  const pick = (key: PathKey): number[] => rounds.map((values) => values[key]).filter((value): value is number => value !== undefined);
  const astraAddedRounds = rounds.map((values) => values.astra - values.direct);
  const astraOverFloorRounds = rounds.map((values) => values.astra - values.floor);
  const peers = pick('peer');
  return {
    direct: medianOf(pick('direct')),
    floor: medianOf(pick('floor')),
    astra: medianOf(pick('astra')),
    peer: peers.length > 0 ? medianOf(peers) : undefined,
    floorAdded: medianOf(rounds.map((values) => values.floor - values.direct)),
    astraAdded: medianOf(astraAddedRounds),
    astraOverFloor: medianOf(astraOverFloorRounds),
    astraPerDirect: medianOf(rounds.map((values) => values.astra / values.direct)),
    astraPerFloor: medianOf(rounds.map((values) => values.astra / values.floor)),
    astraAddedRounds,
    astraOverFloorRounds,
    rounds: rounds.length,
  };
}

/** Milliseconds with two decimals: the differences here are fractions of a millisecond. */
export function formatMs(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return 'n/a';
  return `${value.toFixed(2)} ms`;
}

export function formatSignedMs(value: number): string {
  return `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(2)} ms`;
}

/** A signed number of milliseconds without the unit, for ranges. */
function signed(value: number): string {
  return `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(2)}`;
}

/** A table row for a latency comparison. */
export function latencyRow(figure: string, comparison: Comparison, target?: { text: string; passed: boolean }): Row {
  return {
    figure,
    cells: {
      direct: formatMs(comparison.direct),
      floor: formatMs(comparison.floor),
      Astra: formatMs(comparison.astra),
      peer: comparison.peer === undefined ? '—' : formatMs(comparison.peer),
      'floor − direct': formatSignedMs(comparison.floorAdded),
      'Astra − direct': formatSignedMs(comparison.astraAdded),
      'Astra − floor': formatSignedMs(comparison.astraOverFloor),
      'Astra − floor range': `${signed(Math.min(...comparison.astraOverFloorRounds))} … ${signed(Math.max(...comparison.astraOverFloorRounds))}`,
      'Astra/direct': comparison.astraPerDirect.toFixed(3),
      'Astra/floor': comparison.astraPerFloor.toFixed(3),
    },
    ...(target ? { target: target.text, passed: target.passed } : {}),
  };
}

/** The comparison as numbers for the JSON report (milliseconds, or whatever unit the values have). */
export function comparisonFigures(comparison: Comparison, decimals = 3): Record<string, unknown> {
  const r = (value: number): number => round(value, decimals);
  return {
    direct: r(comparison.direct),
    floor: r(comparison.floor),
    astra: r(comparison.astra),
    ...(comparison.peer === undefined ? {} : { peer: r(comparison.peer) }),
    floorMinusDirect: r(comparison.floorAdded),
    astraMinusDirect: r(comparison.astraAdded),
    astraMinusFloor: r(comparison.astraOverFloor),
    astraPerDirect: r(comparison.astraPerDirect),
    astraPerFloor: r(comparison.astraPerFloor),
    astraMinusDirectRounds: comparison.astraAddedRounds.map(r),
    astraMinusFloorRounds: comparison.astraOverFloorRounds.map(r),
  };
}

/** The paths in a rotating order per round (round 0: direct, floor, Astra; round 1: floor, Astra, direct; …). */
export function rotated<T>(items: readonly T[], roundIndex: number): T[] {
  const shift = roundIndex % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}

export function pathKey(target: Target): PathKey {
  switch (target.label) {
    case 'direct':
      return 'direct';
    case 'floor':
      return 'floor';
    case 'Astra':
      return 'astra';
    default:
      return 'peer';
  }
}

/** The note under a table naming the peer gateway's state. */
export function peerNote(status: string): string {
  return `peer gateway: ${status}`;
}
