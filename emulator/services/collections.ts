/**
 * The Collections service (package `collections`, management key): collections of uploaded files,
 * their documents' metadata and indexing state. Documents.Search queries what it holds.
 *
 * Emulator specifics, where the real service leaves a choice to the server:
 * - `team_id` is accepted and ignored: the emulator has one team.
 * - Defaults: embedding model `grok-embedding-small`, chunks of 2000 characters with 200 of overlap
 *   and whitespace stripping, cosine metric.
 * - ListCollections: `filter` keeps collections whose name contains it (any case); `sort_by` unset =
 *   by age; `order` unset = A→Z by name, newest first by age. ListDocuments: `name` keeps documents
 *   whose name contains it (any case), `filter` is a condition on metadata fields (see
 *   document-filter.ts), `sort_by` unset = by age (file creation time), order as above (largest
 *   first by size). `limit` 1–100, default 100. Page tokens are keyset positions: exactly-once
 *   paging, valid only with the same sort, order and filters.
 * - Indexing: see document-indexing.ts (PROCESSING until observed once or after 1 s, then PROCESSED
 *   or FAILED). The emulator indexes UTF-8 text documents; other content fails with a message.
 * - BatchGetDocuments returns the documents found and skips unknown file ids.
 * - UpdateCollection: adding a field definition whose key exists replaces it; new chunk settings
 *   and field definitions apply to documents when they are next (re)indexed.
 */

import type { FieldDefinition } from "../../gen/xai/api/v1/collections_pb.js";
import {
  Collections,
  CollectionsSortBy,
  DocumentsSortBy,
  FieldDefinitionOperation,
} from "../../gen/xai/api/v1/collections_pb.js";
import { HNSWMetric } from "../../gen/xai/api/v1/types_pb.js";
import {
  chunkConfiguration,
  fieldDefinition,
  fieldDefinitions,
  indexConfiguration,
} from "../collections/collection-config.js";
import { describeCollection } from "../collections/collection-description.js";
import { contentTypeOf } from "../collections/content-type.js";
import { checkDocumentFields, checkExistingDocuments } from "../collections/document-fields.js";
import { parseDocumentFilter } from "../collections/document-filter.js";
import { observe, settle, sha256Hex, startIndexing } from "../collections/document-indexing.js";
import { keysetPage } from "../collections/keyset-page.js";
import { isDescending, pageSize } from "../collections/list-options.js";
import {
  type CollectionRecord,
  collectionStoreOf,
  type DocumentRecord,
  requireDocument,
} from "../collections/store.js";
import { collectionMetadata, documentMetadata } from "../collections/to-proto.js";
import type { EmulatorContext } from "../context.js";
import { EmulatorError, invalidArgument, notFound, Status } from "../errors.js";
import { ByteBudget, checkChars, checkFieldSizes, TEXT_LIMITS } from "../limits.js";
import { bind, type ServiceBinding } from "../service-impl.js";

/** Longest collection or document name accepted. */
const MAX_NAME_CHARS = 256;
/** Most file ids one BatchGetDocuments may name. */
const MAX_BATCH_GET = 100;

function required(value: string, field: string): string {
  if (value.trim() === "") throw invalidArgument(`${field} is required`);
  return value;
}

function checkedName(value: string, field: string): string {
  const name = value.trim();
  if (name === "") throw invalidArgument(`${field} must not be empty`);
  if ([...name].length > MAX_NAME_CHARS) {
    throw invalidArgument(`${field} must be at most ${MAX_NAME_CHARS} characters`);
  }
  return name;
}

const byName = (s: string) => s.toLowerCase();

/** Builds the Collections service on the emulator's shared collection store. */
export function collectionsService(ctx: EmulatorContext): ServiceBinding {
  const store = collectionStoreOf(ctx);
  // Documents are the user's: dropping one to make room would break the API's promise, so when
  // the budget is spent new documents (and new content) are refused instead. A document is counted
  // for its chunks and index (about twice its text) and any content of its own from UpdateDocument;
  // the uploaded file it came from is counted with the files.
  const budget = new ByteBudget(
    "collections and documents",
    ctx.config.storeBytes.documents,
    "remove some documents or delete a collection",
  );
  const charged = new WeakMap<object, number>();
  const charge = (record: object, bytes: number) => {
    budget.reserve(bytes);
    charged.set(record, (charged.get(record) ?? 0) + bytes);
  };
  const refund = (record: object) => {
    budget.release(charged.get(record) ?? 0);
    charged.delete(record);
  };
  const fieldBytes = (fields: Readonly<Record<string, string>>) =>
    Object.entries(fields).reduce((n, [k, v]) => n + k.length + v.length + 32, 0);
  const description = (value: string | undefined) =>
    value === undefined ? undefined : checkChars("collection_description", value, TEXT_LIMITS.description);
  const collection = (id: string) => store.require(required(id, "collection_id"));
  const document = (c: CollectionRecord, fileId: string) => requireDocument(c, required(fileId, "file_id"));
  const read = (doc: DocumentRecord) => {
    observe(doc, ctx.now());
    return documentMetadata(doc);
  };

  return bind(Collections, {
    createCollection(req) {
      const name = checkedName(req.collectionName, "collection_name");
      const desc = description(req.collectionDescription);
      const record: CollectionRecord = {
        id: ctx.newId("collection"),
        name,
        description: desc || undefined,
        createdAt: ctx.now(),
        indexConfiguration: indexConfiguration(req.indexConfiguration, ctx.catalog),
        chunkConfiguration: chunkConfiguration(req.chunkConfiguration),
        metricSpace:
          req.metricSpace === undefined || req.metricSpace === HNSWMetric.HNSW_METRIC_UNKNOWN
            ? HNSWMetric.HNSW_METRIC_COSINE
            : req.metricSpace,
        fieldDefinitions: fieldDefinitions(req.fieldDefinitions, "field_definitions"),
        documents: new Map(),
      };
      charge(record, name.length + (desc?.length ?? 0) + 1024);
      store.add(record);
      return collectionMetadata(record);
    },

    listCollections(req) {
      const sortsByName = req.sortBy === CollectionsSortBy.NAME;
      const descending = isDescending(req.order, sortsByName);
      const filter = checkChars("filter", req.filter ?? "", TEXT_LIMITS.filter)
        .trim()
        .toLowerCase();
      const matching = store.all().filter((c) => c.name.toLowerCase().includes(filter));
      const page = keysetPage(
        matching,
        (c) => (sortsByName ? [byName(c.name), c.id] : [c.createdAt.getTime(), c.id]),
        {
          limit: pageSize(req.limit),
          descending,
          token: req.paginationToken || undefined,
          scope: JSON.stringify(["collections", sortsByName, descending, filter]),
        },
      );
      return { collections: page.items.map(collectionMetadata), paginationToken: page.nextToken };
    },

    deleteCollection(req) {
      const c = collection(req.collectionId);
      for (const doc of c.documents.values()) refund(doc);
      refund(c);
      store.delete(c.id);
      return {};
    },

    getCollectionMetadata(req) {
      return collectionMetadata(collection(req.collectionId));
    },

    updateCollection(req) {
      const c = collection(req.collectionId);
      // Everything is checked before anything changes: a failed update leaves the collection as it was.
      const name =
        req.collectionName === undefined ? c.name : checkedName(req.collectionName, "collection_name");
      const desc = description(req.collectionDescription);
      const chunks = req.chunkConfiguration
        ? chunkConfiguration(req.chunkConfiguration)
        : c.chunkConfiguration;
      const defs: FieldDefinition[] = [...c.fieldDefinitions];
      req.fieldDefinitionUpdates.forEach((u, i) => {
        const path = `field_definition_updates[${i}].field_definition`;
        switch (u.operation) {
          case FieldDefinitionOperation.FIELD_DEFINITION_ADD: {
            const def = fieldDefinition(u.fieldDefinition, path);
            checkExistingDocuments(c, def);
            const at = defs.findIndex((d) => d.key === def.key);
            if (at >= 0) defs[at] = def;
            else defs.push(def);
            break;
          }
          case FieldDefinitionOperation.FIELD_DEFINITION_DELETE: {
            const key = u.fieldDefinition?.key ?? "";
            if (key === "")
              throw invalidArgument(`${path}.key names the field to delete and must not be empty`);
            const at = defs.findIndex((d) => d.key === key);
            if (at < 0) throw notFound(`${path}.key: the collection has no field "${key}"`);
            defs.splice(at, 1);
            break;
          }
          default:
            throw invalidArgument(`field_definition_updates[${i}].operation: unknown value ${u.operation}`);
        }
      });
      c.name = name;
      c.chunkConfiguration = chunks;
      c.fieldDefinitions = defs;
      if (desc !== undefined) {
        charge(c, Math.max(0, desc.length - (c.description?.length ?? 0)));
        c.description = desc || undefined;
      }
      return collectionMetadata(c);
    },

    generateCollectionDescription(req) {
      return { collectionDescription: describeCollection(collection(req.collectionId)) };
    },

    addDocumentToCollection(req) {
      const c = collection(req.collectionId);
      const file = ctx.files.require(required(req.fileId, "file_id"));
      if (c.documents.has(file.id)) {
        throw new EmulatorError(
          Status.ALREADY_EXISTS,
          `file "${file.id}" is already a document of collection "${c.id}"`,
        );
      }
      checkFieldSizes("fields", req.fields);
      checkDocumentFields(c, req.fields, file.id);
      const bytes = 2 * file.bytes.byteLength + file.filename.length + fieldBytes(req.fields) + 512;
      budget.check(bytes);
      const doc: DocumentRecord = {
        fileId: file.id,
        name: file.filename,
        bytes: file.bytes,
        contentType: contentTypeOf(file.filename),
        hash: sha256Hex(file.bytes),
        fileCreatedAt: file.createdAt,
        fileExpiresAt: file.expiresAt,
        fields: { ...req.fields },
        indexing: { phase: "failed", error: "not indexed yet" },
        lastIndexedAt: undefined,
      };
      charge(doc, bytes);
      startIndexing(doc, c, ctx.tokenizer, ctx.now());
      c.documents.set(doc.fileId, doc);
      return {};
    },

    getDocumentMetadata(req) {
      const c = collection(req.collectionId);
      return read(document(c, req.fileId));
    },

    listDocuments(req) {
      const c = collection(req.collectionId);
      const sortBy = req.sortBy ?? DocumentsSortBy.AGE;
      const descending = isDescending(req.order, sortBy === DocumentsSortBy.NAME);
      const nameFilter = checkChars("name", req.name ?? "", TEXT_LIMITS.filter)
        .trim()
        .toLowerCase();
      const fieldFilter = parseDocumentFilter(checkChars("filter", req.filter ?? "", TEXT_LIMITS.filter));
      const matching = [...c.documents.values()].filter(
        (d) => d.name.toLowerCase().includes(nameFilter) && fieldFilter(d.fields),
      );
      const keyOf = (d: DocumentRecord): readonly [string | number, string] => {
        switch (sortBy) {
          case DocumentsSortBy.NAME:
            return [byName(d.name), d.fileId];
          case DocumentsSortBy.SIZE:
            return [d.bytes.length, d.fileId];
          case DocumentsSortBy.AGE:
            return [d.fileCreatedAt.getTime(), d.fileId];
          default:
            throw invalidArgument(`sort_by: unknown value ${sortBy}`);
        }
      };
      const page = keysetPage(matching, keyOf, {
        limit: pageSize(req.limit),
        descending,
        token: req.paginationToken || undefined,
        scope: JSON.stringify(["documents", c.id, sortBy, descending, nameFilter, req.filter ?? ""]),
      });
      return { documents: page.items.map(read), paginationToken: page.nextToken };
    },

    batchGetDocuments(req) {
      const c = collection(req.collectionId);
      if (req.fileIds.length === 0) throw invalidArgument("file_ids must name at least one document");
      if (req.fileIds.length > MAX_BATCH_GET) {
        throw invalidArgument(
          `file_ids may name at most ${MAX_BATCH_GET} documents, got ${req.fileIds.length}`,
        );
      }
      const docs = [...new Set(req.fileIds)].flatMap((id) => {
        const doc = c.documents.get(id);
        return doc ? [read(doc)] : [];
      });
      return { documents: docs };
    },

    updateDocument(req) {
      const c = collection(req.collectionId);
      const doc = document(c, req.fileId);
      settle(doc, ctx.now());
      const name = req.name === undefined ? doc.name : checkedName(req.name, "name");
      // Like an upload, new content must have at least one byte.
      if (req.data !== undefined && req.data.length === 0) throw invalidArgument("data must not be empty");
      const fields = Object.keys(req.fields).length > 0 ? { ...doc.fields, ...req.fields } : doc.fields;
      checkFieldSizes("fields", fields);
      checkDocumentFields(c, fields, doc.fileId);
      const before = charged.get(doc) ?? 0;
      const contentBytes = req.data === undefined ? 0 : 3 * req.data.length;
      const after =
        (req.data === undefined ? before - fieldBytes(doc.fields) - doc.name.length : contentBytes + 512) +
        fieldBytes(fields) +
        name.length;
      budget.check(Math.max(0, after - before));
      const contentType = req.contentType?.trim() || (req.data ? contentTypeOf(name) : doc.contentType);
      const injected = (f: Record<string, string>) =>
        JSON.stringify(c.fieldDefinitions.filter((d) => d.injectIntoChunk).map((d) => f[d.key]));
      // Re-index only when the text of the chunks would change.
      const reindex =
        req.data !== undefined ||
        contentType !== doc.contentType ||
        (name !== doc.name && c.chunkConfiguration.injectNameIntoChunks) ||
        injected(fields) !== injected(doc.fields);
      doc.name = name;
      doc.fields = { ...fields };
      doc.contentType = contentType;
      if (req.data !== undefined) {
        doc.bytes = req.data.slice();
        doc.hash = sha256Hex(doc.bytes);
      }
      refund(doc);
      charge(doc, after);
      if (reindex) startIndexing(doc, c, ctx.tokenizer, ctx.now());
      return documentMetadata(doc);
    },

    removeDocumentFromCollection(req) {
      const c = collection(req.collectionId);
      const doc = document(c, req.fileId);
      refund(doc);
      c.documents.delete(doc.fileId);
      return {};
    },

    reIndexDocument(req) {
      const c = collection(req.collectionId);
      const doc = document(c, req.fileId);
      startIndexing(doc, c, ctx.tokenizer, ctx.now());
      return {};
    },
  });
}
