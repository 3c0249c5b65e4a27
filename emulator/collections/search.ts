/**
 * The search behind Documents.Search: BM25 over the chunks of the searched collections' processed
 * documents. Every retrieval mode (keyword, semantic, hybrid) runs this same lexical search in the
 * emulator, which has no vector index; rerankers and instructions are accepted and not applied.
 */
import { bm25Scores } from "./bm25.js";
import { searchableChunks } from "./document-indexing.js";
import { terms } from "./lexical-terms.js";
import type { CollectionRecord, IndexedChunk } from "./store.js";

/** One chunk found, with the searched collections that hold its document. */
export interface SearchHit {
  readonly fileId: string;
  readonly chunk: IndexedChunk;
  readonly collectionIds: string[];
  readonly score: number;
}

/**
 * The best `limit` chunks for `query`, best first; only chunks sharing at least one term with the
 * query. A chunk held by several of the collections (the same file added to each with the same
 * settings) appears once, listing all of them. Ties keep a stable order: file id, then position.
 */
export function searchCollections(
  query: string,
  collections: readonly CollectionRecord[],
  limit: number,
  now: Date,
): SearchHit[] {
  const queryTerms = terms(query);
  if (queryTerms.length === 0) return [];
  const byChunk = new Map<string, { fileId: string; chunk: IndexedChunk; collectionIds: string[] }>();
  for (const c of collections) {
    for (const doc of c.documents.values()) {
      for (const chunk of searchableChunks(doc, now)) {
        const seen = byChunk.get(chunk.id);
        if (seen) {
          if (!seen.collectionIds.includes(c.id)) seen.collectionIds.push(c.id);
        } else {
          byChunk.set(chunk.id, { fileId: doc.fileId, chunk, collectionIds: [c.id] });
        }
      }
    }
  }
  const candidates = [...byChunk.values()];
  const scores = bm25Scores(
    queryTerms,
    candidates.map((c) => c.chunk),
  );
  return candidates
    .map((c, i) => ({ ...c, score: scores[i] ?? 0 }))
    .filter((h) => h.score > 0)
    .sort(
      (a, b) =>
        b.score - a.score ||
        (a.fileId < b.fileId ? -1 : a.fileId > b.fileId ? 1 : 0) ||
        a.chunk.index - b.chunk.index,
    )
    .slice(0, limit);
}
