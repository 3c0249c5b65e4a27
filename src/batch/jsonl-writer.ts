import { type FileHandle, open } from "node:fs/promises";
import { readFileLines } from "./jsonl-input.js";

/**
 * Writes JSON lines to a file, one page at a time, each page with a single write. Used for results
 * and request metadata: a file anyone can read line by line (`jq`, pandas, another batch run).
 */
export class JsonlWriter {
  #lines = 0;
  #bytes = 0;

  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
  ) {}

  /**
   * Opens `path`: truncated, or (with `append`) continued at its end. The path must have been checked
   * against the allowed roots by the caller.
   */
  static async open(path: string, append: boolean): Promise<JsonlWriter> {
    return JsonlWriter.onHandle(path, await open(path, append ? "a+" : "w"), append);
  }

  /**
   * Writes through an open file (a new temporary file, or an existing one opened to append to,
   * readable too), named `path` in messages. The writer closes it.
   */
  static async onHandle(path: string, handle: FileHandle, append: boolean): Promise<JsonlWriter> {
    const writer = new JsonlWriter(path, handle);
    if (append) {
      // A file that does not end in a newline (edited by hand, or a run killed mid-write) would
      // glue our first line to its last one.
      const { size } = await handle.stat();
      if (size > 0) {
        const last = Buffer.alloc(1);
        await handle.read(last, 0, 1, size - 1);
        if (last[0] !== 0x0a) await handle.write("\n");
      }
    }
    return writer;
  }

  /** Lines written by this writer. */
  get lines(): number {
    return this.#lines;
  }

  /** Bytes written by this writer. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Appends one line per value. */
  async write(values: readonly unknown[]): Promise<void> {
    if (values.length === 0) return;
    const text = `${values.map((v) => JSON.stringify(v)).join("\n")}\n`;
    await this.handle.write(text);
    this.#lines += values.length;
    this.#bytes += Buffer.byteLength(text);
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

/**
 * The values of `key` on each JSON line of an existing file (missing file: none). Lets an appending
 * run skip what an earlier run already wrote, so every result is in the file exactly once.
 */
export async function existingKeys(path: string, key: string): Promise<Set<string>> {
  const keys = new Set<string>();
  try {
    for await (const { text } of readFileLines(path)) {
      if (text.trim() === "") continue;
      try {
        const v = (JSON.parse(text) as Record<string, unknown>)[key];
        if (typeof v === "string") keys.add(v);
      } catch {
        // A torn last line (a run killed mid-write) holds no complete result; it is not a key.
      }
    }
  } catch (e) {
    if ((e as { code?: unknown }).code !== "ENOENT") throw e;
  }
  return keys;
}
