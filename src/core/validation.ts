/**
 * Request validation at the edge: a zod schema per body or query, and a 400 whose message names
 * the field and what is wrong with it.
 */
import { z } from 'zod';
import { badRequest } from './errors';

export { z };

/** Parses `value` with `schema`, or throws a 400 such as `email: must be a valid email address`. */
export function parseInput<Schema extends z.ZodType>(schema: Schema, value: unknown, where = 'body'): z.output<Schema> {
  const input = value ?? (where === 'body' ? undefined : {});
  const result = checkInput(schema, input);
  if ('data' in result) return result.data;
  const problems = result.problems.slice(0, 5).map((problem) => `${problem.path.map(String).join('.') || where}: ${problem.description}`);
  throw badRequest(problems.join('; '));
}

/** One thing wrong with an input: where (the path of keys and indexes) and what, for a person. */
export interface InputProblem {
  path: PropertyKey[];
  description: string;
}

/** Like `parseInput`, but hands back every problem instead of throwing (for callers that name paths their own way). */
export function checkInput<Schema extends z.ZodType>(schema: Schema, input: unknown): { data: z.output<Schema> } | { problems: InputProblem[] } {
  const result = schema.safeParse(input);
  if (result.success) return { data: result.data };
  return {
    problems: result.error.issues.map((issue) => ({ path: issue.path, description: describeIssue(issue, valueAt(input, issue.path)) })),
  };
}

function describeIssue(issue: z.core.$ZodIssue, received: unknown): string {
  switch (issue.code) {
    case 'invalid_type':
      return received === undefined ? 'is required' : `must be ${article(issue.expected)}`;
    case 'too_small':
      return issue.origin === 'string' ? `must be at least ${String(issue.minimum)} characters long` : `must be at least ${String(issue.minimum)}`;
    case 'too_big':
      return issue.origin === 'string' ? `must be at most ${String(issue.maximum)} characters long` : `must be at most ${String(issue.maximum)}`;
    case 'invalid_format':
      return issue.format === 'email' ? 'must be a valid email address' : `must be a valid ${issue.format}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`;
    case 'unrecognized_keys':
      return `unknown field ${issue.keys.join(', ')}`;
    default:
      return issue.message;
  }
}

function valueAt(input: unknown, path: PropertyKey[]): unknown {
  let current = input;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** Common field shapes. */
export const fields = {
  email: z.string().trim().max(254).pipe(z.email()),
  name: z.string().trim().min(1).max(100),
  /** Length rules are checked by the password rules themselves, so the message can name the limits. */
  password: z.string().max(1024),
  role: z.enum(['admin', 'user', 'pending']),
};
