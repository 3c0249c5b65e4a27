import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import type { DescMessage, MessageShape } from "@bufbuild/protobuf";
import type { z } from "zod";
import { ArgumentError, parseRequest } from "../schema/arguments.js";
import { expandShorthands } from "../schema/shorthand.js";

/** How many line problems a refusal lists; the rest are counted. */
export const MAX_PROBLEMS_LISTED = 20;

/** One non-blank line of a JSONL input, parsed and checked. */
export interface InputLine<M extends DescMessage> {
  /** 1-based line number in the file (blank lines count). */
  readonly line: number;
  /** The request the line holds. */
  readonly request: MessageShape<M>;
  /** SHA-256 of the line's text (trimmed), hex: what a generated id is derived from. */
  readonly digest: string;
}

/** What {@link parseJsonlLines} found: every good line, and a problem per bad one. */
export interface JsonlParse<M extends DescMessage> {
  readonly lines: InputLine<M>[];
  /** `line N: …` messages, one or more per bad line, in file order. */
  readonly problems: string[];
  /** Numbers of the bad lines, in file order. */
  readonly badLines: number[];
}

/** Reads a text file line by line without holding it whole; numbers start at 1. */
export async function* readFileLines(path: string): AsyncGenerator<{ line: number; text: string }> {
  const input = createInterface({ input: createReadStream(path, { encoding: "utf8" }), crlfDelay: Infinity });
  let line = 0;
  for await (const text of input) {
    line += 1;
    yield { line, text };
  }
}

/**
 * Parses JSONL: each non-blank line is one message of `schema` in the protobuf JSON mapping, checked
 * exactly as a tool's arguments are (shorthands, then the zod schema, then `fromJson`), so a line is
 * accepted if and only if the same object would be accepted inline. Blank lines are skipped.
 * `check` adds rules of the caller (e.g. a required oneof, local images read) and returns a problem
 * or undefined; it may throw {@link StopReading} to end the read with a last problem.
 */
export async function parseJsonlLines<M extends DescMessage>(
  source: AsyncIterable<{ line: number; text: string }> | Iterable<{ line: number; text: string }>,
  schema: M,
  validator: z.ZodType,
  check?: (request: MessageShape<M>, line: number) => string | undefined | Promise<string | undefined>,
): Promise<JsonlParse<M>> {
  const lines: InputLine<M>[] = [];
  const problems: string[] = [];
  const badLines: number[] = [];
  const bad = (line: number, messages: string[]) => {
    badLines.push(line);
    for (const m of messages) problems.push(`line ${line}: ${m}`);
  };
  for await (const { line, text } of source) {
    const trimmed = text.trim();
    if (trimmed === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch (e) {
      bad(line, [`not valid JSON (${e instanceof Error ? e.message : String(e)})`]);
      continue;
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      bad(line, [
        `expected one JSON object (a ${schema.name}), got ${value === null ? "null" : Array.isArray(value) ? "an array" : typeof value}`,
      ]);
      continue;
    }
    let request: MessageShape<M>;
    try {
      const expanded = expandShorthands(schema, value) as Record<string, unknown>;
      request = parseRequest(schema, validator, expanded);
    } catch (e) {
      bad(line, e instanceof ArgumentError ? e.problems : [e instanceof Error ? e.message : String(e)]);
      continue;
    }
    let problem: string | undefined;
    try {
      problem = await check?.(request, line);
    } catch (e) {
      if (!(e instanceof StopReading)) throw e;
      bad(line, [e.message]);
      break;
    }
    if (problem) {
      bad(line, [problem]);
      continue;
    }
    lines.push({ line, request, digest: createHash("sha256").update(trimmed).digest("hex") });
  }
  return { lines, problems, badLines };
}

/** Thrown by a line check to stop reading the rest of the input (its message is the line's problem). */
export class StopReading extends Error {
  override readonly name = "StopReading";
}

/** The problems of a refused input as a short list: the first {@link MAX_PROBLEMS_LISTED}, then a count. */
export function listProblems(problems: readonly string[], max = MAX_PROBLEMS_LISTED): string[] {
  if (problems.length <= max) return [...problems];
  return [...problems.slice(0, max), `… and ${problems.length - max} more problems`];
}
