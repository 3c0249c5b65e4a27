/**
 * The package as users get it: `npm pack`, installed from the tarball into a temporary prefix
 * (the npm cache first; only the registry if a dependency is not cached), and the installed
 * command run against the emulator through the SDK's MCP client.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../emulator/index.js";
import { assertFreshBuild, callTool, firstText } from "./support/mcp-client.js";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

let dir: string;
let files: string[];
let bin: string;
let emu: RunningEmulator;

beforeAll(async () => {
  assertFreshBuild();
  dir = mkdtempSync(join(tmpdir(), "xai-pack-"));
  // The build is fresh (checked above): pack what is built rather than build again.
  const packed = await run(npm, ["pack", "--json", "--ignore-scripts", "--pack-destination", dir], {
    cwd: ROOT,
  });
  const info = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
  files = info[0]?.files.map((f) => f.path) ?? [];
  const tarball = join(dir, info[0]?.filename ?? "missing.tgz");
  const prefix = join(dir, "prefix");
  await run(
    npm,
    ["install", "--global", "--prefix", prefix, "--prefer-offline", "--no-audit", "--no-fund", tarball],
    { cwd: dir, env: { ...process.env, npm_config_update_notifier: "false" } },
  );
  bin = process.platform === "win32" ? join(prefix, "xai-grpc-mcp.cmd") : join(prefix, "bin", "xai-grpc-mcp");
  emu = await startEmulator();
}, 300_000);

afterAll(async () => {
  await emu?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Runs the installed command as an MCP client would, against the emulator. */
async function connect(args: string[] = []): Promise<Client> {
  const transport = new StdioClientTransport({
    command: bin,
    args,
    env: {
      PATH: process.env.PATH ?? "",
      // A home of the test's, not the user's (the server writes nothing there).
      HOME: join(dir, "home"),
      XAI_API_KEY: emu.context.config.apiKey,
      XAI_API_HOST: emu.url,
      XAI_MANAGEMENT_KEY: emu.context.config.managementKey,
      XAI_MANAGEMENT_API_HOST: emu.url,
    },
    stderr: "ignore",
  });
  const client = new Client({ name: "packaging-test", version: "0.0.0" });
  await client.connect(transport);
  return client;
}

describe("the package", () => {
  it("ships the license, the built code without source maps, and nothing of the tests or benchmarks", () => {
    expect(files).toContain("LICENSE");
    expect(files).toContain("dist/src/cli.js");
    expect(files).toContain("dist/emulator/index.js");
    expect(files.filter((f) => f.endsWith(".map"))).toEqual([]);
    expect(files.filter((f) => /^dist\/(test|bench|scripts)\//.test(f))).toEqual([]);
  });

  it("says where the project lives and is MIT licensed", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as Record<string, unknown>;
    expect(pkg.license).toBe("MIT");
    expect(readFileSync(join(ROOT, "LICENSE"), "utf8")).toMatch(/^MIT License/);
    expect(pkg.repository).toMatchObject({ type: "git", url: expect.stringMatching(/^git\+https:\/\//) });
    expect(pkg.homepage).toMatch(/^https:\/\//);
    expect(pkg.bugs).toMatchObject({ url: expect.stringMatching(/^https:\/\//) });
    expect(readFileSync(join(ROOT, ".gitignore"), "utf8").split("\n")).toContain("*.tgz");
  });

  it("installs a command that serves every tool against the emulator", async () => {
    const client = await connect();
    try {
      const { tools } = await client.listTools();
      expect(tools).toHaveLength(51);
      const models = await callTool(client, "models_list_language_models", {});
      expect(firstText(models)).toContain("grok-4");
      const chat = await callTool(client, "chat_get_completion", {
        model: "grok-4",
        messages: [{ role: "user", content: "Hi" }],
      });
      expect(chat.isError ?? false).toBe(false);
      expect(firstText(chat)).toContain("emulator");
    } finally {
      await client.close();
    }
  });

  it("serves the lean chat-client selection of the README", async () => {
    const client = await connect(["--toolsets", "chat,image,video,models"]);
    try {
      const { tools } = await client.listTools();
      expect(new Set(tools.map((t) => t.name.split("_")[0]))).toEqual(
        new Set(["chat", "image", "video", "models"]),
      );
      const image = await callTool(client, "image_generate_image", {
        prompt: "A cat",
        model: "grok-imagine-image",
      });
      expect(image.isError ?? false).toBe(false);
    } finally {
      await client.close();
    }
  });
});
