import { isIP } from "node:net";

/** Where the HTTP server listens. */
export interface ListenAddress {
  /** An IP address or host name, without brackets (`127.0.0.1`, `::1`, `localhost`). */
  readonly host: string;
  /** The TCP port; 0 picks a free one (the start-up line says which). */
  readonly port: number;
}

/** The host `--http PORT` binds to when none is given: loopback only. */
export const DEFAULT_HTTP_HOST = "127.0.0.1";

/**
 * Parses `[HOST:]PORT` (`8080`, `127.0.0.1:8080`, `[::1]:8080`, `0.0.0.0:8080`); undefined when it
 * is not of that form.
 */
export function parseListenAddress(text: string): ListenAddress | undefined {
  const match = /^(?:(\[[0-9a-fA-F:.]+\]|[^:[\]\s]+):)?(\d{1,5})$/.exec(text.trim());
  if (!match) return undefined;
  const port = Number(match[2]);
  if (port > 65535) return undefined;
  const raw = match[1];
  const host = raw === undefined ? DEFAULT_HTTP_HOST : raw.startsWith("[") ? raw.slice(1, -1) : raw;
  if (raw?.startsWith("[") && isIP(host) !== 6) return undefined;
  return { host, port };
}

/**
 * True for addresses only this machine can reach: 127.0.0.0/8, `::1` and `localhost`. Anything else
 * (`0.0.0.0`, `::`, a LAN address, a host name) may be reachable from outside.
 */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  if (h === "localhost" || h === "::1" || h === "0:0:0:0:0:0:0:1") return true;
  if (isIP(h) === 4) return h.startsWith("127.");
  if (h.startsWith("::ffff:")) return isIP(h.slice(7)) === 4 && h.slice(7).startsWith("127.");
  return false;
}

/** `host:port` as it goes in a URL (IPv6 in brackets). */
export function hostPort(host: string, port: number): string {
  return `${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
}
