import { createHash } from "node:crypto";
import { type Timestamp, timestampDate } from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import {
  Collections,
  CollectionsSortBy,
  DocumentStatus,
  DocumentsSortBy,
  FieldDefinitionOperation,
} from "../../gen/xai/api/v1/collections_pb.js";
import { Files } from "../../gen/xai/api/v1/files_pb.js";
import { Ordering } from "../../gen/xai/api/v1/shared_pb.js";
import { Status } from "../../src/grpc/status.js";
import { useEmulator } from "../support/emulator-fixture.js";
import { clientOf, statusOf, untilIndexed, upload } from "./collections-helpers.js";

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");
/** Milliseconds of a timestamp that must be present. */
function ms(ts: Timestamp | undefined): number {
  if (!ts) throw new Error("expected a timestamp");
  return timestampDate(ts).getTime();
}

describe("Collections service", () => {
  const create = (name: string, extra: Record<string, unknown> = {}) =>
    fx.client.unary(Collections.method.createCollection, { collectionName: name, ...extra });
  const meta = (collectionId: string) =>
    fx.client.unary(Collections.method.getCollectionMetadata, { collectionId });
  const add = (collectionId: string, fileId: string, fields: Record<string, string> = {}) =>
    fx.client.unary(Collections.method.addDocumentToCollection, { collectionId, fileId, fields });
  const getDoc = (collectionId: string, fileId: string) =>
    fx.client.unary(Collections.method.getDocumentMetadata, { collectionId, fileId });

  const fx = useEmulator();

  describe("auth", () => {
    it("refuses the API key on Collections with UNAUTHENTICATED", async () => {
      const wrong = clientOf(fx.emu, fx.emu.context.config.apiKey);
      try {
        const s = await statusOf(wrong.unary(Collections.method.listCollections, {}));
        expect(s.code).toBe(Status.UNAUTHENTICATED);
        expect(s.details).toContain("management key");
      } finally {
        wrong.close();
      }
    });
  });

  describe("CreateCollection", () => {
    it("fills the server defaults and keeps what was given", async () => {
      const c = await create("Defaults", {
        collectionDescription: "all about defaults",
        fieldDefinitions: [{ key: "author", required: true, description: "who wrote it" }],
      });
      expect(c.collectionId).toMatch(/^collection-/);
      expect(c.collectionName).toBe("Defaults");
      expect(c.collectionDescription).toBe("all about defaults");
      expect(c.indexConfiguration?.modelName).toBe("grok-embedding-small");
      expect(c.chunkConfiguration?.config).toEqual({
        case: "charsConfiguration",
        value: expect.objectContaining({ maxChunkSizeChars: 2000, chunkOverlapChars: 200 }),
      });
      expect(c.chunkConfiguration?.stripWhitespace).toBe(true);
      expect(c.fieldDefinitions.map((d) => [d.key, d.required, d.description])).toEqual([
        ["author", true, "who wrote it"],
      ]);
      expect(c.documentsCount).toBe(0);
      expect(c.totalFileSize).toBe(0n);
      const again = await meta(c.collectionId);
      expect(again.collectionName).toBe("Defaults");
      expect(ms(again.createdAt)).toBe(ms(c.createdAt));
    });

    it("keeps a token chunk configuration", async () => {
      const c = await create("Tokens", {
        chunkConfiguration: {
          config: { case: "tokensConfiguration", value: { maxChunkSizeTokens: 64, chunkOverlapTokens: 8 } },
          injectNameIntoChunks: true,
        },
      });
      expect(c.chunkConfiguration?.config.case).toBe("tokensConfiguration");
      expect(c.chunkConfiguration?.config.value).toMatchObject({
        maxChunkSizeTokens: 64,
        chunkOverlapTokens: 8,
      });
      expect(c.chunkConfiguration?.injectNameIntoChunks).toBe(true);
    });

    it("refuses an empty name, bad chunk sizes, duplicate field keys and unknown models", async () => {
      const empty = await statusOf(create("  "));
      expect(empty.code).toBe(Status.INVALID_ARGUMENT);
      expect(empty.details).toContain("collection_name");
      const overlap = await statusOf(
        create("x", {
          chunkConfiguration: {
            config: { case: "charsConfiguration", value: { maxChunkSizeChars: 100, chunkOverlapChars: 100 } },
          },
        }),
      );
      expect(overlap.code).toBe(Status.INVALID_ARGUMENT);
      expect(overlap.details).toContain("chunk_overlap_chars");
      const dup = await statusOf(create("x", { fieldDefinitions: [{ key: "a" }, { key: "a" }] }));
      expect(dup.code).toBe(Status.INVALID_ARGUMENT);
      const model = await statusOf(create("x", { indexConfiguration: { modelName: "grok-embedding-9" } }));
      expect(model.code).toBe(Status.NOT_FOUND);
      expect(model.details).toContain("grok-embedding-9");
    });
  });

  describe("documents", () => {
    it("goes through the full lifecycle with exact counts, sizes and status transitions", async () => {
      const c = await create("Lifecycle");
      const textA = "Apollo 11 landed on the Moon in July 1969.";
      const textB = "The Voyager probes left the solar system.";
      const a = await upload(fx.client, "apollo.txt", textA);
      const b = await upload(fx.client, "voyager.md", textB);

      // Unknown collection, unknown file.
      expect((await statusOf(add("collection-nope", a))).code).toBe(Status.NOT_FOUND);
      expect((await statusOf(add(c.collectionId, "file-nope"))).code).toBe(Status.NOT_FOUND);

      await add(c.collectionId, a);
      await add(c.collectionId, b);
      const dup = await statusOf(add(c.collectionId, a));
      expect(dup.code).toBe(Status.ALREADY_EXISTS);

      let m = await meta(c.collectionId);
      expect(m.documentsCount).toBe(2);
      expect(m.totalFileSize).toBe(BigInt(textA.length + textB.length));

      // First read: still processing (chunked, nothing embedded yet); the next: processed.
      const first = await getDoc(c.collectionId, a);
      expect(first.status).toBe(DocumentStatus.PROCESSING);
      expect(first.chunkCount).toBe(1);
      expect(first.chunksProcessedCount).toBe(0n);
      expect(first.fileMetadata?.processingStatus).toBe("processing");
      const second = await getDoc(c.collectionId, a);
      expect(second.status).toBe(DocumentStatus.PROCESSED);
      expect(second.chunkCount).toBe(1);
      expect(second.chunksProcessedCount).toBe(1n);
      expect(second.lastIndexedAt).toBeDefined();
      const fm = second.fileMetadata;
      expect(fm?.fileId).toBe(a);
      expect(fm?.name).toBe("apollo.txt");
      expect(fm?.sizeBytes).toBe(BigInt(textA.length));
      expect(fm?.contentType).toBe("text/plain");
      expect(fm?.hash).toBe(sha256(textA));
      expect(fm?.uploadStatus).toBe("uploaded");
      expect(fm?.processingStatus).toBe("processed");
      const file = await fx.client.unary(Files.method.retrieveFile, { fileId: a });
      expect(ms(fm?.createdAt)).toBe(ms(file.createdAt));

      // Replacing the content re-processes it and changes size, hash and type.
      const newText = "Apollo 13 did not land; the crew came home safely in April 1970.";
      const updated = await fx.client.unary(Collections.method.updateDocument, {
        collectionId: c.collectionId,
        fileId: a,
        name: "apollo-13.md",
        data: new TextEncoder().encode(newText),
      });
      expect(updated.status).toBe(DocumentStatus.PROCESSING);
      expect(updated.fileMetadata?.name).toBe("apollo-13.md");
      expect(updated.fileMetadata?.contentType).toBe("text/markdown");
      expect(updated.fileMetadata?.hash).toBe(sha256(newText));
      expect((await untilIndexed(fx.client, c.collectionId, a)).status).toBe(DocumentStatus.PROCESSED);
      m = await meta(c.collectionId);
      expect(m.totalFileSize).toBe(BigInt(newText.length + textB.length));

      // Re-indexing goes back to processing, then processed.
      await fx.client.unary(Collections.method.reIndexDocument, { collectionId: c.collectionId, fileId: b });
      expect((await getDoc(c.collectionId, b)).status).toBe(DocumentStatus.PROCESSING);
      expect((await getDoc(c.collectionId, b)).status).toBe(DocumentStatus.PROCESSED);

      // Batch get skips unknown ids and keeps the order asked for.
      const batch = await fx.client.unary(Collections.method.batchGetDocuments, {
        collectionId: c.collectionId,
        fileIds: [b, "file-nope", a],
      });
      expect(batch.documents.map((d) => d.fileMetadata?.fileId)).toEqual([b, a]);

      await fx.client.unary(Collections.method.removeDocumentFromCollection, {
        collectionId: c.collectionId,
        fileId: a,
      });
      expect((await statusOf(getDoc(c.collectionId, a))).code).toBe(Status.NOT_FOUND);
      m = await meta(c.collectionId);
      expect(m.documentsCount).toBe(1);
      expect(m.totalFileSize).toBe(BigInt(textB.length));
      expect(
        (
          await statusOf(
            fx.client.unary(Collections.method.reIndexDocument, { collectionId: c.collectionId, fileId: a }),
          )
        ).code,
      ).toBe(Status.NOT_FOUND);

      await fx.client.unary(Collections.method.deleteCollection, { collectionId: c.collectionId });
      expect((await statusOf(meta(c.collectionId))).code).toBe(Status.NOT_FOUND);
      expect((await statusOf(getDoc(c.collectionId, b))).code).toBe(Status.NOT_FOUND);
      expect(
        (
          await statusOf(
            fx.client.unary(Collections.method.deleteCollection, { collectionId: c.collectionId }),
          )
        ).code,
      ).toBe(Status.NOT_FOUND);
    });

    it("finishes processing after a second of emulator time even when nobody polls", async () => {
      const c = await create("Clock");
      const f = await upload(fx.client, "clock.txt", "tick tock");
      await add(c.collectionId, f);
      fx.emu.context.advance(1_000);
      expect((await getDoc(c.collectionId, f)).status).toBe(DocumentStatus.PROCESSED);
    });

    it("fails binary content with an error message", async () => {
      const c = await create("Binary");
      const f = await upload(
        fx.client,
        "image.png",
        new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff, 0xfe, 0x00]),
      );
      await add(c.collectionId, f);
      const doc = await untilIndexed(fx.client, c.collectionId, f);
      expect(doc.status).toBe(DocumentStatus.FAILED);
      expect(doc.errorMessage).toContain("UTF-8 text");
      expect(doc.fileMetadata?.contentType).toBe("image/png");
      expect(doc.fileMetadata?.processingStatus).toBe("failed");
      expect(doc.chunkCount).toBeUndefined();
    });

    it("chunks by the collection's configuration", async () => {
      const c = await create("Small chunks", {
        chunkConfiguration: {
          config: { case: "charsConfiguration", value: { maxChunkSizeChars: 20, chunkOverlapChars: 0 } },
        },
      });
      // Four pieces of 19 characters, each ending with a space: the 20-character window cuts after each.
      const text = [
        "alpha beta gamma 1 ",
        "delta epsilon zz 2 ",
        "eta theta iota 333 ",
        "kappa lambda mu 44 ",
      ].join("");
      const f = await upload(fx.client, "small.txt", text);
      await add(c.collectionId, f);
      const doc = await untilIndexed(fx.client, c.collectionId, f);
      expect(doc.status).toBe(DocumentStatus.PROCESSED);
      expect(doc.chunkCount).toBe(4);
      expect(doc.chunksProcessedCount).toBe(4n);

      // New chunk settings apply once the document is re-indexed.
      await fx.client.unary(Collections.method.updateCollection, {
        collectionId: c.collectionId,
        chunkConfiguration: {
          config: { case: "bytesConfiguration", value: { maxChunkSizeBytes: 1000, chunkOverlapBytes: 0 } },
        },
      });
      expect((await getDoc(c.collectionId, f)).chunkCount).toBe(4);
      await fx.client.unary(Collections.method.reIndexDocument, { collectionId: c.collectionId, fileId: f });
      expect((await untilIndexed(fx.client, c.collectionId, f)).chunkCount).toBe(1);
      const empty = await statusOf(
        fx.client.unary(Collections.method.updateDocument, {
          collectionId: c.collectionId,
          fileId: f,
          data: new Uint8Array(),
        }),
      );
      expect(empty.code).toBe(Status.INVALID_ARGUMENT);
    });
  });

  describe("fields", () => {
    it("enforces required and unique fields on add and update", async () => {
      const c = await create("Fields", {
        fieldDefinitions: [
          { key: "author", required: true },
          { key: "isbn", unique: true },
        ],
      });
      const f1 = await upload(fx.client, "one.txt", "one");
      const f2 = await upload(fx.client, "two.txt", "two");
      const missing = await statusOf(add(c.collectionId, f1, { isbn: "1" }));
      expect(missing.code).toBe(Status.INVALID_ARGUMENT);
      expect(missing.details).toContain('"author"');
      await add(c.collectionId, f1, { author: "Ada", isbn: "1" });
      const taken = await statusOf(add(c.collectionId, f2, { author: "Bob", isbn: "1" }));
      expect(taken.code).toBe(Status.ALREADY_EXISTS);
      expect(taken.details).toContain('"isbn"');
      await add(c.collectionId, f2, { author: "Bob", isbn: "2", extra: "kept" });
      expect((await getDoc(c.collectionId, f2)).fields).toEqual({ author: "Bob", isbn: "2", extra: "kept" });

      const clash = await statusOf(
        fx.client.unary(Collections.method.updateDocument, {
          collectionId: c.collectionId,
          fileId: f2,
          fields: { isbn: "1" },
        }),
      );
      expect(clash.code).toBe(Status.ALREADY_EXISTS);
      const ok = await fx.client.unary(Collections.method.updateDocument, {
        collectionId: c.collectionId,
        fileId: f2,
        fields: { isbn: "3" },
      });
      expect(ok.fields).toEqual({ author: "Bob", isbn: "3", extra: "kept" });
      // A metadata change that is not injected into chunks does not re-index.
      expect(ok.status).not.toBe(DocumentStatus.PROCESSING);

      // Field definitions: cannot require a field documents lack; can add, replace and delete.
      const require = await statusOf(
        fx.client.unary(Collections.method.updateCollection, {
          collectionId: c.collectionId,
          fieldDefinitionUpdates: [{ fieldDefinition: { key: "year", required: true } }],
        }),
      );
      expect(require.code).toBe(Status.FAILED_PRECONDITION);
      const updated = await fx.client.unary(Collections.method.updateCollection, {
        collectionId: c.collectionId,
        collectionName: "Fields renamed",
        collectionDescription: "books",
        fieldDefinitionUpdates: [
          { fieldDefinition: { key: "year" } },
          { fieldDefinition: { key: "author" }, operation: FieldDefinitionOperation.FIELD_DEFINITION_DELETE },
        ],
      });
      expect(updated.collectionName).toBe("Fields renamed");
      expect(updated.collectionDescription).toBe("books");
      expect(updated.fieldDefinitions.map((d) => d.key)).toEqual(["isbn", "year"]);
      expect(updated.documentsCount).toBe(2);
      // Without the required author, a document may now come without one.
      const f3 = await upload(fx.client, "three.txt", "three");
      await add(c.collectionId, f3, { isbn: "4" });
      const unknown = await statusOf(
        fx.client.unary(Collections.method.updateCollection, {
          collectionId: c.collectionId,
          fieldDefinitionUpdates: [
            { fieldDefinition: { key: "nope" }, operation: FieldDefinitionOperation.FIELD_DEFINITION_DELETE },
          ],
        }),
      );
      expect(unknown.code).toBe(Status.NOT_FOUND);
      // A failed update changed nothing.
      expect((await meta(c.collectionId)).fieldDefinitions.map((d) => d.key)).toEqual(["isbn", "year"]);
    });
  });

  describe("listing", () => {
    it("pages collections exactly once, sorted and filtered by name", async () => {
      const names = ["pg-delta", "pg-alpha", "pg-echo", "pg-bravo", "pg-golf", "pg-charlie", "pg-foxtrot"];
      for (const n of names) await create(n);
      await create("other");
      const seen: string[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const page = await fx.client.unary(Collections.method.listCollections, {
          filter: "PG-",
          sortBy: CollectionsSortBy.NAME,
          order: Ordering.ASCENDING,
          limit: 3,
          paginationToken: token,
        });
        seen.push(...page.collections.map((c) => c.collectionName));
        token = page.paginationToken || undefined;
        pages += 1;
        if (pages === 1) {
          // Changes between pages: a name sorting before the cursor and one after it.
          await create("pg-aaa");
          await create("pg-zulu");
        }
      } while (token);
      expect(pages).toBe(3);
      expect(seen).toEqual([
        "pg-alpha",
        "pg-bravo",
        "pg-charlie",
        "pg-delta",
        "pg-echo",
        "pg-foxtrot",
        "pg-golf",
        "pg-zulu",
      ]);
    });

    it("lists newest first by default and refuses a token from another sort", async () => {
      const page = await fx.client.unary(Collections.method.listCollections, { filter: "pg-", limit: 2 });
      expect(page.collections.map((c) => c.collectionName)).toEqual(["pg-zulu", "pg-aaa"]);
      const bad = await statusOf(
        fx.client.unary(Collections.method.listCollections, {
          filter: "pg-",
          limit: 2,
          sortBy: CollectionsSortBy.NAME,
          paginationToken: page.paginationToken,
        }),
      );
      expect(bad.code).toBe(Status.INVALID_ARGUMENT);
      const limit = await statusOf(fx.client.unary(Collections.method.listCollections, { limit: 0 }));
      expect(limit.code).toBe(Status.INVALID_ARGUMENT);
    });

    it("pages documents by size, filters by name and metadata fields", async () => {
      const c = await create("Docs");
      const sizes = [5, 1, 4, 2, 3];
      for (const [i, size] of sizes.entries()) {
        const f = await upload(fx.client, `doc-${i}.txt`, "x".repeat(size));
        await add(c.collectionId, f, { kind: i % 2 === 0 ? "even" : "odd" });
      }
      const seen: bigint[] = [];
      let token: string | undefined;
      do {
        const page = await fx.client.unary(Collections.method.listDocuments, {
          collectionId: c.collectionId,
          sortBy: DocumentsSortBy.SIZE,
          order: Ordering.DESCENDING,
          limit: 2,
          paginationToken: token,
        });
        seen.push(...page.documents.map((d) => d.fileMetadata?.sizeBytes ?? -1n));
        token = page.paginationToken || undefined;
      } while (token);
      expect(seen).toEqual([5n, 4n, 3n, 2n, 1n]);

      const byName = await fx.client.unary(Collections.method.listDocuments, {
        collectionId: c.collectionId,
        name: "DOC-3",
      });
      expect(byName.documents.map((d) => d.fileMetadata?.name)).toEqual(["doc-3.txt"]);
      const even = await fx.client.unary(Collections.method.listDocuments, {
        collectionId: c.collectionId,
        filter: 'kind = "even"',
        sortBy: DocumentsSortBy.NAME,
      });
      expect(even.documents.map((d) => d.fileMetadata?.name)).toEqual([
        "doc-0.txt",
        "doc-2.txt",
        "doc-4.txt",
      ]);
      expect(even.paginationToken ?? "").toBe("");
      const badFilter = await statusOf(
        fx.client.unary(Collections.method.listDocuments, {
          collectionId: c.collectionId,
          filter: "just words",
        }),
      );
      expect(badFilter.code).toBe(Status.INVALID_ARGUMENT);
    });
  });

  describe("GenerateCollectionDescription", () => {
    it("describes the contents deterministically and says it is emulated", async () => {
      const c = await create("Space");
      const f1 = await upload(
        fx.client,
        "rockets.txt",
        "Rockets and rockets: the rocket engine burns fuel. Rockets fly.",
      );
      const f2 = await upload(fx.client, "moon.txt", "The Moon orbits the Earth. Rockets reached the Moon.");
      await add(c.collectionId, f1);
      await add(c.collectionId, f2);
      const one = await fx.client.unary(Collections.method.generateCollectionDescription, {
        collectionId: c.collectionId,
      });
      const two = await fx.client.unary(Collections.method.generateCollectionDescription, {
        collectionId: c.collectionId,
      });
      expect(one.collectionDescription).toBe(two.collectionDescription);
      expect(one.collectionDescription).toContain("emulator");
      expect(one.collectionDescription).toContain("2 documents (moon.txt, rockets.txt)");
      expect(one.collectionDescription).toContain("mostly about: rocket, moon");
      // Only proposed: the stored description is unchanged.
      expect((await meta(c.collectionId)).collectionDescription).toBeUndefined();
    });
  });
});
