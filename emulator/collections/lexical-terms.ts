/**
 * The analyzer of the emulator's lexical search: how text becomes index terms. Documents and queries
 * go through the same function, so a query word matches the same word in a chunk whatever its case,
 * accents or plural form.
 */

// Letters (with their combining marks) and digits; everything else separates words.
const WORD = /[\p{L}\p{M}\p{N}]+/gu;
// Combining marks left over after NFKD: dropping them folds "café" onto "cafe".
const MARKS = /\p{M}+/gu;

/**
 * A light English plural stemmer. Search engines stem so that "documents" finds "document"; a full
 * Porter stemmer would be overkill for an emulator, and folding plurals covers most queries.
 */
function stem(word: string): string {
  if (word.length > 4 && word.endsWith("ies")) return `${word.slice(0, -3)}y`;
  if (word.length > 4 && /(?:ss|x|z|ch|sh)es$/.test(word)) return word.slice(0, -2);
  if (word.length > 3 && word.endsWith("s") && !/(?:ss|us|is)$/.test(word)) return word.slice(0, -1);
  return word;
}

/** The index terms of `text`, in order, duplicates kept (term frequencies count them). */
export function terms(text: string): string[] {
  const folded = text.normalize("NFKD").replace(MARKS, "").toLowerCase();
  const out: string[] = [];
  for (const match of folded.matchAll(WORD)) out.push(stem(match[0]));
  return out;
}

/** How many times each term occurs. */
export function termFrequencies(list: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const t of list) counts.set(t, (counts.get(t) ?? 0) + 1);
  return counts;
}
