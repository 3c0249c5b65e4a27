import { describe, expect, it } from "vitest";
import { checkJsonSchema, type JsonSchema } from "../../emulator/chat/json-schema-check.js";
import { sampleJson } from "../../emulator/chat/json-schema-sample.js";

const hints = { answer: "This is the xAI emulator.", query: "weather in Paris", variant: 0 };

const schemas: Record<string, JsonSchema> = {
  "flat object": {
    type: "object",
    properties: { name: { type: "string" }, age: { type: "integer" }, ok: { type: "boolean" } },
    required: ["name", "age"],
  },
  "enum, const and nullable": {
    type: "object",
    properties: {
      unit: { enum: ["c", "f"] },
      version: { const: 2 },
      note: { type: ["string", "null"] },
      maybe: { anyOf: [{ type: "null" }, { type: "integer", minimum: 10 }] },
    },
    required: ["unit", "version", "note", "maybe"],
    additionalProperties: false,
  },
  "number bounds": {
    type: "object",
    properties: {
      a: { type: "integer", minimum: 5, maximum: 5 },
      b: { type: "number", exclusiveMinimum: 0, exclusiveMaximum: 0.001 },
      c: { type: "integer", exclusiveMinimum: 7 },
      d: { type: "number", maximum: -3 },
      e: { type: "number", multipleOf: 0.25, minimum: 1.1, maximum: 1.6 },
      f: { type: "integer", multipleOf: 5, minimum: 11 },
      g: { type: "number", minimum: 0, maximum: 1, exclusiveMaximum: true },
    },
    required: ["a", "b", "c", "d", "e", "f", "g"],
  },
  "strings with formats, lengths and patterns": {
    type: "object",
    properties: {
      when: { type: "string", format: "date-time" },
      day: { type: "string", format: "date" },
      mail: { type: "string", format: "email" },
      link: { type: "string", format: "uri" },
      id: { type: "string", format: "uuid", pattern: "^[0-9a-f-]{36}$" },
      code: { type: "string", pattern: "^[A-Z]+$" },
      short: { type: "string", maxLength: 3 },
      long: { type: "string", minLength: 40 },
      query: { type: "string" },
      answer: { type: "string" },
    },
    required: ["when", "day", "mail", "link", "id", "code", "short", "long", "query", "answer"],
  },
  "arrays and tuples": {
    type: "object",
    properties: {
      tags: { type: "array", items: { type: "string" }, minItems: 3, uniqueItems: true },
      picks: { type: "array", items: { enum: ["x", "y", "z"] }, minItems: 2, uniqueItems: true },
      pair: { type: "array", prefixItems: [{ type: "string" }, { type: "integer" }], items: false },
      none: { type: "array", maxItems: 0 },
      matrix: { type: "array", items: { type: "array", items: { type: "number" }, minItems: 2 } },
    },
    required: ["tags", "picks", "pair", "none", "matrix"],
  },
  "refs, allOf, oneOf and recursion": {
    $defs: {
      node: {
        type: "object",
        properties: {
          label: { type: "string" },
          children: { type: "array", items: { $ref: "#/$defs/node" } },
        },
        required: ["label"],
      },
      named: { type: "object", properties: { name: { type: "string" } }, required: ["name"] },
    },
    type: "object",
    properties: {
      tree: { $ref: "#/$defs/node" },
      person: {
        allOf: [
          { $ref: "#/$defs/named" },
          { type: "object", properties: { age: { type: "integer", minimum: 18 } }, required: ["age"] },
        ],
      },
      shape: {
        oneOf: [
          {
            type: "object",
            properties: { kind: { const: "circle" }, r: { type: "number" } },
            required: ["kind", "r"],
          },
          {
            type: "object",
            properties: { kind: { const: "square" }, side: { type: "number" } },
            required: ["kind", "side"],
          },
        ],
      },
    },
    required: ["tree", "person", "shape"],
  },
  "legacy definitions and open objects": {
    definitions: {
      money: {
        type: "object",
        properties: { amount: { type: "number" }, currency: { type: "string", minLength: 3, maxLength: 3 } },
        required: ["amount", "currency"],
      },
    },
    type: "object",
    properties: { price: { $ref: "#/definitions/money" } },
    additionalProperties: { type: "integer" },
    required: ["price", "count"],
    minProperties: 3,
  },
  "no type at all": { properties: { anything: {} }, required: ["anything"] },
};

describe("JSON Schema sampling", () => {
  for (const [name, schema] of Object.entries(schemas)) {
    it(`generates a valid value for ${name}, for several variants`, () => {
      for (const variant of [0, 1, 2, 5]) {
        const value = sampleJson(schema, { ...hints, variant });
        expect(checkJsonSchema(schema, value), JSON.stringify(value)).toEqual([]);
      }
    });
  }

  it("fills answer- and query-like strings from the conversation", () => {
    const value = sampleJson(
      schemas["strings with formats, lengths and patterns"] as JsonSchema,
      hints,
    ) as Record<string, string>;
    expect(value.answer).toBe(hints.answer);
    expect(value.query).toBe(hints.query);
    expect(value.when).toBe("2025-01-01T12:00:00Z");
    expect(value.short).toHaveLength(3);
  });

  it("is deterministic, and varies with the variant", () => {
    const schema = schemas["flat object"] as JsonSchema;
    expect(sampleJson(schema, hints)).toEqual(sampleJson(schema, hints));
    expect(sampleJson(schema, { ...hints, variant: 1 })).not.toEqual(sampleJson(schema, hints));
  });
});

describe("JSON Schema checking", () => {
  const schema = schemas["enum, const and nullable"] as JsonSchema;
  it("reports each violation with its path", () => {
    expect(checkJsonSchema(schema, { unit: "k", version: 3, note: 1, maybe: 2, extra: true })).toEqual([
      '$.unit: must be one of ["c","f"]',
      "$.version: must equal 2",
      "$.note: must be of type string or null, got integer",
      "$.maybe: matches none of the anyOf schemas",
      "$.extra: is not an allowed property",
    ]);
    expect(checkJsonSchema(schema, { unit: "c" })).toEqual([
      '$: missing required "version"',
      '$: missing required "note"',
      '$: missing required "maybe"',
    ]);
  });

  it("checks numbers, strings and arrays", () => {
    const s: JsonSchema = {
      type: "array",
      items: { type: "integer", minimum: 1, exclusiveMaximum: 10, multipleOf: 2 },
      minItems: 2,
      uniqueItems: true,
    };
    expect(checkJsonSchema(s, [2, 4])).toEqual([]);
    expect(checkJsonSchema(s, [2, 2, 10, 3.5, 0])).toEqual([
      "$[1]: repeats an earlier item (uniqueItems)",
      "$[2]: must be < 10",
      "$[3]: must be of type integer, got number",
      "$[4]: must be >= 1",
    ]);
    expect(checkJsonSchema({ type: "string", pattern: "^a+$", maxLength: 2 }, "aaa")).toEqual([
      "$: must be at most 2 characters",
    ]);
  });
});
