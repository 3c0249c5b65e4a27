/**
 * The context footprint of `tools/list`: every byte of it is paid in every conversation an agent
 * has with this server, so its size has a budget. Bytes are deterministic, so unlike the timings of
 * `npm run bench` this is a plain pass/fail test.
 */
import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RawServer, spawnRaw } from "./support/mcp-client.js";

/** Budgets in bytes of JSON as sent (1 KB = 1000 bytes). */
const TOTAL_LIMIT = 60_000;
const PER_TOOL_LIMIT = 12_000;
/** The README's lean configuration for chat clients, and its budget. */
const LEAN_TOOLSETS = "chat,image,video,models";
const LEAN_LIMIT = 35_000;

describe("tools/list footprint", () => {
  let server: RawServer;
  let result: string;
  let tools: Tool[];

  beforeAll(async () => {
    // Nothing is called: the hosts are never dialled. Both keys, so the Collections tools are listed.
    server = spawnRaw({
      XAI_API_KEY: "footprint-key",
      XAI_API_HOST: "http://127.0.0.1:9",
      XAI_MANAGEMENT_KEY: "footprint-management-key",
      XAI_MANAGEMENT_API_HOST: "http://127.0.0.1:9",
    });
    server.send({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "0" } },
    });
    await server.response(1);
    server.send({ jsonrpc: "2.0", method: "notifications/initialized" });
    server.send({ jsonrpc: "2.0", id: 2, method: "tools/list" });
    const response = await server.response(2);
    result = JSON.stringify(response.result);
    tools = (response.result as { tools: Tool[] }).tools;
  });

  afterAll(() => {
    server?.child.kill();
  });

  it(`keeps the README's lean selection (${LEAN_TOOLSETS}) within ${LEAN_LIMIT / 1000} KB`, async () => {
    const lean = spawnRaw({
      XAI_API_KEY: "footprint-key",
      XAI_API_HOST: "http://127.0.0.1:9",
      XAI_TOOLSETS: LEAN_TOOLSETS,
    });
    try {
      lean.send({
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "0" } },
      });
      await lean.response(1);
      lean.send({ jsonrpc: "2.0", method: "notifications/initialized" });
      lean.send({ jsonrpc: "2.0", id: 2, method: "tools/list" });
      const listed = JSON.stringify((await lean.response(2)).result);
      expect(
        Buffer.byteLength(listed),
        `the lean tools/list is ${Buffer.byteLength(listed)} bytes`,
      ).toBeLessThanOrEqual(LEAN_LIMIT);
      expect(Buffer.byteLength(listed)).toBeLessThan(Buffer.byteLength(result));
      // With fewer tools, a tool may own (describe in full) what another owned in the full listing.
      const over = (JSON.parse(listed) as { tools: Tool[] }).tools
        .map((t) => ({ name: t.name, bytes: Buffer.byteLength(JSON.stringify(t)) }))
        .filter((t) => t.bytes > PER_TOOL_LIMIT);
      expect(over, "lean tools over the per-tool budget").toEqual([]);
    } finally {
      lean.child.kill();
    }
  });

  it("lists every tool, Collections included", () => {
    expect(tools.length).toBeGreaterThanOrEqual(49);
    expect(tools.some((t) => t.name.startsWith("collections_"))).toBe(true);
  });

  it(`stays within ${TOTAL_LIMIT / 1000} KB in all`, () => {
    expect(Buffer.byteLength(result), `tools/list is ${Buffer.byteLength(result)} bytes`).toBeLessThanOrEqual(
      TOTAL_LIMIT,
    );
  });

  it(`keeps every tool within ${PER_TOOL_LIMIT / 1000} KB`, () => {
    const over = tools
      .map((t) => ({ name: t.name, bytes: Buffer.byteLength(JSON.stringify(t)) }))
      .filter((t) => t.bytes > PER_TOOL_LIMIT);
    expect(over, "tools over the per-tool budget").toEqual([]);
  });
});
