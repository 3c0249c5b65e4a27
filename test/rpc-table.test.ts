/**
 * The per-RPC table (src/tools/rpc-table.ts) is keyed by gRPC path: every key must name a real RPC
 * of the protos, and every RPC must have an entry, or a renamed RPC would silently lose its title,
 * annotations and handler.
 */
import { describe, expect, it } from "vitest";
import { rpcPath } from "../src/tools/naming.js";
import { RPC_TABLE } from "../src/tools/rpc-table.js";
import { SERVICES } from "../src/tools/services.js";

/** The keys of `table` that name no RPC of `paths`, and the RPCs of `paths` without a key. */
function mismatches(table: Readonly<Record<string, unknown>>, paths: readonly string[]) {
  const real = new Set(paths);
  return {
    unknownKeys: Object.keys(table).filter((k) => !real.has(k)),
    missingRpcs: paths.filter((p) => !(p in table)),
  };
}

const ALL_PATHS = SERVICES.flatMap(({ service }) => service.methods.map(rpcPath));

describe("the RPC table", () => {
  it("has exactly one entry per RPC of the protos, keyed by its real gRPC path", () => {
    expect(ALL_PATHS).toHaveLength(51);
    expect(mismatches(RPC_TABLE, ALL_PATHS)).toEqual({ unknownKeys: [], missingRpcs: [] });
  });

  it("would catch a key that names no RPC, and an RPC without a key", () => {
    const [first, ...rest] = ALL_PATHS;
    const table = Object.fromEntries([...rest, "/xai_api.Chat/GetCompletions"].map((p) => [p, {}]));
    expect(mismatches(table, ALL_PATHS)).toEqual({
      unknownKeys: ["/xai_api.Chat/GetCompletions"],
      missingRpcs: [first],
    });
  });
});
