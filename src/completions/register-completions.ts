import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { CompleteRequestSchema, type CompleteResult, ErrorCode } from "@modelcontextprotocol/sdk/types.js";
import { JsonRpcError } from "../json-rpc-error.js";
import { visiblePrompt } from "../prompts/prompt-catalog.js";
import { resourceVisibility } from "../resources/resource-uris.js";
import type { SurfaceContext } from "../surface-context.js";
import { type CompletionKind, TEMPLATE_COMPLETION } from "./completion-kind.js";
import { TtlCache } from "./ttl-cache.js";

/** How long account lookups (ids, the model catalog) are kept between keystrokes. */
export const COMPLETION_CACHE_MS = 5_000;

/** The most values one answer carries (MCP's limit); `total` and `hasMore` say when there are more. */
const MAX_VALUES = 100;

/** The argument's completion kind, or an error when the prompt, template or argument is not offered. */
function kindOf(
  ref: { type: string; name?: string; uri?: string },
  argument: string,
  toolNames: ReadonlySet<string>,
): CompletionKind {
  if (ref.type === "ref/prompt") {
    const prompt = visiblePrompt(toolNames, ref.name ?? "");
    if (!prompt) throw new JsonRpcError(ErrorCode.InvalidParams, `unknown prompt "${ref.name}"`);
    const arg = prompt.arguments.find((a) => a.name === argument);
    if (!arg)
      throw new JsonRpcError(ErrorCode.InvalidParams, `prompt ${prompt.name} has no argument ${argument}`);
    return arg.complete ?? "none";
  }
  const template = resourceVisibility(toolNames).templates.find((t) => t.uriTemplate === ref.uri);
  if (!template) throw new JsonRpcError(ErrorCode.InvalidParams, `unknown resource template "${ref.uri}"`);
  if (argument !== template.variable) {
    throw new JsonRpcError(ErrorCode.InvalidParams, `${template.uriTemplate} has no variable ${argument}`);
  }
  return TEMPLATE_COMPLETION[template.kind];
}

/** What {@link registerCompletions} gives back: the cache to clear when the account changes. */
export interface Completions {
  /** Forgets cached ids and models (after an upload, a new batch…). */
  readonly invalidate: () => void;
}

/**
 * Serves `completion/complete` (declaring the capability) for the listed prompts' arguments and
 * templates' variables: model names from the catalog, enum values, and the account's file, batch
 * and collection ids by prefix, from one page of the most recent, kept a few seconds.
 */
export function registerCompletions(server: Server, ctx: SurfaceContext): Completions {
  server.registerCapabilities({ completions: {} });
  const cache = new TtlCache<readonly string[]>(COMPLETION_CACHE_MS);
  server.setRequestHandler(CompleteRequestSchema, async (request, extra): Promise<CompleteResult> => {
    const { ref, argument } = request.params;
    const kind = kindOf(ref, argument.name, await ctx.toolNames());
    if (kind === "none") return { completion: { values: [] } };
    const { completionValues } = await import("./completion-values.js");
    let values: string[];
    try {
      values = await completionValues(kind, argument.value, {
        client: await ctx.client(),
        signal: extra.signal,
        cache,
      });
    } catch (e) {
      const { readError } = await import("../resources/read-error.js");
      throw readError(e, { target: `completion of ${argument.name}` });
    }
    return {
      completion: {
        values: values.slice(0, MAX_VALUES),
        total: values.length,
        hasMore: values.length > MAX_VALUES,
      },
    };
  });
  return { invalidate: () => cache.clear() };
}
