import type { DescEnum, DescField, DescMessage } from "@bufbuild/protobuf";
import { isUnsetEnumValue, type JsonScalar, jsonScalar } from "./scalar-kind.js";
import { wellKnownJson } from "./well-known.js";

/** A JSON Schema (2020-12) as a plain object. */
export type JsonSchema = { [key: string]: unknown };

/** Documentation lookup by full name (`xai_api.Message.role`), as generated into gen/docs.ts. */
export type Docs = Readonly<Record<string, string>>;

/** Options of {@link messageJsonSchema}. */
export interface JsonSchemaOptions {
  /** Field and message documentation, used as `description`. */
  readonly docs?: Docs;
  /**
   * Messages to reference instead of inlining, by full name, mapped to the URI to point at. Lets one
   * tool's schema point at another's definitions instead of repeating them.
   */
  readonly external?: ReadonlyMap<string, string>;
}

const SCALAR: Record<JsonScalar, JsonSchema> = {
  number: { type: "number" },
  integer: { type: "integer" },
  int64: { type: ["integer", "string"], pattern: "^-?[0-9]+$" },
  boolean: { type: "boolean" },
  string: { type: "string" },
  bytes: { type: "string", contentEncoding: "base64" },
};

/**
 * The JSON Schema of a message's protobuf JSON form, as an MCP tool's `inputSchema`.
 *
 * Proto field names; every field optional (proto3 has no required fields); unknown properties
 * refused; enums by name (without the zero value when it only means "unset"); 64-bit integers as
 * integer or string; bytes as base64; Timestamp as RFC 3339; maps as objects; oneof members as
 * ordinary properties, with "at most one" said in the description (the contract forbids a top-level
 * `anyOf`). Messages used more than once, or recursively, go to `$defs` once and are referenced.
 */
export function messageJsonSchema(root: DescMessage, options: JsonSchemaOptions = {}): JsonSchema {
  const docs = options.docs ?? {};
  const external = options.external ?? new Map<string, string>();
  const uses = countUses(root, external);
  const defs: Record<string, JsonSchema> = {};
  const defNames = new Map<string, string>();
  const inProgress = new Set<string>();

  const defName = (m: DescMessage): string => {
    let name = defNames.get(m.typeName);
    if (!name) {
      const short = m.name;
      name = [...defNames.values()].includes(short) ? m.typeName : short;
      defNames.set(m.typeName, name);
    }
    return name;
  };

  const messageRef = (m: DescMessage): JsonSchema => {
    const wkt = wellKnownSchema(m);
    if (wkt) return wkt;
    const ext = external.get(m.typeName);
    if (ext) return { $ref: ext };
    const shared = (uses.get(m.typeName) ?? 0) > 1 || inProgress.has(m.typeName) || m === root;
    if (!shared) return body(m);
    if (m === root) return { $ref: "#" };
    const name = defName(m);
    if (!(name in defs)) {
      defs[name] = {}; // reserve the slot first: recursion ends here
      defs[name] = body(m);
    }
    return { $ref: `#/$defs/${name}` };
  };

  const enumSchema = (e: DescEnum): JsonSchema => ({
    type: "string",
    enum: e.values.filter((v) => !isUnsetEnumValue(v.name, v.number)).map((v) => v.name),
  });

  const valueSchema = (field: DescField): JsonSchema => {
    switch (field.fieldKind) {
      case "scalar":
        return { ...SCALAR[jsonScalar(field.scalar)] };
      case "enum":
        return enumSchema(field.enum);
      case "message":
        return messageRef(field.message);
      case "list": {
        const items =
          field.listKind === "scalar"
            ? { ...SCALAR[jsonScalar(field.scalar)] }
            : field.listKind === "enum"
              ? enumSchema(field.enum)
              : messageRef(field.message);
        return { type: "array", items };
      }
      case "map": {
        const value =
          field.mapKind === "scalar"
            ? { ...SCALAR[jsonScalar(field.scalar)] }
            : field.mapKind === "enum"
              ? enumSchema(field.enum)
              : messageRef(field.message);
        return { type: "object", additionalProperties: value };
      }
    }
  };

  function body(m: DescMessage): JsonSchema {
    inProgress.add(m.typeName);
    const properties: Record<string, JsonSchema> = {};
    for (const field of m.fields) {
      const schema = valueSchema(field);
      const doc = docs[`${m.typeName}.${field.name}`];
      // An inlined message keeps its "at most one" notes beside the field's own documentation.
      const note =
        field.fieldKind === "message" && !("$ref" in schema) ? oneofNote(field.message) : undefined;
      properties[field.name] = doc ? { ...schema, description: note ? `${doc} ${note}` : doc } : schema;
    }
    inProgress.delete(m.typeName);
    const out: JsonSchema = { type: "object" };
    const description = describeMessage(m, docs);
    if (description) out.description = description;
    out.properties = properties;
    out.additionalProperties = false;
    return out;
  }

  const top = body(root);
  if (Object.keys(defs).length > 0) top.$defs = defs;
  return top;
}

/** A message's description: its documentation, then its oneof notes. */
function describeMessage(m: DescMessage, docs: Docs): string | undefined {
  return [docs[m.typeName], oneofNote(m)].filter(Boolean).join(" ") || undefined;
}

/** One sentence per oneof of a message: "Set at most one of: a, b." */
function oneofNote(m: DescMessage): string | undefined {
  return (
    m.oneofs.map((o) => `Set at most one of: ${o.fields.map((f) => f.name).join(", ")}.`).join(" ") ||
    undefined
  );
}

function wellKnownSchema(m: DescMessage): JsonSchema | undefined {
  const wkt = wellKnownJson(m.typeName);
  if (!wkt) return undefined;
  switch (wkt.kind) {
    case "timestamp":
      return { type: "string", format: "date-time" };
    case "duration":
      return { type: "string", pattern: "^-?[0-9]+(\\.[0-9]{1,9})?s$" };
    case "field-mask":
      return { type: "string" };
    case "empty":
      return { type: "object", additionalProperties: false };
    case "any":
      return { type: "object", properties: { "@type": { type: "string" } }, required: ["@type"] };
    case "struct":
      return { type: "object" };
    case "value":
      return {};
    case "list-value":
      return { type: "array" };
    case "wrapper":
      return { ...SCALAR[wkt.scalar] };
  }
}

/** How often each message type is referenced from `root`'s tree, counting each field once. */
function countUses(root: DescMessage, external: ReadonlyMap<string, string>): Map<string, number> {
  const uses = new Map<string, number>();
  const visit = (m: DescMessage) => {
    for (const field of m.fields) {
      const target =
        field.fieldKind === "message"
          ? field.message
          : field.fieldKind === "list" && field.listKind === "message"
            ? field.message
            : field.fieldKind === "map" && field.mapKind === "message"
              ? field.message
              : undefined;
      if (!target || wellKnownJson(target.typeName) || external.has(target.typeName)) continue;
      const n = (uses.get(target.typeName) ?? 0) + 1;
      uses.set(target.typeName, n);
      if (n === 1 && target !== root) visit(target);
    }
  };
  visit(root);
  return uses;
}
