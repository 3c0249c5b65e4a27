import { fnv1a, prng } from "./hash.js";

/** Length of every emulated embedding vector. Modest, so responses stay small in tests and demos. */
export const EMBEDDING_DIMENSION = 256;

/** A pseudo-random direction for one feature: Gaussian components from a seeded generator. */
function featureVector(feature: string): Float64Array {
  const rnd = prng(fnv1a(feature));
  const v = new Float64Array(EMBEDDING_DIMENSION);
  for (let i = 0; i < EMBEDDING_DIMENSION; i += 2) {
    // Box–Muller: two uniforms give two independent normals. 1 - u keeps log away from 0.
    const r = Math.sqrt(-2 * Math.log(1 - rnd.next()));
    const theta = 2 * Math.PI * rnd.next();
    v[i] = r * Math.cos(theta);
    if (i + 1 < EMBEDDING_DIMENSION) v[i + 1] = r * Math.sin(theta);
  }
  return v;
}

function normalize(sum: Float64Array): number[] {
  let norm = 0;
  for (const x of sum) norm += x * x;
  norm = Math.sqrt(norm);
  return Array.from(sum, (x) => x / norm);
}

/**
 * The embedding of a text: a sum of one random direction per word (lower-cased) and, at half
 * weight, per pair of neighbouring words, scaled to unit length. Texts sharing words therefore point
 * in similar directions, so similarity search over emulated embeddings behaves plausibly; a text
 * without words (only punctuation) gets the direction of the whole string.
 */
export function embedText(text: string): number[] {
  const words = Array.from(text.toLowerCase().matchAll(/[\p{L}\p{N}]+/gu), (m) => m[0]);
  const sum = new Float64Array(EMBEDDING_DIMENSION);
  const add = (feature: string, weight: number) => {
    const v = featureVector(feature);
    for (let i = 0; i < EMBEDDING_DIMENSION; i++) sum[i] = (sum[i] ?? 0) + weight * (v[i] ?? 0);
  };
  if (words.length === 0) add(`text:${text}`, 1);
  words.forEach((w, i) => {
    add(`word:${w}`, 1);
    const next = words[i + 1];
    if (next !== undefined) add(`pair:${w} ${next}`, 0.5);
  });
  return normalize(sum);
}

/** The embedding of an image, from its source (URL, data URL or file contents hash): one direction. */
export function embedImage(source: string): number[] {
  return normalize(featureVector(`image:${source}`));
}

/** The vector as the API's base64 form: little-endian IEEE-754 float32 components, base64-encoded. */
export function float32Base64(vector: readonly number[]): string {
  const view = new DataView(new ArrayBuffer(vector.length * 4));
  vector.forEach((x, i) => {
    view.setFloat32(i * 4, x, true);
  });
  return Buffer.from(view.buffer).toString("base64");
}
