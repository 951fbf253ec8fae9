/**
 * Structural comparison of wire payloads: strict SSE and NDJSON framing parsers, and `shapeOf`,
 * which reduces a JSON value to its keys and value types so two payloads with different text but
 * the same structure compare equal.
 */

export type Shape =
  | 'string'
  | 'number'
  | 'boolean'
  | 'null'
  | { readonly array: Shape | 'empty' }
  | { readonly object: Readonly<Record<string, Shape>> };

/** The structure of a JSON value: object keys (sorted) with their shapes, an array's first element shape, primitive type names. */
export function shapeOf(value: unknown): Shape {
  if (value === null) return 'null';
  if (Array.isArray(value)) return { array: value.length === 0 ? 'empty' : shapeOf(value[0]) };
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'object': {
      const object: Record<string, Shape> = {};
      for (const key of Object.keys(value as object).sort()) object[key] = shapeOf((value as Record<string, unknown>)[key]);
      return { object };
    }
    default:
      throw new Error(`not a JSON value: ${typeof value}`);
  }
}

/**
 * Parses OpenAI-style SSE strictly: every event is exactly one `data: <payload>` line followed by
 * one blank line, and the text ends with that blank line. Returns the payloads in order.
 */
export function parseSse(text: string): string[] {
  if (!text.endsWith('\n\n')) throw new Error('SSE stream does not end with a blank line');
  const events = text.slice(0, -2).split('\n\n');
  return events.map((event, index) => {
    if (event.includes('\n')) throw new Error(`SSE event ${index} has more than one line: ${JSON.stringify(event)}`);
    if (!event.startsWith('data: ')) throw new Error(`SSE event ${index} is not a "data: " line: ${JSON.stringify(event)}`);
    return event.slice('data: '.length);
  });
}

/** Parses NDJSON strictly: one JSON object per line, every line (the last included) ending with "\n", no blank lines. */
export function parseNdjson(text: string): Array<Record<string, unknown>> {
  if (!text.endsWith('\n')) throw new Error('NDJSON stream does not end with a newline');
  return text
    .slice(0, -1)
    .split('\n')
    .map((line, index) => {
      const value: unknown = JSON.parse(line);
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`NDJSON line ${index} is not an object`);
      return value as Record<string, unknown>;
    });
}
