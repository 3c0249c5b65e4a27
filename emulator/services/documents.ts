/**
 * Documents.Search (API key): a lexical search over the documents of collections made with the
 * Collections service. See collections/search.ts for how it ranks and what the retrieval modes do.
 */
import { Documents, type SearchRequest } from "../../gen/xai/api/v1/documents_pb.js";
import { searchCollections } from "../collections/search.js";
import { collectionStoreOf } from "../collections/store.js";
import type { EmulatorContext } from "../context.js";
import { invalidArgument } from "../errors.js";
import { bind, type ServiceBinding } from "../service-impl.js";

/** Matches returned when `limit` is unset. */
export const DEFAULT_SEARCH_LIMIT = 10;
/** Largest `limit` accepted. */
export const MAX_SEARCH_LIMIT = 100;

function checkRetrievalMode(mode: SearchRequest["retrievalMode"]): void {
  if (mode.case !== "hybridRetrieval") return;
  const h = mode.value;
  if (h.searchMultiplier !== undefined && h.searchMultiplier < 1) {
    throw invalidArgument(`hybrid_retrieval.search_multiplier must be at least 1, got ${h.searchMultiplier}`);
  }
  if (h.reranker.case === "reciprocalRankFusion") {
    const rrf = h.reranker.value;
    if (rrf.k !== undefined && rrf.k < 0) {
      throw invalidArgument(`hybrid_retrieval.reciprocal_rank_fusion.k must not be negative, got ${rrf.k}`);
    }
    if (rrf.embeddingWeight < 0 || rrf.textWeight < 0) {
      throw invalidArgument("hybrid_retrieval.reciprocal_rank_fusion weights must not be negative");
    }
  }
}

/** Builds the Documents service on the emulator's shared collection store. */
export function documentsService(ctx: EmulatorContext): ServiceBinding {
  const store = collectionStoreOf(ctx);
  return bind(Documents, {
    search(req) {
      if (req.query.trim() === "") throw invalidArgument("query must not be empty");
      const ids = req.source?.collectionIds ?? [];
      if (ids.length === 0) throw invalidArgument("source.collection_ids must name at least one collection");
      const limit = req.limit ?? DEFAULT_SEARCH_LIMIT;
      if (limit < 1 || limit > MAX_SEARCH_LIMIT) {
        throw invalidArgument(`limit must be between 1 and ${MAX_SEARCH_LIMIT}, got ${limit}`);
      }
      checkRetrievalMode(req.retrievalMode);
      const collections = [...new Set(ids)].map((id, i) => {
        if (id.trim() === "") throw invalidArgument(`source.collection_ids[${i}] must not be empty`);
        return store.require(id);
      });
      const hits = searchCollections(req.query, collections, limit, ctx.now());
      return {
        matches: hits.map((h) => ({
          fileId: h.fileId,
          chunkId: h.chunk.id,
          chunkContent: h.chunk.content,
          score: h.score,
          collectionIds: h.collectionIds,
        })),
      };
    },
  });
}
