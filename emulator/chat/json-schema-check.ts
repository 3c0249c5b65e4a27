/**
 * A small JSON Schema checker for the subset of keywords function parameters and structured outputs
 * use in practice: `type`, `enum`, `const`, `properties`, `required`, `additionalProperties`,
 * `items`/`prefixItems`, `minItems`/`maxItems`/`uniqueItems`, `minLength`/`maxLength`/`pattern`,
 * `minimum`/`maximum`/`exclusiveMinimum`/`exclusiveMaximum`/`multipleOf`, `minProperties`/
 * `maxProperties`, `anyOf`/`oneOf`/`allOf`/`not` and local `$ref`s. Unknown keywords are ignored,
 * as JSON Schema asks. The emulator checks what it generates with it, and tests check answers.
 */

/** A JSON value as `JSON.parse` returns it. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A schema object (or the boolean schemas `true`/`false`). */
export type JsonSchema = boolean | { readonly [keyword: string]: unknown };

/** What a `$ref` resolves against: the document the schema came from. */
export interface SchemaRoot {
  readonly root: JsonSchema;
}

const MAX_DEPTH = 64;

/** True when `value` is a plain object (not an array, not null). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Follows a local `$ref` (`#`, `#/$defs/x`, `#/definitions/x`, any JSON pointer into the root).
 * Returns undefined for refs it cannot follow (remote ones).
 */
export function resolveRef(root: JsonSchema, ref: string): JsonSchema | undefined {
  if (!ref.startsWith("#")) return undefined;
  const pointer = ref.slice(1);
  if (pointer === "") return root;
  if (!pointer.startsWith("/")) return undefined;
  let node: unknown = root;
  for (const raw of pointer.slice(1).split("/")) {
    const key = decodeURIComponent(raw).replaceAll("~1", "/").replaceAll("~0", "~");
    if (Array.isArray(node)) node = node[Number(key)];
    else if (isObject(node)) node = node[key];
    else return undefined;
  }
  return typeof node === "boolean" || isObject(node) ? (node as JsonSchema) : undefined;
}

/** The JSON type name of a value, with integers told apart from other numbers. */
export function jsonTypeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function typeMatches(value: unknown, type: string): boolean {
  const actual = jsonTypeOf(value);
  if (type === "number") return actual === "number" || actual === "integer";
  return actual === type;
}

/** Deep equality of JSON values (object key order does not matter). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}

const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

/**
 * Checks `value` against `schema` and returns what is wrong, one line per problem with its path
 * (`$.location.unit: must be one of ["c","f"]`); an empty list means the value is valid.
 */
export function checkJsonSchema(schema: JsonSchema, value: unknown, root: JsonSchema = schema): string[] {
  const problems: string[] = [];
  check(schema, value, "$", root, problems, 0);
  return problems;
}

function check(
  schema: JsonSchema,
  value: unknown,
  path: string,
  root: JsonSchema,
  out: string[],
  depth: number,
): void {
  if (schema === true) return;
  if (schema === false) {
    out.push(`${path}: no value is allowed here`);
    return;
  }
  if (depth > MAX_DEPTH) return;
  const s = schema;
  if (typeof s.$ref === "string") {
    const target = resolveRef(root, s.$ref);
    if (target !== undefined) check(target, value, path, root, out, depth + 1);
  }
  const types = typeof s.type === "string" ? [s.type] : Array.isArray(s.type) ? (s.type as string[]) : [];
  if (types.length > 0 && !types.some((t) => typeMatches(value, t))) {
    out.push(`${path}: must be of type ${types.join(" or ")}, got ${jsonTypeOf(value)}`);
    return;
  }
  if (Array.isArray(s.enum) && !s.enum.some((e) => jsonEqual(e, value))) {
    out.push(`${path}: must be one of ${JSON.stringify(s.enum)}`);
  }
  if ("const" in s && !jsonEqual(s.const, value)) out.push(`${path}: must equal ${JSON.stringify(s.const)}`);
  if (typeof value === "string") checkString(s, value, path, out);
  if (typeof value === "number") checkNumber(s, value, path, out);
  if (Array.isArray(value)) checkArray(s, value, path, root, out, depth);
  if (isObject(value)) checkObject(s, value, path, root, out, depth);
  checkCombinators(s, value, path, root, out, depth);
}

function checkString(s: Record<string, unknown>, value: string, path: string, out: string[]): void {
  const length = [...value].length;
  const min = num(s.minLength);
  const max = num(s.maxLength);
  if (min !== undefined && length < min) out.push(`${path}: must be at least ${min} characters`);
  if (max !== undefined && length > max) out.push(`${path}: must be at most ${max} characters`);
  if (typeof s.pattern === "string") {
    let re: RegExp | undefined;
    try {
      re = new RegExp(s.pattern, "u");
    } catch {
      // A pattern JavaScript cannot compile is not checked, rather than failing every value.
    }
    if (re && !re.test(value)) out.push(`${path}: must match the pattern ${s.pattern}`);
  }
}

function checkNumber(s: Record<string, unknown>, value: number, path: string, out: string[]): void {
  const min = num(s.minimum);
  const max = num(s.maximum);
  // Draft 4 wrote exclusive bounds as booleans next to minimum/maximum; later drafts as numbers.
  const exMin = s.exclusiveMinimum === true ? min : num(s.exclusiveMinimum);
  const exMax = s.exclusiveMaximum === true ? max : num(s.exclusiveMaximum);
  if (min !== undefined && s.exclusiveMinimum !== true && value < min) out.push(`${path}: must be >= ${min}`);
  if (max !== undefined && s.exclusiveMaximum !== true && value > max) out.push(`${path}: must be <= ${max}`);
  if (exMin !== undefined && value <= exMin) out.push(`${path}: must be > ${exMin}`);
  if (exMax !== undefined && value >= exMax) out.push(`${path}: must be < ${exMax}`);
  const step = num(s.multipleOf);
  if (step !== undefined && step > 0) {
    const q = value / step;
    if (Math.abs(q - Math.round(q)) > 1e-9) out.push(`${path}: must be a multiple of ${step}`);
  }
}

function checkArray(
  s: Record<string, unknown>,
  value: unknown[],
  path: string,
  root: JsonSchema,
  out: string[],
  depth: number,
): void {
  const min = num(s.minItems);
  const max = num(s.maxItems);
  if (min !== undefined && value.length < min) out.push(`${path}: must have at least ${min} items`);
  if (max !== undefined && value.length > max) out.push(`${path}: must have at most ${max} items`);
  if (s.uniqueItems === true) {
    for (let i = 1; i < value.length; i++) {
      if (value.slice(0, i).some((v) => jsonEqual(v, value[i]))) {
        out.push(`${path}[${i}]: repeats an earlier item (uniqueItems)`);
      }
    }
  }
  // `prefixItems` (2020-12) or an array-valued `items` (older drafts) describe a tuple.
  const tuple = Array.isArray(s.prefixItems) ? s.prefixItems : Array.isArray(s.items) ? s.items : undefined;
  const rest = Array.isArray(s.items) ? s.additionalItems : s.items;
  value.forEach((item, i) => {
    const itemSchema = tuple && i < tuple.length ? tuple[i] : rest;
    if (itemSchema !== undefined)
      check(itemSchema as JsonSchema, item, `${path}[${i}]`, root, out, depth + 1);
  });
}

function checkObject(
  s: Record<string, unknown>,
  value: Record<string, unknown>,
  path: string,
  root: JsonSchema,
  out: string[],
  depth: number,
): void {
  const properties = isObject(s.properties) ? s.properties : {};
  if (Array.isArray(s.required)) {
    for (const key of s.required) {
      if (typeof key === "string" && !Object.hasOwn(value, key))
        out.push(`${path}: missing required "${key}"`);
    }
  }
  const count = Object.keys(value).length;
  const min = num(s.minProperties);
  const max = num(s.maxProperties);
  if (min !== undefined && count < min) out.push(`${path}: must have at least ${min} properties`);
  if (max !== undefined && count > max) out.push(`${path}: must have at most ${max} properties`);
  for (const [key, item] of Object.entries(value)) {
    const childPath = `${path}.${key}`;
    if (Object.hasOwn(properties, key)) {
      check(properties[key] as JsonSchema, item, childPath, root, out, depth + 1);
    } else if (s.additionalProperties === false) {
      out.push(`${childPath}: is not an allowed property`);
    } else if (isObject(s.additionalProperties)) {
      check(s.additionalProperties, item, childPath, root, out, depth + 1);
    }
  }
}

function checkCombinators(
  s: Record<string, unknown>,
  value: unknown,
  path: string,
  root: JsonSchema,
  out: string[],
  depth: number,
): void {
  const passes = (sub: unknown) => {
    const inner: string[] = [];
    check(sub as JsonSchema, value, path, root, inner, depth + 1);
    return inner.length === 0;
  };
  if (Array.isArray(s.allOf))
    for (const sub of s.allOf) check(sub as JsonSchema, value, path, root, out, depth + 1);
  if (Array.isArray(s.anyOf) && !s.anyOf.some(passes)) out.push(`${path}: matches none of the anyOf schemas`);
  if (Array.isArray(s.oneOf)) {
    const matched = s.oneOf.filter(passes).length;
    if (matched !== 1) out.push(`${path}: must match exactly one oneOf schema, matches ${matched}`);
  }
  if (s.not !== undefined && passes(s.not)) out.push(`${path}: must not match the "not" schema`);
}
