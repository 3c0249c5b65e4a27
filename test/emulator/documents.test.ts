import { beforeAll, describe, expect, it } from "vitest";
import { Collections, DocumentStatus } from "../../gen/xai/api/v1/collections_pb.js";
import { Documents } from "../../gen/xai/api/v1/documents_pb.js";
import { Status } from "../../src/grpc/status.js";
import { XaiClient } from "../../src/grpc/xai-client.js";
import { useEmulator } from "../support/emulator-fixture.js";
import { statusOf, untilIndexed, upload } from "./collections-helpers.js";

const APOLLO = [
  "The Saturn V rocket launched Apollo 11 from Florida in July 1969.",
  "Neil Armstrong and Buzz Aldrin landed the lunar module Eagle in the Sea of Tranquility.",
  "Michael Collins stayed in lunar orbit aboard the command module Columbia.",
].join(" ");
const GARDEN =
  "Tomatoes need full sun and regular watering. Basil grows well next to tomatoes in the garden.";
const BAKING = "Sourdough bread needs a lively starter, flour, water and salt. Bake the loaf in a hot oven.";

describe("Documents.Search", () => {
  let space: string;
  let home: string;
  let apollo: string;
  let garden: string;
  let baking: string;

  const search = (query: string, collectionIds: string[], extra: Record<string, unknown> = {}) =>
    fx.client.unary(Documents.method.search, { query, source: { collectionIds }, ...extra });
  const addAndIndex = async (collectionId: string, fileId: string) => {
    await fx.client.unary(Collections.method.addDocumentToCollection, { collectionId, fileId });
    const doc = await untilIndexed(fx.client, collectionId, fileId);
    expect(doc.status).toBe(DocumentStatus.PROCESSED);
  };
  const createCollection = async (name: string, chunkChars = 100, injectName = false) =>
    (
      await fx.client.unary(Collections.method.createCollection, {
        collectionName: name,
        chunkConfiguration: {
          config: {
            case: "charsConfiguration",
            value: { maxChunkSizeChars: chunkChars, chunkOverlapChars: 10 },
          },
          stripWhitespace: true,
          injectNameIntoChunks: injectName,
        },
      })
    ).collectionId;

  const fx = useEmulator();
  beforeAll(async () => {
    space = await createCollection("Space");
    home = await createCollection("Home");
    apollo = await upload(fx.client, "apollo.txt", APOLLO);
    garden = await upload(fx.client, "garden.md", GARDEN);
    baking = await upload(fx.client, "baking.txt", BAKING);
    await addAndIndex(space, apollo);
    await addAndIndex(home, garden);
    await addAndIndex(home, baking);
  });

  it("ranks the chunk that holds the query words first, with its file and collection", async () => {
    const res = await search("lunar module Eagle", [space, home]);
    expect(res.matches.length).toBeGreaterThanOrEqual(2);
    const top = res.matches[0];
    expect(top?.fileId).toBe(apollo);
    expect(top?.chunkContent).toContain("lunar module Eagle");
    expect(top?.collectionIds).toEqual([space]);
    expect(top?.chunkId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const scores = res.matches.map((m) => m.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(scores.every((s) => s > 0)).toBe(true);
    // Only chunks that share a word with the query come back.
    expect(res.matches.every((m) => m.fileId === apollo)).toBe(true);
  });

  it("matches across case, accents and plurals, and answers the same every time", async () => {
    const one = await search("TOMATO Gärden", [home]);
    expect(one.matches[0]?.fileId).toBe(garden);
    const two = await search("TOMATO Gärden", [home]);
    expect(two).toEqual(one);
  });

  it("searches only the collections named", async () => {
    const res = await search("tomatoes sourdough", [space]);
    expect(res.matches).toEqual([]);
    const both = await search("tomatoes sourdough", [home]);
    expect(new Set(both.matches.map((m) => m.fileId))).toEqual(new Set([garden, baking]));
  });

  it("runs every retrieval mode as the same lexical search", async () => {
    const plain = await search("bread oven", [home]);
    for (const mode of [
      { case: "keywordRetrieval", value: {} },
      { case: "semanticRetrieval", value: { reranker: { model: "any-reranker" } } },
      { case: "hybridRetrieval", value: { searchMultiplier: 2 } },
    ] as const) {
      const res = await search("bread oven", [home], { retrievalMode: mode });
      expect(res).toEqual(plain);
    }
    expect(plain.matches[0]?.fileId).toBe(baking);
  });

  it("honours limit, default 10", async () => {
    const c = await createCollection("Many", 20);
    const f = await upload(fx.client, "many.txt", "needle haystack ".repeat(60));
    await addAndIndex(c, f);
    expect((await search("needle", [c])).matches).toHaveLength(10);
    expect((await search("needle", [c], { limit: 3 })).matches).toHaveLength(3);
    expect((await statusOf(search("needle", [c], { limit: 0 }))).code).toBe(Status.INVALID_ARGUMENT);
  });

  it("lists every searched collection holding a file once per chunk", async () => {
    const c = await createCollection("Space copy");
    await addAndIndex(c, apollo);
    const res = await search("Columbia", [space, c]);
    expect(res.matches).toHaveLength(1);
    expect(res.matches[0]?.collectionIds).toEqual([space, c]);
  });

  it("finds a document by its name when names are injected into chunks", async () => {
    const c = await createCollection("Named", 2000, true);
    const f = await upload(fx.client, "zeppelin-manual.txt", "How to steer an airship.");
    await addAndIndex(c, f);
    const res = await search("zeppelin manual", [c]);
    expect(res.matches[0]?.fileId).toBe(f);
    expect(res.matches[0]?.chunkContent).toBe("zeppelin-manual.txt\n\nHow to steer an airship.");
  });

  it("does not return documents still processing or removed", async () => {
    const c = await createCollection("Pending");
    const f = await upload(fx.client, "pending.txt", "a quasar is very bright");
    await fx.client.unary(Collections.method.addDocumentToCollection, { collectionId: c, fileId: f });
    expect((await search("quasar", [c])).matches).toEqual([]);
    await untilIndexed(fx.client, c, f);
    expect((await search("quasar", [c])).matches.map((m) => m.fileId)).toEqual([f]);
    await fx.client.unary(Collections.method.removeDocumentFromCollection, { collectionId: c, fileId: f });
    expect((await search("quasar", [c])).matches).toEqual([]);
  });

  it("refuses an empty query, no collections and unknown collections", async () => {
    const empty = await statusOf(search("   ", [space]));
    expect(empty.code).toBe(Status.INVALID_ARGUMENT);
    expect(empty.details).toContain("query");
    const none = await statusOf(search("moon", []));
    expect(none.code).toBe(Status.INVALID_ARGUMENT);
    expect(none.details).toContain("collection_ids");
    const unknown = await statusOf(search("moon", [space, "collection-nope"]));
    expect(unknown.code).toBe(Status.NOT_FOUND);
    expect(unknown.details).toContain("collection-nope");
  });

  it("takes the API key, not the management key", async () => {
    const wrong = new XaiClient({
      api: { host: fx.emu.url, key: fx.emu.context.config.managementKey },
      management: { host: fx.emu.url, key: fx.emu.context.config.managementKey },
      timeoutMs: 10_000,
    });
    try {
      expect((await statusOf(wrong.unary(Documents.method.search, { query: "x" }))).code).toBe(
        Status.UNAUTHENTICATED,
      );
    } finally {
      wrong.close();
    }
  });
});
