import { type Timestamp, timestampDate } from "@bufbuild/protobuf/wkt";
import { beforeAll, describe, expect, it } from "vitest";
import {
  DownloadFormat,
  type File as FileMessage,
  Files,
  FilesSortBy,
  Ordering,
} from "../../gen/xai/api/v1/files_pb.js";
import { Status } from "../../src/grpc/status.js";
import { useEmulator } from "../support/emulator-fixture.js";

type Chunk = {
  chunk:
    | { case: "init"; value: { name: string; expiresAfter?: bigint } }
    | { case: "data"; value: Uint8Array };
};

const init = (name: string, expiresAfter?: bigint): Chunk => ({
  chunk: { case: "init", value: expiresAfter === undefined ? { name } : { name, expiresAfter } },
});
const data = (value: Uint8Array): Chunk => ({ chunk: { case: "data", value } });
const text = (s: string) => new TextEncoder().encode(s);
/** Milliseconds of a timestamp that must be present. */
function ms(ts: Timestamp | undefined): number {
  if (!ts) throw new Error("expected a timestamp");
  return timestampDate(ts).getTime();
}

/** Bytes that differ at every offset, so a misplaced chunk cannot go unnoticed. */
function pattern(size: number, salt: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = (i * 31 + salt + (i >>> 8)) & 0xff;
  return out;
}

async function statusOf(p: Promise<unknown>): Promise<{ code: number; details: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as { code: number; details: string };
    return { code: err.code, details: err.details };
  }
  throw new Error("expected the call to fail");
}

describe("Files service", () => {
  const upload = (chunks: Chunk[]) => fx.client.clientStream(Files.method.uploadFile, chunks);
  const download = async (fileId: string, format?: DownloadFormat) => {
    const parts: Uint8Array[] = [];
    for await (const c of fx.client.serverStream(Files.method.retrieveFileContent, { fileId, format })) {
      parts.push(c.data);
    }
    return { parts, bytes: new Uint8Array(Buffer.concat(parts)) };
  };

  const fx = useEmulator();

  it("uploads in several chunks and downloads the exact bytes back in 1 MiB chunks", async () => {
    const a = pattern(1_000_000, 1);
    const b = pattern(1_200_000, 2);
    const c = pattern(345, 3);
    const file = await upload([init("report.bin"), data(a), data(b), data(c)]);
    expect(file.filename).toBe("report.bin");
    expect(file.size).toBe(2_200_345n);
    expect(file.id).toMatch(/^file-/);
    expect(file.expiresAt).toBeUndefined();
    expect(Math.abs(ms(file.createdAt) - Date.now())).toBeLessThan(60_000);

    const { parts, bytes } = await download(file.id);
    expect(parts.map((p) => p.byteLength)).toEqual([1_048_576, 1_048_576, 103_193]);
    expect(Buffer.from(bytes).equals(Buffer.concat([a, b, c]))).toBe(true);

    const again = await fx.client.unary(Files.method.retrieveFile, { fileId: file.id });
    expect(again.size).toBe(2_200_345n);
    expect(again.filename).toBe("report.bin");
  });

  it("applies the init rules", async () => {
    const first = await statusOf(upload([data(text("x")), init("a.txt")]));
    expect(first.code).toBe(Status.INVALID_ARGUMENT);
    expect(first.details).toContain("first message");

    const twice = await statusOf(upload([init("a.txt"), data(text("x")), init("b.txt")]));
    expect(twice.code).toBe(Status.INVALID_ARGUMENT);
    expect(twice.details).toContain("only once");

    const none = await statusOf(upload([]));
    expect(none.code).toBe(Status.INVALID_ARGUMENT);

    const empty = await statusOf(upload([init("empty.txt")]));
    expect(empty).toEqual({ code: Status.INVALID_ARGUMENT, details: expect.stringContaining("empty") });

    for (const name of ["", "  ", "dir/a.txt", "dir\\a.txt", "a\nb.txt", "x".repeat(256), ".."]) {
      const bad = await statusOf(upload([init(name), data(text("x"))]));
      expect(bad.code, JSON.stringify(name)).toBe(Status.INVALID_ARGUMENT);
      expect(bad.details).toContain("init.name");
    }
    const longest = await upload([init(`${"x".repeat(251)}.txt`), data(text("ok"))]);
    expect(longest.filename.length).toBe(255);

    for (const seconds of [0n, 3599n, 2_592_001n]) {
      const bad = await statusOf(upload([init("t.txt", seconds), data(text("x"))]));
      expect(bad.code).toBe(Status.INVALID_ARGUMENT);
      expect(bad.details).toContain("init.expires_after");
    }
  });

  it("deletes files; unknown ids are NOT_FOUND everywhere", async () => {
    const file = await upload([init("gone.txt"), data(text("bye"))]);
    expect(await fx.client.unary(Files.method.deleteFile, { fileId: file.id })).toMatchObject({
      id: file.id,
      deleted: true,
    });
    for (const p of [
      fx.client.unary(Files.method.retrieveFile, { fileId: file.id }),
      fx.client.unary(Files.method.deleteFile, { fileId: file.id }),
      fx.client.unary(Files.method.createPublicUrl, { fileId: file.id }),
      fx.client.unary(Files.method.revokePublicUrl, { fileId: "file-nope" }),
      download(file.id),
    ]) {
      expect((await statusOf(p)).code).toBe(Status.NOT_FOUND);
    }
    expect((await statusOf(fx.client.unary(Files.method.retrieveFile, { fileId: "" }))).code).toBe(
      Status.INVALID_ARGUMENT,
    );
  });

  it("creates a public URL that serves the file, and revokes it", async () => {
    const body = text('{"hello":"world"}');
    const file = await upload([init("public.json"), data(body)]);
    const created = await fx.client.unary(Files.method.createPublicUrl, { fileId: file.id });
    expect(created.publicUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    expect(created.expiresAt).toBeUndefined();
    const res = await fetch(created.publicUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(Buffer.from(await res.arrayBuffer()).equals(Buffer.from(body))).toBe(true);

    const described = await fx.client.unary(Files.method.retrieveFile, { fileId: file.id });
    expect(described.publicUrl).toBe(created.publicUrl);

    const revoked = await fx.client.unary(Files.method.revokePublicUrl, { fileId: file.id });
    expect(revoked).toMatchObject({ fileId: file.id, revoked: true, publicUrl: created.publicUrl });
    expect((await fetch(created.publicUrl)).status).toBe(404);
    const after = await fx.client.unary(Files.method.retrieveFile, { fileId: file.id });
    expect(after.publicUrl).toBeUndefined();

    const twice = await fx.client.unary(Files.method.revokePublicUrl, { fileId: file.id });
    expect(twice.revoked).toBe(false);
    expect(twice.publicUrl).toBeUndefined();

    const bad = await statusOf(
      fx.client.unary(Files.method.createPublicUrl, { fileId: file.id, expiresAfter: 10n }),
    );
    expect(bad.code).toBe(Status.INVALID_ARGUMENT);
  });

  it("downloads UTF-8 files as TEXT and refuses TEXT for binaries", async () => {
    const note = await upload([init("note.md"), data(text("\uFEFF# Zoë\n")), data(text("line two\n"))]);
    expect(new TextDecoder().decode((await download(note.id, DownloadFormat.TEXT)).bytes)).toBe(
      "# Zoë\nline two\n",
    );
    const original = await download(note.id, DownloadFormat.ORIGINAL);
    expect(original.bytes.byteLength).toBe(3 + 7 + 9);

    const bin = await upload([init("blob.bin"), data(new Uint8Array([0, 1, 2, 0xff]))]);
    expect((await statusOf(download(bin.id, DownloadFormat.TEXT))).code).toBe(Status.FAILED_PRECONDITION);
  });

  it("makes files and public URLs disappear when they expire (emulator clock)", async () => {
    const file = await upload([init("short.txt", 3600n), data(text("soon gone"))]);
    expect(ms(file.expiresAt) - ms(file.createdAt)).toBe(3_600_000);
    const keeper = await upload([init("keeper.txt"), data(text("stays"))]);
    const url = await fx.client.unary(Files.method.createPublicUrl, {
      fileId: keeper.id,
      expiresAfter: 7200n,
    });
    expect(ms(url.expiresAt)).toBeGreaterThan(Date.now() + 7_100_000);
    // A URL cannot outlive its file.
    const capped = await fx.client.unary(Files.method.createPublicUrl, {
      fileId: file.id,
      expiresAfter: 7200n,
    });
    expect(capped.expiresAt).toEqual(file.expiresAt);

    fx.emu.context.advance(3_600_001);
    expect((await statusOf(fx.client.unary(Files.method.retrieveFile, { fileId: file.id }))).code).toBe(
      Status.NOT_FOUND,
    );
    expect((await fetch(capped.publicUrl)).status).toBe(404);
    expect((await fetch(url.publicUrl)).status).toBe(200);

    fx.emu.context.advance(3_600_000);
    const after = await fx.client.unary(Files.method.retrieveFile, { fileId: keeper.id });
    expect(after.publicUrl).toBeUndefined();
    expect((await fetch(url.publicUrl)).status).toBe(404);
  });
});

describe("Files listing", () => {
  const uploaded: FileMessage[] = [];
  const names = [
    "delta.txt",
    "alpha.txt",
    "Charlie.txt",
    "bravo.txt",
    "alpha.txt",
    "echo.csv",
    "foxtrot.txt",
  ];
  const sizes = [40, 10, 70, 10, 25, 5, 60];

  const fx = useEmulator();
  beforeAll(async () => {
    for (const [i, name] of names.entries()) {
      const bytes = pattern(sizes[i] ?? 1, i);
      uploaded.push(await fx.client.clientStream(Files.method.uploadFile, [init(name), data(bytes)]));
    }
  });

  async function listAll(sortBy: FilesSortBy, order: Ordering, limit: number, filter?: string) {
    const pages: string[][] = [];
    let token: string | undefined;
    do {
      const page = await fx.client.unary(Files.method.listFiles, {
        limit,
        order,
        sortBy,
        filter,
        paginationToken: token,
      });
      pages.push(page.data.map((f) => f.id));
      token = page.paginationToken || undefined;
      expect(pages.length).toBeLessThan(20);
    } while (token);
    return pages;
  }

  const ids = (indexes: number[]) => indexes.map((i) => uploaded[i]?.id);

  it("pages through every file exactly once, in each sort order", async () => {
    // Arrival order breaks ties (the two alpha.txt, the two 10-byte files).
    const expected: Record<FilesSortBy, number[]> = {
      [FilesSortBy.CREATED_AT]: [0, 1, 2, 3, 4, 5, 6],
      [FilesSortBy.FILENAME]: [2, 1, 4, 3, 0, 5, 6],
      [FilesSortBy.SIZE]: [5, 1, 3, 4, 0, 6, 2],
    };
    for (const sortBy of [FilesSortBy.CREATED_AT, FilesSortBy.FILENAME, FilesSortBy.SIZE]) {
      const ascending = await listAll(sortBy, Ordering.ASCENDING, 3);
      expect(ascending.map((p) => p.length)).toEqual([3, 3, 1]);
      expect(ascending.flat()).toEqual(ids(expected[sortBy]));
      const descending = await listAll(sortBy, Ordering.DESCENDING, 2);
      expect(descending.map((p) => p.length)).toEqual([2, 2, 2, 1]);
      expect(descending.flat()).toEqual(ids([...expected[sortBy]].reverse()));
    }
  });

  it("returns one page and no token when everything fits; limit 0 means 100", async () => {
    const page = await fx.client.unary(Files.method.listFiles, {});
    expect(page.data.map((f) => f.id)).toEqual(ids([0, 1, 2, 3, 4, 5, 6]));
    expect(page.paginationToken ?? "").toBe("");
    expect(page.data[0]).toMatchObject({ filename: "delta.txt", size: 40n });
    const exact = await fx.client.unary(Files.method.listFiles, { limit: 7 });
    expect(exact.data).toHaveLength(7);
    expect(exact.paginationToken ?? "").toBe("");
  });

  it("filters by a case-insensitive substring of the filename", async () => {
    expect((await listAll(FilesSortBy.CREATED_AT, Ordering.ASCENDING, 1, "ALPHA")).flat()).toEqual(
      ids([1, 4]),
    );
    expect((await listAll(FilesSortBy.FILENAME, Ordering.ASCENDING, 10, ".txt")).flat()).toEqual(
      ids([2, 1, 4, 3, 0, 6]),
    );
    expect((await listAll(FilesSortBy.SIZE, Ordering.ASCENDING, 10, "zulu")).flat()).toEqual([]);
  });

  it("keeps a listing consistent when files are deleted between pages", async () => {
    const first = await fx.client.unary(Files.method.listFiles, { limit: 3 });
    const extra = await fx.client.clientStream(Files.method.uploadFile, [init("golf.txt"), data(text("g"))]);
    await fx.client.unary(Files.method.deleteFile, { fileId: uploaded[3]?.id ?? "" });
    const second = await fx.client.unary(Files.method.listFiles, {
      limit: 10,
      paginationToken: first.paginationToken,
    });
    expect(first.data.map((f) => f.id)).toEqual(ids([0, 1, 2]));
    expect(second.data.map((f) => f.id)).toEqual([...ids([4, 5, 6]), extra.id]);
  });

  it("refuses bad limits and tokens", async () => {
    for (const limit of [-1, 101]) {
      const bad = await statusOf(fx.client.unary(Files.method.listFiles, { limit }));
      expect(bad.code).toBe(Status.INVALID_ARGUMENT);
      expect(bad.details).toContain("limit");
    }
    const forged = await statusOf(
      fx.client.unary(Files.method.listFiles, { paginationToken: "not-a-token" }),
    );
    expect(forged.code).toBe(Status.INVALID_ARGUMENT);
    const page = await fx.client.unary(Files.method.listFiles, { limit: 1 });
    const other = await statusOf(
      fx.client.unary(Files.method.listFiles, {
        limit: 1,
        sortBy: FilesSortBy.SIZE,
        paginationToken: page.paginationToken,
      }),
    );
    expect(other.code).toBe(Status.INVALID_ARGUMENT);
    expect(other.details).toContain("pagination_token");
  });
});

describe("Files size cap", () => {
  const fx = useEmulator({ maxFileBytes: 1000 });

  it("accepts a file of exactly the cap and refuses one byte more with RESOURCE_EXHAUSTED", async () => {
    const ok = await fx.client.clientStream(Files.method.uploadFile, [
      init("max.bin"),
      data(pattern(600, 1)),
      data(pattern(400, 2)),
    ]);
    expect(ok.size).toBe(1000n);
    const tooBig = await statusOf(
      fx.client.clientStream(Files.method.uploadFile, [
        init("big.bin"),
        data(pattern(600, 1)),
        data(pattern(401, 2)),
      ]),
    );
    expect(tooBig.code).toBe(Status.RESOURCE_EXHAUSTED);
    expect(tooBig.details).toContain("1000 bytes");
  });

  it("stops reading an oversized upload without waiting for the rest", async () => {
    // An endless stream: the call can only finish if the server gives up reading.
    async function* endless() {
      yield init("endless.bin");
      for (;;) yield data(pattern(512, 0));
    }
    const result = await statusOf(fx.client.clientStream(Files.method.uploadFile, endless()));
    expect(result.code).toBe(Status.RESOURCE_EXHAUSTED);
    const listed = await fx.client.unary(Files.method.listFiles, {});
    expect(listed.data.map((f) => f.filename)).toEqual(["max.bin"]);
  });
});
