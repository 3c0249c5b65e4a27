import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type McpSession, startMcpServer } from "./support/mcp-client.js";
import { RecordingServer } from "./support/recording-server.js";

/** One JSON file per tool: what agents see, reviewed in diffs. */
const SNAPSHOT_DIR = fileURLToPath(new URL("./__snapshots__/tools/", import.meta.url));
const UPDATE = process.env.UPDATE_SNAPSHOTS === "1";
const RPC_META = "xai-grpc-mcp/rpc";
const HINTS = ["readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint"] as const;

/**
 * Compares a tool with its snapshot file. With UPDATE_SNAPSHOTS=1 it writes the file instead; without
 * it a missing or different file fails, so a schema never changes unnoticed.
 */
function matchToolSnapshot(tool: Tool): void {
  const file = join(SNAPSHOT_DIR, `${tool.name}.json`);
  const actual = `${JSON.stringify(tool, null, 2)}\n`;
  if (UPDATE) {
    mkdirSync(SNAPSHOT_DIR, { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  // Soft, so that one run lists every tool that changed, not just the first.
  if (!existsSync(file)) {
    const hint = `no snapshot for ${tool.name}: run UPDATE_SNAPSHOTS=1 npm test and review the new file`;
    expect.soft(file, hint).toBe("an existing snapshot file");
    return;
  }
  expect
    .soft(actual, `${tool.name} differs from its snapshot (UPDATE_SNAPSHOTS=1 rewrites it)`)
    .toBe(readFileSync(file, "utf8"));
}

describe("tools/list", () => {
  let server: RecordingServer;
  let mcp: McpSession;
  let tools: Tool[];

  beforeAll(async () => {
    // Random-looking, like real keys: the server blanks any 8-character run of its keys out of what
    // it writes, and a key made of words ("management") would blank those words in descriptions.
    const apiKey = "xai-snap-Vq4Rt8Lz1Nw6";
    const managementKey = "xai-snap-Hc2Pm7Xd5Kb9";
    server = await RecordingServer.start({ apiKey, managementKey });
    mcp = await startMcpServer({
      XAI_API_KEY: apiKey,
      XAI_API_HOST: server.url,
      XAI_MANAGEMENT_KEY: managementKey,
      XAI_MANAGEMENT_API_HOST: server.url,
    });
    tools = (await mcp.client.listTools()).tools;
  });

  afterAll(async () => {
    await mcp?.close();
    await server?.close();
  });

  it("matches the snapshot of every tool", () => {
    expect(tools.length).toBeGreaterThan(0);
    for (const tool of tools) matchToolSnapshot(tool);
  });

  it("has no snapshot left for a tool that is gone", () => {
    const names = new Set(tools.map((t) => `${t.name}.json`));
    const stale = existsSync(SNAPSHOT_DIR) ? readdirSync(SNAPSHOT_DIR).filter((f) => !names.has(f)) : [];
    if (UPDATE) for (const f of stale) rmSync(join(SNAPSHOT_DIR, f));
    else expect(stale, "snapshots of tools no longer listed (UPDATE_SNAPSHOTS=1 removes them)").toEqual([]);
  });

  it("has unique names of the form <service>_<method>", () => {
    const names = tools.map((t) => t.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[a-z]+_[a-z0-9_]+$/);
  });

  it("gives every tool a title, a description, its hints and its RPC path", () => {
    for (const tool of tools) {
      expect(tool.title, tool.name).toMatch(/\S/);
      expect(tool.description, tool.name).toMatch(/\S/);
      // MCP gives destructiveHint and idempotentHint meaning only when readOnlyHint is false.
      const hints = tool.annotations?.readOnlyHint ? ["readOnlyHint", "openWorldHint"] : HINTS;
      for (const hint of hints)
        expect(typeof tool.annotations?.[hint as (typeof HINTS)[number]], `${tool.name}.${hint}`).toBe(
          "boolean",
        );
      if (tool.annotations?.readOnlyHint) {
        expect(tool.annotations, tool.name).not.toHaveProperty("destructiveHint");
        expect(tool.annotations, tool.name).not.toHaveProperty("idempotentHint");
      }
      expect(tool.annotations?.openWorldHint, tool.name).toBe(true);
      expect(tool._meta?.[RPC_META], tool.name).toMatch(/^\/[a-z_]+\.[A-Za-z]+\/[A-Za-z_]+$/);
    }
  });

  it("marks deleting calls destructive and never read-only", () => {
    const destructive = tools.filter((t) => /_(delete|cancel|revoke|remove)_/.test(t.name));
    expect(destructive.map((t) => t.name).sort()).toEqual([
      "batch_cancel_batch",
      "chat_delete_stored_completion",
      "collections_delete_collection",
      "collections_remove_document_from_collection",
      "files_delete_file",
      "files_revoke_public_url",
    ]);
    for (const tool of destructive) {
      expect(tool.annotations, tool.name).toMatchObject({ readOnlyHint: false, destructiveHint: true });
    }
  });

  it("has object input schemas without a top-level anyOf, oneOf or allOf", () => {
    for (const tool of tools) {
      expect(tool.inputSchema.type, tool.name).toBe("object");
      for (const key of ["anyOf", "oneOf", "allOf"])
        expect(tool.inputSchema, tool.name).not.toHaveProperty(key);
    }
  });
});
