import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import { ListingCache } from "./listing-cache.js";
import type { RegistryOptions } from "./registry.js";
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

/** Options of {@link lazyTools}. */
export interface LazyToolsOptions {
  /** Where the listing is cached between runs; `false` derives it every time. */
  readonly cache?: ListingCache | false;
  /** Told when a cached listing turned out to differ from the code's (it is then replaced). */
  readonly onStale?: () => void;
}

/**
 * The tools of a configuration, loaded when first needed so that a start does no more than
 * `tools/list` asks for: with a fresh cached listing (see {@link ListingCache}) that is reading one
 * file, and the registry (descriptors, RPC table, handlers) loads only once the listing has been
 * answered, in the background, or at the first call, whichever comes first. Without one, the
 * first `tools/list` derives the listing and caches it for the next start. Once the tools are
 * built, they are the listing: a cached one that differs is replaced (and `onStale` told).
 */
export function lazyTools(registry: RegistryOptions, options: LazyToolsOptions = {}): ToolSource {
  const cache = options.cache === false ? undefined : (options.cache ?? new ListingCache(registry));
  let cached = cache?.read();
  let built: Promise<ToolSource> | undefined;
  const build = (): Promise<ToolSource> => {
    built ??= import("./registry.js").then(({ buildTools }) => {
      const tools = buildTools(registry);
      const live = staticTools(tools);
      const listing = tools.map((t) => t.tool);
      if (cache && JSON.stringify(cached) !== JSON.stringify(listing)) {
        if (cached) options.onStale?.();
        cache.write(listing);
      }
      cached = listing;
      return live;
    });
    return built;
  };
  return {
    listing: async () => {
      if (!built && cached) {
        // Load the rest once this answer is out, so that the first call finds it ready.
        setImmediate(() => void build().catch(() => {}));
        return cached;
      }
      return (await build()).listing();
    },
    definition: async (name) => (await build()).definition(name),
  };
}
