import type { BaseContext } from "./context.js";
import { notFound } from "./errors.js";
import { ByteBudget } from "./limits.js";
import { contentTypeOf } from "./media/content-type.js";

/** A file held by the emulator's Files service. */
export interface StoredFile {
  readonly id: string;
  readonly filename: string;
  readonly bytes: Uint8Array;
  readonly createdAt: Date;
  expiresAt?: Date | undefined;
  publicUrl?: string | undefined;
  publicUrlExpiresAt?: Date | undefined;
  /** Order of arrival, unique: breaks ties between files created in the same millisecond. */
  readonly sequence: number;
}

/** A public URL handed out for a stored file. */
export interface PublicUrl {
  readonly url: string;
  readonly expiresAt: Date | undefined;
}

/** The in-memory store behind Files; Collections, Batch and chat file inputs read from it. */
export interface FileStore {
  /**
   * Refuses with `RESOURCE_EXHAUSTED` when `bytes` more would not fit in the store's byte budget
   * (an upload checks as its data arrives, and stops reading when it does not fit).
   */
  checkRoom(bytes: number): void;
  /** Bytes the stored files hold. */
  readonly bytes: number;
  /**
   * Adds a file (upload rules already checked by the caller: see {@link filenameProblem});
   * `RESOURCE_EXHAUSTED` when it does not fit in the store's byte budget.
   */
  add(filename: string, bytes: Uint8Array, expiresAfterSeconds?: number): StoredFile;
  /** The file, or undefined when there is none (or it expired). */
  get(id: string): StoredFile | undefined;
  /** The file, or `NOT_FOUND` (thrown as EmulatorError). */
  require(id: string): StoredFile;
  /** Removes a file and stops serving its public URL; false when there was none. */
  delete(id: string): boolean;
  /** Every live file, in order of arrival. */
  all(): StoredFile[];
  /**
   * Serves the file under a public URL (replacing any earlier one) that expires after the given
   * seconds, or with the file when unset. `NOT_FOUND` for an unknown file.
   */
  createPublicUrl(id: string, expiresAfterSeconds?: number): PublicUrl;
  /** Stops serving the file's public URL; returns the URL that was revoked, if there was one. */
  revokePublicUrl(id: string): string | undefined;
}

/** Longest filename the Files service accepts, in characters. */
export const MAX_FILENAME_LENGTH = 255;
/** Shortest and longest expiry the API accepts for files and public URLs, in seconds (1 h – 30 days). */
export const MIN_EXPIRES_AFTER_SECONDS = 3600;
export const MAX_EXPIRES_AFTER_SECONDS = 2_592_000;

/**
 * What is wrong with a filename under the API's rules, or undefined when it is acceptable: it must be
 * non-empty, at most 255 characters, without `/` or `\` (a name, not a path) and without control
 * characters.
 */
export function filenameProblem(name: string): string | undefined {
  if (name.trim().length === 0) return "must not be empty";
  if ([...name].length > MAX_FILENAME_LENGTH) return `must be at most ${MAX_FILENAME_LENGTH} characters`;
  if (/[/\\]/.test(name)) return "must be a name, not a path (no '/' or '\\')";
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
  if (/[\u0000-\u001f\u007f]/.test(name)) return "must not contain control characters";
  if (name === "." || name === "..") return "must not be '.' or '..'";
  return undefined;
}

/**
 * What is wrong with an `expires_after` value (seconds), or undefined when it is in the accepted
 * range of 3600 – 2592000 (one hour to thirty days).
 */
export function expiresAfterProblem(seconds: number | bigint): string | undefined {
  const s = Number(seconds);
  if (!Number.isFinite(s) || s < MIN_EXPIRES_AFTER_SECONDS || s > MAX_EXPIRES_AFTER_SECONDS) {
    return `must be between ${MIN_EXPIRES_AFTER_SECONDS} and ${MAX_EXPIRES_AFTER_SECONDS} seconds, got ${seconds}`;
  }
  return undefined;
}

/**
 * Creates the store. Expiry follows the emulator's clock, so tests can move time forward: expired
 * files and public URLs are swept on every access to the store (the media host keeps serving an
 * expired public URL only until the store is next touched).
 */
export function createFileStore(base: BaseContext): FileStore {
  const files = new Map<string, StoredFile>();
  let sequence = 0;
  // Uploaded files are the user's: dropping one to make room would break the API's promise (it
  // lives until deleted or expired), so a file that does not fit is refused instead.
  const budget = new ByteBudget(
    "uploaded files",
    base.config.storeBytes.files,
    "delete some files, or upload a smaller one",
  );
  const sizeOf = (file: StoredFile) => file.bytes.byteLength + file.filename.length + 64;
  const remove = (file: StoredFile) => {
    unpublish(file);
    files.delete(file.id);
    budget.release(sizeOf(file));
  };

  const unpublish = (file: StoredFile) => {
    if (file.publicUrl !== undefined) base.media.unpublish(file.publicUrl);
    file.publicUrl = undefined;
    file.publicUrlExpiresAt = undefined;
  };

  const sweep = () => {
    const now = base.now().getTime();
    for (const file of files.values()) {
      if (file.expiresAt !== undefined && file.expiresAt.getTime() <= now) {
        remove(file);
      } else if (file.publicUrlExpiresAt !== undefined && file.publicUrlExpiresAt.getTime() <= now) {
        unpublish(file);
      }
    }
  };

  const get = (id: string) => {
    sweep();
    return files.get(id);
  };

  const require = (id: string) => {
    const file = get(id);
    if (!file) throw notFound(`File "${id}" not found (it may have been deleted or have expired).`);
    return file;
  };

  return {
    checkRoom(bytes) {
      sweep();
      budget.check(bytes);
    },
    get bytes() {
      return budget.used;
    },
    add(filename, bytes, expiresAfterSeconds) {
      sweep();
      budget.check(bytes.byteLength + filename.length + 64);
      sequence += 1;
      const createdAt = base.now();
      const file: StoredFile = {
        id: base.newId("file"),
        filename,
        bytes,
        createdAt,
        expiresAt:
          expiresAfterSeconds === undefined
            ? undefined
            : new Date(createdAt.getTime() + expiresAfterSeconds * 1000),
        sequence,
      };
      files.set(file.id, file);
      budget.reserve(sizeOf(file));
      return file;
    },
    get,
    require,
    delete(id) {
      const file = get(id);
      if (!file) return false;
      remove(file);
      return true;
    },
    all() {
      sweep();
      return [...files.values()];
    },
    createPublicUrl(id, expiresAfterSeconds) {
      const file = require(id);
      unpublish(file);
      const expiresAt =
        expiresAfterSeconds === undefined
          ? file.expiresAt
          : new Date(base.now().getTime() + expiresAfterSeconds * 1000);
      // A URL cannot outlive its file.
      const capped =
        file.expiresAt !== undefined && expiresAt !== undefined && expiresAt > file.expiresAt
          ? file.expiresAt
          : expiresAt;
      file.publicUrl = base.media.publish(file.bytes, contentTypeOf(file.filename), file.filename);
      file.publicUrlExpiresAt = capped;
      return { url: file.publicUrl, expiresAt: capped };
    },
    revokePublicUrl(id) {
      const file = require(id);
      const url = file.publicUrl;
      unpublish(file);
      return url;
    },
  };
}
