import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { hostPort, isLoopbackHost } from "./listen.js";

/** Why a request is refused before it reaches MCP: the HTTP status and a sentence for the client. */
export interface Refusal {
  readonly status: 401 | 403;
  readonly message: string;
}

const digest = (text: string) => createHash("sha256").update(text, "utf8").digest();

/** True when `a` and `b` are equal, in time that does not depend on where they differ (or their lengths). */
export function constantTimeEqual(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

/**
 * Who may talk to the server: the `Host` header on loopback binds (a web page that rebinds its own
 * name to 127.0.0.1 still sends its own name), the `Origin` header when a browser sends one, and the
 * bearer token when one is configured.
 */
export class AccessPolicy {
  readonly #token: string | undefined;
  readonly #origins: ReadonlySet<string>;
  #hosts: ReadonlySet<string> | undefined;
  readonly #extraHosts: readonly string[];
  readonly #loopback: boolean;
  readonly #bindHost: string;

  constructor(options: {
    token: string | undefined;
    allowOrigins: readonly string[];
    allowHosts: readonly string[];
    bindHost: string;
  }) {
    this.#token = options.token;
    this.#origins = new Set(options.allowOrigins);
    this.#extraHosts = options.allowHosts;
    this.#loopback = isLoopbackHost(options.bindHost);
    this.#bindHost = options.bindHost.toLowerCase();
  }

  /** Sets the port actually bound (known once listening), which the accepted Host values carry. */
  bound(port: number): void {
    if (!this.#loopback) return;
    this.#hosts = new Set(
      [
        ...[...new Set(["localhost", "127.0.0.1", "::1", this.#bindHost])].map((h) => hostPort(h, port)),
        ...this.#extraHosts,
      ].map((h) => h.toLowerCase()),
    );
  }

  /** The refusal of a request, or undefined when it may go on. `authenticate: false` skips the token. */
  check(req: IncomingMessage, authenticate = true): Refusal | undefined {
    if (this.#hosts) {
      const host = (req.headers.host ?? "").toLowerCase();
      if (!this.#hosts.has(host)) {
        return {
          status: 403,
          message:
            `Host "${req.headers.host ?? ""}" is not this server's: a loopback server answers only ` +
            `${[...this.#hosts].join(", ")} (add a proxy's name with --http-allow-host)`,
        };
      }
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !this.#origins.has(origin.toLowerCase())) {
      return {
        status: 403,
        message: `Origin ${origin} is not allowed; allow a browser origin with --http-allow-origin`,
      };
    }
    if (authenticate && this.#token !== undefined) {
      const header = req.headers.authorization ?? "";
      const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
      if (!match || !constantTimeEqual(match[1] as string, this.#token)) {
        return {
          status: 401,
          message: match
            ? "the bearer token is wrong; send Authorization: Bearer <the server's XAI_MCP_HTTP_TOKEN>"
            : "this server needs a bearer token; send Authorization: Bearer <the server's XAI_MCP_HTTP_TOKEN>",
        };
      }
    }
    return undefined;
  }
}
