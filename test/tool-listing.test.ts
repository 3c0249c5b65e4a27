/**
 * The listing generated at build time (gen/tool-listing.ts) and the filter a start applies to it:
 * it must be exactly what the registry derives, for every configuration, and serving it must write
 * nothing outside the allowed places (no cache under HOME).
 */
import { chmodSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { TOOL_LISTING } from "../gen/tool-listing.js";
import { TOOL_VARIANTS } from "../gen/tool-listing-variants.js";
import { listTools } from "../src/tools/listing.js";
import { buildTools, toolVariants } from "../src/tools/registry.js";
import { ALL_TOOLS, TOOLSETS, type ToolSelection } from "../src/tools/selection.js";
import { prebuiltTools, staticTools } from "../src/tools/tool-source.js";
import { callTool, firstText, startMcpServer } from "./support/mcp-client.js";

const names = (tools: readonly Tool[]) => tools.map((t) => t.name);
/** What the listing looks like on the wire (undefined members dropped). */
const wire = (tools: unknown) => JSON.parse(JSON.stringify(tools)) as unknown;

describe("the generated listing", () => {
  it("is what the registry derives now (else run `npm run generate`)", () => {
    const derived = buildTools({ management: true }).map((t) => t.tool);
    expect(wire(TOOL_LISTING), "gen/tool-listing.ts is stale: run `npm run generate`").toEqual(wire(derived));
  });

  it("holds the variants of the tools that point at others (else run `npm run generate`)", () => {
    expect(wire(TOOL_VARIANTS)).toEqual(wire(toolVariants()));
    expect(Object.keys(TOOL_VARIANTS)).toContain("chat_get_completion_chunk|chat_get_completion");
  });

  const selection = (s: Partial<ToolSelection>): ToolSelection => ({ ...ALL_TOOLS, ...s });
  const CONFIGURATIONS: { management: boolean; selection?: ToolSelection }[] = [
    { management: false },
    { management: true, selection: selection({ readOnly: true }) },
    {
      management: false,
      selection: selection({ readOnly: true, toolsets: ["chat", "files", "batch", "video"] }),
    },
    {
      management: true,
      selection: selection({ toolsets: ["chat", "models"], excludeTools: ["chat_compact_context"] }),
    },
    { management: true, selection: selection({ toolsets: ["batch"], tools: ["image_generate_image"] }) },
    {
      management: true,
      selection: selection({ excludeTools: ["chat_get_completion", "image_generate_image"] }),
    },
    ...TOOLSETS.map((t) => ({ management: true, selection: selection({ toolsets: [t] }) })),
  ];

  it.each(CONFIGURATIONS)(
    "filtered for %j, is the registry's own listing of that configuration",
    async (o) => {
      const derived = buildTools(o).map((t) => t.tool);
      expect(wire(await listTools(o))).toEqual(wire(derived));
    },
  );

  it("leaves out the Collections tools without a management key", async () => {
    expect(names(await listTools({ management: false }))).not.toContain("collections_list_collections");
    expect(names(await listTools({ management: true }))).toContain("collections_list_collections");
  });
});

describe("prebuiltTools", () => {
  it("lists without loading the registry, then finds each listed tool and no other", async () => {
    const tools = prebuiltTools({ management: false });
    expect(names(await tools.listing())).toEqual(names(await listTools({ management: false })));
    expect((await tools.definition("models_list_language_models"))?.tool.name).toBe(
      "models_list_language_models",
    );
    expect(await tools.definition("collections_list_collections")).toBeUndefined();
    expect(await tools.definition("no_such_tool")).toBeUndefined();
  });
});

describe("staticTools", () => {
  it("lists and finds the tools it is given", async () => {
    const built = buildTools({ management: false });
    const tools = staticTools(built);
    expect(await tools.listing()).toHaveLength(built.length);
    expect((await tools.definition("models_list_language_models"))?.tool.name).toBe(
      "models_list_language_models",
    );
  });
});

describe("nothing is written under HOME", () => {
  let home: string;
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), "xai-grpc-mcp-home-"));
  });
  afterEach(() => {
    chmodSync(home, 0o755);
    rmSync(home, { recursive: true, force: true });
  });

  /** Starts, lists, calls a tool, stops; HOME is the only home-like variable the server sees. */
  async function serveOnce(): Promise<void> {
    const session = await startMcpServer({ HOME: home }, ["--emulator"]);
    try {
      expect(names((await session.client.listTools()).tools)).toContain("chat_get_completion");
      const result = await callTool(session.client, "models_list_language_models", {});
      expect(result.isError, firstText(result)).toBeFalsy();
    } finally {
      await session.close();
    }
  }

  it("an empty writable HOME stays empty", async () => {
    await serveOnce();
    expect(readdirSync(home)).toEqual([]);
  });

  it("an empty read-only HOME stays empty, and the server works as usual", async () => {
    chmodSync(home, 0o555);
    await serveOnce();
    expect(readdirSync(home)).toEqual([]);
  });
});
