import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { registerCompletions } from "./completions/index.js";
import type { XaiClient } from "./grpc/xai-client.js";
import type { Logger } from "./log.js";
import { registerPrompts } from "./prompts/index.js";
import { FILE_CHANGING_TOOLS, registerResources, watchToolCalls } from "./resources/index.js";
import type { SurfaceContext } from "./surface-context.js";
import { InFlightCalls } from "./tools/in-flight.js";
import type { ToolSource } from "./tools/tool-source.js";

/** What the prompts, resources and completions share with the tools. */
export interface SurfaceDeps {
  /** The gRPC client the tools call through, made when first needed. */
  readonly client: () => Promise<XaiClient>;
  readonly logger: Logger;
  readonly inlineImageMaxBytes?: number | undefined;
  /** The requests in flight, which a shutdown answers (resource reads among them). */
  readonly calls?: InFlightCalls;
}

/**
 * Adds prompts, resources and completions to `server`, following `tools` (what is shown follows
 * the tools listed), and returns the tools to serve: the same, with successful calls that change
 * the account refreshing the completions and telling the client when its file list changed.
 */
export function registerSurface(server: Server, tools: ToolSource, deps: SurfaceDeps): ToolSource {
  const ctx: SurfaceContext = {
    client: deps.client,
    toolNames: async () => new Set((await tools.listing()).map((t) => t.name)),
    offers: async (tool, option) => {
      const listed = (await tools.listing()).find((t) => t.name === tool);
      return listed?.inputSchema.properties?.[option] !== undefined;
    },
    inlineImageMaxBytes: deps.inlineImageMaxBytes,
    logger: deps.logger,
    calls: deps.calls ?? new InFlightCalls(),
  };
  registerPrompts(server, ctx);
  registerResources(server, ctx);
  const completions = registerCompletions(server, ctx);
  return watchToolCalls(tools, FILE_CHANGING_TOOLS, {
    onAccountChanged: completions.invalidate,
    onFilesChanged: () => {
      server.sendResourceListChanged().catch((e: unknown) => {
        deps.logger.debug(`resource list change not sent: ${e instanceof Error ? e.message : String(e)}`);
      });
    },
  });
}
