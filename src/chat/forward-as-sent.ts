/**
 * Whether the client's JSON text can go to an OpenAI-compatible server as it came, instead of being
 * serialised again from the parsed body: only when the model server would read exactly what Astra
 * checked. The access check read the body with JSON.parse, where a repeated key means the last one;
 * a server may take the first. So the text must name the "model" key once in all (no nested or
 * repeated one, not even as a string value) and "stream" at most once, and hold no \u escape (with
 * which a key can spell either differently). The model's id there must be the server's own (no
 * prefix_id to strip), and the body must have nothing Astra removes. Everything else is
 * re-serialised, as before.
 */
export function canForwardAsSent(rawJson: string | undefined, bodyModel: unknown, upstreamModel: string): boolean {
  if (rawJson === undefined || bodyModel !== upstreamModel || rawJson.includes('\\u')) return false;
  return occurrences(rawJson, '"model"') === 1 && occurrences(rawJson, '"stream"') <= 1;
}

/** How many times `text` holds `part`, counting no further than 2. */
function occurrences(text: string, part: string): number {
  const first = text.indexOf(part);
  if (first === -1) return 0;
  return text.indexOf(part, first + part.length) === -1 ? 1 : 2;
}
