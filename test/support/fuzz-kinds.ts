/**
 * The malformed argument sets of the fuzz suites (`test/fuzz*.test.ts`): a seeded generator, the
 * kinds of bad arguments, and the run over every tool that checks each answer.
 */
import { readFileSync } from "node:fs";
import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import { callTool, firstText, type McpSession } from "./mcp-client.js";

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
export function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Json = Record<string, unknown>;
type PropSchema = { type?: string | string[] };

/** A deeply nested value: objects inside arrays inside objects, `depth` levels down. */
function nested(depth: number): unknown {
  let v: unknown = "bottom";
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { deeper: v };
  return v;
}

/** Own keys JSON.parse creates, which object literals cannot express. */
const withOwnKey = (key: string, value: unknown): Json =>
  JSON.parse(`{${JSON.stringify(key)}:${JSON.stringify(value)}}`);

/** A value of the wrong JSON type for a property of this schema. */
function wrongType(schema: PropSchema | undefined): unknown {
  const type = Array.isArray(schema?.type) ? schema?.type[0] : schema?.type;
  switch (type) {
    case "string":
      return 12345;
    case "number":
    case "integer":
      return "not a number";
    case "boolean":
      return "yes";
    case "array":
      return { not: "an array" };
    case "object":
      return [1, 2, 3];
    default:
      return true;
  }
}

/**
 * `char` repeated `n` times, made once per pair: the same text for every call, flat (as JSON.stringify
 * leaves it) after its first use, so that each call of a huge kind does not build and flatten it anew.
 */
const repeats = new Map<string, string>();
function repeated(char: string, n: number): string {
  const key = `${char}${n}`;
  let text = repeats.get(key);
  if (text === undefined) {
    text = char.repeat(n);
    repeats.set(key, text);
  }
  return text;
}

/** The kinds of malformed argument sets: each takes a property name and its schema. */
export const KINDS: readonly {
  name: string;
  args: (prop: string, schema: PropSchema | undefined, rnd: () => number, huge: number) => Json;
}[] = [
  { name: "wrong type", args: (p, s) => ({ [p]: wrongType(s) }) },
  { name: "huge string", args: (p, _s, _r, huge) => ({ [p]: repeated("A", huge) }) },
  { name: "deep nesting", args: (p) => ({ [p]: nested(400) }) },
  { name: "NaN (null on the wire)", args: (p) => ({ [p]: Number.NaN }) },
  { name: "NaN as text", args: (p) => ({ [p]: "NaN" }) },
  { name: "largest double", args: (p) => ({ [p]: Number.MAX_VALUE }) },
  { name: "int64 overflow as text", args: (p) => ({ [p]: "99999999999999999999999999" }) },
  { name: "int64 overflow as number", args: (p) => ({ [p]: 2 ** 70 }) },
  { name: "negative", args: (p) => ({ [p]: -1 }) },
  { name: "fraction", args: (p) => ({ [p]: 1.5 }) },
  { name: "bad base64", args: (p) => ({ [p]: "%%%not base64%%%" }) },
  { name: "bad enum", args: (p) => ({ [p]: "NOT_A_VALUE_OF_ANY_ENUM" }) },
  { name: "null", args: (p) => ({ [p]: null }) },
  { name: "empty string", args: (p) => ({ [p]: "" }) },
  { name: "__proto__ key", args: () => withOwnKey("__proto__", { polluted: true }) },
  { name: "constructor key", args: () => withOwnKey("constructor", { polluted: true }) },
  { name: "prototype key", args: () => withOwnKey("prototype", 1) },
  { name: "nested __proto__", args: (p) => ({ [p]: withOwnKey("__proto__", { polluted: true }) }) },
  { name: "unknown key", args: () => ({ no_such_field_xyz: 1 }) },
  {
    name: "array of big strings",
    args: (p, _s, _r, huge) => ({ [p]: Array(8).fill(repeated("B", huge / 8)) }),
  },
  { name: "lone surrogate and NUL", args: (p) => ({ [p]: "\u0000\ud800x\udfff" }) },
  { name: "long array", args: (p) => ({ [p]: Array(50_000).fill(0) }) },
  {
    name: "many keys",
    args: (p) => ({ [p]: Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, i])) }),
  },
  { name: "boolean", args: (p) => ({ [p]: true }) },
  { name: "long key", args: () => ({ ["k".repeat(64 * 1024)]: 1 }) },
  { name: "number in text", args: (p) => ({ [p]: "12abc" }) },
  {
    name: "random mix",
    args: (p, s, rnd) => {
      const picks = [wrongType(s), null, "", -0, [], {}, "x".repeat(Math.floor(rnd() * 10_000))];
      return { [p]: picks[Math.floor(rnd() * picks.length)] };
    },
  },
];

/** The largest a process's resident set ever was (`VmHWM`), in bytes; undefined off Linux. */
export function peakRss(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
    return kb === undefined ? undefined : Number(kb) * 1024;
  } catch {
    return undefined;
  }
}

/** What {@link fuzzTools} did: how many calls, and what went wrong (empty when nothing did). */
export interface FuzzRun {
  readonly calls: number;
  readonly failures: readonly string[];
}

/**
 * Calls each tool `cases` times with malformed arguments (kinds in turn, properties picked by the
 * seeded generator; `kinds` maps a case number to an index in {@link KINDS}). Each call must come back as a result: valid, or an error that names a field
 * when the arguments were refused. `each` runs after every call (e.g. to sample memory).
 */
export async function fuzzTools(
  session: McpSession,
  tools: readonly Tool[],
  options: {
    seed: number;
    cases: number;
    huge: number;
    kinds?: (i: number) => number;
    each?: (label: string) => void;
  },
): Promise<FuzzRun> {
  const { seed, cases, huge } = options;
  const kindOf = options.kinds ?? ((i: number) => i % KINDS.length);
  const rnd = generator(seed);
  const failures: string[] = [];
  let calls = 0;
  for (const tool of tools) {
    const properties = (tool.inputSchema.properties ?? {}) as Record<string, PropSchema>;
    const names = Object.keys(properties);
    for (let i = 0; i < cases; i++) {
      const kind = KINDS[kindOf(i) % KINDS.length] as (typeof KINDS)[number];
      const prop = names.length > 0 ? (names[Math.floor(rnd() * names.length)] as string) : "anything";
      const args = kind.args(prop, properties[prop], rnd, huge);
      const label = `${tool.name} / ${kind.name} / ${prop} (seed ${seed}, case ${i})`;
      calls += 1;
      try {
        const result = await callTool(session.client, tool.name, args);
        options.each?.(label);
        if (!result.isError) continue;
        const text = firstText(result);
        if (!text.startsWith(`Invalid arguments for ${tool.name}`)) continue;
        // A refusal names a field: the one sent, or another one of the tool's (a required one).
        const named =
          Object.keys(args).some((k) => text.includes(k.slice(0, 64))) ||
          names.some((n) => new RegExp(`(^|- |\\b)${n}[:.\\[ ]`, "m").test(text));
        if (!named) failures.push(`${label}: the refusal does not name the field: ${text.slice(0, 300)}`);
      } catch (e) {
        failures.push(`${label}: ${e instanceof Error ? e.message.slice(0, 300) : String(e)}`);
      }
    }
  }
  return { calls, failures };
}
