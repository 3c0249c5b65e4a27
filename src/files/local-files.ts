import { randomBytes } from "node:crypto";
import { constants, type ReadStream } from "node:fs";
import { type FileHandle, link, lstat, mkdir, open, rename, unlink } from "node:fs/promises";
import { basename, dirname, extname, join } from "node:path";
import type { AllowedRoots } from "./allowed-roots.js";
import { PathAccessError, type ReadablePath } from "./path-validation.js";

// O_NOFOLLOW is missing on Windows; there the identity check below still catches a swapped file.
const NOFOLLOW = constants.O_NOFOLLOW ?? 0;

/**
 * Opens a checked file for reading and makes sure it is still the file that was checked (same device
 * and inode), so a swap between the check and the open (a symlink put in its place) is refused.
 */
export async function openChecked(file: ReadablePath): Promise<FileHandle> {
  const handle = await open(file.path, constants.O_RDONLY | NOFOLLOW);
  try {
    const info = await handle.stat();
    if (info.dev !== file.dev || info.ino !== file.ino || !info.isFile()) {
      throw new PathAccessError(`${file.path} changed while it was being opened; try again`);
    }
    return handle;
  } catch (e) {
    await handle.close();
    throw e;
  }
}

/** Reads a whole checked file (for small files: images to inline). */
export async function readChecked(file: ReadablePath): Promise<Buffer> {
  const handle = await openChecked(file);
  try {
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

/**
 * The bytes of a checked file as chunks of at most `chunkBytes`, read one at a time as they are
 * consumed: memory stays at about one chunk whatever the file's size. The file is closed when the
 * iteration ends, early or not.
 */
export async function* readChunks(file: ReadablePath, chunkBytes: number): AsyncGenerator<Buffer> {
  const handle = await openChecked(file);
  let stream: ReadStream | undefined;
  try {
    stream = handle.createReadStream({ highWaterMark: chunkBytes, autoClose: false });
    for await (const chunk of stream) yield chunk as Buffer;
  } finally {
    stream?.destroy();
    await handle.close();
  }
}

/**
 * A directory to write into, inside the allowed directories: created (with its parents) when
 * missing, then checked again so that nothing created or linked meanwhile lets a write escape.
 * Returns its real path.
 */
export async function ensureDirectory(roots: AllowedRoots, input: string): Promise<string> {
  const first = await roots.writable(input);
  if (first.existing === "directory") return first.path;
  if (first.existing !== "none") throw new PathAccessError(`"${input}" exists and is not a directory`);
  await mkdir(first.path, { recursive: true });
  const again = await roots.writable(input);
  if (again.existing !== "directory")
    throw new PathAccessError(`"${input}" could not be created as a directory`);
  return again.path;
}

/**
 * Writes `bytes` to a new file in `dir` named `<stem><ext>`, or `<stem>-2<ext>`, `<stem>-3<ext>`…
 * when taken. Files are created exclusively: nothing existing is ever overwritten or followed.
 * Returns the path written.
 */
export async function writeNewFile(
  dir: string,
  stem: string,
  ext: string,
  bytes: Uint8Array,
): Promise<string> {
  for (let n = 1; n < 1000; n++) {
    const path = join(dir, `${stem}${n === 1 ? "" : `-${n}`}${ext}`);
    let handle: FileHandle;
    try {
      handle = await open(path, "wx");
    } catch (e) {
      if ((e as { code?: unknown }).code === "EEXIST") continue;
      throw e;
    }
    try {
      await handle.writeFile(bytes);
    } finally {
      await handle.close();
    }
    return path;
  }
  throw new Error(`no free file name for ${stem}${ext} in ${dir}`);
}

/**
 * A name for a new file in `dir`: `<stem><ext>`, or `<stem>-2<ext>`… when taken. The caller writes
 * it without overwriting (see {@link writeChunksToFile}), so a name taken meanwhile fails safely.
 */
export async function freePath(dir: string, stem: string, ext: string): Promise<string> {
  for (let n = 1; n < 1000; n++) {
    const path = join(dir, `${stem}${n === 1 ? "" : `-${n}`}${ext}`);
    if (
      !(await lstat(path).then(
        () => true,
        () => false,
      ))
    )
      return path;
  }
  throw new Error(`no free file name for ${stem}${ext} in ${dir}`);
}

/** What {@link writeChunksToFile} did. */
export interface WriteOutcome {
  readonly path: string;
  readonly bytes: number;
}

/**
 * Streams `chunks` into `target` through a temporary file beside it, renamed into place once
 * complete: a failed or cancelled download leaves no half-written file. Each chunk is written before
 * the next is pulled, so memory stays flat. Without `overwrite`, an existing `target` is refused.
 * `onChunk` sees the running byte count.
 */
export async function writeChunksToFile(
  target: string,
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: { overwrite: boolean; onChunk?: (written: number) => Promise<void> | void },
): Promise<WriteOutcome> {
  const temp = join(
    dirname(target),
    `.${basename(target, extname(target))}.${randomBytes(6).toString("hex")}.part`,
  );
  const handle = await open(temp, "wx");
  let written = 0;
  let done = false;
  try {
    try {
      for await (const chunk of chunks) {
        if (chunk.byteLength === 0) continue;
        await handle.write(chunk);
        written += chunk.byteLength;
        await options.onChunk?.(written);
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    await place(temp, target, options.overwrite);
    done = true;
    return { path: target, bytes: written };
  } finally {
    if (!done) await unlink(temp).catch(() => {});
  }
}

async function place(temp: string, target: string, overwrite: boolean): Promise<void> {
  if (overwrite) {
    await rename(temp, target);
    return;
  }
  try {
    // A hard link fails if the target exists: no-clobber without a race.
    await link(temp, target);
    await unlink(temp);
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    if (code === "EEXIST")
      throw new PathAccessError(`${target} exists already; pass overwrite: true to replace it`);
    // File systems without hard links: check, then rename.
    if (
      await lstat(target).then(
        () => true,
        () => false,
      )
    ) {
      throw new PathAccessError(`${target} exists already; pass overwrite: true to replace it`);
    }
    await rename(temp, target);
  }
}
