import type { DescEnum, DescField, DescMessage } from "@bufbuild/protobuf";
import { z } from "zod";
import type { Docs } from "./json-schema.js";
import { type JsonScalar, jsonScalar } from "./scalar-kind.js";
import { wellKnownJson } from "./well-known.js";

const INT64 = /^-?[0-9]+$/;
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;
const DURATION = /^-?[0-9]+(\.[0-9]{1,9})?s$/;

const int64 = () =>
  z.union([z.int(), z.string().regex(INT64, "expected a 64-bit integer as a string of digits")]);

function scalar(kind: JsonScalar): z.ZodType {
  switch (kind) {
    case "number":
      return z.number();
    case "integer":
      return z.int();
    case "int64":
      return int64();
    case "boolean":
      return z.boolean();
    case "string":
      return z.string();
    case "bytes":
      return z.string().regex(BASE64, "expected base64");
  }
}

/**
 * The zod schema of a message's protobuf JSON form: what the tool of an RPC accepts as arguments.
 *
 * It agrees with {@link messageJsonSchema} (a test holds them together) and is a little more
 * forgiving where the JSON mapping is: every enum value name is accepted, including the zero one.
 * Unknown properties are refused with their name; a oneof with two members set is refused naming
 * both. Field documentation becomes `.describe()` text.
 */
export class ZodSchemas {
  readonly #cache = new Map<string, z.ZodType>();
  constructor(private readonly docs: Docs = {}) {}

  /** The schema of `message`, built once and shared by every tool that uses it. */
  message(message: DescMessage): z.ZodType {
    let schema = this.#cache.get(message.typeName);
    if (!schema) {
      schema = this.#build(message);
      this.#cache.set(message.typeName, schema);
    }
    return schema;
  }

  #build(message: DescMessage): z.ZodType {
    const wkt = wellKnownSchema(message);
    if (wkt) return wkt;
    const shape: Record<string, z.ZodType> = {};
    for (const field of message.fields) {
      let s = this.#field(field);
      const doc = this.docs[`${message.typeName}.${field.name}`];
      if (doc) s = s.describe(doc);
      shape[field.name] = s.optional();
    }
    const object = z.strictObject(shape);
    if (message.oneofs.length === 0) return object;
    return object.superRefine((value, ctx) => {
      for (const oneof of message.oneofs) {
        const set = oneof.fields
          .map((f) => f.name)
          .filter((n) => (value as Record<string, unknown>)[n] != null);
        if (set.length > 1) {
          ctx.addIssue({
            code: "custom",
            path: [set[1] as string],
            message: `only one of ${oneof.fields.map((f) => f.name).join(", ")} may be set, got ${set.join(" and ")}`,
          });
        }
      }
    });
  }

  #field(field: DescField): z.ZodType {
    switch (field.fieldKind) {
      case "scalar":
        return scalar(jsonScalar(field.scalar));
      case "enum":
        return enumSchema(field.enum);
      case "message":
        return this.#ref(field.message);
      case "list":
        return z.array(
          field.listKind === "scalar"
            ? scalar(jsonScalar(field.scalar))
            : field.listKind === "enum"
              ? enumSchema(field.enum)
              : this.#ref(field.message),
        );
      case "map":
        return z.record(
          z.string(),
          field.mapKind === "scalar"
            ? scalar(jsonScalar(field.scalar))
            : field.mapKind === "enum"
              ? enumSchema(field.enum)
              : this.#ref(field.message),
        );
    }
  }

  /** A lazy reference, so recursive messages terminate and each message is built once. */
  #ref(message: DescMessage): z.ZodType {
    return wellKnownSchema(message) ?? z.lazy(() => this.message(message));
  }
}

function enumSchema(e: DescEnum): z.ZodType {
  return z.enum(e.values.map((v) => v.name) as [string, ...string[]]);
}

function wellKnownSchema(m: DescMessage): z.ZodType | undefined {
  const wkt = wellKnownJson(m.typeName);
  if (!wkt) return undefined;
  switch (wkt.kind) {
    case "timestamp":
      return z.iso.datetime({
        offset: true,
        message: "expected an RFC 3339 timestamp like 2025-01-31T12:00:00Z",
      });
    case "duration":
      return z.string().regex(DURATION, 'expected a duration like "1.5s"');
    case "field-mask":
      return z.string();
    case "empty":
      return z.strictObject({});
    case "any":
      return z.looseObject({ "@type": z.string() });
    case "struct":
      return z.record(z.string(), z.unknown());
    case "value":
      return z.unknown();
    case "list-value":
      return z.array(z.unknown());
    case "wrapper":
      return scalar(wkt.scalar);
  }
}
