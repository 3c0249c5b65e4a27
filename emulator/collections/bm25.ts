/**
 * Okapi BM25 ranking: the classic lexical relevance score, computed over exactly the chunks a search
 * covers (so document frequencies reflect the collections searched, as in a per-collection index).
 */

/** A chunk as the ranker sees it: its term counts and length in terms. */
export interface RankedText {
  readonly termCounts: ReadonlyMap<string, number>;
  readonly length: number;
}

/** Term-frequency saturation: the usual default. */
const K1 = 1.2;
/** Length normalisation: the usual default. */
const B = 0.75;

/**
 * The BM25 score of every text for the query terms, in the order of `texts`. A text that contains
 * none of the query terms scores 0. Repeated query terms count once (a query is a set of words).
 */
export function bm25Scores(queryTerms: readonly string[], texts: readonly RankedText[]): number[] {
  const scores = new Array<number>(texts.length).fill(0);
  const n = texts.length;
  if (n === 0) return scores;
  const avgLength = texts.reduce((sum, t) => sum + t.length, 0) / n || 1;
  for (const term of new Set(queryTerms)) {
    let df = 0;
    for (const t of texts) if (t.termCounts.has(term)) df += 1;
    if (df === 0) continue;
    // The "+1" form of the IDF never goes negative, so a very common word still counts a little.
    const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
    texts.forEach((t, i) => {
      const tf = t.termCounts.get(term);
      if (!tf) return;
      const norm = tf + K1 * (1 - B + (B * t.length) / avgLength);
      scores[i] = (scores[i] ?? 0) + (idf * (tf * (K1 + 1))) / norm;
    });
  }
  return scores;
}
