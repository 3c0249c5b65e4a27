import { createHash } from "node:crypto";
import type { Endpoint } from "../grpc/endpoint.js";
import type { XaiClient, XaiClientConfig } from "../grpc/xai-client.js";

/** The xAI keys one session calls with. */
export interface SessionKeys {
  readonly apiKey: string | undefined;
  readonly managementKey: string | undefined;
}

/** A fingerprint of a pair of keys, for comparing and indexing without keeping them in plain view. */
export function keysFingerprint(keys: SessionKeys): string {
  return createHash("sha256")
    .update(`${keys.apiKey ?? ""}\u0000${keys.managementKey ?? ""}`, "utf8")
    .digest("hex");
}

interface Entry {
  /** Made at the first call, so that a session that only lists tools loads no gRPC code. */
  made?: Promise<XaiClient>;
  refs: number;
  timer?: NodeJS.Timeout | undefined;
}

/**
 * gRPC clients by key pair: sessions with the same keys share one client (its channels), sessions
 * with different keys never do. A client nobody holds is closed after `lingerMs`, so that requests
 * of a stateless server, each holding it for a moment, reuse its connection.
 */
export class ClientPool {
  readonly #entries = new Map<string, Entry>();

  constructor(
    private readonly base: {
      /** Parsed once, at start-up (or a host to parse). */
      readonly apiHost: string | Endpoint;
      readonly managementHost: string | Endpoint;
      readonly timeoutMs: number;
    },
    private readonly lingerMs = 60_000,
  ) {}

  /** A client for `keys` (made when first needed) and the function that lets go of it. */
  acquire(keys: SessionKeys): { client: () => Promise<XaiClient>; release: () => void } {
    const id = keysFingerprint(keys);
    let entry = this.#entries.get(id);
    if (!entry) {
      entry = { refs: 0 };
      this.#entries.set(id, entry);
    }
    const held = entry;
    held.refs += 1;
    clearTimeout(held.timer);
    held.timer = undefined;
    const config: XaiClientConfig = {
      api: { host: this.base.apiHost, key: keys.apiKey },
      management: { host: this.base.managementHost, key: keys.managementKey },
      timeoutMs: this.base.timeoutMs,
    };
    let released = false;
    return {
      client: () =>
        (held.made ??= import("../grpc/xai-client.js").then(({ XaiClient }) => new XaiClient(config))),
      release: () => {
        if (released) return;
        released = true;
        held.refs -= 1;
        if (held.refs > 0) return;
        held.timer = setTimeout(() => {
          if (held.refs > 0 || this.#entries.get(id) !== held) return;
          this.#entries.delete(id);
          void held.made?.then((c) => c.close()).catch(() => {});
        }, this.lingerMs).unref();
      },
    };
  }

  /** Closes every client. */
  async close(): Promise<void> {
    const entries = [...this.#entries.values()];
    this.#entries.clear();
    for (const e of entries) clearTimeout(e.timer);
    await Promise.allSettled(entries.map((e) => e.made?.then((c) => c.close())));
  }
}
