import { readFileSync } from "node:fs";
import { isLoopbackHost, type ListenAddress, parseListenAddress } from "./listen.js";

/** How the Streamable HTTP transport is configured (`--http` and the `--http-*` flags). */
export interface HttpOptions {
  /** Where to listen. */
  readonly listen: ListenAddress;
  /** The bearer token clients must send; required unless `listen` is a loopback address. */
  readonly token: string | undefined;
  /** Browser origins allowed to call (`Origin` header); any other present `Origin` gets 403. */
  readonly allowOrigins: readonly string[];
  /** Extra `Host` header values accepted on a loopback bind (besides localhost/127.0.0.1/[::1]). */
  readonly allowHosts: readonly string[];
  /** Each client brings its own xAI keys (`X-Xai-Api-Key`, `X-Xai-Management-Key`). */
  readonly clientKeys: boolean;
  /** Serve every request on its own, without sessions (for several instances behind a balancer). */
  readonly stateless: boolean;
  /** A session with no request and no call running for this long is closed, in ms. */
  readonly sessionIdleMs: number;
  /** Most sessions open at once; one more is refused with 503. */
  readonly maxSessions: number;
  /** Most tool calls running at once in one session; one more gets 429 with a JSON-RPC error. */
  readonly maxSessionCalls: number;
}

export const HTTP_DEFAULTS = {
  sessionIdleSeconds: 1800,
  maxSessions: 256,
  maxSessionCalls: 16,
} as const;

/** The `--help` lines of the HTTP options. */
export const HTTP_USAGE = `HTTP (Streamable HTTP instead of stdio):
  --http [HOST:]PORT           serve MCP at http://HOST:PORT/mcp, GET /healthz (env XAI_MCP_HTTP;
                               HOST default 127.0.0.1; port 0 picks a free one)
  --http-token-file FILE       bearer token clients must send (env XAI_MCP_HTTP_TOKEN holds the token
                               itself); required unless HOST is a loopback address
  --http-allow-origin ORIGIN   browser origin allowed to call, e.g. https://app.example; repeatable
                               (env XAI_MCP_HTTP_ALLOW_ORIGINS, comma-separated; default none)
  --http-allow-host HOST       extra Host header accepted on a loopback bind (a local proxy's name);
                               repeatable (env XAI_MCP_HTTP_ALLOW_HOSTS, comma-separated)
  --http-client-keys           each client sends its own X-Xai-Api-Key (and X-Xai-Management-Key);
                               the server's keys are never used (env XAI_MCP_HTTP_CLIENT_KEYS=1)
  --stateless                  no sessions: any instance answers any request (env XAI_MCP_HTTP_STATELESS=1)
  --http-session-idle SECONDS  close a session idle this long (env XAI_MCP_HTTP_SESSION_IDLE, default 1800)
  --http-max-sessions N        most open sessions (env XAI_MCP_HTTP_MAX_SESSIONS, default 256)
  --http-max-session-calls N   most tool calls running at once per session
                               (env XAI_MCP_HTTP_MAX_SESSION_CALLS, default 16)`;

const FLAGS_WITH_VALUE = new Set([
  "--http",
  "--http-token-file",
  "--http-allow-origin",
  "--http-allow-host",
  "--http-session-idle",
  "--http-max-sessions",
  "--http-max-session-calls",
]);
const SWITCHES = new Set(["--http-client-keys", "--stateless"]);

type Fail = (message: string) => Error;

/**
 * Takes the HTTP flags out of `args` and reads the HTTP environment. Returns the other arguments,
 * and the options when `--http` or `XAI_MCP_HTTP` asks for HTTP. Throws `fail(sentence)` on a
 * mistake: a malformed value, an HTTP flag without `--http`, or a public bind without a token.
 */
export function parseHttpArgs(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  fail: Fail,
): { rest: string[]; http: HttpOptions | undefined } {
  const rest: string[] = [];
  const flags = new Map<string, string[]>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (SWITCHES.has(arg)) {
      flags.set(arg, ["true"]);
    } else if (FLAGS_WITH_VALUE.has(arg)) {
      const value = args[i + 1];
      if (value === undefined || value.startsWith("--")) throw fail(`${arg} needs a value`);
      flags.set(arg, [...(flags.get(arg) ?? []), value]);
      i++;
    } else {
      rest.push(arg);
    }
  }
  const last = (flag: string) => flags.get(flag)?.at(-1);
  const listenText = last("--http") ?? (env.XAI_MCP_HTTP || undefined);
  if (listenText === undefined) {
    const stray = [...flags.keys()][0];
    if (stray) throw fail(`${stray} applies to HTTP only: add --http [HOST:]PORT (or set XAI_MCP_HTTP)`);
    return { rest, http: undefined };
  }
  const from = last("--http") !== undefined ? "--http" : "XAI_MCP_HTTP";
  const listen = parseListenAddress(listenText);
  if (!listen)
    throw fail(
      `${from} must be [HOST:]PORT with a port from 0 to 65535, e.g. 8080 or 127.0.0.1:8080, got "${listenText}"`,
    );

  const tokenFile = last("--http-token-file");
  const token =
    tokenFile !== undefined ? readToken(tokenFile, fail) : checkToken(env.XAI_MCP_HTTP_TOKEN, fail);
  if (token === undefined && !isLoopbackHost(listen.host)) {
    throw fail(
      `refusing to serve HTTP on ${listen.host}, which other machines may reach, without a token: ` +
        "set XAI_MCP_HTTP_TOKEN or --http-token-file, or bind 127.0.0.1",
    );
  }
  const origins = flags.get("--http-allow-origin") ?? list(env.XAI_MCP_HTTP_ALLOW_ORIGINS);
  const hosts = flags.get("--http-allow-host") ?? list(env.XAI_MCP_HTTP_ALLOW_HOSTS);
  const integer = (flag: string, name: string, fallback: number) => {
    const text = last(flag) ?? (env[name] || undefined);
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!Number.isInteger(n) || n <= 0)
      throw fail(`${last(flag) !== undefined ? flag : name} must be a positive whole number, got "${text}"`);
    return n;
  };
  return {
    rest,
    http: {
      listen,
      token,
      allowOrigins: origins.map((o) => normalizeOrigin(o, fail)),
      allowHosts: hosts.map((h) => normalizeHost(h, fail)),
      clientKeys: flags.has("--http-client-keys") || bool(env, "XAI_MCP_HTTP_CLIENT_KEYS", fail),
      stateless: flags.has("--stateless") || bool(env, "XAI_MCP_HTTP_STATELESS", fail),
      sessionIdleMs:
        integer("--http-session-idle", "XAI_MCP_HTTP_SESSION_IDLE", HTTP_DEFAULTS.sessionIdleSeconds) * 1000,
      maxSessions: integer("--http-max-sessions", "XAI_MCP_HTTP_MAX_SESSIONS", HTTP_DEFAULTS.maxSessions),
      maxSessionCalls: integer(
        "--http-max-session-calls",
        "XAI_MCP_HTTP_MAX_SESSION_CALLS",
        HTTP_DEFAULTS.maxSessionCalls,
      ),
    },
  };
}

function list(text: string | undefined): string[] {
  return (text ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

function bool(env: NodeJS.ProcessEnv, name: string, fail: Fail): boolean {
  const text = (env[name] ?? "").trim().toLowerCase();
  if (["", "0", "false", "no", "off"].includes(text)) return false;
  if (["1", "true", "yes", "on"].includes(text)) return true;
  throw fail(`${name} must be 1 or 0 (true or false), got "${env[name]}"`);
}

function readToken(file: string, fail: Fail): string {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw fail(`--http-token-file: cannot read "${file}" (${(e as NodeJS.ErrnoException).code ?? "error"})`);
  }
  const token = checkToken(text.trim(), fail, `--http-token-file "${file}"`);
  if (token === undefined) throw fail(`--http-token-file "${file}" is empty; put the token in it`);
  return token;
}

function checkToken(token: string | undefined, fail: Fail, from = "XAI_MCP_HTTP_TOKEN"): string | undefined {
  if (!token) return undefined;
  // What an Authorization header can carry after "Bearer " (RFC 6750 token68, and more printable ASCII).
  if (!/^[\x21-\x7e]+$/.test(token))
    throw fail(`${from} must be printable ASCII without spaces, as it goes in an Authorization header`);
  return token;
}

function normalizeOrigin(text: string, fail: Fail): string {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || !/^https?:$/.test(url.protocol) || url.origin !== text.replace(/\/$/, "").toLowerCase()) {
    throw fail(
      `--http-allow-origin takes an origin like https://app.example or http://localhost:3000, got "${text}"`,
    );
  }
  return url.origin;
}

function normalizeHost(text: string, fail: Fail): string {
  if (!/^[a-zA-Z0-9.\-[\]:]+$/.test(text))
    throw fail(`--http-allow-host takes a host name or host:port as a Host header carries it, got "${text}"`);
  return text.toLowerCase();
}
