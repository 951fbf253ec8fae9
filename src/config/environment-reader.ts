/**
 * Reads variables from an environment one at a time, collecting — instead of throwing — every
 * problem, and recording each effective value with its source for the summary.
 */
import type { ConfigGroup, ConfigProblem, ConfigSetting, SettingSource } from './types';
import type { ValueParser } from './value-parsers';

/** How one variable is read. */
export interface ReadOptions<T> {
  /** Other names for the same setting (Open WebUI's older or alternative names), in priority order. */
  aliases?: readonly string[];
  /** '' is a value of its own instead of "unset" (AUDIO_STT_ENGINE= means the browser). */
  keepEmpty?: boolean;
  /** Applied to every text shown for this variable: raw values in problems, values in the summary. */
  mask?: (text: string) => string;
  /** The effective value as summary text; `String(value)` when omitted. */
  show?: (value: T) => string;
  /** Shown beside the value when it is the default ("= AIOHTTP_CLIENT_TIMEOUT"). */
  defaultNote?: string;
  /** Shown beside the value whatever its source; a function for notes that depend on the value. */
  note?: string | ((value: T) => string | undefined);
}

interface Candidate<T> {
  name: string;
  text: string;
  value: T;
}

/** The outcome of looking a variable up: unset, a problem (already reported), or its value. */
export type Lookup<T> =
  | { status: 'unset' }
  | { status: 'problem' }
  | { status: 'found'; name: string; text: string; value: T; source: SettingSource };

const unchanged = (text: string): string => text;

/** Collects problems, warnings and settings while the config sections read their variables. */
export class EnvironmentReader {
  readonly problems: ConfigProblem[] = [];
  readonly warnings: string[] = [];
  readonly settings: ConfigSetting[] = [];
  private readonly used = new Set<string>();
  private readonly unset = new Set<string>();
  private group: ConfigGroup = 'Server';

  constructor(private readonly env: Record<string, string | undefined>) {}

  /** The summary heading for the settings read from now on. */
  startGroup(group: ConfigGroup): void {
    this.group = group;
  }

  /** Whether Astra reads this variable (so that it is not listed as ignored). */
  isUsed(name: string): boolean {
    return this.used.has(name);
  }

  /** Marks variables as read by Astra without recording a setting. */
  markUsed(...names: string[]): void {
    for (const name of names) this.used.add(name);
  }

  /** From now on the variable counts as unset (a placeholder value such as OLLAMA_BASE_URL=/ollama). */
  treatAsUnset(name: string): void {
    this.unset.add(name);
  }

  /** The trimmed value of a variable, undefined when unset or empty. */
  text(name: string): string | undefined {
    if (this.unset.has(name)) return undefined;
    const text = this.env[name]?.trim();
    return text === undefined || text === '' ? undefined : text;
  }

  /** Whether the variable or one of its aliases has a (non-empty) value. */
  isSet(name: string, aliases: readonly string[] = []): boolean {
    return [name, ...aliases].some((candidate) => this.text(candidate) !== undefined);
  }

  /** Whether a problem was reported for the variable (so that checks between variables can skip it). */
  hasProblem(variable: string): boolean {
    return this.problems.some((problem) => problem.variable === variable);
  }

  /** Reports a problem; `message` is the whole line, starting with `NAME=value`. */
  problem(variable: string, value: string, message: string): void {
    this.problems.push({ variable, value, message });
  }

  /** Adds a start-up note about a risky but accepted value. */
  warn(message: string): void {
    this.warnings.push(message);
  }

  /** Records a value that is not read directly from one variable (a computed default). */
  record(variable: string, value: string, source: SettingSource, note?: string): void {
    this.settings.push({ group: this.group, variable, value, source, ...(note === undefined ? {} : { note }) });
  }

  /**
   * Parses `name` (or an alias) without recording a setting. A bad value is a problem; so are two
   * names of one setting set to different values.
   */
  lookup<T>(name: string, parse: ValueParser<T>, options: ReadOptions<T> = {}): Lookup<T> {
    const names = [name, ...(options.aliases ?? [])];
    this.markUsed(...names);
    const mask = options.mask ?? unchanged;

    const candidates: Candidate<T>[] = [];
    let failed = false;
    for (const candidateName of names) {
      const text = options.keepEmpty === true && !this.unset.has(candidateName) ? this.env[candidateName]?.trim() : this.text(candidateName);
      if (text === undefined) continue;
      const parsed = parse(text);
      if (parsed.ok) candidates.push({ name: candidateName, text, value: parsed.value });
      else {
        failed = true;
        this.problem(candidateName, mask(text), `${candidateName}=${mask(text)} ${parsed.reason}`);
      }
    }
    if (failed) return { status: 'problem' };

    const [chosen, ...others] = candidates;
    if (chosen === undefined) return { status: 'unset' };
    const disagreeing = others.find((other) => JSON.stringify(other.value) !== JSON.stringify(chosen.value));
    if (disagreeing !== undefined) {
      this.problem(
        chosen.name,
        mask(chosen.text),
        `${chosen.name}=${mask(chosen.text)} and ${disagreeing.name}=${mask(disagreeing.text)} disagree; ` +
          'expected only one of them, or both the same (they name one setting)',
      );
      return { status: 'problem' };
    }
    const source: SettingSource = chosen.name === name ? { kind: 'set' } : { kind: 'alias', name: chosen.name };
    return { status: 'found', name: chosen.name, text: chosen.text, value: chosen.value, source };
  }

  /**
   * The parsed value of `name` (or an alias), else `fallback`, recorded for the summary. On a
   * problem `fallback` is returned, so that the other variables are still checked.
   */
  read<T>(name: string, parse: ValueParser<T>, fallback: T, options: ReadOptions<T> = {}): T {
    const found = this.lookup(name, parse, options);
    if (found.status === 'problem') return fallback;
    const mask = options.mask ?? unchanged;
    const show = options.show ?? ((value: T) => String(value));
    const note = (value: T): string | undefined => (typeof options.note === 'function' ? options.note(value) : options.note);
    if (found.status === 'unset') {
      this.record(name, mask(show(fallback)), { kind: 'default' }, options.defaultNote ?? note(fallback));
      return fallback;
    }
    this.record(name, mask(show(found.value)), found.source, note(found.value));
    return found.value;
  }

  /** Like `read`, for a variable with no default: undefined when unset. */
  readOptional<T>(name: string, parse: ValueParser<T>, options: ReadOptions<T | undefined> = {}): T | undefined {
    const show = options.show ?? ((value: T | undefined) => (value === undefined ? '' : String(value)));
    return this.read<T | undefined>(name, parse, undefined, { ...options, show });
  }

  /**
   * A variable Astra accepts but that changes nothing (the telemetry switches): marked as read and
   * listed in the summary when set, never a problem.
   */
  acceptWithoutEffect(name: string, note: string): void {
    this.markUsed(name);
    const text = this.text(name);
    if (text !== undefined) this.record(name, text, { kind: 'set' }, note);
  }
}
