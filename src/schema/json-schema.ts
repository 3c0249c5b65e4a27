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
   * Messages described in full elsewhere (by another tool), by full name, mapped to a sentence that
   * says where ("Same fields as `messages[]` of chat_get_completion."). A field of such a type is
   * advertised as a bare object with that sentence in its description instead of repeating the
   * schema; the validator still checks every field. An empty sentence leaves the object bare.
   */
  readonly external?: ReadonlyMap<string, string>;
  /** Fields that must be set, by message full name: each message's schema lists them in `required`. */
  readonly required?: ReadonlyMap<string, readonly string[]>;
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
 * Proto field names; every field optional (proto3 has no required fields) unless `options.required`
 * lists it; enums by name (without the zero value when it only means "unset"); 64-bit integers as
 * integer or string; bytes as base64; Timestamp as RFC 3339; maps as objects; oneof members as
 * ordinary properties, with "at most one" said in the description (the contract forbids a top-level
 * `anyOf`). Messages used more than once, or recursively, go to `$defs` once and are referenced.
 */
export function messageJsonSchema(root: DescMessage, options: JsonSchemaOptions = {}): JsonSchema {
  const docs = options.docs ?? {};
  const external = options.external ?? new Map<string, string>();
  const required = options.required ?? new Map<string, readonly string[]>();
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
    if (external.has(m.typeName)) return { type: "object" };
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
      const target = messageOf(field);
      const pointer = target ? external.get(target.typeName) : undefined;
      const doc = [docs[`${m.typeName}.${field.name}`], pointer].filter(Boolean).join(" ");
      if (!doc) {
        properties[field.name] = schema;
        continue;
      }
      // The field's documentation says what an inlined message is for, so the message's own is
      // left out (every byte is paid in every conversation); its "at most one" notes stay.
      const note = target ? oneofNote(target) : undefined;
      const items = field.fieldKind === "list" ? schema.items : schema.additionalProperties;
      if (field.fieldKind !== "message" && isInlined(items)) {
        if (note) items.description = note;
        else delete items.description;
      }
      const own = field.fieldKind === "message" && isInlined(schema) && note;
      properties[field.name] = { ...schema, description: own ? `${doc} ${note}` : doc };
    }
    inProgress.delete(m.typeName);
    const out: JsonSchema = { type: "object" };
    const description = describeMessage(m, docs);
    if (description) out.description = description;
    out.properties = properties;
    const must = required.get(m.typeName);
    if (must && must.length > 0) out.required = [...must];
    return out;
  }

  const top = body(root);
  // Unknown fields are refused at every depth by the validator, which names them; the advertised
  // schema does not say so, as `additionalProperties: false` costs 29 bytes per object in every
  // conversation (1.5 KB across the listing at the top level alone) and tells an agent little.
  if (Object.keys(defs).length > 0) top.$defs = defs;
  return top;
}

/** A message's description: its documentation, then its oneof notes. */
function describeMessage(m: DescMessage, docs: Docs): string | undefined {
  return [docs[m.typeName], oneofNote(m)].filter(Boolean).join(" ") || undefined;
}

/** One sentence per oneof of a message: "Set at most one of: a, b." (none for a lone member). */
export function oneofNote(m: DescMessage): string | undefined {
  return (
    m.oneofs
      .filter((o) => o.fields.length > 1)
      .map((o) => `Set at most one of: ${o.fields.map((f) => f.name).join(", ")}.`)
      .join(" ") || undefined
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

/** The message type of a message, list-of-message or map-to-message field. */
function messageOf(field: DescField): DescMessage | undefined {
  if (field.fieldKind === "message") return field.message;
  if (field.fieldKind === "list" && field.listKind === "message") return field.message;
  if (field.fieldKind === "map" && field.mapKind === "message") return field.message;
  return undefined;
}

/** True for a message schema written out in place (not a `$ref`, a stub or a well-known type). */
function isInlined(schema: unknown): schema is JsonSchema {
  return typeof schema === "object" && schema !== null && "properties" in schema;
}

/** How often each message type is referenced from `root`'s tree, counting each field once. */
function countUses(root: DescMessage, external: ReadonlyMap<string, string>): Map<string, number> {
  const uses = new Map<string, number>();
  const visit = (m: DescMessage) => {
    for (const field of m.fields) {
      const target = messageOf(field);
      if (!target || wellKnownJson(target.typeName) || external.has(target.typeName)) continue;
      const n = (uses.get(target.typeName) ?? 0) + 1;
      uses.set(target.typeName, n);
      if (n === 1 && target !== root) visit(target);
    }
  };
  visit(root);
  return uses;
}
