import { lstat, realpath, stat } from "node:fs/promises";
import { homedir } from "node:os";
import { basename, dirname, isAbsolute, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * A local path the server will not touch: outside the allowed directories, no directory allowed at
 * all, or not a usable path. The message says why and how to allow it; nothing was read or written.
 */
export class PathAccessError extends Error {
  override readonly name = "PathAccessError";
}

/** True for a {@link PathAccessError}. */
export function isPathAccessError(e: unknown): e is PathAccessError {
  return e instanceof PathAccessError;
}

/** An allowed directory: as configured (made absolute) and as it really is on disk (symlinks resolved). */
export interface AllowedDirectory {
  /** The directory as given, absolute and normalized (`~` expanded). */
  readonly given: string;
  /** Its real path: what every checked path must really be inside. */
  readonly real: string;
}

/** How to allow a directory; the end of every refusal. */
export const HOW_TO_ALLOW =
  "Allow a directory by starting the server with --allow-dir DIR (repeatable) or XAI_ALLOWED_DIRS " +
  "(directories separated by the system path delimiter), or share it as a root from the MCP client.";

/** `~` and `~/x` to the home directory; anything else unchanged. */
export function expandHome(path: string): string {
  if (path === "~") return homedir();
  if (path.startsWith("~/") || path.startsWith(`~${sep}`)) return join(homedir(), path.slice(2));
  return path;
}

/**
 * A user-given local path or `file://` URI as a plain path (`~` expanded, not yet resolved).
 * Refuses what is no local path: NUL bytes, empty text, other URI forms (`file://host/…`).
 */
export function toLocalPath(input: string): string {
  const text = input.trim();
  if (text === "") throw new PathAccessError("the path is empty");
  if (text.includes("\0")) throw new PathAccessError("the path contains a NUL byte");
  if (/^file:/i.test(text)) {
    try {
      return fileURLToPath(text);
    } catch (e) {
      throw new PathAccessError(
        `"${text}" is not a local file URI (${e instanceof Error ? e.message : String(e)}); use file:///absolute/path`,
      );
    }
  }
  return expandHome(text);
}

/**
 * True when `path` is `root` or inside it. Both must be absolute and normalized. Compares whole
 * path segments, so `/allowed-evil` is not inside `/allowed`.
 */
export function isWithin(path: string, root: string): boolean {
  const p = normalize(path);
  const r = normalize(root);
  if (p === r) return true;
  const prefix = r.endsWith(sep) ? r : r + sep;
  return p.startsWith(prefix);
}

/** True when `path` is inside any of `dirs` (by the chosen form). */
function withinAny(path: string, dirs: readonly AllowedDirectory[], form: "given" | "real"): boolean {
  return dirs.some((d) => isWithin(path, d[form]));
}

/**
 * An absolute path for `input`: `file://` URIs and `~` understood, relative paths taken from the
 * first allowed directory (the server's own working directory means nothing to an agent).
 */
export function absoluteFor(input: string, dirs: readonly AllowedDirectory[]): string {
  const local = toLocalPath(input);
  if (isAbsolute(local)) return resolve(local);
  const base = dirs[0];
  if (!base) throw noDirectories();
  return resolve(base.given, local);
}

/** The refusal when no directory is allowed at all. */
export function noDirectories(): PathAccessError {
  return new PathAccessError(`local file access is off: no directory is allowed. ${HOW_TO_ALLOW}`);
}

function outside(input: string, resolved: string, dirs: readonly AllowedDirectory[]): PathAccessError {
  const list = dirs.map((d) => d.given).join(", ");
  const shown = input === resolved ? `"${input}"` : `"${input}" (resolved to ${resolved})`;
  return new PathAccessError(
    `access denied: ${shown} is outside the allowed directories (${list}). Use a path inside one of them. ${HOW_TO_ALLOW}`,
  );
}

function errnoCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/**
 * Checks `input` against the allowed directories in two steps, like the reference filesystem MCP
 * server: the path as written (after `..` is resolved) must name a place inside an allowed
 * directory, and its real path (every symlink followed) must really be inside one. Returns the real
 * path of an existing entry, or — for a path that does not exist yet — the real path of its nearest
 * existing ancestor joined with the missing rest (which, not existing, holds no symlink).
 */
async function checkedRealPath(
  input: string,
  dirs: readonly AllowedDirectory[],
): Promise<{ path: string; exists: boolean }> {
  if (dirs.length === 0) throw noDirectories();
  const absolute = absoluteFor(input, dirs);
  if (!withinAny(absolute, dirs, "given") && !withinAny(absolute, dirs, "real")) {
    throw outside(input, absolute, dirs);
  }
  let real: string;
  let exists = true;
  try {
    real = await realpath(absolute);
  } catch (e) {
    const code = errnoCode(e);
    if (code !== "ENOENT" && code !== "ENOTDIR")
      throw new PathAccessError(`cannot resolve "${input}": ${code}`);
    exists = false;
    real = await realParentPath(input, absolute);
  }
  if (!withinAny(real, dirs, "real")) throw outside(input, real, dirs);
  return { path: real, exists };
}

/**
 * The real path of a missing `absolute`: its nearest existing ancestor, resolved, joined with the
 * missing segments. A dangling symlink on the way is refused: where it points is not ours to create.
 */
async function realParentPath(input: string, absolute: string): Promise<string> {
  const missing: string[] = [];
  let current = absolute;
  for (;;) {
    const parent = dirname(current);
    missing.unshift(basename(current));
    try {
      const info = await lstat(current);
      if (info.isSymbolicLink()) {
        throw new PathAccessError(`"${input}" goes through a symlink that points nowhere (${current})`);
      }
    } catch (e) {
      if (isPathAccessError(e)) throw e;
    }
    if (parent === current) throw new PathAccessError(`"${input}" has no existing parent directory`);
    try {
      const realAncestor = await realpath(parent);
      const info = await stat(realAncestor);
      if (!info.isDirectory()) throw new PathAccessError(`"${input}": ${parent} is not a directory`);
      return join(realAncestor, ...missing);
    } catch (e) {
      if (isPathAccessError(e)) throw e;
      const code = errnoCode(e);
      if (code !== "ENOENT" && code !== "ENOTDIR")
        throw new PathAccessError(`cannot resolve "${input}": ${code}`);
      current = parent;
    }
  }
}

/** An existing regular file that may be read, with the identity it had when checked. */
export interface ReadablePath {
  /** The real path (symlinks resolved). */
  readonly path: string;
  readonly size: number;
  /** Device and inode at check time: the opened file must be the same one. */
  readonly dev: number;
  readonly ino: number;
}

/**
 * Checks that `input` names an existing regular file inside the allowed directories, following
 * symlinks. Throws {@link PathAccessError} otherwise; nothing is opened.
 */
export async function validateReadPath(
  input: string,
  dirs: readonly AllowedDirectory[],
): Promise<ReadablePath> {
  const { path, exists } = await checkedRealPath(input, dirs);
  if (!exists) throw new PathAccessError(`"${input}" does not exist`);
  const info = await stat(path);
  if (!info.isFile()) throw new PathAccessError(`"${input}" is not a regular file`);
  return { path, size: info.size, dev: info.dev, ino: info.ino };
}

/** A place that may be written: a file path whose parent is inside the allowed directories. */
export interface WritablePath {
  /** The real path to write (parent resolved; the file itself may not exist yet). */
  readonly path: string;
  /** What is there now. */
  readonly existing: "none" | "file" | "directory" | "other";
}

/**
 * Checks that `input` may be written: its real parent is inside the allowed directories, and, if it
 * exists already (a symlink is followed), so is what it resolves to. Throws {@link PathAccessError}.
 */
export async function validateWritePath(
  input: string,
  dirs: readonly AllowedDirectory[],
): Promise<WritablePath> {
  const { path, exists } = await checkedRealPath(input, dirs);
  if (!exists) return { path, existing: "none" };
  const info = await stat(path);
  return { path, existing: info.isFile() ? "file" : info.isDirectory() ? "directory" : "other" };
}

/**
 * The real path of an allowed directory as configured or shared, or undefined when it does not
 * exist or is no directory (it is then skipped, with a warning from the caller).
 */
export async function resolveAllowedDirectory(dir: string): Promise<AllowedDirectory | undefined> {
  let local: string;
  try {
    local = toLocalPath(dir);
  } catch {
    return undefined;
  }
  const given = resolve(local);
  try {
    const real = await realpath(given);
    if (!(await stat(real)).isDirectory()) return undefined;
    return { given, real };
  } catch {
    return undefined;
  }
}

/**
 * Runs a path check or a write, prefixing a refusal with the argument it concerns (`save_to: access
 * denied…`). A file system error on the way (a path that changed on disk between two steps, a
 * permission) becomes a refusal of that argument too.
 */
export async function forArgument<T>(argument: string, check: Promise<T>): Promise<T> {
  try {
    return await check;
  } catch (e) {
    if (isPathAccessError(e)) throw new PathAccessError(`${argument}: ${e.message}`);
    const fs = e as { code?: unknown; syscall?: unknown; message?: unknown } | null;
    if (typeof fs?.code === "string" && typeof fs.syscall === "string") {
      const hint =
        fs.code === "EACCES" || fs.code === "EPERM" ? "" : " (it changed on disk while in use; try again)";
      throw new PathAccessError(`${argument}: ${String(fs.message)}${hint}; nothing was written`);
    }
    throw e;
  }
}
