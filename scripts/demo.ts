/**
 * `npm run demo`: a short, readable tour of the tools. A real MCP client spawns
 * `xai-grpc-mcp --emulator` over stdio and calls a few tools the way an agent would; the transcript
 * shows each call and the text the tool answered with. It builds the server first only when the
 * build is missing or older than the sources, and removes its temporary directory when done.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";

const bold = (s: string) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);
const dim = (s: string) => (process.stdout.isTTY ? `\x1b[2m${s}\x1b[0m` : s);
const say = (s = "") => process.stdout.write(`${s}\n`);

function indent(text: string, max = 900): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return cut
    .split("\n")
    .map((l) => `    ${l}`)
    .join("\n");
}

function textOf(result: CallToolResult): string {
  return result.content
    .filter((b) => b.type === "text")
    .map((b) => (b as { text: string }).text)
    .join("\n");
}

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const CLI = join(ROOT, "dist", "src", "cli.js");

/** Newest modification time of the `.ts` files under `dir`. */
function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : e.name.endsWith(".ts") ? statSync(p).mtimeMs : 0);
  }
  return t;
}

/** Builds once, and only when `dist/` is missing or older than the sources (`npm install` built it). */
function ensureBuilt(): void {
  const built = existsSync(CLI) ? statSync(CLI).mtimeMs : 0;
  const sources = Math.max(...["src", "gen", "emulator"].map((d) => newest(join(ROOT, d))));
  if (built >= sources) return;
  say(dim("building the server (npm run build)…"));
  const run = spawnSync("npm", ["run", "--silent", "build"], { cwd: ROOT, stdio: "inherit" });
  if (run.status !== 0) throw new Error("npm run build failed");
}

async function main(): Promise<void> {
  ensureBuilt();
  const outDir = mkdtempSync(join(tmpdir(), "xai-grpc-mcp-demo-"));
  try {
    await tour(outDir);
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

async function tour(outDir: string): Promise<void> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, "--emulator", "--allow-dir", outDir],
    stderr: "ignore",
  });
  const client = new Client({ name: "xai-grpc-mcp-demo", version: "1.0.0" });
  await client.connect(transport);

  const call = async (
    title: string,
    name: string,
    args: Record<string, unknown>,
    onProgress?: (m: string) => void,
  ) => {
    say(bold(`▶ ${title}`));
    say(dim(`  ${name} ${JSON.stringify(args)}`));
    const result = (await client.callTool(
      { name, arguments: args },
      undefined,
      onProgress
        ? { onprogress: (p) => onProgress(p.message ?? ""), resetTimeoutOnProgress: true }
        : undefined,
    )) as CallToolResult;
    if (result.isError) throw new Error(`${name} failed:\n${textOf(result)}`);
    return result;
  };

  say(bold("xai-grpc-mcp demo — every xAI RPC as an MCP tool, here against the built-in emulator"));
  const { tools } = await client.listTools();
  say(
    `The server lists ${tools.length} tools, e.g. ${tools
      .slice(0, 4)
      .map((t) => t.name)
      .join(", ")}, …\n`,
  );

  const models = await call("Which models are there?", "models_list_language_models", {});
  say(indent(textOf(models)));
  say();

  const chat = await call("Ask Grok a question", "chat_get_completion", {
    model: "grok-4-fast",
    messages: [
      { role: "ROLE_SYSTEM", content: [{ text: "You are a concise assistant." }] },
      { role: "ROLE_USER", content: [{ text: "In one sentence: what is gRPC?" }] },
    ],
  });
  say(indent(textOf(chat)));
  say();

  let streamed = "";
  let chunks = 0;
  process.stdout.write(bold("▶ The same, streamed: tokens arrive as progress notifications\n"));
  const stream = await client.callTool(
    {
      name: "chat_get_completion_chunk",
      arguments: { model: "grok-4-fast", messages: [{ role: "user", content: "Tell me about streaming." }] },
    },
    undefined,
    {
      onprogress: (p) => {
        chunks += 1;
        streamed += p.message ?? "";
      },
      resetTimeoutOnProgress: true,
    },
  );
  say(
    dim(
      `  chat_get_completion_chunk: ${chunks} progress notifications, ${streamed.length} characters streamed`,
    ),
  );
  say(indent(textOf(stream as CallToolResult)));
  say();

  const image = await call("Draw a picture and save it", "image_generate_image", {
    model: "grok-imagine-image",
    prompt: "a lighthouse at dusk, flat colours",
    save_to: outDir,
  });
  const kinds = image.content.map((b) => b.type).join(", ");
  say(indent(`${textOf(image)}\n(content blocks: ${kinds}; the demo's directory is removed at the end)`));
  say();

  const batch = await call("Create a batch", "batch_create_batch", { name: "demo batch" });
  const batchId = String((batch.structuredContent as { batch_id?: string }).batch_id);
  say(indent(textOf(batch)));
  const added = await call("Add three requests to it", "batch_add_batch_requests", {
    batch_id: batchId,
    batch_requests: ["red", "green", "blue"].map((colour) => ({
      batch_request_id: `colour-${colour}`,
      completion_request: {
        model: "grok-3-mini",
        messages: [{ role: "user", content: `Name a ${colour} fruit.` }],
      },
    })),
  });
  say(indent(textOf(added)));
  let progress = "";
  for (let i = 0; i < 50; i++) {
    const got = (await client.callTool({
      name: "batch_get_batch",
      arguments: { batch_id: batchId },
    })) as CallToolResult;
    progress = textOf(got);
    const state = (got.structuredContent as { state?: Record<string, unknown> }).state ?? {};
    if (Number(state.num_pending ?? 0) === 0 && Number(state.num_requests ?? 0) > 0) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  say(bold("▶ Wait for the batch (batch_get_batch)"));
  say(indent(progress));
  const results = await call("Read the results", "batch_list_batch_results", {
    batch_id: batchId,
    limit: 10,
  });
  say(indent(textOf(results)));
  say();

  const bad = await client.callTool({ name: "models_get_language_model", arguments: { name: "grok-9" } });
  say(bold("▶ Errors are answers: asking for a model that does not exist"));
  say(indent(textOf(bad as CallToolResult)));
  say();

  await client.close();
  say(bold("Done. Add the server to your MCP client with mcp.json (set XAI_API_KEY for the real API)."));
}

main().catch((e: unknown) => {
  process.stderr.write(`demo failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
