import type { ReadResourceResult } from "@modelcontextprotocol/sdk/types.js";
import { readBatch } from "./batch-resource.js";
import { readBatchResults } from "./batch-results-resource.js";
import { readCollection } from "./collection-resource.js";
import { readFile } from "./file-resource.js";
import { readModels } from "./models-resource.js";
import type { ReadContext } from "./resource-contents.js";
import { MODELS_URI, type ParsedUri, type ResourceKind } from "./resource-uris.js";
import { readStoredCompletion } from "./stored-completion-resource.js";

type Reader = (ctx: ReadContext, uri: string, id: string) => Promise<ReadResourceResult>;

const READERS: Record<ResourceKind, Reader> = {
  file: readFile,
  "stored-completion": readStoredCompletion,
  batch: readBatch,
  "batch-results": readBatchResults,
  collection: readCollection,
};

/** Reads `xai://models` (parsed undefined) or a template resource. */
export function readResource(
  ctx: ReadContext,
  uri: string,
  parsed: ParsedUri | undefined,
): Promise<ReadResourceResult> {
  if (parsed === undefined) {
    if (uri !== MODELS_URI) throw new Error(`not a resource of this server: ${uri}`);
    return readModels(ctx);
  }
  return READERS[parsed.template.kind](ctx, uri, parsed.id);
}
