/**
 * Deterministic embedding vectors derived from the input text. Each lowercase word is hashed into
 * one dimension with a sign (feature hashing), and the sum is normalised to unit length, so texts
 * that share words point in similar directions: retrieval over these vectors behaves sensibly in
 * tests. The same text always gives the same vector.
 */

export function embeddingVector(text: string, dimensions: number): number[] {
  const size = Math.max(1, Math.floor(dimensions));
  const vector = new Array<number>(size).fill(0);
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  for (const word of words) {
    const hash = fnv1a(word);
    const index = hash % size;
    vector[index] = (vector[index] ?? 0) + ((hash >>> 16) & 1 ? 1 : -1) * (1 + ((hash >>> 8) & 0xff) / 255);
  }
  let norm = 0;
  for (const value of vector) norm += value * value;
  if (norm === 0) {
    // No words at all: a fixed unit vector rather than zeros (cosine similarity stays defined).
    vector[0] = 1;
    return vector;
  }
  const scale = 1 / Math.sqrt(norm);
  // Rounded to float32 so the "float" and "base64" encodings carry exactly the same numbers.
  return vector.map((value) => Math.fround(value * scale));
}

/** OpenAI's `encoding_format: "base64"`: the vector as little-endian float32, base64-encoded. */
export function float32Base64(vector: readonly number[]): string {
  const floats = Float32Array.from(vector);
  return Buffer.from(floats.buffer, floats.byteOffset, floats.byteLength).toString('base64');
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
