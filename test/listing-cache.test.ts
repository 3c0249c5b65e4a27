/**
 * The tools/list cache that lets a start skip loading the registry: what it keys on, and that a
 * listing served from it is always replaced by the code's own once the tools are built.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ListingCache } from "../src/tools/listing-cache.js";
import { buildTools } from "../src/tools/registry.js";
import { lazyTools, staticTools } from "../src/tools/tool-source.js";

const names = (tools: readonly Tool[]) => tools.map((t) => t.name);

describe("ListingCache", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "listing-cache-test-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("reads back what it wrote, under a key of the options", () => {
    const tools = [{ name: "a_b", inputSchema: { type: "object" as const } }];
    const cache = new ListingCache({ management: true }, dir);
    expect(cache.read()).toBeUndefined();
    cache.write(tools);
    expect(new ListingCache({ management: true }, dir).read()).toEqual(tools);
    expect(new ListingCache({ management: false }, dir).read()).toBeUndefined();
  });

  it("treats an unreadable file as no cache", () => {
    const cache = new ListingCache({ management: true }, dir);
    cache.write([]);
    const [file] = readdirSync(dir);
    writeFileSync(join(dir, file as string), "{not json");
    expect(new ListingCache({ management: true }, dir).read()).toBeUndefined();
  });

  it("never fails when it cannot write", () => {
    const cache = new ListingCache({ management: true }, join(dir, "missing", "\0bad"));
    expect(() => cache.write([])).not.toThrow();
  });
});

describe("lazyTools", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "lazy-tools-test-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("derives the listing on a miss and caches it for the next start", async () => {
    const expected = buildTools({ management: false }).map((t) => t.tool);
    const first = lazyTools({ management: false }, { cache: new ListingCache({ management: false }, dir) });
    expect(await first.listing()).toEqual(expected);
    const cached = new ListingCache({ management: false }, dir).read();
    expect(cached).toEqual(JSON.parse(JSON.stringify(expected)));
  });

  it("serves a cached listing at once, then replaces a stale one with the code's", async () => {
    const cache = new ListingCache({ management: false }, dir);
    const stale: Tool[] = [{ name: "chat_gone", inputSchema: { type: "object" } }];
    cache.write(stale);
    let told = 0;
    const tools = lazyTools({ management: false }, { cache, onStale: () => told++ });
    expect(names(await tools.listing())).toEqual(["chat_gone"]);
    // A call builds the real tools; from then on they are the listing, and the cache is fixed.
    expect(await tools.definition("chat_gone")).toBeUndefined();
    expect(await tools.definition("chat_get_completion")).toBeDefined();
    expect(told).toBe(1);
    expect(names(await tools.listing())).toContain("chat_get_completion");
    const [file] = readdirSync(dir);
    const written = JSON.parse(readFileSync(join(dir, file as string), "utf8")) as { tools: Tool[] };
    expect(names(written.tools)).toContain("chat_get_completion");
  });

  it("lists without a cache when told not to use one", async () => {
    const tools = lazyTools({ management: true }, { cache: false });
    expect(names(await tools.listing())).toContain("collections_list_collections");
    expect(readdirSync(dir)).toEqual([]);
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
