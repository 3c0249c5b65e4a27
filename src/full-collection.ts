import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/**
 * A full collection, soon, when it is available (it is unless the flag could not be set). Used after
 * a message of several MiB: the transient copies of one such call (the line, its text, the encoded
 * request, the gRPC frame) are mostly Buffers outside the JS heap, which V8 lets grow by some 64 MB
 * before it collects, so without it the resident set climbs by that much after a few large calls.
 */
export function collectSoon(): void {
  fullCollection ??= exposeGc();
  if (!fullCollection.gc || collectionPending) return;
  collectionPending = true;
  setImmediate(() => {
    collectionPending = false;
    fullCollection?.gc?.();
  }).unref();
}

let collectionPending = false;
/** V8's `gc()`, exposed the first time a collection is asked for (not at import). */
let fullCollection: { readonly gc: (() => void) | undefined } | undefined;

function exposeGc(): { readonly gc: (() => void) | undefined } {
  try {
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as unknown;
    return { gc: typeof gc === "function" ? (gc as () => void) : undefined };
  } catch {
    return { gc: undefined };
  }
}
