import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import { type ListingOptions, listTools, selectListing } from "./listing.js";
import type { ToolDefinition } from "./tool.js";

/** Where the server gets its tools: the listing for `tools/list`, a definition for each call. */
export interface ToolSource {
  /** What `tools/list` answers. */
  listing(): Promise<readonly Tool[]>;
  /** The tool of that name, ready to call, or undefined when there is none. */
  definition(name: string): Promise<ToolDefinition | undefined>;
}

/** A source over tools already built. */
export function staticTools(tools: readonly ToolDefinition[]): ToolSource {
  const byName = new Map(tools.map((t) => [t.tool.name, t]));
  const listing = tools.map((t) => t.tool);
  return { listing: async () => listing, definition: async (name) => byName.get(name) };
}

/**
 * The tools of a configuration, answering `tools/list` from the listing generated at build time
 * (see {@link listTools}) and loading the registry (descriptors, RPC table, handlers, protobuf-es)
 * only when needed: once the first listing has been answered, in the background, or at the first
 * call, whichever comes first. A start thus does no more than `tools/list` asks for; the benchmark's
 * cold start measures what that saves (see README, Performance).
 */
export function prebuiltTools(options: ListingOptions): ToolSource {
  const listed = new Set(selectListing(options).picked.map((t) => t.name));
  let listing: Promise<readonly Tool[]> | undefined;
  let built: Promise<ToolSource> | undefined;
  const build = (): Promise<ToolSource> => {
    built ??= import("./registry.js").then(({ buildTools }) => staticTools(buildTools(options)));
    return built;
  };
  return {
    listing: async () => {
      listing ??= listTools(options);
      // Load the rest once this answer is out, so that the first call finds it ready.
      if (!built) setImmediate(() => void build().catch(() => {}));
      return listing;
    },
    definition: async (name) => (listed.has(name) ? (await build()).definition(name) : undefined),
  };
}
