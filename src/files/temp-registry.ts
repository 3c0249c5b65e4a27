/** A temporary file that can be removed synchronously. */
export interface Temporary {
  /** Removes the file if it is still there and still the one created; never throws. */
  removeSync(): void;
}

/** Temporary files being written now (not yet placed or removed). */
const live = new Set<Temporary>();

/** Lists a temporary file for {@link removeTemporaryFilesSync}. */
export function trackTemporary(temp: Temporary): void {
  live.add(temp);
}

/** Takes a temporary file off the list (it was placed or removed). */
export function untrackTemporary(temp: Temporary): void {
  live.delete(temp);
}

/** How many temporary files are being written now. */
export function temporaryFileCount(): number {
  return live.size;
}

/**
 * Removes every temporary file still being written, synchronously: for shutdown, once the calls
 * writing them have been cancelled, so that no `.part` file outlives the process. Kept apart from
 * the writing code so that the entry point can call it without loading that code.
 */
export function removeTemporaryFilesSync(): void {
  for (const temp of live) {
    live.delete(temp);
    temp.removeSync();
  }
}
