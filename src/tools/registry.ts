import type { DescMethod, DescMethodUnary } from "@bufbuild/protobuf";
import type { CallToolResult, Tool } from "@modelcontextprotocol/sdk/types.js";
import type { z } from "zod";
import { inlineLocalImages } from "../media/image-inputs.js";
import { type JsonSchema, messageJsonSchema, oneofNote } from "../schema/json-schema.js";
import { planSharing, type SchemaSharing } from "../schema/schema-sharing.js";
import { expandShorthands } from "../schema/shorthand.js";
import { ZodSchemas } from "../schema/zod-schema.js";
import { annotationsFor } from "./annotations.js";
import { ArgumentError, describeIssues, parseRequest } from "./arguments.js";
import { unaryHandler } from "./handlers/unary.js";
import { rpcPath, toolName } from "./naming.js";
import { RPC_TABLE, type RpcChoice } from "./rpc-table.js";
import { docs, SERVICES } from "./services.js";
import type { ToolContext, ToolDefinition, ToolHandler } from "./tool.js";
import { argumentErrorResult, errorResult } from "./tool-error.js";

/** The `_meta` key that carries a tool's gRPC method path. */
export const RPC_META_KEY = "xai-grpc-mcp/rpc";

export interface RegistryOptions {
  /** List the Collections tools (they need a management key). */
  readonly management: boolean;
}

/** Every RPC as its tool, in listing order. Streaming RPCs without a handler are left out. */
export function buildTools(options: RegistryOptions): ToolDefinition[] {
  const zod = new ZodSchemas(docs);
  const listed: { name: string; method: DescMethod; choice: RpcChoice; handler: ToolHandler }[] = [];
  for (const { short, service } of SERVICES) {
    if (service.typeName.startsWith("collections.") && !options.management) continue;
    for (const method of service.methods) {
      const path = rpcPath(method);
      const choice = RPC_TABLE[path];
      if (!choice) throw new Error(`no entry for ${path} in the RPC table`);
      const handler = handlerFor(method, choice);
      if (!handler) continue;
      listed.push({ name: toolName(short, method), method, choice, handler });
    }
  }
  // Large messages are described once across the listing; other schemas point there.
  const sharing = planSharing(
    listed.map((l) => ({ name: l.name, message: l.method.input })),
    { docs },
  );
  return listed.map((l) =>
    defineTool(l.name, l.method, l.choice, l.handler, zod, sharing.get(l.name) ?? { external: new Map() }),
  );
}

function handlerFor(method: DescMethod, choice: RpcChoice): ToolHandler | undefined {
  if (choice.handler) return choice.handler(method);
  return method.methodKind === "unary" ? unaryHandler(method as DescMethodUnary) : undefined;
}

/** The tool description: the RPC's documentation, then the table's note and options note. */
function describe(method: DescMethod, choice: RpcChoice, sharing: SchemaSharing): string {
  const base = docs[`${method.parent.typeName}.${method.name}`] ?? `Calls ${rpcPath(method)}.`;
  const same =
    sharing.sameAs && `Arguments: the same as ${sharing.sameAs}'s (see its schema for each field).`;
  return [base, same, choice.note, choice.options?.note].filter(Boolean).join("\n");
}

function inputSchemaOf(method: DescMethod, choice: RpcChoice, sharing: SchemaSharing): Tool["inputSchema"] {
  // With `sameAs`, another tool documents these very fields: list them with their types only.
  const schema: JsonSchema = messageJsonSchema(method.input, {
    docs: sharing.sameAs ? {} : docs,
    external: sharing.external,
  });
  if (choice.options) {
    schema.properties = {
      ...(schema.properties as Record<string, JsonSchema>),
      ...choice.options.properties,
    };
  }
  // The message's own documentation repeats the tool description; keep only its oneof rules.
  const note = oneofNote(method.input);
  if (note) schema.description = note;
  else delete schema.description;
  return schema as Tool["inputSchema"];
}

function defineTool(
  name: string,
  method: DescMethod,
  choice: RpcChoice,
  handler: ToolHandler,
  zod: ZodSchemas,
  sharing: SchemaSharing,
): ToolDefinition {
  const optionKeys = new Set(Object.keys(choice.options?.properties ?? {}));
  const tool: Tool = {
    name,
    title: choice.title,
    description: describe(method, choice, sharing),
    inputSchema: inputSchemaOf(method, choice, sharing),
    annotations: { title: choice.title, ...annotationsFor(method.name), ...choice.annotations },
    _meta: { [RPC_META_KEY]: rpcPath(method) },
  };
  const call = async (
    args: Record<string, unknown> | undefined,
    ctx: ToolContext,
  ): Promise<CallToolResult> => {
    try {
      // Names an object spread or assignment would treat specially, refused like any unknown field.
      const reserved = Object.keys(args ?? {}).filter((k) => RESERVED_KEYS.has(k));
      if (reserved.length > 0)
        throw new ArgumentError(reserved.map((k) => `${k}: unknown field (not part of this request)`));
      const requestArgs: Record<string, unknown> = {};
      const optionArgs: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(args ?? {})) {
        (optionKeys.has(key) ? optionArgs : requestArgs)[key] = value;
      }
      checkOptions(optionArgs, choice);
      const expanded = expandShorthands(method.input, requestArgs) as Record<string, unknown>;
      const request = parseRequest(method.input, zod.message(method.input), expanded);
      // Local image inputs (paths, file:// URIs) become data URLs, read under the allowed roots.
      await inlineLocalImages(method.input, request, ctx.roots);
      return await handler(request, optionArgs, ctx);
    } catch (e) {
      if (e instanceof ArgumentError) return argumentErrorResult(name, e.problems);
      return errorResult(e, name);
    }
  };
  return { tool, method, call };
}

/** Keys no request has and that must never be assigned into an object as they are. */
const RESERVED_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

function checkOptions(args: Record<string, unknown>, choice: RpcChoice): void {
  const validators: Record<string, z.ZodType> = choice.options?.validators ?? {};
  const problems: string[] = [];
  for (const [key, value] of Object.entries(args)) {
    const v = validators[key];
    if (!v) continue;
    const r = v.safeParse(value);
    if (!r.success) problems.push(...describeIssues(r.error, [key]));
  }
  if (problems.length > 0) throw new ArgumentError(problems);
}
