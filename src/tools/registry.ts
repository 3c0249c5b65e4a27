import type { DescMethod, DescMethodUnary } from "@bufbuild/protobuf";
import type { CallToolResult, Tool, ToolAnnotations } from "@modelcontextprotocol/sdk/types.js";
import { hostOfService } from "../grpc/routing.js";
import { inlineLocalImages } from "../media/image-inputs.js";
import { ArgumentError, parseRequest } from "../schema/arguments.js";
import { type JsonSchema, messageJsonSchema, oneofNote } from "../schema/json-schema.js";
import { planSharing, type SchemaSharing, withoutTools } from "../schema/schema-sharing.js";
import { expandShorthands } from "../schema/shorthand.js";
import { ZodSchemas } from "../schema/zod-schema.js";
import { annotationsFor } from "./annotations.js";
import { unaryTool } from "./handlers/unary.js";
import type { ListingOptions } from "./listing.js";
import { RPC_META_KEY, rpcPath, toolName } from "./naming.js";
import { readOnlyAnnotations, readOnlyForm, variantKey } from "./read-only.js";
import { type RequiredByMessage, requiredByMessage } from "./required-fields.js";
import { RPC_TABLE, type RpcChoice } from "./rpc-table.js";
import { ALL_TOOLS, selectTools } from "./selection.js";
import { docs, SERVICES } from "./services.js";
import type { ParseRequest, ToolBehaviour, ToolDefinition } from "./tool.js";
import { argumentErrorResult, errorResult } from "./tool-error.js";

/** Which tools to build: see {@link ListingOptions}. */
export type RegistryOptions = ListingOptions;

/** The required fields of every request message, from `REQUIRED_FIELDS`. */
export const REQUIRED: RequiredByMessage = requiredByMessage(SERVICES);

/** One RPC's tool before its schema is written: what selecting it needs. */
interface Draft {
  readonly tool: { readonly name: string; readonly annotations: ToolAnnotations };
  /** The annotations outside read-only mode. */
  readonly fullAnnotations: ToolAnnotations;
  readonly method: DescMethod;
  readonly choice: RpcChoice;
  readonly behaviour: ToolBehaviour;
  /** Arguments taken away in read-only mode. */
  readonly withheld: readonly string[];
}

function drafts(options: RegistryOptions): Draft[] {
  const readOnly = options.selection?.readOnly === true;
  const out: Draft[] = [];
  for (const { short, service } of SERVICES) {
    if (hostOfService(service.typeName) === "management" && !options.management) continue;
    for (const method of service.methods) {
      const path = rpcPath(method);
      const choice = RPC_TABLE[path];
      if (!choice) throw new Error(`no entry for ${path} in the RPC table`);
      const behaviour = behaviourOf(method, choice);
      if (!behaviour) continue;
      // The title is the tool's own `title`; annotations do not repeat it.
      const full: ToolAnnotations = { ...annotationsFor(method.name), ...choice.annotations };
      // MCP gives destructiveHint and idempotentHint meaning only for tools that write.
      if (full.readOnlyHint) {
        delete full.destructiveHint;
        delete full.idempotentHint;
      }
      // Read-only mode offers a tool that writes only through some arguments without them.
      const withheld = readOnly ? (choice.writes ?? []) : [];
      const annotations = withheld.length > 0 ? readOnlyAnnotations(full) : full;
      out.push({
        tool: { name: toolName(short, method), annotations },
        fullAnnotations: full,
        method,
        choice,
        behaviour,
        withheld,
      });
    }
  }
  return out;
}

/** The name of every tool there is (Collections included), in listing order. */
export function allToolNames(): string[] {
  return drafts({ management: true }).map((d) => d.tool.name);
}

/** The arguments of each tool that read-only mode takes away (for the generated listing). */
export function writeOptions(): Record<string, readonly string[]> {
  const out: Record<string, readonly string[]> = {};
  for (const d of drafts({ management: true }))
    if (d.choice.writes?.length) out[d.tool.name] = d.choice.writes;
  return out;
}

/**
 * The tools of a configuration, in listing order: every RPC as its tool (streaming RPCs without a
 * behaviour are left out), narrowed by the selection (see {@link selectTools}).
 */
export function buildTools(options: RegistryOptions): ToolDefinition[] {
  return buildWithSharing(options).tools;
}

/**
 * {@link buildTools}, with the tools each tool's schema points at. Large messages are described
 * once across the whole listing (every tool of every service, whatever the configuration) and
 * other schemas point there; in a selected tool whose schema points at tools left out of the
 * selection, what those tools own is written out in place instead. So the listing of any
 * configuration is a filter of the full one, with such tools swapped for their variant without
 * the missing tools: what the generated listing (`gen/tool-listing.ts`) is filtered with at run
 * time (the variants are generated too).
 */
export function buildWithSharing(options: RegistryOptions): {
  tools: ToolDefinition[];
  references: Map<string, readonly string[]>;
} {
  const zod = new ZodSchemas(docs, { required: REQUIRED });
  const plan = fullPlan();
  const listed = selectTools(drafts(options), options.selection ?? ALL_TOOLS);
  const names = new Set(listed.map((l) => l.tool.name));
  const parse = requestParser(zod);
  const references = new Map<string, readonly string[]>();
  const tools = listed.map((l) => {
    const shared = plan.get(l.tool.name) ?? NO_SHARING;
    references.set(l.tool.name, [...shared.refersTo]);
    const missing = new Set([...shared.refersTo].filter((r) => !names.has(r)));
    return defineToolEntry(l, parse, withoutTools(shared, missing));
  });
  return { tools, references };
}

const NO_SHARING: SchemaSharing = { external: new Map(), refersTo: new Set() };

/** The sharing plan of every tool of every service, in listing order. */
function fullPlan(): Map<string, SchemaSharing> {
  return planSharing(
    drafts({ management: true }).map((d) => ({ name: d.tool.name, message: d.method.input })),
    { docs },
  );
}

/**
 * Every variant a selection can need of the tools whose schemas point at others: for each such
 * tool and each non-empty set of the tools it points at that a selection leaves out, the tool
 * without them, keyed by {@link variantKey}.
 */
export function toolVariants(): Record<string, Tool> {
  const zod = new ZodSchemas(docs, { required: REQUIRED });
  const parse = requestParser(zod);
  const plan = fullPlan();
  const out: Record<string, Tool> = {};
  for (const d of drafts({ management: true })) {
    const shared = plan.get(d.tool.name) ?? NO_SHARING;
    const refs = [...shared.refersTo].sort();
    for (let mask = 1; mask < 1 << refs.length; mask++) {
      const missing = refs.filter((_, i) => mask & (1 << i));
      out[variantKey(d.tool.name, missing)] = defineToolEntry(
        d,
        parse,
        withoutTools(shared, new Set(missing)),
      ).tool;
    }
  }
  return out;
}

function behaviourOf(method: DescMethod, choice: RpcChoice): ToolBehaviour | undefined {
  if (choice.behaviour) {
    // The behaviour is typed by the generated method it names: it must be this very RPC.
    if (choice.behaviour.method !== method) {
      throw new Error(
        `the RPC table's behaviour for ${rpcPath(method)} is written for ${rpcPath(choice.behaviour.method)}`,
      );
    }
    return choice.behaviour;
  }
  return isUnary(method) ? unaryTool(method) : undefined;
}

function isUnary(method: DescMethod): method is DescMethodUnary {
  return method.methodKind === "unary";
}

/**
 * Builds a request message from arguments: shorthands expanded, checked against the message's zod
 * schema (required fields included), built through the protobuf JSON mapping, then local image
 * inputs (paths, file:// URIs) read under the allowed roots as data URLs.
 */
function requestParser(zod: ZodSchemas): ParseRequest {
  return async (schema, args, ctx) => {
    const expanded = expandShorthands(schema, args) as Record<string, unknown>;
    const request = parseRequest(schema, zod.message(schema), expanded);
    await inlineLocalImages(schema, request, ctx.roots);
    return request;
  };
}

/** The tool description: the RPC's documentation, then the table's note and options note. */
function describe(draft: Draft, sharing: SchemaSharing): string {
  const { method, choice } = draft;
  const base = docs[`${method.parent.typeName}.${method.name}`] ?? `Calls ${rpcPath(method)}.`;
  const same = sharing.sameAs && `Arguments: as for ${sharing.sameAs}.`;
  return [base, same, choice.note, draft.behaviour.optionsNote].filter(Boolean).join("\n");
}

function inputSchemaOf(draft: Draft, sharing: SchemaSharing): Tool["inputSchema"] {
  const { method, behaviour } = draft;
  // With `sameAs`, another tool documents these very fields: list them with their types only.
  const schema: JsonSchema = messageJsonSchema(method.input, {
    docs: sharing.sameAs ? {} : docs,
    external: sharing.external,
    required: REQUIRED,
  });
  if (Object.keys(behaviour.optionProperties).length > 0) {
    schema.properties = {
      ...(schema.properties as Record<string, JsonSchema>),
      ...behaviour.optionProperties,
    };
  }
  // The message's own documentation repeats the tool description; keep only its oneof rules.
  const note = oneofNote(method.input);
  if (note) schema.description = note;
  else delete schema.description;
  return schema as Tool["inputSchema"];
}

function defineToolEntry(draft: Draft, parse: ParseRequest, sharing: SchemaSharing): ToolDefinition {
  const { method, behaviour, withheld } = draft;
  const name = draft.tool.name;
  const optionKeys = new Set(Object.keys(behaviour.optionProperties));
  const full: Tool = {
    name,
    title: draft.choice.title,
    description: describe(draft, sharing),
    inputSchema: inputSchemaOf(draft, sharing),
    annotations: draft.fullAnnotations,
    _meta: { [RPC_META_KEY]: rpcPath(method) },
  };
  // The same function turns the generated listing's tools into their read-only form.
  const tool = withheld.length > 0 ? readOnlyForm(full, withheld) : full;
  const call = async (
    args: Record<string, unknown> | undefined,
    ctx: Parameters<ToolDefinition["call"]>[1],
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
      return await behaviour.call(requestArgs, optionArgs, ctx, parse);
    } catch (e) {
      if (e instanceof ArgumentError) return argumentErrorResult(name, e.problems);
      return errorResult(e, name);
    }
  };
  return { tool, method, call };
}

/** Keys no request has and that must never be assigned into an object as they are. */
const RESERVED_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);
