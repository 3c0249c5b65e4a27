import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import {
  ErrorCode,
  GetPromptRequestSchema,
  type GetPromptResult,
  ListPromptsRequestSchema,
  type Prompt,
} from "@modelcontextprotocol/sdk/types.js";
import { JsonRpcError } from "../json-rpc-error.js";
import type { SurfaceContext } from "../surface-context.js";
import { visiblePrompt, visiblePrompts } from "./prompt-catalog.js";
import { PromptArgumentError, type PromptSpec } from "./prompt-spec.js";

function listed(p: PromptSpec): Prompt {
  return {
    name: p.name,
    title: p.title,
    description: p.description,
    arguments: p.arguments.map((a) => ({
      name: a.name,
      description: a.description,
      required: a.required === true,
    })),
  };
}

/** The arguments checked against the prompt's: none unknown, every required one present and not blank. */
function checkArguments(p: PromptSpec, args: Readonly<Record<string, string>>): void {
  const known = new Set(p.arguments.map((a) => a.name));
  const unknown = Object.keys(args).filter((k) => !known.has(k));
  if (unknown.length > 0) {
    throw new JsonRpcError(
      ErrorCode.InvalidParams,
      `prompt ${p.name} has no argument ${unknown.join(", ")}; its arguments: ${[...known].join(", ")}`,
    );
  }
  const missing = p.arguments.filter((a) => a.required && !args[a.name]?.trim()).map((a) => a.name);
  if (missing.length > 0) {
    throw new JsonRpcError(
      ErrorCode.InvalidParams,
      `prompt ${p.name} needs the argument${missing.length > 1 ? "s" : ""} ${missing.join(", ")}`,
    );
  }
}

/**
 * Serves `prompts/list` and `prompts/get` (declaring the capability): the prompts whose tool the
 * server lists, with their arguments checked before any message is built.
 */
export function registerPrompts(server: Server, ctx: SurfaceContext): void {
  server.registerCapabilities({ prompts: {} });
  server.setRequestHandler(ListPromptsRequestSchema, async () => ({
    prompts: visiblePrompts(await ctx.toolNames()).map(listed),
  }));
  server.setRequestHandler(GetPromptRequestSchema, async (request): Promise<GetPromptResult> => {
    const { name, arguments: args = {} } = request.params;
    const prompt = visiblePrompt(await ctx.toolNames(), name);
    if (!prompt) {
      throw new JsonRpcError(
        ErrorCode.InvalidParams,
        `unknown prompt "${name}"; prompts/list names the prompts`,
      );
    }
    checkArguments(prompt, args);
    // The enum forms come from the generated descriptors, which a start does not load.
    const { PROMPT_ENUMS } = await import("./prompt-enums.js");
    try {
      return prompt.messages(args, PROMPT_ENUMS);
    } catch (e) {
      if (e instanceof PromptArgumentError) {
        throw new JsonRpcError(ErrorCode.InvalidParams, `prompt ${name}: ${e.message}`);
      }
      throw e;
    }
  });
}
