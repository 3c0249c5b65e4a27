/**
 * The state behind the Collections service and Documents.Search: collections, the documents in them,
 * and each document's indexing state and chunks. One store per emulator instance, shared by both
 * services through {@link collectionStoreOf}.
 */
import type { FieldDefinition } from "../../gen/xai/api/v1/collections_pb.js";
import type { ChunkConfiguration, HNSWMetric, IndexConfiguration } from "../../gen/xai/api/v1/types_pb.js";
import type { EmulatorContext } from "../context.js";
import { notFound } from "../errors.js";
import type { RankedText } from "./bm25.js";

/** One chunk of an indexed document. */
export interface IndexedChunk extends RankedText {
  /** Stable id: the same file, position and text give the same id in every collection. */
  readonly id: string;
  /** Position in the document, from 0. */
  readonly index: number;
  /** The chunk's text as searched and returned (with any injected header). */
  readonly content: string;
}

/** What indexing a document's current content produced. */
export type IndexResult =
  | { readonly ok: true; readonly chunks: readonly IndexedChunk[] }
  | { readonly ok: false; readonly error: string };

/** Where a document is in its indexing. */
export type IndexingState =
  | {
      readonly phase: "processing";
      /** When (re)indexing began, on the emulator clock. */
      readonly startedAt: Date;
      /** Set once a read has reported this run as PROCESSING: the next read sees it finished. */
      reported: boolean;
      /** Computed when indexing began; becomes visible when the run finishes. */
      readonly result: IndexResult;
    }
  | { readonly phase: "processed"; readonly chunks: readonly IndexedChunk[] }
  | { readonly phase: "failed"; readonly error: string };

/** A file added to a collection. It keeps its own copy of name and content, which UpdateDocument changes. */
export interface DocumentRecord {
  readonly fileId: string;
  name: string;
  bytes: Uint8Array;
  contentType: string;
  /** sha256 of `bytes`, hex. */
  hash: string;
  readonly fileCreatedAt: Date;
  readonly fileExpiresAt: Date | undefined;
  fields: Record<string, string>;
  indexing: IndexingState;
  lastIndexedAt: Date | undefined;
}

/** A collection and its documents, keyed by file id. */
export interface CollectionRecord {
  readonly id: string;
  name: string;
  description: string | undefined;
  readonly createdAt: Date;
  readonly indexConfiguration: IndexConfiguration;
  chunkConfiguration: ChunkConfiguration;
  readonly metricSpace: HNSWMetric;
  fieldDefinitions: FieldDefinition[];
  readonly documents: Map<string, DocumentRecord>;
}

/** The collections of one emulator instance. */
export class CollectionStore {
  readonly #collections = new Map<string, CollectionRecord>();

  /** Stores a new collection. */
  add(collection: CollectionRecord): void {
    this.#collections.set(collection.id, collection);
  }

  /** The collection, or `NOT_FOUND`. */
  require(id: string): CollectionRecord {
    const found = this.#collections.get(id);
    if (!found) throw notFound(`collection "${id}" does not exist`);
    return found;
  }

  /** Removes the collection; `NOT_FOUND` when there is none. */
  delete(id: string): void {
    this.require(id);
    this.#collections.delete(id);
  }

  /** Every collection, in creation order. */
  all(): CollectionRecord[] {
    return [...this.#collections.values()];
  }
}

/** The document of `collection`, or `NOT_FOUND`. */
export function requireDocument(collection: CollectionRecord, fileId: string): DocumentRecord {
  const found = collection.documents.get(fileId);
  if (!found) throw notFound(`document "${fileId}" is not in collection "${collection.id}"`);
  return found;
}

const stores = new WeakMap<object, CollectionStore>();

/**
 * The collection store of an emulator instance, created on first use. Keyed by the instance's file
 * store, which every part of it shares: Collections, Documents and the chat engine's
 * collections_search are built separately and must all see the same collections.
 */
export function collectionStoreOf(ctx: Pick<EmulatorContext, "files">): CollectionStore {
  let store = stores.get(ctx.files);
  if (!store) {
    store = new CollectionStore();
    stores.set(ctx.files, store);
  }
  return store;
}
