import { BatchMgmt } from "../../gen/xai/api/v1/batch_pb.js";
import { Collections } from "../../gen/xai/api/v1/collections_pb.js";
import { Files, FilesSortBy, Ordering } from "../../gen/xai/api/v1/files_pb.js";
import type { XaiClient } from "../grpc/xai-client.js";
import { SEARCH_SOURCES } from "../prompts/grok-search.js";
import { PROMPT_ENUMS } from "../prompts/prompt-enums.js";
import { readCatalog } from "../resources/models-resource.js";
import { MODELS_TOOLS } from "../resources/resource-uris.js";
import type { CompletionKind } from "./completion-kind.js";
import type { TtlCache } from "./ttl-cache.js";

/** Ids fetched from the account per completion: one page, the most recent first. */
export const MAX_IDS = 100;

/** What a lookup uses. */
export interface ValuesContext {
  readonly client: XaiClient;
  readonly signal: AbortSignal;
  /** Account lookups, kept a few seconds. */
  readonly cache: TtlCache<readonly string[]>;
}

const names = (models: readonly { readonly name: string; readonly aliases: readonly string[] }[]) =>
  models.flatMap((m) => [m.name, ...m.aliases]);

/** Every value of a kind, before matching what was typed (account lookups through the cache). */
function candidates(
  kind: CompletionKind,
  ctx: ValuesContext,
): Promise<readonly string[]> | readonly string[] {
  const opts = { signal: ctx.signal };
  // The catalog is read for completion whatever models tools are listed: it is what the prompt takes.
  const catalog = () =>
    readCatalog({ client: ctx.client, signal: ctx.signal, toolNames: new Set(MODELS_TOOLS) });
  switch (kind) {
    case "reasoning-effort":
      return PROMPT_ENUMS.reasoningEfforts;
    case "aspect-ratio":
      return PROMPT_ENUMS.aspectRatios;
    case "search-sources":
      return SEARCH_SOURCES;
    case "language-model":
      return ctx.cache.get(kind, async () => names((await catalog()).language));
    case "image-model":
      return ctx.cache.get(kind, async () => names((await catalog()).image));
    case "file-id":
      return ctx.cache.get(kind, async () => {
        const r = await ctx.client.unary(
          Files.method.listFiles,
          { limit: MAX_IDS, order: Ordering.DESCENDING, sortBy: FilesSortBy.CREATED_AT },
          opts,
        );
        return r.data.map((f) => f.id);
      });
    case "batch-id":
      return ctx.cache.get(kind, async () => {
        const r = await ctx.client.unary(BatchMgmt.method.listBatches, { limit: MAX_IDS }, opts);
        return r.batches.map((b) => b.batchId);
      });
    case "collection-id":
      return ctx.cache.get(kind, async () => {
        const r = await ctx.client.unary(Collections.method.listCollections, { limit: MAX_IDS }, opts);
        return r.collections.map((c) => c.collectionId);
      });
    case "none":
      return [];
  }
}

/** The values of `kind` that start with what was typed (ignoring case), in their own order. */
export async function completionValues(
  kind: CompletionKind,
  typed: string,
  ctx: ValuesContext,
): Promise<string[]> {
  const prefix = typed.toLowerCase();
  const all = await candidates(kind, ctx);
  return [...new Set(all)].filter((v) => v.toLowerCase().startsWith(prefix));
}
