/**
 * Where a channel connects and whether it uses TLS, from the contract's host forms:
 * `host[:port]` and `https://host[:port]` are TLS (port 443 by default); `http://host:port` is
 * plaintext, meant for local servers such as the built-in emulator.
 */
export interface Endpoint {
  /** `host:port`, as grpc-js wants it. */
  readonly address: string;
  /** True for TLS. */
  readonly secure: boolean;
}

/** Parses a configured host; throws a plain Error whose message says which forms are accepted. */
export function parseEndpoint(value: string): Endpoint {
  const raw = value.trim();
  const match = /^(?:(https?):\/\/)?([^/]+?)\/?$/.exec(raw);
  const host = match?.[2];
  if (!match || !host) {
    throw new Error(`invalid host "${value}": use host[:port], https://host[:port] or http://host:port`);
  }
  const secure = match[1] !== "http";
  // `name`, `name:port`, `[v6]` or `[v6]:port`; a bare IPv6 address needs its brackets.
  const parts = /^(\[[^\]]+\]|[^:[\]]+)(?::(.*))?$/.exec(host);
  if (!parts) {
    throw new Error(`invalid host "${value}": use host[:port] (an IPv6 address in brackets, [::1]:port)`);
  }
  const port = parts[2];
  if (port !== undefined && !(/^\d{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65535)) {
    throw new Error(`invalid port "${port}" in host "${value}": a port is a number from 1 to 65535`);
  }
  if (!secure && port === undefined) {
    throw new Error(`invalid host "${value}": a plaintext http:// host needs an explicit port`);
  }
  return { address: port !== undefined ? host : `${host}:443`, secure };
}
