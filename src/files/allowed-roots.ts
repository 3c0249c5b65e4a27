import { delimiter } from "node:path";
import type { Logger } from "../log.js";
import {
  type AllowedDirectory,
  noDirectories,
  type ReadablePath,
  resolveAllowedDirectory,
  validateReadPath,
  validateWritePath,
  type WritablePath,
} from "./path-validation.js";

/** A root as an MCP client shares it (`roots/list`). */
export interface ClientRoot {
  readonly uri: string;
  readonly name?: string | undefined;
}

/** Fetches the client's roots (`roots/list`). */
export type RootsFetcher = () => Promise<readonly ClientRoot[]>;

/** How long a tool call waits for the client's roots before going on without them. */
const ROOTS_WAIT_MS = 10_000;

/** Splits `XAI_ALLOWED_DIRS` on the system path delimiter (`:` or `;` on Windows), dropping blanks. */
export function parseAllowedDirs(text: string | undefined): string[] {
  return (text ?? "")
    .split(delimiter)
    .map((d) => d.trim())
    .filter((d) => d !== "");
}

/**
 * The directories local file access is confined to: the union of those configured
 * (`--allow-dir`, `XAI_ALLOWED_DIRS`) and the client's MCP roots (`file://` URIs), refreshed when the
 * client says they changed. Each is resolved to its real path at every check, so a directory created
 * or re-linked later is seen as it is now. Directories that do not exist are skipped with a warning.
 */
export class AllowedRoots {
  readonly #configured: readonly string[];
  readonly #log: Logger | undefined;
  #clientRoots: readonly ClientRoot[] = [];
  #pending: Promise<void> | undefined;
  #fetcher: RootsFetcher | undefined;
  readonly #warned = new Set<string>();

  constructor(configured: readonly string[], log?: Logger) {
    this.#configured = [...configured];
    this.#log = log;
  }

  /** Starts using the client's roots; call once the client declared the `roots` capability. */
  useClientRoots(fetcher: RootsFetcher): void {
    this.#fetcher = fetcher;
    this.refresh();
  }

  /** Fetches the client's roots again (on `notifications/roots/list_changed`). */
  refresh(): void {
    const fetcher = this.#fetcher;
    if (!fetcher) return;
    const run = fetcher().then(
      (roots) => {
        this.#clientRoots = roots;
        this.#log?.debug(`client roots: ${roots.map((r) => r.uri).join(", ") || "(none)"}`);
      },
      (e: unknown) => {
        this.#log?.warn(`could not list the client's roots: ${e instanceof Error ? e.message : String(e)}`);
      },
    );
    this.#pending = run;
    void run.finally(() => {
      if (this.#pending === run) this.#pending = undefined;
    });
  }

  /** The allowed directories now, configured first, duplicates removed. */
  async directories(): Promise<readonly AllowedDirectory[]> {
    const pending = this.#pending;
    if (pending) {
      await Promise.race([pending, new Promise((r) => setTimeout(r, ROOTS_WAIT_MS).unref())]);
    }
    const wanted: string[] = [...this.#configured];
    for (const root of this.#clientRoots) {
      if (/^file:/i.test(root.uri)) wanted.push(root.uri);
      else
        this.#warnOnce(
          root.uri,
          `ignoring client root ${root.uri}: only file:// roots are local directories`,
        );
    }
    const out: AllowedDirectory[] = [];
    const seen = new Set<string>();
    for (const dir of wanted) {
      const resolved = await resolveAllowedDirectory(dir);
      if (!resolved) {
        this.#warnOnce(dir, `ignoring allowed directory ${dir}: it does not exist or is not a directory`);
        continue;
      }
      if (seen.has(resolved.real)) continue;
      seen.add(resolved.real);
      out.push(resolved);
    }
    return out;
  }

  /** Checks a file to read; see {@link validateReadPath}. */
  async readable(input: string): Promise<ReadablePath> {
    return validateReadPath(input, await this.directories());
  }

  /** Checks a path to write; see {@link validateWritePath}. */
  async writable(input: string): Promise<WritablePath> {
    return validateWritePath(input, await this.directories());
  }

  #warnOnce(key: string, message: string): void {
    if (this.#warned.has(key)) return;
    this.#warned.add(key);
    this.#log?.warn(message);
  }
}

/** The allowed roots of a call, or the refusal that says how to allow a directory. */
export function requireRoots(roots: AllowedRoots | undefined): AllowedRoots {
  if (!roots) throw noDirectories();
  return roots;
}
