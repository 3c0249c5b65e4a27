import type { ReadResourceResult } from "@modelcontextprotocol/sdk/types.js";
import {
  CollectionMetadataSchema,
  Collections,
  DocumentMetadataSchema,
} from "../../gen/xai/api/v1/collections_pb.js";
import { callHint } from "../tools/render/batch.js";
import { collectionLine, documentLine } from "../tools/render/collections.js";
import { responseJson } from "../tools/result.js";
import { jsonWithSummary, type ReadContext } from "./resource-contents.js";

/** Documents listed with a collection; beyond that, the summary says how to list the rest. */
const MAX_DOCUMENTS = 100;

/** `xai://collections/{collection_id}`: the collection's metadata and its documents (the first 100). */
export async function readCollection(ctx: ReadContext, uri: string, id: string): Promise<ReadResourceResult> {
  const m = Collections.method;
  const opts = { signal: ctx.signal };
  const meta = await ctx.client.unary(m.getCollectionMetadata, { collectionId: id }, opts);
  const page = await ctx.client.unary(m.listDocuments, { collectionId: id, limit: MAX_DOCUMENTS }, opts);
  const documents = page.documents;
  const token = page.paginationToken ?? "";
  const more = token !== "";
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
      `More documents: ${callHint(m.listDocuments, { collection_id: id, pagination_token: token })}`,
    );
  const json = {
    collection: responseJson(CollectionMetadataSchema, meta),
    documents: documents.map((d) => responseJson(DocumentMetadataSchema, d)),
    ...(more ? { pagination_token: token } : {}),
  };
  return { contents: jsonWithSummary(uri, json, lines.join("\n")) };
}
