import {
  type BatchGetDocumentsResponse,
  type CollectionMetadata,
  type DocumentMetadata,
  DocumentStatusSchema,
  type ListCollectionsResponse,
  type ListDocumentsResponse,
} from "../../../gen/xai/api/v1/collections_pb.js";
import type { SearchResponse } from "../../../gen/xai/api/v1/documents_pb.js";
import { enumNames, orDash, renderList } from "./listing.js";

/** One line about a collection. */
export function collectionLine(c: CollectionMetadata): string {
  return [
    `${orDash(c.collectionId)} "${orDash(c.collectionName)}"`,
    `${c.documentsCount} documents`,
    `${c.totalFileSize} bytes`,
    c.collectionDescription ? `— ${c.collectionDescription}` : "",
  ]
    .filter(Boolean)
    .join(" · ");
}

/** One line about a document of a collection. */
export function documentLine(d: DocumentMetadata): string {
  const file = d.fileMetadata;
  const fields = Object.keys(d.fields).length ? `fields ${JSON.stringify(d.fields)}` : "";
  return [
    `${orDash(file?.fileId ?? "")} "${orDash(file?.name ?? "")}"`,
    // The zero value (unspecified) reads as unknown.
    d.status === 0 ? "—" : enumNames(DocumentStatusSchema, [d.status]),
    d.chunkCount !== undefined ? `${d.chunkCount} chunks` : "",
    d.errorMessage ? `error: ${d.errorMessage}` : "",
    fields,
  ]
    .filter(Boolean)
    .join(" · ");
}

export const renderCollection = (c: CollectionMetadata) => `Collection ${collectionLine(c)}`;
export const renderCollectionList = (r: ListCollectionsResponse) =>
  renderList("collection", r.collections, collectionLine, r.paginationToken);
export const renderDocument = (d: DocumentMetadata) => `Document ${documentLine(d)}`;
export const renderDocumentList = (r: ListDocumentsResponse | BatchGetDocumentsResponse) =>
  renderList("document", r.documents, documentLine, "paginationToken" in r ? r.paginationToken : undefined);

/** Search matches, best first, each with its score, file, collections and chunk text. */
export function renderSearch(response: SearchResponse): string {
  return renderList("match", response.matches, (m) => {
    const text = orDash(m.chunkContent).replace(/\s+/g, " ");
    const collections = m.collectionIds.length ? m.collectionIds.map(orDash).join(", ") : "—";
    return `score ${m.score.toFixed(3)} · file ${orDash(m.fileId)} · chunk ${orDash(m.chunkId)} · collections ${collections}\n  ${text.length > 300 ? `${text.slice(0, 300)}…` : text}`;
  });
}
