import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import {
  ErrorCode,
  ListResourcesRequestSchema,
  type ListResourcesResult,
  ListResourceTemplatesRequestSchema,
  ReadResourceRequestSchema,
  type ReadResourceResult,
  type Resource,
} from "@modelcontextprotocol/sdk/types.js";
import { JsonRpcError } from "../json-rpc-error.js";
import type { SurfaceContext } from "../surface-context.js";
import type { ReadContext } from "./resource-contents.js";
import { MODELS_URI, parseResourceUri, RESOURCE_NOT_FOUND, resourceVisibility } from "./resource-uris.js";

const MODELS_RESOURCE: Resource = {
  uri: MODELS_URI,
  name: "models",
  title: "xAI models",
  description:
    "The model catalog (language, image, video, embedding) as JSON, with a short markdown summary.",
  mimeType: "application/json",
};

/** A read's failure as the JSON-RPC error to answer with (see `read-error.ts`). */
async function failure(
  e: unknown,
  what: { target: string; noun?: string; id?: string },
): Promise<JsonRpcError> {
  const { readError } = await import("./read-error.js");
  return readError(e, what);
}

/**
 * Serves `resources/list`, `resources/templates/list` and `resources/read` (declaring the
 * capability, with `listChanged`): the model catalog, the account's files, and the templates the
 * tool selection allows. Reads go through the tools' client; the code behind them loads at the
 * first request, not at start. Like every answer, theirs are redacted on the way out (see
 * `createMcpServer`).
 */
export function registerResources(server: Server, ctx: SurfaceContext): void {
  server.registerCapabilities({ resources: { listChanged: true } });
  const readContext = async (signal: AbortSignal): Promise<ReadContext> => ({
    client: await ctx.client(),
    signal,
    inlineImageMaxBytes: ctx.inlineImageMaxBytes,
    toolNames: await ctx.toolNames(),
    offers: ctx.offers,
  });

  server.setRequestHandler(
    ListResourcesRequestSchema,
    async (request, extra): Promise<ListResourcesResult> => {
      const visible = resourceVisibility(await ctx.toolNames());
      const cursor = request.params?.cursor;
      const resources: Resource[] = cursor === undefined && visible.models ? [MODELS_RESOURCE] : [];
      if (!visible.files) {
        if (cursor !== undefined)
          throw new JsonRpcError(ErrorCode.InvalidParams, `unknown cursor "${cursor}"`);
        return { resources };
      }
      try {
        const { listFileResources } = await import("./file-list.js");
        const page = await listFileResources(await readContext(extra.signal), cursor);
        const next = page.nextCursor !== undefined ? { nextCursor: page.nextCursor } : {};
        return { resources: [...resources, ...page.resources], ...next };
      } catch (e) {
        throw await failure(e, { target: "resources/list" });
      }
    },
  );

  server.setRequestHandler(ListResourceTemplatesRequestSchema, async () => ({
    resourceTemplates: resourceVisibility(await ctx.toolNames()).templates.map((t) => ({
      uriTemplate: t.uriTemplate,
      name: t.name,
      title: t.title,
      description: t.description,
      ...(t.mimeType ? { mimeType: t.mimeType } : {}),
    })),
  }));

  server.setRequestHandler(ReadResourceRequestSchema, async (request, extra): Promise<ReadResourceResult> => {
    const { uri } = request.params;
    const visible = resourceVisibility(await ctx.toolNames());
    const parsed = parseResourceUri(uri);
    const known = parsed ? visible.templates.includes(parsed.template) : uri === MODELS_URI && visible.models;
    if (!known) {
      throw new JsonRpcError(
        RESOURCE_NOT_FOUND,
        `Resource not found: ${uri} is not a resource of this server; resources/list and resources/templates/list show them`,
        { uri },
      );
    }
    try {
      const { readResource } = await import("./resource-reader.js");
      return await ctx.calls.run(
        extra.signal,
        async (signal) => readResource(await readContext(signal), uri, parsed),
        (why) => {
          throw new JsonRpcError(
            ErrorCode.InternalError,
            `The server is stopping (${why}): the read of ${uri} was cancelled before it finished.`,
            { uri },
          );
        },
      );
    } catch (e) {
      throw await failure(e, {
        target: uri,
        ...(parsed ? { noun: parsed.template.noun, id: parsed.id } : {}),
      });
    }
  });
}
