import type { DescMethod, DescMethodUnary } from "@bufbuild/protobuf";
import type { CallToolResult, Tool } from "@modelcontextprotocol/sdk/types.js";
import { hostOfService } from "../grpc/routing.js";
import { inlineLocalImages } from "../media/image-inputs.js";
import { ArgumentError, parseRequest } from "../schema/arguments.js";
import { type JsonSchema, messageJsonSchema, oneofNote } from "../schema/json-schema.js";
import { planSharing, type SchemaSharing } from "../schema/schema-sharing.js";
import { expandShorthands } from "../schema/shorthand.js";
import { ZodSchemas } from "../schema/zod-schema.js";
import { annotationsFor } from "./annotations.js";
import { unaryTool } from "./handlers/unary.js";
import type { ListingOptions } from "./listing.js";
import { RPC_META_KEY, rpcPath, toolName } from "./naming.js";
import { RPC_TABLE, type RpcChoice } from "./rpc-table.js";
import { docs, SERVICES } from "./services.js";
import type { ParseRequest, ToolBehaviour, ToolDefinition } from "./tool.js";
import { argumentErrorResult, errorResult } from "./tool-error.js";

/** Which tools to build: see {@link ListingOptions}. */
export type RegistryOptions = ListingOptions;

/** Every RPC as its tool, in listing order. Streaming RPCs without a behaviour are left out. */
export function buildTools(options: RegistryOptions): ToolDefinition[] {
  const zod = new ZodSchemas(docs);
  const listed: { name: string; method: DescMethod; choice: RpcChoice; behaviour: ToolBehaviour }[] = [];
  for (const { short, service } of SERVICES) {
    if (hostOfService(service.typeName) === "management" && !options.management) continue;
    for (const method of service.methods) {
      const path = rpcPath(method);
      const choice = RPC_TABLE[path];
      if (!choice) throw new Error(`no entry for ${path} in the RPC table`);
      const behaviour = behaviourOf(method, choice);
      if (!behaviour) continue;
      listed.push({ name: toolName(short, method), method, choice, behaviour });
    }
  }
  // Large messages are described once across the listing; other schemas point there.
  const sharing = planSharing(
    listed.map((l) => ({ name: l.name, message: l.method.input })),
    { docs },
  );
  const parse = requestParser(zod);
  return listed.map((l) =>
    defineToolEntry(
      l.name,
      l.method,
      l.choice,
      l.behaviour,
      parse,
      sharing.get(l.name) ?? { external: new Map() },
    ),
  );
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
 * schema, built through the protobuf JSON mapping, then local image inputs (paths, file:// URIs)
 * read under the allowed roots as data URLs.
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
function describe(method: DescMethod, choice: RpcChoice, sharing: SchemaSharing): string {
  const base = docs[`${method.parent.typeName}.${method.name}`] ?? `Calls ${rpcPath(method)}.`;
  const same =
    sharing.sameAs && `Arguments: the same as ${sharing.sameAs}'s (see its schema for each field).`;
  return [base, same, choice.note, choice.behaviour?.optionsNote].filter(Boolean).join("\n");
}

function inputSchemaOf(
  method: DescMethod,
  behaviour: ToolBehaviour,
  sharing: SchemaSharing,
): Tool["inputSchema"] {
  // With `sameAs`, another tool documents these very fields: list them with their types only.
  const schema: JsonSchema = messageJsonSchema(method.input, {
    docs: sharing.sameAs ? {} : docs,
    external: sharing.external,
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

function defineToolEntry(
  name: string,
  method: DescMethod,
  choice: RpcChoice,
  behaviour: ToolBehaviour,
  parse: ParseRequest,
  sharing: SchemaSharing,
): ToolDefinition {
  const optionKeys = new Set(Object.keys(behaviour.optionProperties));
  const tool: Tool = {
    name,
    title: choice.title,
    description: describe(method, choice, sharing),
    inputSchema: inputSchemaOf(method, behaviour, sharing),
    annotations: { title: choice.title, ...annotationsFor(method.name), ...choice.annotations },
    _meta: { [RPC_META_KEY]: rpcPath(method) },
  };
  const call = async (
    args: Record<string, unknown> | undefined,
    ctx: Parameters<ToolDefinition["call"]>[1],
  ): Promise<CallToolResult> => {
    try {
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
