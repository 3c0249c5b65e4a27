import { randomBytes } from "node:crypto";
import { constants, existsSync, lstatSync, type Stats, unlinkSync } from "node:fs";
import {
  type FileHandle,
  link,
  lstat,
  mkdir,
  open,
  readlink,
  realpath,
  rename,
  unlink,
} from "node:fs/promises";
import { join, relative, sep } from "node:path";
import type { AllowedRoots } from "./allowed-roots.js";
import { type AllowedDirectory, isWithin, noDirectories, PathAccessError } from "./path-validation.js";
import { type Temporary, trackTemporary, untrackTemporary } from "./temp-registry.js";

// Every writer (save_to of images and videos, downloads, batch output files) goes through this
// module, so that a write lands inside an allowed directory or not at all, whatever changes on disk
// while a slow transfer runs. Node has no openat(): on Linux, /proc/self/fd/<fd> of an open
// directory names that very directory (not the path it was opened by), so every file is created,
// renamed and removed relative to a directory held open since it was checked, and a directory or
// parent swapped for a symlink meanwhile changes nothing. Elsewhere the same steps go by path, with
// the identity checks below catching a swap after the fact.

const NOFOLLOW = constants.O_NOFOLLOW ?? 0;
const DIRECTORY = constants.O_DIRECTORY ?? 0;
const PROC_FD = process.platform === "linux" && existsSync("/proc/self/fd");

/** Identity of a file system entry: device and inode. */
interface Identity {
  readonly dev: number;
  readonly ino: number;
}

const same = (a: Identity, b: Identity) => a.dev === b.dev && a.ino === b.ino;

function errnoCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

async function lstatOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await lstat(path);
  } catch (e) {
    const code = errnoCode(e);
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw e;
  }
}

const changed = (what: string) =>
  new PathAccessError(
    `${what} changed on disk while it was being written (moved, or replaced by a link); nothing was written there. Try again.`,
  );

/**
 * A directory inside the allowed directories, held open from the moment it was checked: files are
 * created in it, renamed and removed relative to it, and {@link whereNow} says where it really is.
 */
export class SafeDirectory {
  private constructor(
    private readonly handle: FileHandle | undefined,
    /** The real path it was reached by. */
    private readonly openedAs: string,
    private readonly identity: Identity,
    private readonly dirs: readonly AllowedDirectory[],
  ) {}

  /**
   * Opens `input` (a directory path, checked against the allowed directories), walking down from the
   * allowed directory that holds it one segment at a time without following any link, and creating
   * missing segments when `create` is set. A segment that is a symlink (or was swapped for one) is
   * refused, so what is opened really is inside.
   */
  static async open(roots: AllowedRoots, input: string, o: { create: boolean }): Promise<SafeDirectory> {
    const dirs = await roots.directories();
    if (dirs.length === 0) throw noDirectories();
    const target = await roots.writable(input);
    if (target.existing !== "none" && target.existing !== "directory") {
      throw new PathAccessError(`"${input}" exists and is not a directory`);
    }
    if (target.existing === "none" && !o.create) throw new PathAccessError(`"${input}" does not exist`);
    const root = dirs.find((d) => isWithin(target.path, d.real));
    if (!root) throw new PathAccessError(`"${input}" is outside the allowed directories`);
    const segments = relative(root.real, target.path)
      .split(sep)
      .filter((s) => s !== "");
    let current = await openDirectory(root.real);
    let path = root.real;
    try {
      for (const segment of segments) {
        const here = anchorOf(current.handle, path);
        const next = join(here, segment);
        let opened: { handle: FileHandle | undefined; identity: Identity } | undefined;
        try {
          opened = await openDirectory(next);
        } catch (e) {
          const code = errnoCode(e);
          if (code === "ENOENT" && o.create) {
            await mkdir(next).catch((m: unknown) => {
              if (errnoCode(m) !== "EEXIST") throw m;
            });
            opened = await openDirectory(next);
          } else if (code === "ELOOP" || code === "ENOTDIR") {
            throw new PathAccessError(
              `"${input}": ${join(path, segment)} is not a plain directory (a link or a file); refused`,
            );
          } else {
            throw e;
          }
        }
        await current.handle?.close();
        current = opened;
        path = join(path, segment);
      }
    } catch (e) {
      await current.handle?.close();
      throw e;
    }
    const dir = new SafeDirectory(current.handle, path, current.identity, dirs);
    try {
      await dir.whereNow();
    } catch (e) {
      await dir.close();
      throw e;
    }
    return dir;
  }

  /** A path naming `name` in this very directory (through its open descriptor on Linux). */
  pathOf(name: string): string {
    return join(anchorOf(this.handle, this.openedAs), name);
  }

  /**
   * The directory's real path now, checked to be inside the allowed directories; throws when it was
   * moved out of them (or, without /proc, replaced by something else).
   */
  async whereNow(): Promise<string> {
    let now: string;
    if (this.handle && PROC_FD) {
      now = await readlink(`/proc/self/fd/${this.handle.fd}`);
    } else {
      now = await realpath(this.openedAs).catch(() => "");
      const info = now ? await lstatOrUndefined(now) : undefined;
      if (!info || !same(info, this.identity)) throw changed(`the directory ${this.openedAs}`);
    }
    if (!this.dirs.some((d) => isWithin(now, d.real))) {
      throw new PathAccessError(
        `the directory ${this.openedAs} was moved outside the allowed directories (now ${now}); nothing is written there`,
      );
    }
    return now;
  }

  /** A new temporary file in this directory, created exclusively (mode 0600), never through a link. */
  async createTemp(hint: string): Promise<TempFile> {
    const safeHint = hint.replace(/[^A-Za-z0-9._-]/g, "_").slice(0, 60) || "file";
    const name = `.${safeHint}.${randomBytes(6).toString("hex")}.part`;
    const path = this.pathOf(name);
    const handle = await open(
      path,
      constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY | NOFOLLOW,
      0o600,
    );
    const info = await handle.stat();
    const temp = new TempFile(this, name, handle, { dev: info.dev, ino: info.ino });
    trackTemporary(temp);
    try {
      // The directory may have been moved out between the walk and the create.
      await this.whereNow();
    } catch (e) {
      await temp.discard();
      throw e;
    }
    return temp;
  }

  /**
   * Opens the existing regular file `name` in this directory to append to it, never through a link.
   * Returns undefined when there is no such file.
   */
  async openForAppend(name: string): Promise<{ handle: FileHandle; identity: Identity } | undefined> {
    let handle: FileHandle;
    try {
      handle = await open(this.pathOf(name), constants.O_RDWR | constants.O_APPEND | NOFOLLOW);
    } catch (e) {
      const code = errnoCode(e);
      if (code === "ENOENT") return undefined;
      if (code === "ELOOP") throw new PathAccessError(`${join(this.openedAs, name)} is a link; refused`);
      throw e;
    }
    const info = await handle.stat();
    if (!info.isFile()) {
      await handle.close();
      throw new PathAccessError(`${join(this.openedAs, name)} exists and is not a regular file`);
    }
    return { handle, identity: { dev: info.dev, ino: info.ino } };
  }

  /** What is at `name` in this directory now (not following a link), if anything. */
  entry(name: string): Promise<Stats | undefined> {
    return lstatOrUndefined(this.pathOf(name));
  }

  async close(): Promise<void> {
    await this.handle?.close().catch(() => {});
  }
}

/** Where to place a finished temporary file. */
export type Placement =
  | { readonly name: string; readonly overwrite: boolean }
  /** `<stem><ext>`, or `<stem>-2<ext>`… when taken: never replaces anything. */
  | { readonly stem: string; readonly ext: string };

/**
 * A temporary file being written in a {@link SafeDirectory}. {@link place} moves it to its final
 * name after checking, right before and right after, that the file and its directory are still
 * inside the allowed directories; otherwise it is removed. Until placed or discarded it is listed
 * for removal at shutdown (`removeTemporaryFilesSync`).
 */
export class TempFile implements Temporary {
  #bytes = 0;
  #closed = false;
  #gone = false;

  constructor(
    readonly dir: SafeDirectory,
    readonly name: string,
    readonly handle: FileHandle,
    private readonly identity: Identity,
  ) {}

  /** Bytes written through {@link write}. */
  get bytes(): number {
    return this.#bytes;
  }

  async write(chunk: Uint8Array | string): Promise<void> {
    const { bytesWritten } =
      typeof chunk === "string" ? await this.handle.write(chunk) : await this.handle.write(chunk);
    this.#bytes += bytesWritten;
  }

  async #close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.handle.close().catch(() => {});
  }

  /** True while the temporary name still holds this very file. */
  async #stillOurs(): Promise<boolean> {
    const info = await lstatOrUndefined(this.dir.pathOf(this.name));
    return info !== undefined && same(info, this.identity);
  }

  removeSync(): void {
    if (this.#gone) return;
    this.#gone = true;
    const path = this.dir.pathOf(this.name);
    try {
      if (same(lstatSync(path), this.identity)) unlinkSync(path);
    } catch {
      // Already gone.
    }
  }

  /** Removes the temporary file (if it is still ours) and closes it. */
  async discard(): Promise<void> {
    await this.#close();
    if (!this.#gone) {
      if (await this.#stillOurs().catch(() => false))
        await unlink(this.dir.pathOf(this.name)).catch(() => {});
      this.#gone = true;
    }
    // Listed until it is really gone: a shutdown meanwhile removes it itself.
    untrackTemporary(this);
  }

  /**
   * Moves the file to its final name and returns the real path it is at. Without `overwrite` an
   * existing file is never replaced (the name is claimed with a hard link, which fails if taken).
   * The file is removed, and a {@link PathAccessError} thrown, when the checks fail.
   */
  async place(where: Placement): Promise<string> {
    try {
      await this.handle.sync();
      await this.#close();
      await this.dir.whereNow();
      if (!(await this.#stillOurs())) throw changed(`the temporary file ${this.name}`);
      const name =
        "name" in where ? await this.#claim(where.name, where.overwrite) : await this.#claimFree(where);
      this.#gone = true;
      untrackTemporary(this);
      return await this.#verifyPlaced(name);
    } catch (e) {
      await this.discard();
      throw e;
    }
  }

  async #claim(name: string, overwrite: boolean): Promise<string> {
    const target = this.dir.pathOf(name);
    const existing = await this.dir.entry(name);
    if (existing?.isDirectory()) throw new PathAccessError(`${name} exists and is a directory`);
    if (overwrite) {
      // rename() replaces a link at the target itself; it never writes through one.
      await rename(this.dir.pathOf(this.name), target);
      return name;
    }
    if (existing) throw new PathAccessError(`${name} exists already; pass overwrite: true to replace it`);
    if (!(await this.#link(name)))
      throw new PathAccessError(`${name} exists already; pass overwrite: true to replace it`);
    return name;
  }

  async #claimFree(where: { stem: string; ext: string }): Promise<string> {
    for (let n = 1; n < 1000; n++) {
      const name = `${where.stem}${n === 1 ? "" : `-${n}`}${where.ext}`;
      if (await this.#link(name)) return name;
    }
    throw new PathAccessError(`no free file name for ${where.stem}${where.ext}`);
  }

  /** Claims `name` without replacing anything; false when it is taken. */
  async #link(name: string): Promise<boolean> {
    const from = this.dir.pathOf(this.name);
    const to = this.dir.pathOf(name);
    try {
      await link(from, to);
    } catch (e) {
      const code = errnoCode(e);
      if (code === "EEXIST") return false;
      if (code !== "EPERM" && code !== "ENOTSUP" && code !== "EOPNOTSUPP" && code !== "ENOSYS") throw e;
      // A file system without hard links: check, then rename (a race here can only lose the name).
      if (await this.dir.entry(name)) return false;
      await rename(from, to);
      return true;
    }
    await unlink(from).catch(() => {});
    return true;
  }

  /** After the rename: the file at `name` is ours and its directory is inside; else it is removed. */
  async #verifyPlaced(name: string): Promise<string> {
    const info = await this.dir.entry(name);
    if (!info || !same(info, this.identity)) throw changed(`the file ${name}`);
    try {
      return join(await this.dir.whereNow(), name);
    } catch (e) {
      await unlink(this.dir.pathOf(name)).catch(() => {});
      throw e;
    }
  }
}

/** The path of an open directory to create files relative to: its descriptor on Linux. */
function anchorOf(handle: FileHandle | undefined, path: string): string {
  return handle && PROC_FD ? `/proc/self/fd/${handle.fd}` : path;
}

/** Opens a directory without following a link at its last segment. */
async function openDirectory(path: string): Promise<{ handle: FileHandle | undefined; identity: Identity }> {
  if (process.platform === "win32") {
    // Directories cannot be opened there; identity from lstat, and checks by path.
    const info = await lstat(path);
    if (info.isSymbolicLink()) throw Object.assign(new Error("link"), { code: "ELOOP" });
    if (!info.isDirectory()) throw Object.assign(new Error("not a directory"), { code: "ENOTDIR" });
    return { handle: undefined, identity: { dev: info.dev, ino: info.ino } };
  }
  const handle = await open(path, constants.O_RDONLY | DIRECTORY | NOFOLLOW);
  const info = await handle.stat();
  if (!info.isDirectory()) {
    await handle.close();
    throw Object.assign(new Error("not a directory"), { code: "ENOTDIR" });
  }
  return { handle, identity: { dev: info.dev, ino: info.ino } };
}

/** What {@link writeStream} did. */
export interface WriteOutcome {
  /** The real path written. */
  readonly path: string;
  readonly bytes: number;
}

/**
 * Streams `chunks` into a temporary file in `dir` and places it (see {@link TempFile.place}): a
 * failed, cancelled or refused write leaves nothing behind. Each chunk is written before the next
 * is pulled, so memory stays flat. `onChunk` sees the running byte count.
 */
export async function writeStream(
  dir: SafeDirectory,
  where: Placement,
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  onChunk?: (written: number) => Promise<void> | void,
): Promise<WriteOutcome> {
  const temp = await dir.createTemp("name" in where ? where.name : where.stem);
  try {
    for await (const chunk of chunks) {
      if (chunk.byteLength === 0) continue;
      await temp.write(chunk);
      await onChunk?.(temp.bytes);
    }
  } catch (e) {
    await temp.discard();
    throw e;
  }
  const bytes = temp.bytes;
  return { path: await temp.place(where), bytes };
}
