import { createInterface } from "node:readline";
import type { AllowedRoots } from "../files/allowed-roots.js";
import { openChecked } from "../files/local-files.js";
import { noDirectories, PathAccessError } from "../files/path-validation.js";

/** A checked JSONL input, open for reading line by line. */
export interface OpenedInput {
  /** The real path read. */
  readonly path: string;
  readonly size: number;
  /** Its lines, numbered from 1; the file is closed when the iteration ends. */
  readonly lines: AsyncIterable<{ line: number; text: string }>;
}

/**
 * Opens `input` for reading after checking it against the allowed directories (no roots: refused,
 * saying how to allow one). The file opened is the one checked, not a symlink swapped in since.
 */
export async function openJsonlInput(roots: AllowedRoots | undefined, input: string): Promise<OpenedInput> {
  if (!roots) throw noDirectories();
  const file = await roots.readable(input);
  const handle = await openChecked(file);
  async function* lines() {
    const reader = createInterface({
      input: handle.createReadStream({ encoding: "utf8" }),
      crlfDelay: Infinity,
    });
    let line = 0;
    try {
      for await (const raw of reader) {
        line += 1;
        // A byte order mark from an editor is not part of the first request.
        yield { line, text: line === 1 ? raw.replace(/^\uFEFF/, "") : raw };
      }
    } finally {
      reader.close();
      await handle.close().catch(() => {});
    }
  }
  return { path: file.path, size: file.size, lines: lines() };
}

/**
 * The real path to write `input` at, checked against the allowed directories. A directory or
 * anything but a regular file in its place is refused.
 */
export async function outputTarget(roots: AllowedRoots | undefined, input: string): Promise<string> {
  if (!roots) throw noDirectories();
  const target = await roots.writable(input);
  if (target.existing === "directory") {
    throw new PathAccessError(
      `output_path "${input}" is a directory; name a file in it, e.g. ${input}/results.jsonl`,
    );
  }
  if (target.existing === "other")
    throw new PathAccessError(`output_path "${input}" exists and is not a regular file`);
  return target.path;
}
