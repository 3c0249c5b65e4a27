import { describe, expect, it } from "vitest";
import { TtlCache } from "../src/completions/ttl-cache.js";

describe("the completion cache", () => {
  it("loads once while fresh, again once the time to live has passed", async () => {
    let now = 0;
    const cache = new TtlCache<string[]>(5_000, () => now);
    let loads = 0;
    const load = async () => [`v${++loads}`];
    const [a, b] = await Promise.all([cache.get("k", load), cache.get("k", load)]);
    expect(a).toEqual(["v1"]);
    expect(b).toBe(a);
    now = 4_999;
    expect(await cache.get("k", load)).toEqual(["v1"]);
    now = 5_000;
    expect(await cache.get("k", load)).toEqual(["v2"]);
    expect(await cache.get("other", load)).toEqual(["v3"]);
  });

  it("keeps no failed load, and forgets everything when cleared", async () => {
    const cache = new TtlCache<string>(5_000, () => 0);
    await expect(cache.get("k", async () => Promise.reject(new Error("UNAVAILABLE")))).rejects.toThrow(
      "UNAVAILABLE",
    );
    expect(await cache.get("k", async () => "ok")).toBe("ok");
    cache.clear();
    expect(await cache.get("k", async () => "fresh")).toBe("fresh");
  });
});
