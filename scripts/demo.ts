/**
 * `npm run demo`: a short, readable tour of the tools. A real MCP client spawns
 * `xai-grpc-mcp --emulator` over stdio and calls a few tools the way an agent would; the transcript
 * shows each call and what came back.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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

async function main(): Promise<void> {
  const outDir = mkdtempSync(join(tmpdir(), "xai-grpc-mcp-demo-"));
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [new URL("../dist/src/cli.js", import.meta.url).pathname, "--emulator", "--allow-dir", outDir],
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
  say(indent(`${textOf(image)}\n(content blocks: ${kinds})`));
  say();

  const batch = await call("Create a batch", "batch_create_batch", { name: "demo batch" });
  const batchId = String((batch.structuredContent as { batch_id?: string }).batch_id);
  say(indent(textOf(batch)));
  await call("Add three requests to it", "batch_add_batch_requests", {
    batch_id: batchId,
    batch_requests: ["red", "green", "blue"].map((colour) => ({
      batch_request_id: `colour-${colour}`,
      completion_request: {
        model: "grok-3-mini",
        messages: [{ role: "user", content: `Name a ${colour} fruit.` }],
      },
    })),
  });
  let state: Record<string, unknown> = {};
  for (let i = 0; i < 50; i++) {
    const got = await client.callTool({ name: "batch_get_batch", arguments: { batch_id: batchId } });
    state = ((got.structuredContent as { state?: Record<string, unknown> }).state ?? {}) as Record<
      string,
      unknown
    >;
    if (Number(state.num_pending ?? 0) === 0 && Number(state.num_requests ?? 0) > 0) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  say(dim(`  batch state: ${JSON.stringify(state)}`));
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
