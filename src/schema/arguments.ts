import { type DescMessage, fromJson, type JsonValue, type MessageShape } from "@bufbuild/protobuf";
import type { z } from "zod";

/** A path like `messages[0].content[1].text` from zod's path segments. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out || "(arguments)";
}

/** One line per problem zod found, each naming the field path. */
export function describeIssues(error: z.ZodError, prefix: readonly PropertyKey[] = []): string[] {
  const lines: string[] = [];
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        lines.push(
          `${formatPath([...prefix, ...issue.path, key])}: unknown field (not part of this request)`,
        );
      }
    } else {
      lines.push(`${formatPath([...prefix, ...issue.path])}: ${issue.message}`);
    }
  }
  return lines;
}

/** Thrown when arguments do not form a valid request. */
export class ArgumentError extends Error {
  override readonly name = "ArgumentError";
  constructor(readonly problems: string[]) {
    super(problems.join("; "));
  }
}

/**
 * Checks arguments against the request's zod schema and builds the request message through the
 * protobuf JSON mapping. Unknown fields are refused (never silently dropped).
 */
export function parseRequest<M extends DescMessage>(
  schema: M,
  validator: z.ZodType,
  args: Record<string, unknown>,
): MessageShape<M> {
  const checked = validator.safeParse(args);
  if (!checked.success) throw new ArgumentError(describeIssues(checked.error));
  try {
    return fromJson(schema, args as JsonValue, { ignoreUnknownFields: false });
  } catch (e) {
    // The schema accepts what the JSON mapping accepts; this is a last guard (e.g. a bad timestamp).
    throw new ArgumentError([e instanceof Error ? e.message : String(e)]);
  }
}
