/**
 * Configuration mistakes are refused at start, each in one sentence on stderr, all with the same
 * exit code, and nothing on stdout.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { USAGE_EXIT_CODE } from "../src/config.js";
import { assertFreshBuild, CLI, serverEnv } from "./support/mcp-client.js";

const dir = mkdtempSync(join(tmpdir(), "xai-startup-"));
const file = join(dir, "a-file");
writeFileSync(file, "not a directory");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI to its exit (stdin closed at once) and returns what it said. */
function run(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  assertFreshBuild();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: serverEnv(env),
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => {
      stdout += c;
    });
    child.stderr.setEncoding("utf8").on("data", (c: string) => {
      stderr += c;
    });
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end();
  });
}

const KEY = { XAI_API_KEY: "startup-test-key" };

/** Each case: arguments, environment, and what the one sentence must say. */
const REFUSED: [string, string[], Record<string, string>, RegExp][] = [
  [
    "a port that is not a number",
    [],
    { ...KEY, XAI_API_HOST: "api.x.ai:notaport" },
    /invalid port "notaport"/,
  ],
  ["an empty port", [], { ...KEY, XAI_API_HOST: "api.x.ai:" }, /invalid port ""/],
  ["a port out of range", ["--api-host", "127.0.0.1:99999"], KEY, /invalid port "99999".*1 to 65535/],
  [
    "a bad port after https://",
    [],
    { ...KEY, XAI_MANAGEMENT_API_HOST: "https://h:abc" },
    /management host.*invalid port "abc"/,
  ],
  [
    "an unexpanded key",
    [],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the placeholder a client passes on as it is
    { XAI_API_KEY: "${XAI_API_KEY}" },
    /XAI_API_KEY is the unexpanded placeholder "\$\{XAI_API_KEY\}".*client/,
  ],
  [
    "an unexpanded host",
    [],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the placeholder a client passes on as it is
    { ...KEY, XAI_API_HOST: "${XAI_HOST}" },
    /unexpanded placeholder "\$\{XAI_HOST\}"/,
  ],
  [
    "a missing allowed directory",
    ["--allow-dir", join(dir, "missing")],
    KEY,
    /allowed directory ".*missing" .*does not exist/,
  ],
  ["an allowed directory that is a file", [], { ...KEY, XAI_ALLOWED_DIRS: file }, /is not a directory/],
  [
    "an unknown log level",
    [],
    { ...KEY, XAI_MCP_LOG_LEVEL: "verbose" },
    /XAI_MCP_LOG_LEVEL must be one of debug, info, warning, error, got "verbose"/,
  ],
  [
    "an unknown toolset",
    ["--toolsets", "chat,imgae"],
    KEY,
    /unknown toolset "imgae".*valid toolsets: all, chat,/,
  ],
  [
    "an unknown tool",
    ["--tools", "chat_get_completions"],
    KEY,
    /unknown tool "chat_get_completions" in --tools\/--exclude-tools; valid tools: chat_get_completion, .*collections_generate_collection_description$/,
  ],
  ["an unknown excluded tool", [], { ...KEY, XAI_EXCLUDE_TOOLS: "nope" }, /unknown tool "nope"/],
  [
    "collections without a management key",
    ["--toolsets", "chat,collections"],
    KEY,
    /collections tools need a management key/,
  ],
  ["an unknown flag", ["--toolset", "chat"], KEY, /unknown argument "--toolset"/],
  ["an unknown emulator flag", ["emulator", "--prot", "1"], {}, /unknown emulator argument "--prot"/],
  ["a missing key", [], {}, /XAI_API_KEY is not set/],
];

describe("start-up refusals", () => {
  for (const [what, args, env, said] of REFUSED) {
    it(`refuses ${what}`, async () => {
      const { code, stdout, stderr } = await run(args, env);
      expect(code).toBe(USAGE_EXIT_CODE);
      expect(stdout).toBe("");
      expect(stderr).toMatch(/^xai-grpc-mcp: /);
      expect(stderr.split("\n")[0]).toMatch(said);
      expect(stderr).not.toContain("startup-test-key");
    });
  }

  it("prints the emulator's own help for emulator --help", async () => {
    const { code, stdout } = await run(["emulator", "--help"], {});
    expect(code).toBe(0);
    expect(stdout).toMatch(/^xai-grpc-mcp emulator/);
    expect(stdout).toContain("--fault METHOD=rule");
    expect(stdout).not.toContain("--toolsets");
  });

  it("documents the selection flags and the lean setup in --help", async () => {
    const { code, stdout } = await run(["--help"], {});
    expect(code).toBe(0);
    for (const flag of [
      "--toolsets",
      "--tools",
      "--exclude-tools",
      "--read-only",
      "XAI_READ_ONLY",
      "XAI_MCP_LOG_LEVEL",
    ])
      expect(stdout).toContain(flag);
    expect(stdout).toContain("--toolsets chat,image,video,models");
  });
});
