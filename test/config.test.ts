/** Settings read by src/config.ts that no feature test covers: the log level. */
import { describe, expect, it } from "vitest";
import { parseCommand, UsageError } from "../src/config.js";

const serve = (env: NodeJS.ProcessEnv) => {
  const command = parseCommand([], env);
  if (command.kind !== "serve") throw new Error(`expected serve, got ${command.kind}`);
  return command.config;
};

describe("XAI_MCP_POLL_INTERVAL_MS", () => {
  it("defaults to about once a second, as xAI asks, and takes a whole number of ms", () => {
    expect(serve({}).pollIntervalMs).toBe(1000);
    expect(serve({ XAI_MCP_POLL_INTERVAL_MS: "20" }).pollIntervalMs).toBe(20);
    expect(() => serve({ XAI_MCP_POLL_INTERVAL_MS: "0" })).toThrow(UsageError);
    expect(() => serve({ XAI_MCP_POLL_INTERVAL_MS: "soon" })).toThrow(/XAI_MCP_POLL_INTERVAL_MS/);
  });
});

describe("XAI_MCP_RETRY_BACKOFF_MS", () => {
  it("defaults to 0.2 s and takes a whole number of ms", () => {
    expect(serve({}).retryBackoffMs).toBe(200);
    expect(serve({ XAI_MCP_RETRY_BACKOFF_MS: "5" }).retryBackoffMs).toBe(5);
    expect(() => serve({ XAI_MCP_RETRY_BACKOFF_MS: "0" })).toThrow(UsageError);
    expect(() => serve({ XAI_MCP_RETRY_BACKOFF_MS: "soon" })).toThrow(/XAI_MCP_RETRY_BACKOFF_MS/);
  });
});

describe("XAI_MCP_LOG_LEVEL", () => {
  it("defaults to info and takes the MCP level names", () => {
    expect(serve({}).logLevel).toBe("info");
    expect(serve({ XAI_MCP_LOG_LEVEL: "debug" }).logLevel).toBe("debug");
    expect(serve({ XAI_MCP_LOG_LEVEL: "warning" }).logLevel).toBe("warning");
    expect(serve({ XAI_MCP_LOG_LEVEL: "error" }).logLevel).toBe("error");
  });

  it("refuses an unknown level, naming the accepted ones", () => {
    expect(() => serve({ XAI_MCP_LOG_LEVEL: "verbose" })).toThrow(UsageError);
    expect(() => serve({ XAI_MCP_LOG_LEVEL: "verbose" })).toThrow(/debug, info, warning, error/);
  });
});
