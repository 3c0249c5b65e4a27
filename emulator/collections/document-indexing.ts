/**
 * A document's indexing lifecycle. Adding, updating the content of, or re-indexing a document starts
 * a run: the document reads `DOCUMENT_STATUS_PROCESSING` until the run finishes, then
 * `DOCUMENT_STATUS_PROCESSED` (searchable) or `DOCUMENT_STATUS_FAILED` (with `error_message`).
 *
 * A run finishes at whichever comes first:
 * - a metadata read (GetDocumentMetadata, ListDocuments, BatchGetDocuments) has already reported it
 *   as PROCESSING: a client that polls sees PROCESSING exactly once, then the outcome; or
 * - {@link PROCESSING_MS} of emulator time have passed since it began (for clients that do not poll,
 *   e.g. an agent that adds a file and searches a little later).
 *
 * The chunks are computed when the run begins, so the outcome never depends on timing; only when it
 * becomes visible does.
 */
import { createHash } from "node:crypto";
import type { ChunkConfiguration } from "../../gen/xai/api/v1/types_pb.js";
import type { Tokenizer } from "../tokenizer.js";
import { chunkText } from "./chunker.js";
import { extractText } from "./document-text.js";
import { termFrequencies, terms } from "./lexical-terms.js";
import type { CollectionRecord, DocumentRecord, IndexedChunk, IndexResult } from "./store.js";

/** How long an unobserved indexing run takes, in ms of emulator time. */
export const PROCESSING_MS = 1000;

/** sha256 of the bytes, as lowercase hex: the `file_metadata.hash` of a document. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** A UUID-shaped id derived from the chunk's file, position and text. */
function chunkId(fileId: string, index: number, content: string): string {
  const h = createHash("sha256").update(`${fileId}\u0000${index}\u0000${content}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** Indexes the document's current content with the collection's settings. */
export function indexDocument(
  doc: DocumentRecord,
  collection: Pick<CollectionRecord, "chunkConfiguration" | "fieldDefinitions">,
  tokenizer: Tokenizer,
): IndexResult {
  const extracted = extractText(doc.bytes, doc.contentType);
  if (!extracted.ok) return extracted;
  const injectedFields = collection.fieldDefinitions
    .filter((d) => d.injectIntoChunk && doc.fields[d.key] !== undefined)
    .map((d) => [d.key, doc.fields[d.key] ?? ""] as const);
  const config: ChunkConfiguration = collection.chunkConfiguration;
  const texts = chunkText(extracted.text, config, { documentName: doc.name, injectedFields }, tokenizer);
  const chunks: IndexedChunk[] = texts.map((content, index) => {
    const list = terms(content);
    return {
      id: chunkId(doc.fileId, index, content),
      index,
      content,
      termCounts: termFrequencies(list),
      length: list.length,
    };
  });
  return { ok: true, chunks };
}

/** Starts a new indexing run of the document (replacing any run in progress). */
export function startIndexing(
  doc: DocumentRecord,
  collection: CollectionRecord,
  tokenizer: Tokenizer,
  now: Date,
): void {
  doc.indexing = {
    phase: "processing",
    startedAt: now,
    reported: false,
    result: indexDocument(doc, collection, tokenizer),
  };
}

/** Finishes the document's run if it is due (see the module comment); no change otherwise. */
export function settle(doc: DocumentRecord, now: Date): void {
  const state = doc.indexing;
  if (state.phase !== "processing") return;
  if (!state.reported && now.getTime() - state.startedAt.getTime() < PROCESSING_MS) return;
  const finishedAt = new Date(Math.max(now.getTime(), state.startedAt.getTime()));
  doc.indexing = state.result.ok
    ? { phase: "processed", chunks: state.result.chunks }
    : { phase: "failed", error: state.result.error };
  doc.lastIndexedAt = finishedAt;
}

/**
 * What a metadata read does: finishes a due run, and marks a run still in progress as reported, so
 * the next read finds it finished.
 */
export function observe(doc: DocumentRecord, now: Date): void {
  settle(doc, now);
  if (doc.indexing.phase === "processing") doc.indexing.reported = true;
}

/** The chunks a search may return: those of a finished, successful run only. */
export function searchableChunks(doc: DocumentRecord, now: Date): readonly IndexedChunk[] {
  settle(doc, now);
  return doc.indexing.phase === "processed" ? doc.indexing.chunks : [];
}
