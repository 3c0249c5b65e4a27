import { items, renderList, short } from "./listing.js";

type Json = Record<string, unknown>;

/** One line about a collection. */
export function collectionLine(c: Json): string {
  return [
    `${short(c.collection_id)} "${short(c.collection_name)}"`,
    `${short(c.documents_count ?? 0)} documents`,
    `${short(c.total_file_size ?? 0)} bytes`,
    c.collection_description ? `— ${short(c.collection_description)}` : "",
  ]
    .filter(Boolean)
    .join(" · ");
}

/** One line about a document of a collection. */
export function documentLine(d: Json): string {
  const file = (d.file_metadata ?? {}) as Json;
  const fields = d.fields && Object.keys(d.fields as Json).length ? `fields ${JSON.stringify(d.fields)}` : "";
  return [
    `${short(file.file_id)} "${short(file.name)}"`,
    short(d.status),
    d.chunk_count !== undefined ? `${short(d.chunk_count)} chunks` : "",
    d.error_message ? `error: ${short(d.error_message)}` : "",
    fields,
  ]
    .filter(Boolean)
    .join(" · ");
}

export const renderCollection = (c: Json) => `Collection ${collectionLine(c)}`;
export const renderCollectionList = (r: Json) =>
  renderList("collection", items(r, "collections"), collectionLine, r.pagination_token);
export const renderDocument = (d: Json) => `Document ${documentLine(d)}`;
export const renderDocumentList = (r: Json) =>
  renderList("document", items(r, "documents"), documentLine, r.pagination_token);

/** Search matches, best first, each with its score, file, collections and chunk text. */
export function renderSearch(response: Json): string {
  return renderList("match", items(response, "matches"), (m) => {
    const text = short(m.chunk_content).replace(/\s+/g, " ");
    return `score ${Number(m.score ?? 0).toFixed(3)} · file ${short(m.file_id)} · chunk ${short(m.chunk_id)} · collections ${short(m.collection_ids)}\n  ${text.length > 300 ? `${text.slice(0, 300)}…` : text}`;
  });
}
