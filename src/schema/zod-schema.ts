import { type DescEnum, type DescField, type DescMessage, ScalarType } from "@bufbuild/protobuf";
import { z } from "zod";
import type { Docs } from "./json-schema.js";
import { type JsonScalar, jsonScalar } from "./scalar-kind.js";
import { wellKnownJson } from "./well-known.js";

const INT64_TEXT = /^-?[0-9]+$/;
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;
const DURATION = /^-?[0-9]+(\.[0-9]{1,9})?s$/;

const int64 = () =>
  z.union([z.int(), z.string().regex(INT64_TEXT, "expected a 64-bit integer as a string of digits")]);

const INT32 = [-(2 ** 31), 2 ** 31 - 1] as const;
const UINT32 = [0, 2 ** 32 - 1] as const;
const INT64_RANGE = [-(2n ** 63n), 2n ** 63n - 1n] as const;
const UINT64_RANGE = [0n, 2n ** 64n - 1n] as const;

/** A 64-bit integer as number or digit string, within the type's range. */
function int64In([min, max]: readonly [bigint, bigint]): z.ZodType {
  return int64().refine(
    (v) => {
      const n = BigInt(v);
      return n >= min && n <= max;
    },
    { message: `must be between ${min} and ${max}` },
  );
}

/**
 * The longest identifier accepted (ids, model names, page tokens), in characters. xAI's ids are
 * short; a server quotes an unknown id in its error, and an absurd one (megabytes) would come back in
 * the HTTP/2 trailers, which no client accepts, wedging the connection every other call shares.
 */
export const MAX_IDENTIFIER_CHARS = 4096;

/** Fields that name something: an id, a model, a page. */
export function isIdentifierField(field: DescField): boolean {
  const name = field.name;
  return (
    name === "id" ||
    name.endsWith("_id") ||
    name.endsWith("_ids") ||
    name === "model" ||
    name === "model_name" ||
    name === "pagination_token" ||
    // GetModelRequest.name is a model's name, quoted back in NOT_FOUND like an unknown id.
    (name === "name" && field.parent.typeName === "xai_api.GetModelRequest")
  );
}

/** A UTF-16 surrogate without its pair: JSON can carry it, protobuf strings (UTF-8) cannot. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** A string protobuf can encode: refused here, with its path, rather than deep in the JSON mapping. */
const text = () =>
  z
    .string()
    .refine((s) => !LONE_SURROGATE.test(s), "not valid Unicode text (it holds a lone UTF-16 surrogate)");

const identifier = () =>
  text().max(MAX_IDENTIFIER_CHARS, `too long for an identifier (at most ${MAX_IDENTIFIER_CHARS} characters)`);

/** The schema of a scalar field, with the range of its protobuf type. */
function scalarField(t: ScalarType): z.ZodType {
  switch (t) {
    case ScalarType.INT32:
    case ScalarType.SINT32:
    case ScalarType.SFIXED32:
      return z.int().min(INT32[0]).max(INT32[1]);
    case ScalarType.UINT32:
    case ScalarType.FIXED32:
      return z.int().min(UINT32[0]).max(UINT32[1]);
    case ScalarType.INT64:
    case ScalarType.SINT64:
    case ScalarType.SFIXED64:
      return int64In(INT64_RANGE);
    case ScalarType.UINT64:
    case ScalarType.FIXED64:
      return int64In(UINT64_RANGE);
    default:
      return scalar(jsonScalar(t));
  }
}

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
      return text();
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
  readonly #required: ReadonlyMap<string, readonly string[]>;

  /**
   * @param docs field documentation, as `.describe()` text.
   * @param options.required fields that must be set, by message full name (see `REQUIRED_FIELDS`):
   *   refused when missing, `null`, an empty or blank string, or an empty list, wherever the message
   *   appears.
   */
  constructor(
    private readonly docs: Docs = {},
    options: { readonly required?: ReadonlyMap<string, readonly string[]> } = {},
  ) {
    this.#required = options.required ?? new Map();
  }

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
    const required = this.#required.get(message.typeName) ?? [];
    if (message.oneofs.length === 0 && required.length === 0) return object;
    return object.superRefine((value, ctx) => {
      for (const name of required) {
        const v = (value as Record<string, unknown>)[name];
        const empty =
          v == null || (typeof v === "string" && v.trim() === "") || (Array.isArray(v) && v.length === 0);
        if (empty)
          ctx.addIssue({
            code: "custom",
            path: [name],
            message: "required: xAI refuses the call without it",
          });
      }
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
        if (field.scalar === ScalarType.STRING && isIdentifierField(field)) return identifier();
        return scalarField(field.scalar);
      case "enum":
        return enumSchema(field.enum);
      case "message":
        return this.#ref(field.message);
      case "list":
        return boundedArray(
          field.listKind === "scalar"
            ? field.scalar === ScalarType.STRING && isIdentifierField(field)
              ? identifier()
              : scalarField(field.scalar)
            : field.listKind === "enum"
              ? enumSchema(field.enum)
              : this.#ref(field.message),
        );
      case "map":
        return z.record(
          z.string(),
          field.mapKind === "scalar"
            ? scalarField(field.scalar)
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

/** Items of a list checked before giving up on it: an error lists at most this many bad ones. */
export const MAX_BAD_ITEMS = 20;

/**
 * A list whose items are checked one by one, stopping after {@link MAX_BAD_ITEMS} bad ones: zod's
 * own array check reports every bad item, and 50,000 bad items make 50,000 issues (tens of MB) for
 * an error that shows twenty. Only for checking: requests are built from the arguments as sent.
 */
function boundedArray(item: z.ZodType): z.ZodType {
  return z.array(z.unknown()).superRefine((items, ctx) => {
    let bad = 0;
    for (let i = 0; i < items.length; i++) {
      const r = item.safeParse(items[i]);
      if (r.success) continue;
      for (const issue of r.error.issues) ctx.addIssue({ ...issue, path: [i, ...issue.path] } as never);
      bad += 1;
      if (bad >= MAX_BAD_ITEMS && i < items.length - 1) {
        ctx.addIssue({
          code: "custom",
          path: [i + 1],
          message: `not checked: the list has ${bad} bad items already (of ${items.length}); fix those first`,
        });
        return;
      }
    }
  });
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
