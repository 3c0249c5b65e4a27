import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type Config, parseCommand, USAGE, UsageError } from "../src/config.js";
import { isLoopbackHost, parseListenAddress } from "../src/http/listen.js";

const dir = mkdtempSync(join(tmpdir(), "xai-mcp-http-options-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function config(argv: string[], env: NodeJS.ProcessEnv = {}): Config {
  const command = parseCommand(argv, env);
  if (command.kind !== "serve") throw new Error(`not a serve command: ${command.kind}`);
  return command.config;
}

/** The one-sentence refusal of a start. */
function refusal(argv: string[], env: NodeJS.ProcessEnv = {}): string {
  try {
    parseCommand(argv, env);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    const message = (e as Error).message;
    expect(message).not.toContain("\n");
    return message;
  }
  throw new Error(`${argv.join(" ")} was accepted`);
}

describe("[HOST:]PORT", () => {
  it.each([
    ["8080", { host: "127.0.0.1", port: 8080 }],
    ["0", { host: "127.0.0.1", port: 0 }],
    ["localhost:3000", { host: "localhost", port: 3000 }],
    ["0.0.0.0:80", { host: "0.0.0.0", port: 80 }],
    ["[::1]:9000", { host: "::1", port: 9000 }],
  ])("reads %s", (text, expected) => {
    expect(parseListenAddress(text)).toEqual(expected);
  });

  it.each(["", "http", "70000", "host:", ":80", "[zz]:80", "a b:80", "8080/mcp"])("refuses %j", (text) => {
    expect(parseListenAddress(text)).toBeUndefined();
  });

  it("knows loopback from reachable addresses", () => {
    for (const h of ["127.0.0.1", "127.1.2.3", "::1", "localhost", "::ffff:127.0.0.1"]) {
      expect(isLoopbackHost(h), h).toBe(true);
    }
    for (const h of ["0.0.0.0", "::", "192.168.1.5", "10.0.0.1", "example.com", "::ffff:10.0.0.1"]) {
      expect(isLoopbackHost(h), h).toBe(false);
    }
  });
});

describe("HTTP settings", () => {
  it("are off unless --http or XAI_MCP_HTTP asks", () => {
    expect(config([]).http).toBeUndefined();
    expect(config([], { XAI_MCP_HTTP_TOKEN: "t" }).http).toBeUndefined();
  });

  it("have safe defaults", () => {
    expect(config(["--http", "8080"]).http).toEqual({
      listen: { host: "127.0.0.1", port: 8080 },
      token: undefined,
      allowOrigins: [],
      allowHosts: [],
      clientKeys: false,
      stateless: false,
      sessionIdleMs: 1_800_000,
      maxSessions: 256,
      maxSessionCalls: 16,
    });
  });

  it("read flags and environment, flags first", () => {
    const tokenFile = join(dir, "token");
    writeFileSync(tokenFile, "from-the-file\n");
    const http = config(
      [
        "--http",
        "0.0.0.0:9000",
        "--http-token-file",
        tokenFile,
        "--http-allow-origin",
        "https://App.example",
        "--http-allow-origin",
        "http://localhost:3000",
        "--stateless",
        "--http-max-sessions",
        "5",
      ],
      {
        XAI_MCP_HTTP: "1234",
        XAI_MCP_HTTP_TOKEN: "from-the-env",
        XAI_MCP_HTTP_CLIENT_KEYS: "1",
        XAI_MCP_HTTP_SESSION_IDLE: "60",
        XAI_MCP_HTTP_MAX_SESSIONS: "9",
        XAI_MCP_HTTP_MAX_SESSION_CALLS: "3",
        XAI_MCP_HTTP_ALLOW_HOSTS: "proxy.local:8080, other.local",
      },
    ).http;
    expect(http).toEqual({
      listen: { host: "0.0.0.0", port: 9000 },
      token: "from-the-file",
      allowOrigins: ["https://app.example", "http://localhost:3000"],
      allowHosts: ["proxy.local:8080", "other.local"],
      clientKeys: true,
      stateless: true,
      sessionIdleMs: 60_000,
      maxSessions: 5,
      maxSessionCalls: 3,
    });
  });

  it("leave the other flags to the rest of the command line", () => {
    const c = config(["--heartbeat-ms", "5", "--http", "1", "--emulator"]);
    expect(c.heartbeatMs).toBe(5);
    expect(c.emulator).toBe(true);
    expect(c.http?.listen.port).toBe(1);
  });

  it.each([
    [
      ["--http", "localhost:http"],
      {},
      '--http must be [HOST:]PORT with a port from 0 to 65535, e.g. 8080 or 127.0.0.1:8080, got "localhost:http"',
    ],
    [[], { XAI_MCP_HTTP: "99999" }, "XAI_MCP_HTTP must be [HOST:]PORT"],
    [["--http"], {}, "--http needs a value"],
    [["--http", "0.0.0.0:80"], {}, "without a token"],
    [["--http", "192.168.0.2:80"], {}, "set XAI_MCP_HTTP_TOKEN or --http-token-file, or bind 127.0.0.1"],
    [
      ["--http", "80", "--http-token-file", "/nonexistent/token"],
      {},
      'cannot read "/nonexistent/token" (ENOENT)',
    ],
    [["--http", "80"], { XAI_MCP_HTTP_TOKEN: "two words" }, "printable ASCII without spaces"],
    [["--http", "80", "--http-allow-origin", "app.example"], {}, "takes an origin like https://app.example"],
    [["--http", "80", "--http-allow-origin", "https://app.example/path"], {}, "takes an origin"],
    [
      ["--http", "80", "--http-max-sessions", "0"],
      {},
      '--http-max-sessions must be a positive whole number, got "0"',
    ],
    [
      ["--http", "80"],
      { XAI_MCP_HTTP_MAX_SESSION_CALLS: "1e3x" },
      "XAI_MCP_HTTP_MAX_SESSION_CALLS must be a positive whole number",
    ],
    [["--http", "80"], { XAI_MCP_HTTP_SESSION_IDLE: "-1" }, "XAI_MCP_HTTP_SESSION_IDLE must be"],
    [
      ["--http", "80"],
      { XAI_MCP_HTTP_STATELESS: "maybe" },
      'XAI_MCP_HTTP_STATELESS must be 1 or 0 (true or false), got "maybe"',
    ],
    [["--stateless"], {}, "--stateless applies to HTTP only: add --http [HOST:]PORT (or set XAI_MCP_HTTP)"],
    [["--http-client-keys"], {}, "--http-client-keys applies to HTTP only"],
  ] as const)("refuse %j %j", (argv, env, message) => {
    expect(refusal([...argv], env)).toContain(message);
  });

  it("refuse an empty token file", () => {
    const empty = join(dir, "empty");
    writeFileSync(empty, "\n");
    expect(refusal(["--http", "80", "--http-token-file", empty])).toContain("is empty");
  });

  it("are in --help", () => {
    for (const flag of [
      "--http [HOST:]PORT",
      "--http-token-file",
      "--http-allow-origin",
      "--http-allow-host",
      "--http-client-keys",
      "--stateless",
      "--http-session-idle",
      "--http-max-sessions",
      "--http-max-session-calls",
    ]) {
      expect(USAGE).toContain(flag);
    }
  });
});
