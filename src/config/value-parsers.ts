/**
 * Parsers for one environment value each. They never throw: a failure carries the end of the
 * problem sentence ("is not a whole number; expected 1–65535"), and the reader puts
 * `NAME=value` in front of it.
 */
import { z } from 'zod';

/** A parsed value, or why the text is not one. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

/** A parser for one variable's text (already trimmed and never empty unless '' is meaningful). */
export type ValueParser<T> = (text: string) => Parsed<T>;

/** Accepted bounds of a number; `expected` replaces the generated description. */
export interface NumberRange {
  min?: number;
  max?: number;
  /** The value must be greater than `min`, not equal to it (timeouts). */
  aboveMin?: boolean;
  /** Plural unit for messages: "seconds". */
  unit?: string;
  expected?: string;
}

/** A successful parse. */
export function accept<T>(value: T): Parsed<T> {
  return { ok: true, value };
}

/** A failed parse; `reason` follows `NAME=value` in the problem ("is not a boolean; expected …"). */
export function reject<T>(reason: string): Parsed<T> {
  return { ok: false, reason };
}

const trueWords = new Set(['true', '1', 'yes', 'on']);
const falseWords = new Set(['false', '0', 'no', 'off']);

/** true/false/1/0/yes/no/on/off, any case. */
export function parseBoolean(text: string): Parsed<boolean> {
  const word = text.toLowerCase();
  if (trueWords.has(word)) return accept(true);
  if (falseWords.has(word)) return accept(false);
  return reject('is not a boolean; expected true or false (also 1/0, yes/no, on/off)');
}

/** How a range reads in a message: `1–65535`, `0 or more`, `a number of seconds greater than 0`. */
export function describeRange(range: NumberRange): string {
  if (range.expected !== undefined) return range.expected;
  const unit = range.unit === undefined ? '' : ` ${range.unit}`;
  const { min, max } = range;
  if (min !== undefined && range.aboveMin === true) return `a number${unit === '' ? '' : ` of${unit}`} greater than ${min}`;
  if (min !== undefined && max !== undefined) return `${min}–${max}${unit}`;
  if (min !== undefined) return `${min}${unit} or more`;
  if (max !== undefined) return `at most ${max}${unit}`;
  return `a number${unit === '' ? '' : ` of${unit}`}`;
}

function inRange(value: number, range: NumberRange): boolean {
  if (range.min !== undefined && (range.aboveMin === true ? value <= range.min : value < range.min)) return false;
  return range.max === undefined || value <= range.max;
}

/** A parser for whole numbers within `range`. */
export function wholeNumber(range: NumberRange): ValueParser<number> {
  return (text) => {
    const value = /^[+-]?\d+$/.test(text) ? Number(text) : Number.NaN;
    if (!Number.isSafeInteger(value)) return reject(`is not a whole number; expected ${describeRange(range)}`);
    if (!inRange(value, range)) return reject(`is out of range; expected ${describeRange(range)}`);
    return accept(value);
  };
}

/** A parser for numbers (decimals allowed) within `range`. */
export function decimalNumber(range: NumberRange): ValueParser<number> {
  return (text) => {
    const value = /^[+-]?(\d+\.?\d*|\.\d+)$/.test(text) ? Number(text) : Number.NaN;
    if (!Number.isFinite(value)) return reject(`is not a number; expected ${describeRange(range)}`);
    if (!inRange(value, range)) return reject(`is out of range; expected ${describeRange(range)}`);
    return accept(value);
  };
}

/**
 * A parser for one of a fixed set of words, any case, returning the canonical spelling.
 * `described` replaces the list in the message when '' is among the values.
 */
export function oneOf<const Value extends string>(values: readonly Value[], described?: string): ValueParser<Value> {
  return (text) => {
    const found = values.find((value) => value.toLowerCase() === text.toLowerCase());
    if (found !== undefined) return accept(found);
    return reject(`is not accepted; expected ${described ?? `one of ${values.join(', ')}`}`);
  };
}

/** Any text at all. */
export function anyText(text: string): Parsed<string> {
  return accept(text);
}

const httpUrlSchema = z.url({ protocol: /^https?$/, hostname: /^.+$/ });

/** An http(s) URL, returned without its trailing slash (`http://ollama:11434`). */
export function parseHttpUrl(text: string): Parsed<string> {
  if (!httpUrlSchema.safeParse(text).success) {
    return reject('is not an http(s) URL; expected something like http://host:port');
  }
  return accept(text.replace(/\/+$/, ''));
}

/** Splits a `;`-separated list (Open WebUI's separator for URLs and keys), trimming each entry. */
export function splitList(text: string, separator: ';' | ','): string[] {
  return text.split(separator).map((entry) => entry.trim());
}
