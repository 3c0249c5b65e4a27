import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, open, readdir, readFile, stat, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type CallToolResult, CallToolResultSchema, type Progress } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_STORE_BUDGETS } from "../emulator/limits.js";
import { type MediaSession, startMediaSession, tempDir } from "./support/media-session.js";

const UPLOAD = "/xai_api.Files/UploadFile";
const DOWNLOAD = "/xai_api.Files/RetrieveFileContent";
const MIB = 1024 * 1024;

async function call(
  session: MediaSession,
  name: string,
  args: Record<string, unknown>,
  onprogress?: (p: Progress) => void,
): Promise<CallToolResult> {
  const raw = await session.client.callTool(
    { name, arguments: args },
    CallToolResultSchema,
    onprogress ? { onprogress, timeout: 300_000 } : {},
  );
  return CallToolResultSchema.parse(raw);
}

function text(result: CallToolResult): string {
  return result.content
    .filter((b) => b.type === "text")
    .map((b) => (b as { text: string }).text)
    .join("\n");
}

function fileIdOf(result: CallToolResult): string {
  const id = (result.structuredContent as { id?: string } | undefined)?.id;
  if (!id) throw new Error(`no file id in: ${text(result)}`);
  return id;
}

/** The bytes the emulator stored for a file. */
function stored(session: MediaSession, id: string): Buffer {
  return Buffer.from(session.emu.context.files.require(id).bytes);
}

async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/**
 * Writes `size` bytes of varied content to `path` one MiB at a time (never the whole file in
 * memory) and returns their SHA-256.
 */
async function writeBigFile(path: string, size: number): Promise<string> {
  const hash = createHash("sha256");
  const block = Buffer.alloc(MIB);
  const handle = await open(path, "w");
  try {
    for (let offset = 0; offset < size; offset += MIB) {
      const n = Math.min(MIB, size - offset);
      // Different bytes in every MiB, so a chunk sent twice or out of order shows in the hash.
      for (let i = 0; i < n; i += 4) block.writeUInt32LE(((offset + i) * 2654435761) >>> 0, i);
      const part = block.subarray(0, n);
      hash.update(part);
      await handle.write(part);
    }
  } finally {
    await handle.close();
  }
  return hash.digest("hex");
}

/** VmRSS and VmHWM (peak RSS) of a process, in bytes, from /proc. */
async function memoryOf(pid: number): Promise<{ rss: number; hwm: number }> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const kib = (key: string) =>
    Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? Number.NaN) * 1024;
  return { rss: kib("VmRSS"), hwm: kib("VmHWM") };
}

let base: { dir: string; remove: () => Promise<void> };
let allowed: string;
let outside: string;
let session: MediaSession;

beforeAll(async () => {
  base = await tempDir("xai-files-");
  allowed = join(base.dir, "allowed");
  outside = join(base.dir, "outside");
  await mkdir(allowed);
  await mkdir(outside);
  await writeFile(join(allowed, "notes.txt"), "line one\nline two\n");
  await writeFile(join(outside, "secret.txt"), "secret");
  await symlink(join(outside, "secret.txt"), join(allowed, "link-out.txt"));
  await symlink(outside, join(allowed, "dir-out"));
  await mkdir(`${allowed}-evil`);
  await writeFile(join(`${allowed}-evil`, "evil.txt"), "evil");
  // The emulator's default budget of uploaded files (32 MiB) would refuse the 100 MiB upload.
  session = await startMediaSession({
    args: ["--allow-dir", allowed],
    emulator: { storeBytes: { ...DEFAULT_STORE_BUDGETS, files: 512 * 1024 * 1024 } },
  });
});

afterAll(async () => {
  await session?.close();
  await base.remove();
});

async function outsideUntouched(): Promise<void> {
  expect((await readdir(outside)).sort()).toEqual(["secret.txt"]);
  expect(await readFile(join(outside, "secret.txt"), "utf8")).toBe("secret");
}

describe("files_upload_file", () => {
  it("uploads a local file under its own name", async () => {
    const result = await call(session, "files_upload_file", { path: join(allowed, "notes.txt") });
    expect(result.isError, text(result)).toBeFalsy();
    const id = fileIdOf(result);
    expect(text(result)).toContain(`Uploaded notes.txt (18 bytes) as file ${id}`);
    expect((result.structuredContent as { filename: string }).filename).toBe("notes.txt");
    expect(stored(session, id).toString()).toBe("line one\nline two\n");
  });

  it("uploads inline text and base64 under the name in init, with an expiry", async () => {
    const fromText = await call(session, "files_upload_file", {
      init: { name: "hello.md", expires_after: 7200 },
      text: "# Hello\nwörld",
    });
    expect(stored(session, fileIdOf(fromText)).toString("utf8")).toBe("# Hello\nwörld");
    expect((fromText.structuredContent as { expires_at?: string }).expires_at).toBeDefined();
    const bytes = Buffer.from([0, 1, 2, 250, 255]);
    const fromBase64 = await call(session, "files_upload_file", {
      init: { name: "raw.bin" },
      content_base64: bytes.toString("base64"),
    });
    expect(stored(session, fileIdOf(fromBase64)).equals(bytes)).toBe(true);
  });

  it("checks names, sizes, expiry and sources by the API's rules before sending anything", async () => {
    const before = session.emu.context.log.records(UPLOAD).length;
    const cases: [Record<string, unknown>, string][] = [
      [{ init: { name: "a/b.txt" }, text: "x" }, "init.name must be a name, not a path"],
      [{ init: { name: "a\\b.txt" }, text: "x" }, "init.name must be a name, not a path"],
      [{ init: { name: "n".repeat(256) }, text: "x" }, "init.name must be at most 255 characters"],
      [{ init: { name: "" }, text: "x" }, "init.name must not be empty"],
      [{ text: "x" }, "init.name must not be empty"],
      [{ init: { name: "empty.txt" }, text: "" }, "the content is empty"],
      [{ init: { name: "e.txt", expires_after: 60 }, text: "x" }, "init.expires_after must be between 3600"],
      [
        { init: { name: "two.txt" }, text: "x", content_base64: "eA==" },
        "give exactly one of path, text, content_base64",
      ],
      [{ init: { name: "none.txt" } }, "give the file's content with exactly one of them"],
      [{ init: { name: "b.bin" }, content_base64: "not base64!" }, "content_base64: not valid base64"],
      [{ data: "eA==" }, "data: give the content with path, text or content_base64"],
    ];
    for (const [args, message] of cases) {
      const result = await call(session, "files_upload_file", args);
      expect(result.isError, JSON.stringify(args)).toBe(true);
      expect(text(result)).toContain(message);
      expect(text(result)).toContain("nothing was sent");
    }
    // A 255-character name is fine.
    const longest = await call(session, "files_upload_file", { init: { name: "n".repeat(255) }, text: "x" });
    expect(longest.isError, text(longest)).toBeFalsy();
    expect(session.emu.context.log.records(UPLOAD).length).toBe(before + 1);
  });

  it("refuses a file past the size cap before reading or sending it", async () => {
    const big = join(allowed, "too-big.bin");
    const handle = await open(big, "w");
    await handle.truncate(200 * MIB + 1); // sparse: no disk used
    await handle.close();
    const before = session.emu.context.log.records(UPLOAD).length;
    const result = await call(session, "files_upload_file", { path: big });
    expect(result.isError).toBe(true);
    expect(text(result)).toContain("files up to 200.0 MiB are uploaded");
    expect(session.emu.context.log.records(UPLOAD).length).toBe(before);
  });

  it("refuses every path escape with a clear message, reading and sending nothing", async () => {
    const before = session.emu.context.log.records(UPLOAD).length;
    const escapes = [
      join(allowed, "..", "outside", "secret.txt"),
      "../outside/secret.txt",
      join(outside, "secret.txt"),
      join(allowed, "link-out.txt"),
      join(allowed, "dir-out", "secret.txt"),
      join(`${allowed}-evil`, "evil.txt"),
      "/etc/hostname",
    ];
    for (const path of escapes) {
      const result = await call(session, "files_upload_file", { path });
      expect(result.isError, path).toBe(true);
      expect(text(result)).toContain("path: access denied");
      expect(text(result)).toContain("outside the allowed directories");
    }
    expect(session.emu.context.log.records(UPLOAD).length).toBe(before);
  });
});

describe("files_retrieve_file_content", () => {
  let textId: string;
  let binaryId: string;
  beforeAll(async () => {
    textId = fileIdOf(
      await call(session, "files_upload_file", { init: { name: "story.txt" }, text: "Once upon a time." }),
    );
    binaryId = fileIdOf(
      await call(session, "files_upload_file", {
        init: { name: "blob.bin" },
        content_base64: Buffer.from([0, 159, 146, 150, 0, 1]).toString("base64"),
      }),
    );
  });

  it("returns small text inline and says how big it was", async () => {
    const result = await call(session, "files_retrieve_file_content", { file_id: textId });
    expect(result.isError).toBeFalsy();
    expect(result.content).toEqual([
      { type: "text", text: `File ${textId}: 17 bytes (17 bytes) of text, next block.` },
      { type: "text", text: "Once upon a time." },
    ]);
  });

  it("does not return binary or large content inline, and says to use save_to", async () => {
    const binary = await call(session, "files_retrieve_file_content", { file_id: binaryId });
    expect(binary.isError).toBe(true);
    expect(text(binary)).toContain("binary content");
    expect(text(binary)).toContain("save_to");
    const large = fileIdOf(
      await call(session, "files_upload_file", { init: { name: "large.txt" }, text: "a".repeat(200 * 1024) }),
    );
    const result = await call(session, "files_retrieve_file_content", { file_id: large });
    expect(result.isError).toBe(true);
    expect(text(result)).toContain("200.0 KiB of text, more than is returned inline (128.0 KiB)");
  });

  it("saves to a file path, or into a directory under the file's own name, and links it", async () => {
    const result = await call(session, "files_retrieve_file_content", {
      file_id: binaryId,
      save_to: "downloads/blob-copy.bin",
    });
    expect(result.isError, text(result)).toBeFalsy();
    const link = result.content.find((b) => b.type === "resource_link") as { uri: string; size: number };
    expect(fileURLToPath(link.uri)).toBe(join(allowed, "downloads", "blob-copy.bin"));
    expect(link.size).toBe(6);
    expect(
      (await readFile(join(allowed, "downloads", "blob-copy.bin"))).equals(stored(session, binaryId)),
    ).toBe(true);

    const intoDir = await call(session, "files_retrieve_file_content", {
      file_id: textId,
      save_to: "downloads/",
    });
    expect(intoDir.isError, text(intoDir)).toBeFalsy();
    expect(await readFile(join(allowed, "downloads", "story.txt"), "utf8")).toBe("Once upon a time.");
  });

  it("refuses to overwrite without overwrite: true, before downloading", async () => {
    const before = session.emu.context.log.records(DOWNLOAD).length;
    const refused = await call(session, "files_retrieve_file_content", {
      file_id: textId,
      save_to: "notes.txt",
    });
    expect(refused.isError).toBe(true);
    expect(text(refused)).toContain("exists already; pass overwrite: true");
    expect(session.emu.context.log.records(DOWNLOAD).length).toBe(before);
    expect(await readFile(join(allowed, "notes.txt"), "utf8")).toBe("line one\nline two\n");
    const replaced = await call(session, "files_retrieve_file_content", {
      file_id: textId,
      save_to: "notes.txt",
      overwrite: true,
    });
    expect(replaced.isError, text(replaced)).toBeFalsy();
    expect(await readFile(join(allowed, "notes.txt"), "utf8")).toBe("Once upon a time.");
  });

  it("refuses every save_to escape, downloading and writing nothing", async () => {
    const before = session.emu.context.log.records(DOWNLOAD).length;
    const escapes = [
      join(allowed, "..", "outside", "x.txt"),
      "../outside/x.txt",
      join(outside, "x.txt"),
      join(allowed, "dir-out", "x.txt"),
      join(allowed, "link-out.txt"),
      join(`${allowed}-evil`, "x.txt"),
    ];
    for (const saveTo of escapes) {
      const result = await call(session, "files_retrieve_file_content", {
        file_id: textId,
        save_to: saveTo,
        overwrite: true,
      });
      expect(result.isError, saveTo).toBe(true);
      expect(text(result)).toContain("save_to: access denied");
    }
    expect(session.emu.context.log.records(DOWNLOAD).length).toBe(before);
    await outsideUntouched();
    expect((await readdir(`${allowed}-evil`)).sort()).toEqual(["evil.txt"]);
  });
});

describe("failures midway", () => {
  let medium: string;
  beforeAll(async () => {
    medium = join(allowed, "medium.bin");
    await writeBigFile(medium, 12 * MIB);
  });

  it("an upload refused by the server is an error naming the status; the next upload works", async () => {
    session.emu.context.faults.set(UPLOAD, { failNext: 1, status: 8, message: "quota exceeded" });
    try {
      const failed = await call(session, "files_upload_file", { path: medium });
      expect(failed.isError).toBe(true);
      expect(text(failed)).toContain("RESOURCE_EXHAUSTED");
      expect(text(failed)).toContain("quota exceeded");
    } finally {
      session.emu.context.faults.clear();
    }
    const ok = await call(session, "files_upload_file", { path: medium });
    expect(ok.isError, text(ok)).toBeFalsy();
  });

  it("a cancelled upload is cancelled on the wire", async () => {
    const controller = new AbortController();
    const ended = session.emu.context.log.nextEnd(UPLOAD, 10_000);
    const pending = session.client
      .callTool({ name: "files_upload_file", arguments: { path: medium } }, CallToolResultSchema, {
        signal: controller.signal,
        onprogress: () => controller.abort(),
      })
      .catch((e: unknown) => e);
    expect(await pending).toBeInstanceOf(Error);
    const record = await ended;
    expect(record.outcome).not.toBe("ok");
    const after = await call(session, "files_upload_file", {
      init: { name: "after.txt" },
      text: "still here",
    });
    expect(after.isError, text(after)).toBeFalsy();
  });

  it("a download broken midway leaves no file behind", async () => {
    const id = fileIdOf(await call(session, "files_upload_file", { path: medium }));
    session.emu.context.faults.set(DOWNLOAD, { breakStreamAfter: 2, status: 14 });
    try {
      const result = await call(session, "files_retrieve_file_content", {
        file_id: id,
        save_to: "broken/medium.bin",
      });
      expect(result.isError).toBe(true);
      expect(text(result)).toContain("UNAVAILABLE");
    } finally {
      session.emu.context.faults.clear();
    }
    expect(await readdir(join(allowed, "broken"))).toEqual([]);
  });
});

describe("a 100 MiB file", () => {
  it("uploads with flat server memory and progress, and downloads byte for byte", {
    timeout: 300_000,
  }, async () => {
    const size = 100 * MIB;
    const path = join(allowed, "big.bin");
    const digest = await writeBigFile(path, size);

    // Warm the upload path up with a 12 MiB file first: the first large transfer grows the heap and
    // the allocator's arenas once (reused afterwards); what must stay flat is what scales with size.
    const cold = await memoryOf(session.pid);
    const warm = join(allowed, "warm.bin");
    await writeBigFile(warm, 12 * MIB);
    expect((await call(session, "files_upload_file", { path: warm })).isError).toBeFalsy();
    const before = await memoryOf(session.pid);
    let peakRss = before.rss;
    const sampler = setInterval(() => {
      void memoryOf(session.pid).then(
        (m) => {
          peakRss = Math.max(peakRss, m.rss);
        },
        () => {},
      );
    }, 25);
    const progress: Progress[] = [];
    const started = Date.now();
    let result: CallToolResult;
    try {
      result = await call(session, "files_upload_file", { path }, (p) => progress.push(p));
    } finally {
      clearInterval(sampler);
    }
    const seconds = (Date.now() - started) / 1000;
    const after = await memoryOf(session.pid);
    expect(result.isError, text(result)).toBeFalsy();
    const id = fileIdOf(result);
    expect(Number((result.structuredContent as { size: string }).size)).toBe(size);
    expect(createHash("sha256").update(stored(session, id)).digest("hex")).toBe(digest);

    const growth = Math.max(after.hwm, peakRss) - before.rss;
    process.stderr.write(
      `[files-transfer] 100 MiB upload in ${seconds.toFixed(1)} s; server RSS before the warm-up ${(cold.rss / MIB).toFixed(1)} MiB, ` +
        `after a 12 MiB warm-up upload ${(before.rss / MIB).toFixed(1)} MiB, ` +
        `peak ${(Math.max(after.hwm, peakRss) / MIB).toFixed(1)} MiB (VmHWM ${(after.hwm / MIB).toFixed(1)} MiB, ` +
        `sampled ${(peakRss / MIB).toFixed(1)} MiB), growth ${(growth / MIB).toFixed(1)} MiB; ${progress.length} progress notifications\n`,
    );
    expect(growth).toBeLessThan(60 * MIB);
    // 3 MiB chunks: about 34 of them, progress rising to the total.
    expect(progress.length).toBeGreaterThanOrEqual(30);
    expect(progress.at(-1)?.progress).toBe(size);
    expect(progress.every((p) => p.total === size)).toBe(true);
    for (let i = 1; i < progress.length; i++) {
      expect((progress[i]?.progress ?? 0) > (progress[i - 1]?.progress ?? 0)).toBe(true);
    }

    const download = await call(
      session,
      "files_retrieve_file_content",
      { file_id: id, save_to: "big-copy.bin" },
      () => {},
    );
    expect(download.isError, text(download)).toBeFalsy();
    const copy = join(allowed, "big-copy.bin");
    expect((await stat(copy)).size).toBe(size);
    expect(await sha256File(copy)).toBe(digest);
    // Nothing left behind but the two files.
    expect((await readdir(allowed)).filter((n) => n.endsWith(".part"))).toEqual([]);
  });
});
