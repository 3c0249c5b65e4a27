import { hashParts } from "../text/hash.js";
import { isObject, type JsonSchema, type JsonValue, jsonEqual, resolveRef } from "./json-schema-check.js";

/** What the sampler fills free-form strings with, so that generated JSON reads like an answer. */
export interface SampleHints {
  /** For answer-like properties (`answer`, `summary`, `text`…): the emulator's reply. */
  readonly answer: string;
  /** For query-like properties (`query`, `question`, `prompt`…): the user's last words. */
  readonly query: string;
  /** Varies the values between outputs and seeds (0 = the plainest value). */
  readonly variant: number;
}

// Property names whose value is the answer itself, or the words the user asked with: filling them
// from the conversation makes a structured answer read like the text answer would.
const ANSWER_KEYS = new Set([
  "answer",
  "response",
  "reply",
  "text",
  "content",
  "message",
  "summary",
  "explanation",
  "description",
  "body",
  "output",
  "result",
  "reasoning",
]);
const QUERY_KEYS = new Set([
  "query",
  "q",
  "question",
  "prompt",
  "search",
  "search_query",
  "input",
  "keywords",
  "topic",
]);

/** Past this depth optional properties are left out and arrays kept to their minimum. */
const SHALLOW_DEPTH = 4;
/** Past this depth the sampler stops following `$ref`s (recursive schemas). */
const MAX_DEPTH = 24;

interface Walk {
  readonly root: JsonSchema;
  readonly hints: SampleHints;
}

/**
 * Builds a JSON value that satisfies `schema`, deterministically: objects with their required (and,
 * near the top, optional) properties; strings honouring `enum`, `const`, `format` and length limits;
 * numbers within `minimum`/`maximum` and `multipleOf`; arrays with `minItems` (at least one item)
 * and distinct items where `uniqueItems` asks; the first usable branch of `anyOf`/`oneOf`; merged
 * `allOf`; local `$ref`s. Patterns are honoured only when one of a few plain candidates matches.
 */
export function sampleJson(schema: JsonSchema, hints: SampleHints, root: JsonSchema = schema): JsonValue {
  return sample(schema, { root, hints }, "", hints.variant, 0);
}

function sample(schema: JsonSchema, walk: Walk, key: string, variant: number, depth: number): JsonValue {
  if (typeof schema === "boolean") return schema ? stringFor({}, walk, key, variant) : null;
  const s = flatten(schema, walk, depth);
  if ("const" in s) return s.const as JsonValue;
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[variant % s.enum.length] as JsonValue;
  switch (typeOf(s)) {
    case "null":
      return null;
    case "boolean":
      return variant % 2 === 0;
    case "integer":
      return numberFor(s, true, variant);
    case "number":
      return numberFor(s, false, variant);
    case "array":
      return arrayFor(s, walk, key, variant, depth);
    case "object":
      return objectFor(s, walk, variant, depth);
    default:
      return stringFor(s, walk, key, variant);
  }
}

/** Resolves `$ref`, merges `allOf` and picks an `anyOf`/`oneOf` branch, giving one plain schema. */
function flatten(schema: Record<string, unknown>, walk: Walk, depth: number): Record<string, unknown> {
  let s: Record<string, unknown> = schema;
  if (typeof s.$ref === "string" && depth < MAX_DEPTH) {
    const target = resolveRef(walk.root, s.$ref);
    const { $ref: _ref, ...siblings } = s;
    if (isObject(target)) s = merge(flatten(target, walk, depth + 1), siblings);
    else s = siblings;
  }
  if (Array.isArray(s.allOf)) {
    const { allOf, ...rest } = s;
    s = (allOf as unknown[]).reduce<Record<string, unknown>>(
      (acc, part) => (isObject(part) ? merge(acc, flatten(part, walk, depth + 1)) : acc),
      rest,
    );
  }
  for (const keyword of ["anyOf", "oneOf"] as const) {
    const branches = s[keyword];
    if (!Array.isArray(branches) || branches.length === 0) continue;
    const { [keyword]: _branches, ...rest } = s;
    // A `null` branch is how optional values are written; the useful value is in another branch.
    const usable = branches.filter(isObject);
    const branch = usable.find((b) => b.type !== "null") ?? usable[0] ?? {};
    s = merge(rest, flatten(branch, walk, depth + 1));
  }
  return s;
}

/** `b` over `a`, with properties merged and required lists joined (for `allOf` and `$ref` siblings). */
function merge(a: Record<string, unknown>, b: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...a, ...b };
  if (isObject(a.properties) || isObject(b.properties)) {
    out.properties = {
      ...(isObject(a.properties) ? a.properties : {}),
      ...(isObject(b.properties) ? b.properties : {}),
    };
  }
  if (Array.isArray(a.required) || Array.isArray(b.required)) {
    out.required = [
      ...new Set([
        ...(Array.isArray(a.required) ? a.required : []),
        ...(Array.isArray(b.required) ? b.required : []),
      ]),
    ];
  }
  for (const bound of ["minimum", "minLength", "minItems", "minProperties"] as const) {
    if (typeof a[bound] === "number" && typeof b[bound] === "number")
      out[bound] = Math.max(a[bound], b[bound]);
  }
  for (const bound of ["maximum", "maxLength", "maxItems", "maxProperties"] as const) {
    if (typeof a[bound] === "number" && typeof b[bound] === "number")
      out[bound] = Math.min(a[bound], b[bound]);
  }
  return out;
}

/** The type to generate: the schema's own (the first non-null one of a list), or one implied by its keywords. */
function typeOf(s: Record<string, unknown>): string {
  if (typeof s.type === "string") return s.type;
  if (Array.isArray(s.type)) {
    const types = s.type.filter((t): t is string => typeof t === "string");
    return types.find((t) => t !== "null") ?? types[0] ?? "string";
  }
  if ("properties" in s || "required" in s || "additionalProperties" in s) return "object";
  if ("items" in s || "prefixItems" in s || "minItems" in s) return "array";
  if ("minimum" in s || "maximum" in s || "multipleOf" in s) return "number";
  return "string";
}

const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

function numberFor(s: Record<string, unknown>, integer: boolean, variant: number): number {
  const min = num(s.minimum);
  const max = num(s.maximum);
  // Draft 4 wrote exclusive bounds as booleans next to minimum/maximum; later drafts as numbers.
  const exMin = s.exclusiveMinimum === true ? min : num(s.exclusiveMinimum);
  const exMax = s.exclusiveMaximum === true ? max : num(s.exclusiveMaximum);
  const lows = [s.exclusiveMinimum === true ? undefined : min, exMin].filter((v) => v !== undefined);
  const highs = [s.exclusiveMaximum === true ? undefined : max, exMax].filter((v) => v !== undefined);
  const lo = lows.length > 0 ? Math.max(...lows) : undefined;
  const hi = highs.length > 0 ? Math.min(...highs) : undefined;
  const loOpen = lo !== undefined && lo === exMin;
  const hiOpen = hi !== undefined && hi === exMax;
  const inside = (v: number) =>
    (lo === undefined || (loOpen ? v > lo : v >= lo)) && (hi === undefined || (hiOpen ? v < hi : v <= hi));
  let value: number;
  // Strictly between two bounds, so open and closed ends are both honoured.
  if (lo !== undefined && hi !== undefined) value = lo + ((hi - lo) * ((variant % 5) + 1)) / 6;
  else if (lo !== undefined) value = lo + variant + (loOpen ? 1 : 0);
  else if (hi !== undefined) value = Math.min(hi - (hiOpen ? 1 : 0), 0) - variant;
  else value = integer ? 1 + variant : 1.5 + variant;
  const step = num(s.multipleOf) ?? (integer ? 1 : undefined);
  if (step !== undefined && step > 0) {
    value = Math.round(value / step) * step;
    if (!inside(value)) value += lo !== undefined && value <= lo ? step : -step;
    // Undo binary floating point noise such as 0.30000000000000004.
    value = Number(value.toPrecision(12));
    if (integer && !Number.isInteger(value)) value = Math.round(value);
  } else {
    // A few significant digits read better than 0.16666666666666666, when still within bounds.
    const rounded = Number(value.toPrecision(4));
    if (inside(rounded)) value = rounded;
  }
  return value;
}

const FORMATS: Record<string, string> = {
  "date-time": "2025-01-01T12:00:00Z",
  date: "2025-01-01",
  time: "12:00:00Z",
  duration: "PT1H",
  email: "emulator@example.com",
  "idn-email": "emulator@example.com",
  hostname: "example.com",
  "idn-hostname": "example.com",
  ipv4: "192.0.2.1",
  ipv6: "2001:db8::1",
  uri: "https://example.com/emulated",
  url: "https://example.com/emulated",
  iri: "https://example.com/emulated",
  "uri-reference": "https://example.com/emulated",
};

function uuidFor(key: string, variant: number): string {
  const hex = [0, 1, 2, 3]
    .map((i) => hashParts("uuid", key, variant, i).toString(16).padStart(8, "0"))
    .join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function stringFor(s: Record<string, unknown>, walk: Walk, key: string, variant: number): string {
  const format = typeof s.format === "string" ? s.format : undefined;
  const name = key.toLowerCase();
  let value: string;
  if (format === "uuid") value = uuidFor(key, variant);
  else if (format !== undefined && FORMATS[format] !== undefined) value = FORMATS[format];
  else if (ANSWER_KEYS.has(name)) value = walk.hints.answer;
  else if (QUERY_KEYS.has(name)) value = walk.hints.query || `emulated ${key}`;
  else value = key ? `emulated ${key.replaceAll("_", " ")}` : "emulated value";
  if (variant > 0 && format === undefined) value = `${value} (${variant + 1})`;
  if (typeof s.pattern === "string") value = fitPattern(s.pattern, value);
  return fitLength(s, value);
}

/** Pads or cuts to `minLength`/`maxLength`, counted in code points as JSON Schema counts them. */
function fitLength(s: Record<string, unknown>, value: string): string {
  let chars = [...value];
  const max = num(s.maxLength);
  const min = num(s.minLength);
  if (max !== undefined && chars.length > max) chars = chars.slice(0, Math.max(0, max));
  if (min !== undefined && chars.length < min) chars = [...chars, ..."x".repeat(min - chars.length)];
  return chars.join("");
}

/** The value itself if it matches, else the first plain candidate that does (else the value). */
function fitPattern(pattern: string, value: string): string {
  let re: RegExp;
  try {
    re = new RegExp(pattern, "u");
  } catch {
    return value;
  }
  const candidates = [
    value,
    "emulated",
    "EMULATED",
    "Emulated",
    "a",
    "A",
    "1",
    "x1",
    "abc",
    "ABC",
    "123",
    "a-1",
    "2025-01-01",
  ];
  return candidates.find((c) => re.test(c)) ?? value;
}

function arrayFor(
  s: Record<string, unknown>,
  walk: Walk,
  key: string,
  variant: number,
  depth: number,
): JsonValue[] {
  const tuple = Array.isArray(s.prefixItems) ? s.prefixItems : Array.isArray(s.items) ? s.items : [];
  const rest = Array.isArray(s.items) ? s.additionalItems : s.items;
  const min = num(s.minItems) ?? 0;
  const max = num(s.maxItems) ?? Number.POSITIVE_INFINITY;
  const wanted = depth >= SHALLOW_DEPTH ? min : Math.max(min, tuple.length, 1);
  const count = Math.min(wanted, max, rest === false ? tuple.length : Number.POSITIVE_INFINITY);
  const out: JsonValue[] = [];
  const singular = key.endsWith("s") ? key.slice(0, -1) : key;
  for (let i = 0; i < count; i++) {
    const itemSchema = (i < tuple.length ? tuple[i] : rest) ?? {};
    // Each item gets its own variant so that `uniqueItems` arrays come out distinct.
    let item = sample(itemSchema as JsonSchema, walk, singular, variant + i, depth + 1);
    if (s.uniqueItems === true) {
      for (let extra = 1; extra < 16 && out.some((o) => jsonEqual(o, item)); extra++) {
        item = sample(itemSchema as JsonSchema, walk, singular, variant + i + extra * count, depth + 1);
      }
    }
    out.push(item);
  }
  return out;
}

function objectFor(
  s: Record<string, unknown>,
  walk: Walk,
  variant: number,
  depth: number,
): { [key: string]: JsonValue } {
  const properties = isObject(s.properties) ? s.properties : {};
  const required = new Set(
    Array.isArray(s.required) ? s.required.filter((k): k is string => typeof k === "string") : [],
  );
  const max = num(s.maxProperties) ?? Number.POSITIVE_INFINITY;
  const out: { [key: string]: JsonValue } = {};
  const extraSchema = isObject(s.additionalProperties) ? s.additionalProperties : {};
  for (const key of required) {
    const propSchema = Object.hasOwn(properties, key) ? properties[key] : extraSchema;
    out[key] = sample(propSchema as JsonSchema, walk, key, variant, depth + 1);
  }
  if (depth < SHALLOW_DEPTH) {
    for (const [key, propSchema] of Object.entries(properties)) {
      if (Object.hasOwn(out, key) || Object.keys(out).length >= max) continue;
      out[key] = sample(propSchema as JsonSchema, walk, key, variant, depth + 1);
    }
  }
  const min = num(s.minProperties) ?? 0;
  for (let i = 1; Object.keys(out).length < min && s.additionalProperties !== false; i++) {
    out[`extra_${i}`] = sample(extraSchema, walk, `extra_${i}`, variant, depth + 1);
  }
  return out;
}
