/**
 * Open WebUI's duration format (JWT_EXPIRES_IN): a number and a unit, several combined —
 * `30m`, `12h`, `7d`, `4w`, `1h30m`, `1.5h`, `500ms`.
 */
import { accept, reject, type Parsed } from './value-parsers';

const secondsPerUnit: Record<string, number> = {
  ms: 0.001,
  s: 1,
  m: 60,
  h: 60 * 60,
  d: 24 * 60 * 60,
  w: 7 * 24 * 60 * 60,
};

/** What a duration looks like, for messages. */
export const durationFormat = 'a duration such as 30m, 12h, 7d, 4w or 1h30m (units ms, s, m, h, d, w)';

/**
 * The duration in seconds. Unlike Open WebUI, which skips text it does not understand, the whole
 * value must be number-unit pairs, and a bare number is refused because its unit would be a guess.
 */
export function parseDuration(text: string): Parsed<number> {
  const pair = /(\d+(?:\.\d+)?|\.\d+)(ms|s|m|h|d|w)/y;
  let seconds = 0;
  let position = 0;
  while (position < text.length) {
    pair.lastIndex = position;
    const match = pair.exec(text.toLowerCase());
    if (match === null) return reject(`is not a duration; expected ${durationFormat}`);
    seconds += Number(match[1]) * (secondsPerUnit[match[2] ?? ''] ?? Number.NaN);
    position = pair.lastIndex;
  }
  if (position === 0) return reject(`is not a duration; expected ${durationFormat}`);
  if (!(seconds > 0)) return reject(`is not longer than zero; expected ${durationFormat}`);
  return accept(seconds);
}

const unitsLargestFirst = ['w', 'd', 'h', 'm', 's'] as const;

/** Seconds as the shortest duration text: 2419200 → `4w`, 5400 → `1h30m`, 0.5 → `500ms`. */
export function formatDuration(seconds: number): string {
  let rest = Math.round(seconds * 1000);
  let text = '';
  for (const unit of unitsLargestFirst) {
    const unitMilliseconds = (secondsPerUnit[unit] ?? 1) * 1000;
    const count = Math.floor(rest / unitMilliseconds);
    if (count > 0) text += `${count}${unit}`;
    rest -= count * unitMilliseconds;
  }
  if (rest > 0 || text === '') text += `${rest}ms`;
  return text;
}
