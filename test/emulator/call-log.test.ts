import { describe, expect, it } from "vitest";
import { approximateBytes, CallLog } from "../../emulator/call-log.js";

const MiB = 1024 * 1024;

describe("the emulator's call log", () => {
  it("keeps requests up to a byte budget, dropping the oldest, whatever their count", () => {
    const log = new CallLog(1000, 16 * MiB, 4 * MiB);
    for (let i = 0; i < 100; i++) log.start("/m", { prompt: `${i}`.padEnd(MiB, "x") });
    const records = log.records();
    const kept = records.reduce((sum, r) => sum + (r.request === undefined ? 0 : r.requestBytes), 0);
    expect(kept).toBeLessThanOrEqual(16 * MiB);
    expect(records.length).toBeLessThan(20);
    expect((records.at(-1)?.request as { prompt?: string } | undefined)?.prompt?.startsWith("99")).toBe(true);
  });

  it("records a request too large to keep without keeping it", () => {
    const log = new CallLog();
    const record = log.start("/m", { prompt: "y".repeat(10 * MiB) });
    expect(record.request).toBeUndefined();
    expect(record.requestBytes).toBeGreaterThan(10 * MiB);
    expect(log.records("/m")).toHaveLength(1);
  });

  it("sizes strings, bytes and nesting", () => {
    expect(approximateBytes({ a: "x".repeat(1000), b: new Uint8Array(500), c: [1, 2] })).toBeGreaterThan(
      1500,
    );
  });
});
