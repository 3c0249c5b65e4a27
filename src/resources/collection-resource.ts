import type { ReadResourceResult } from "@modelcontextprotocol/sdk/types.js";
import { Collections } from "../../gen/xai/api/v1/collections_pb.js";
import { collectionLine, documentLine } from "../tools/render/collections.js";
import { responseJson } from "../tools/result.js";
import { jsonWithSummary, type ReadContext } from "./resource-contents.js";

type Json = Record<string, unknown>;

/** Documents listed with a collection; beyond that, the summary says how to list the rest. */
const MAX_DOCUMENTS = 100;

/** `xai://collections/{collection_id}`: the collection's metadata and its documents (the first 100). */
export async function readCollection(ctx: ReadContext, uri: string, id: string): Promise<ReadResourceResult> {
  const m = Collections.method;
  const opts = { signal: ctx.signal };
  const meta = responseJson(
    m.getCollectionMetadata.output,
    await ctx.client.unary(m.getCollectionMetadata, { collectionId: id }, opts),
  );
  const page = responseJson(
    m.listDocuments.output,
    await ctx.client.unary(m.listDocuments, { collectionId: id, limit: MAX_DOCUMENTS }, opts),
  );
  const documents = Array.isArray(page.documents) ? (page.documents as Json[]) : [];
  const more = typeof page.pagination_token === "string" && page.pagination_token !== "";
  const lines = [
    `Collection ${collectionLine(meta)}`,
    "",
    documents.length === 0
      ? "No documents."
      : `${documents.length} documents${more ? " (the first ones)" : ""}:`,
    ...documents.map((d) => `- ${documentLine(d)}`),
  ];
  if (more)
    lines.push(
      `More documents: collections_list_documents ${JSON.stringify({ collection_id: id, pagination_token: page.pagination_token })}`,
    );
  return {
    contents: jsonWithSummary(
      uri,
      { collection: meta, documents, ...(more ? { pagination_token: page.pagination_token } : {}) },
      lines.join("\n"),
    ),
  };
}
