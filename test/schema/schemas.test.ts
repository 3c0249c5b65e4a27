/**
 * Descriptor → schema derivation: the advertised JSON Schema and the zod validator agree with each
 * other and with the protobuf JSON mapping, for every request message of the API.
 */
import { type DescMessage, fromJson, type JsonValue } from "@bufbuild/protobuf";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { docs } from "../../gen/docs.js";
import { GetCompletionsRequestSchema, ToolSchema } from "../../gen/xai/api/v1/chat_pb.js";
import { UpdateDocumentRequestSchema } from "../../gen/xai/api/v1/collections_pb.js";
import { EmbedRequestSchema } from "../../gen/xai/api/v1/embed_pb.js";
import { CreatePublicUrlRequestSchema } from "../../gen/xai/api/v1/files_pb.js";
import { type JsonSchema, messageJsonSchema } from "../../src/schema/json-schema.js";
import { expandShorthands } from "../../src/schema/shorthand.js";
import { ZodSchemas } from "../../src/schema/zod-schema.js";
import { SERVICES } from "../../src/tools/services.js";

const zod = new ZodSchemas(docs);
const ajv = new Ajv2020({ strict: false, allErrors: true });

/** A value that fills every property of a schema with a valid example, to a limited depth. */
function example(schema: JsonSchema, root: JsonSchema, depth = 0): unknown {
  if (typeof schema.$ref === "string") {
    const target =
      schema.$ref === "#" ? root : (root.$defs as Record<string, JsonSchema>)[schema.$ref.slice(8)];
    return example(target as JsonSchema, root, depth);
  }
  if (Array.isArray(schema.enum)) return schema.enum[schema.enum.length - 1];
  const type = Array.isArray(schema.type) ? schema.type[1] : schema.type;
  switch (type) {
    case "object": {
      if (schema.additionalProperties && typeof schema.additionalProperties === "object") {
        return { key: example(schema.additionalProperties as JsonSchema, root, depth + 1) };
      }
      const out: Record<string, unknown> = {};
      if (depth > 4) return out;
      const seenOneof = new Set<string>();
      const oneofs = String(schema.description ?? "").match(/Set at most one of: ([^.]+)\./g) ?? [];
      const members = oneofs.map((s) => s.replace(/^Set at most one of: |\.$/g, "").split(", "));
      for (const [name, prop] of Object.entries((schema.properties ?? {}) as Record<string, JsonSchema>)) {
        const group = members.find((m) => m.includes(name));
        if (group) {
          const key = group.join();
          if (seenOneof.has(key)) continue;
          seenOneof.add(key);
        }
        out[name] = example(prop, root, depth + 1);
      }
      return out;
    }
    case "array":
      return depth > 4 ? [] : [example(schema.items as JsonSchema, root, depth + 1)];
    case "string":
      if (schema.format === "date-time") return "2025-03-01T12:30:00Z";
      if (schema.contentEncoding === "base64") return "aGVsbG8=";
      if (schema.pattern === "^-?[0-9]+$") return "1234567890123";
      if (schema.pattern) return "1.5s";
      return "text";
    case "integer":
      return 7;
    case "number":
      return 0.5;
    case "boolean":
      return true;
    default:
      return {};
  }
}

const requests: DescMessage[] = [];
for (const { service } of SERVICES)
  for (const m of service.methods) if (!requests.includes(m.input)) requests.push(m.input);

describe("schema_agreement: every request message", () => {
  for (const message of requests) {
    it(message.typeName, () => {
      const schema = messageJsonSchema(message, { docs });
      expect(schema.type).toBe("object");
      for (const key of ["anyOf", "oneOf", "allOf"]) expect(schema).not.toHaveProperty(key);
      const value = example(schema, schema) as Record<string, unknown>;
      const validate = ajv.compile(schema);
      expect(validate(value), JSON.stringify(validate.errors)).toBe(true);
      expect(zod.message(message).safeParse(value).success).toBe(true);
      expect(() => fromJson(message, value as JsonValue)).not.toThrow();
      // Unknown fields: the validator refuses them by name (the advertised schema leaves
      // `additionalProperties: false` out to save bytes in every conversation).
      const unknown = { ...value, not_a_field: 1 };
      expect(zod.message(message).safeParse(unknown).success).toBe(false);
    });
  }
});

describe("json_schema shapes", () => {
  const chat = messageJsonSchema(GetCompletionsRequestSchema, { docs });
  const props = chat.properties as Record<string, JsonSchema>;
  const defs = chat.$defs as Record<string, JsonSchema>;

  it("documents fields from the proto comments", () => {
    expect(props.max_tokens?.description).toBe(docs["xai_api.GetCompletionsRequest.max_tokens"]);
    expect(typeof props.max_tokens?.description).toBe("string");
  });

  it("enums by name without the unset zero value", () => {
    const effort = props.reasoning_effort as JsonSchema;
    expect(effort.type).toBe("string");
    expect(effort.enum).toContain("EFFORT_HIGH");
    expect(effort.enum).not.toContain("INVALID_EFFORT");
  });

  it("shares messages used more than once through $defs", () => {
    // Tool appears in the request once, but Message is used by messages only; ImageUrlContent and
    // the retrieval modes appear in several places.
    expect(Object.keys(defs).length).toBeGreaterThan(0);
    for (const def of Object.values(defs)) expect(def.type).toBe("object");
  });

  it("says oneof members are exclusive in the message description", () => {
    const tool = messageJsonSchema(ToolSchema, { docs });
    expect(tool.description).toContain("Set at most one of: function, web_search, x_search");
  });

  it("writes bytes as base64, maps as objects, int64 as integer or string", () => {
    const upd = messageJsonSchema(UpdateDocumentRequestSchema, { docs });
    const p = upd.properties as Record<string, JsonSchema>;
    expect(p.data).toMatchObject({ type: "string", contentEncoding: "base64" });
    expect(p.fields).toMatchObject({ type: "object", additionalProperties: { type: "string" } });
  });
});

describe("zod validation messages", () => {
  const v = zod.message(GetCompletionsRequestSchema);

  it("names an unknown nested field with its path", () => {
    const r = v.safeParse({ messages: [{ role: "ROLE_USER", content: [{ text: "hi", colour: 1 }] }] });
    expect(r.success).toBe(false);
    const issue = r.error?.issues[0];
    expect(issue?.path).toEqual(["messages", 0, "content", 0]);
    expect(issue?.code).toBe("unrecognized_keys");
  });

  it("refuses two members of one oneof", () => {
    const r = v.safeParse({ tools: [{ function: { name: "f" }, web_search: {} }] });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toContain("only one of function, web_search");
  });

  it("accepts int64 as string or number and refuses other strings", () => {
    const usageLike = zod.message(UpdateDocumentRequestSchema);
    expect(usageLike.safeParse({ data: "not base64!" }).success).toBe(false);
  });

  it("checks timestamps are RFC 3339", () => {
    const ok = v.safeParse({ search_parameters: { from_date: "2025-01-01T00:00:00Z" } });
    const bad = v.safeParse({ search_parameters: { from_date: "yesterday" } });
    expect(ok.success).toBe(true);
    expect(bad.success).toBe(false);
  });
});

describe("shorthands", () => {
  it("expands a plain string content and a short role", () => {
    const out = expandShorthands(GetCompletionsRequestSchema, {
      model: "grok-4",
      messages: [{ role: "user", content: "Hello" }],
      reasoning_effort: "high",
    });
    expect(out).toEqual({
      model: "grok-4",
      messages: [{ role: "ROLE_USER", content: [{ text: "Hello" }] }],
      reasoning_effort: "EFFORT_HIGH",
    });
  });

  it("expands plain strings in a list of contents and embedding inputs", () => {
    expect(
      expandShorthands(GetCompletionsRequestSchema, { messages: [{ content: ["a", { text: "b" }] }] }),
    ).toEqual({
      messages: [{ content: [{ text: "a" }, { text: "b" }] }],
    });
    expect(expandShorthands(EmbedRequestSchema, { input: ["x"], encoding_format: "float" })).toEqual({
      input: [{ string: "x" }],
      encoding_format: "FORMAT_FLOAT",
    });
  });

  it("leaves ambiguous or unknown words for the schema to refuse", () => {
    const input = { messages: [{ role: "wizard" }] };
    expect(expandShorthands(GetCompletionsRequestSchema, input)).toBe(input);
  });
});

describe("integer ranges and nulls", () => {
  const v = zod.message(GetCompletionsRequestSchema);

  it("refuses an int32 out of range, naming the field", () => {
    const r = v.safeParse({ max_tokens: 2 ** 40 });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(["max_tokens"]);
  });

  it("refuses an int64 string out of range, and accepts the largest one", () => {
    const publicUrl = zod.message(CreatePublicUrlRequestSchema);
    const r = publicUrl.safeParse({ expires_after: "99999999999999999999999" });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(["expires_after"]);
    expect(publicUrl.safeParse({ expires_after: "9223372036854775807" }).success).toBe(true);
    expect(publicUrl.safeParse({ expires_after: 3600 }).success).toBe(true);
  });

  it("drops null fields as unset", () => {
    expect(expandShorthands(GetCompletionsRequestSchema, { model: "m", search_parameters: null })).toEqual({
      model: "m",
    });
  });
});
