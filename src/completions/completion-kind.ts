import type { CompletionSource } from "../prompts/prompt-spec.js";
import type { ResourceKind } from "../resources/resource-uris.js";

/** Where the values of an argument come from: a prompt's source, an id of the account, or nowhere. */
export type CompletionKind = CompletionSource | "file-id" | "batch-id" | "collection-id" | "none";

/**
 * The kind of ids a template's variable takes. Stored completions have no list RPC, so their ids
 * do not complete.
 */
export const TEMPLATE_COMPLETION: Record<ResourceKind, CompletionKind> = {
  file: "file-id",
  "stored-completion": "none",
  batch: "batch-id",
  "batch-results": "batch-id",
  collection: "collection-id",
};
