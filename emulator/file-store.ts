// PLACEHOLDER: replaced by the files part of the emulator.
import type { BaseContext } from "./context.js";
/** A file held by the emulator's Files service. */
export interface StoredFile {
  readonly id: string;
  readonly filename: string;
  readonly bytes: Uint8Array;
  readonly createdAt: Date;
  expiresAt?: Date | undefined;
  publicUrl?: string | undefined;
  publicUrlExpiresAt?: Date | undefined;
}

/** The in-memory store behind Files; Collections, Batch and chat file inputs read from it. */
export interface FileStore {
  /** Adds a file (upload rules already checked by the caller). */
  add(filename: string, bytes: Uint8Array, expiresAfterSeconds?: number): StoredFile;
  /** The file, or undefined when there is none (or it expired). */
  get(id: string): StoredFile | undefined;
  /** The file, or `NOT_FOUND` (thrown as EmulatorError). */
  require(id: string): StoredFile;
  delete(id: string): boolean;
  all(): StoredFile[];
}

export function createFileStore(_base: BaseContext): FileStore {
  throw new Error("not implemented yet");
}
