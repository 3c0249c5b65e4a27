/** Collection and document records as the Collections service answers them. */
import type { MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import {
  type CollectionMetadataSchema,
  type DocumentMetadataSchema,
  DocumentStatus,
} from "../../gen/xai/api/v1/collections_pb.js";
import type { CollectionRecord, DocumentRecord } from "./store.js";

/** Combined size of a collection's documents, in bytes. */
export function totalFileSize(collection: CollectionRecord): bigint {
  let total = 0n;
  for (const doc of collection.documents.values()) total += BigInt(doc.bytes.length);
  return total;
}

/** A collection's `CollectionMetadata`; the counts are computed, so they are always exact. */
export function collectionMetadata(
  collection: CollectionRecord,
): MessageInitShape<typeof CollectionMetadataSchema> {
  return {
    collectionId: collection.id,
    collectionName: collection.name,
    createdAt: timestampFromDate(collection.createdAt),
    indexConfiguration: collection.indexConfiguration,
    chunkConfiguration: collection.chunkConfiguration,
    documentsCount: collection.documents.size,
    fieldDefinitions: collection.fieldDefinitions,
    collectionDescription: collection.description,
    totalFileSize: totalFileSize(collection),
  };
}

/** A document's `DocumentMetadata` as it stands (call `observe` first to advance its indexing). */
export function documentMetadata(doc: DocumentRecord): MessageInitShape<typeof DocumentMetadataSchema> {
  const state = doc.indexing;
  const common = {
    fileMetadata: {
      fileId: doc.fileId,
      name: doc.name,
      sizeBytes: BigInt(doc.bytes.length),
      contentType: doc.contentType,
      createdAt: timestampFromDate(doc.fileCreatedAt),
      expiresAt: doc.fileExpiresAt ? timestampFromDate(doc.fileExpiresAt) : undefined,
      hash: doc.hash,
      uploadStatus: "uploaded",
      processingStatus: state.phase,
    },
    fields: { ...doc.fields },
    lastIndexedAt: doc.lastIndexedAt ? timestampFromDate(doc.lastIndexedAt) : undefined,
  };
  switch (state.phase) {
    case "processing":
      // The chunks are cut when the run begins; none is embedded until it finishes.
      return {
        ...common,
        status: DocumentStatus.PROCESSING,
        chunkCount: state.result.ok ? state.result.chunks.length : undefined,
        chunksProcessedCount: 0n,
      };
    case "processed":
      return {
        ...common,
        status: DocumentStatus.PROCESSED,
        chunkCount: state.chunks.length,
        chunksProcessedCount: BigInt(state.chunks.length),
      };
    case "failed":
      return { ...common, status: DocumentStatus.FAILED, errorMessage: state.error };
  }
}
