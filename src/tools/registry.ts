import type { DescMethod, DescMethodUnary } from "@bufbuild/protobuf";
import type { CallToolResult, Tool, ToolAnnotations } from "@modelcontextprotocol/sdk/types.js";
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
import { type RequiredByMessage, requiredByMessage } from "./required-fields.js";
import { RPC_TABLE, type RpcChoice } from "./rpc-table.js";
import { ALL_TOOLS, selectTools, type ToolSelection } from "./selection.js";
import { docs, SERVICES } from "./services.js";
import type { ToolContext, ToolDefinition, ToolHandler } from "./tool.js";
import { argumentErrorResult, errorResult } from "./tool-error.js";

/** The `_meta` key that carries a tool's gRPC method path. */
export const RPC_META_KEY = "xai-grpc-mcp/rpc";

export interface RegistryOptions {
  /** List the Collections tools (they need a management key). */
  readonly management: boolean;
  /** Which tools to offer (`--toolsets`, `--tools`, `--exclude-tools`, `--read-only`); default all. */
  readonly selection?: ToolSelection;
}

/** The required fields of every request message, from `REQUIRED_FIELDS`. */
export const REQUIRED: RequiredByMessage = requiredByMessage(SERVICES);

/** One RPC's tool before its schema is written: what selecting it needs. */
interface Draft {
  readonly tool: { readonly name: string; readonly annotations: ToolAnnotations };
  readonly method: DescMethod;
  readonly choice: RpcChoice;
  readonly handler: ToolHandler;
  /** Arguments taken away in read-only mode. */
  readonly withheld: readonly string[];
}

function drafts(options: RegistryOptions): Draft[] {
  const readOnly = options.selection?.readOnly === true;
  const out: Draft[] = [];
  for (const { short, service } of SERVICES) {
    if (service.typeName.startsWith("collections.") && !options.management) continue;
    for (const method of service.methods) {
      const path = rpcPath(method);
      const choice = RPC_TABLE[path];
      if (!choice) throw new Error(`no entry for ${path} in the RPC table`);
      const handler = handlerFor(method, choice);
      if (!handler) continue;
      // The title is the tool's own `title`; annotations do not repeat it.
      const full = { ...annotationsFor(method.name), ...choice.annotations };
      // Read-only mode offers a tool that writes only through some arguments without them.
      const withheld = readOnly ? (choice.writes ?? []) : [];
      const annotations: ToolAnnotations =
        withheld.length > 0 ? { ...full, readOnlyHint: true } : { ...full };
      // MCP gives destructiveHint and idempotentHint meaning only for tools that write.
      if (annotations.readOnlyHint) {
        delete annotations.destructiveHint;
        delete annotations.idempotentHint;
      }
      out.push({ tool: { name: toolName(short, method), annotations }, method, choice, handler, withheld });
    }
  }
  return out;
}

/** The name of every tool there is (Collections included), in listing order. */
export function allToolNames(): string[] {
  return drafts({ management: true }).map((d) => d.tool.name);
}

/**
 * The tools of a configuration, in listing order: every RPC as its tool (streaming RPCs without a
 * handler are left out), narrowed by the selection (see {@link selectTools}).
 */
export function buildTools(options: RegistryOptions): ToolDefinition[] {
  const zod = new ZodSchemas(docs, { required: REQUIRED });
  const listed = selectTools(drafts(options), options.selection ?? ALL_TOOLS);
  // Large messages are described once across the listing; other schemas point there.
  const sharing = planSharing(
    listed.map((l) => ({ name: l.tool.name, message: l.method.input })),
    { docs },
  );
  return listed.map((l) => defineTool(l, zod, sharing.get(l.tool.name) ?? { external: new Map() }));
}

function handlerFor(method: DescMethod, choice: RpcChoice): ToolHandler | undefined {
  if (choice.handler) return choice.handler(method);
  return method.methodKind === "unary" ? unaryHandler(method as DescMethodUnary) : undefined;
}

/** The tool description: the RPC's documentation, then the table's note and options note. */
function describe(draft: Draft, sharing: SchemaSharing): string {
  const { method, choice, withheld } = draft;
  const base = docs[`${method.parent.typeName}.${method.name}`] ?? `Calls ${rpcPath(method)}.`;
  const same = sharing.sameAs && `Arguments: as for ${sharing.sameAs}.`;
  const readOnly = withheld.length > 0 && `Read-only mode: ${withheld.join(", ")} not available.`;
  return [base, same, choice.note, choice.options?.note, readOnly].filter(Boolean).join("\n");
}

function inputSchemaOf(draft: Draft, sharing: SchemaSharing): Tool["inputSchema"] {
  const { method, choice, withheld } = draft;
  // With `sameAs`, another tool documents these very fields: list them with their types only.
  const schema: JsonSchema = messageJsonSchema(method.input, {
    docs: sharing.sameAs ? {} : docs,
    external: sharing.external,
    required: REQUIRED,
  });
  if (choice.options) {
    schema.properties = {
      ...(schema.properties as Record<string, JsonSchema>),
      ...choice.options.properties,
    };
  }
  const properties = schema.properties as Record<string, JsonSchema>;
  for (const name of withheld) delete properties[name];
  // The message's own documentation repeats the tool description; keep only its oneof rules.
  const note = oneofNote(method.input);
  if (note) schema.description = note;
  else delete schema.description;
  return schema as Tool["inputSchema"];
}

function defineTool(draft: Draft, zod: ZodSchemas, sharing: SchemaSharing): ToolDefinition {
  const { method, choice, handler, withheld } = draft;
  const name = draft.tool.name;
  const optionKeys = new Set(Object.keys(choice.options?.properties ?? {}));
  const tool: Tool = {
    name,
    title: choice.title,
    description: describe(draft, sharing),
    inputSchema: inputSchemaOf(draft, sharing),
    annotations: draft.tool.annotations,
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
      const refused = withheld.filter((w) => args?.[w] !== undefined && args[w] !== null);
      if (refused.length > 0) {
        throw new ArgumentError(
          refused.map((w) => `${w}: not available, the server runs read-only (--read-only); leave it out`),
        );
      }
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
