import { createHash } from "node:crypto";
import {
  type Dirent,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import { PACKAGE_NAME, PACKAGE_VERSION } from "../version.js";

/** Bumped when the cache file's shape changes. */
const FORMAT = 1;

/** Cache files older than this are removed when a new one is written. */
const MAX_AGE_MS = 24 * 60 * 60 * 1000;

/**
 * The `tools/list` answer of the code as built, kept on disk between runs.
 *
 * Deriving the listing means loading the descriptors, the RPC table and every handler it names
 * (some 200 modules, about a third of a cold start); the listing itself is a pure function of that
 * code and the registry options. So a start reads it from here when a previous run with the same
 * code and options wrote it, and loads the rest only when a tool is called. The key is a hash of
 * the options and of the path, size and modification time of every module of this package (its
 * `src` and `gen` trees, whichever form runs), so any rebuild or edit misses the cache instead of
 * serving a stale listing. Failing to read or write is never an error: the listing is then derived.
 */
export class ListingCache {
  readonly #dir: string;
  readonly #file: string;

  /**
   * @param options what the listing depends on besides the code (the registry options).
   * @param dir where cache files live; default `$XDG_CACHE_HOME/xai-grpc-mcp` or `~/.cache/xai-grpc-mcp`.
   */
  constructor(options: unknown, dir: string = defaultCacheDir()) {
    this.#dir = dir;
    const hash = createHash("sha256")
      .update(JSON.stringify({ FORMAT, PACKAGE_VERSION, options }))
      .update(codeFingerprint())
      .digest("hex")
      .slice(0, 32);
    this.#file = join(dir, `tools-${hash}.json`);
  }

  /** The cached listing, or undefined when there is none for this code and these options. */
  read(): Tool[] | undefined {
    try {
      const parsed = JSON.parse(readFileSync(this.#file, "utf8")) as { tools?: unknown };
      return Array.isArray(parsed.tools) ? (parsed.tools as Tool[]) : undefined;
    } catch {
      return undefined;
    }
  }

  /** Stores the listing (atomically: readers never see half a file) and prunes old entries. */
  write(tools: readonly Tool[]): void {
    try {
      mkdirSync(this.#dir, { recursive: true });
      const tmp = `${this.#file}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify({ tools }));
      renameSync(tmp, this.#file);
      this.#prune();
    } catch {
      // A read-only or full disk only costs the next start some time.
    }
  }

  #prune(): void {
    const now = Date.now();
    for (const name of readdirSync(this.#dir)) {
      const path = join(this.#dir, name);
      if (!name.startsWith("tools-") || path === this.#file) continue;
      try {
        if (now - statSync(path).mtimeMs > MAX_AGE_MS) unlinkSync(path);
      } catch {
        // Another process pruned it first.
      }
    }
  }
}

function defaultCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), ".cache");
  return join(base, PACKAGE_NAME);
}

/**
 * Path, size and modification time of every JavaScript or TypeScript module of this package: the
 * tree this file belongs to (`dist/src` or `src`) and the generated code beside it (`gen`).
 */
function codeFingerprint(): string {
  const srcDir = fileURLToPath(new URL("..", import.meta.url));
  const genDir = fileURLToPath(new URL("../../gen", import.meta.url));
  const lines: string[] = [];
  const walk = (dir: string) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(js|ts)$/.test(entry.name) && !entry.name.endsWith(".d.ts")) {
        const s = statSync(path);
        lines.push(`${path}\t${s.size}\t${s.mtimeMs}`);
      }
    }
  };
  walk(srcDir);
  walk(genDir);
  return lines.sort().join("\n");
}
