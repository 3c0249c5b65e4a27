import { constants, type ReadStream } from "node:fs";
import { type FileHandle, open } from "node:fs/promises";
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
