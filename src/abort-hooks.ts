/**
 * Cancellation hooks without EventTarget listeners. Adding and removing an `abort` listener on an
 * AbortSignal costs some microseconds (Node's EventTarget), and every tool call would pay it for
 * each layer that can be cancelled (the call itself, its gRPC call). A signal made by a
 * {@link HookedAbortController} keeps its hooks in a plain set instead; {@link onAbort} uses that
 * set when there is one and a listener otherwise, so any AbortSignal still works.
 */
const hooksOf = new WeakMap<AbortSignal, Set<() => void>>();

/** An AbortController whose signal takes {@link onAbort} hooks cheaply. */
export class HookedAbortController extends AbortController {
  readonly #hooks = new Set<() => void>();

  constructor() {
    super();
    hooksOf.set(this.signal, this.#hooks);
  }

  override abort(reason?: unknown): void {
    if (this.signal.aborted) return;
    super.abort(reason);
    const hooks = [...this.#hooks];
    this.#hooks.clear();
    for (const hook of hooks) hook();
  }
}

const NOTHING = () => {};

/**
 * Runs `hook` once when `signal` aborts (at once if it has); returns a function that removes it.
 * The signal's own `abort` event fires first, then the hooks.
 */
export function onAbort(signal: AbortSignal | undefined, hook: () => void): () => void {
  if (!signal) return NOTHING;
  if (signal.aborted) {
    hook();
    return NOTHING;
  }
  const hooks = hooksOf.get(signal);
  if (hooks) {
    hooks.add(hook);
    return () => hooks.delete(hook);
  }
  signal.addEventListener("abort", hook, { once: true });
  return () => signal.removeEventListener("abort", hook);
}

/** Resolves after `ms`, or at once when `signal` aborts (or has aborted already). */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      forget();
      resolve();
    };
    const timer = setTimeout(done, ms);
    const forget = onAbort(signal, done);
  });
}
