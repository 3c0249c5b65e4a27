import { lstat, mkdir, readdir, readFile, rename, rm, symlink, writeFile } from "node:fs/promises";
import { basename, join, relative } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { type CallToolResult, CallToolResultSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type MediaSession, startMediaSession, tempDir } from "./support/media-session.js";

// Every writer (downloads, image and video save_to, batch output files) must land inside an
// allowed directory or nowhere, while a directory on the way is swapped for a symlink to the
// outside and back, again and again, during the transfers.

const DOWNLOAD = "/xai_api.Files/RetrieveFileContent";
const VIDEO_POLL = "/xai_api.Video/GetDeferredVideo";
type Json = Record<string, unknown>;

async function call(session: MediaSession, name: string, args: Json): Promise<CallToolResult> {
  return CallToolResultSchema.parse(
    await session.client.callTool({ name, arguments: args }, CallToolResultSchema, { timeout: 120_000 }),
  );
}

function text(result: CallToolResult): string {
  return result.content
    .filter((b) => b.type === "text")
    .map((b) => (b as { text: string }).text)
    .join("\n");
}

/** Every regular file under `dir`, recursively, not following links. */
async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

let base: { dir: string; remove: () => Promise<void> };
let allowed: string;
let outside: string;
let session: MediaSession;

beforeAll(async () => {
  base = await tempDir("xai-confine-");
  allowed = join(base.dir, "allowed");
  outside = join(base.dir, "outside");
  await mkdir(join(allowed, "swap"), { recursive: true });
  await mkdir(join(allowed, "parent", "sub"), { recursive: true });
  await mkdir(outside);
  session = await startMediaSession({
    args: ["--allow-dir", allowed],
    emulator: { deferredPendingPolls: 0 },
  });
});

afterAll(async () => {
  await session?.close();
  await base.remove();
});

/**
 * Swaps `target` (a directory) for a symlink to `outside` and back until stopped, checking the
 * outside directory after every swap. A directory the server created at `target` while it was
 * missing (between two renames) is moved aside, so the swapping goes on. Returns the swap count
 * and every name ever seen outside.
 */
function swapper(target: string): { stop: () => Promise<{ swaps: number; seenOutside: string[] }> } {
  let stopping = false;
  const seenOutside = new Set<string>();
  const real = `${target}.real`;
  const linkAside = `${target}.link`;
  let extra = 0;
  const look = async () => {
    for (const name of await readdir(outside)) seenOutside.add(name);
  };
  // Moves `from` to `target`; a directory the server just made at `target` is moved aside first.
  const putInPlace = async (from: string) => {
    for (;;) {
      try {
        await rename(from, target);
        return;
      } catch (e) {
        const code = (e as { code?: string }).code;
        if (code !== "EISDIR" && code !== "ENOTEMPTY" && code !== "EEXIST" && code !== "ENOTDIR") throw e;
        await rename(target, `${target}.extra-${++extra}`).catch(() => {});
      }
    }
  };
  const run = (async () => {
    await symlink(outside, linkAside);
    let swaps = 0;
    while (!stopping) {
      await rename(target, real);
      await putInPlace(linkAside);
      await look();
      await sleep(1);
      await rename(target, linkAside);
      await putInPlace(real);
      await look();
      swaps += 1;
      await sleep(1);
    }
    await rm(linkAside);
    return swaps;
  })();
  return {
    stop: async () => {
      stopping = true;
      const swaps = await run;
      await look();
      return { swaps, seenOutside: [...seenOutside] };
    },
  };
}

describe("writes under a directory swapped for a symlink during transfers", () => {
  it("land inside an allowed directory or nowhere, and every result names where it wrote", async () => {
    const content = Buffer.alloc(96 * 1024, 7);
    for (let i = 0; i < content.length; i += 97) content[i] = i & 255;
    const uploaded = await call(session, "files_upload_file", {
      content_base64: content.toString("base64"),
      init: { name: "payload.bin" },
    });
    expect(uploaded.isError, text(uploaded)).toBeFalsy();
    const fileId = String((uploaded.structuredContent as Json).id);
    const video = await call(session, "video_generate_video", {
      prompt: "waves",
      model: "grok-imagine-video",
    });
    const videoId = String((video.structuredContent as Json).request_id);

    // Slow transfers: every download and video poll waits before answering, while the swaps go on.
    session.emu.context.faults.set(DOWNLOAD, { latencyMs: 15 });
    session.emu.context.faults.set(VIDEO_POLL, { latencyMs: 15 });
    const dirSwap = swapper(join(allowed, "swap"));
    const parentSwap = swapper(join(allowed, "parent"));
    const results: { kind: string; result: CallToolResult }[] = [];
    const ROUNDS = 24;
    try {
      await Promise.all(
        [0, 1, 2].map(async (lane) => {
          for (let k = lane; k < ROUNDS; k += 3) {
            const viaParent = k % 2 === 1;
            const dir = viaParent ? join(allowed, "parent", "sub") : join(allowed, "swap");
            results.push({
              kind: "download",
              result: await call(session, "files_retrieve_file_content", {
                file_id: fileId,
                save_to: join(dir, `copy-${k}.bin`),
              }),
            });
            if (k % 4 === 0) {
              results.push({
                kind: "image",
                result: await call(session, "image_generate_image", {
                  prompt: `tile ${k}`,
                  model: "grok-imagine-image",
                  save_to: dir,
                }),
              });
            }
            if (k % 6 === 1) {
              results.push({
                kind: "video",
                result: await call(session, "video_get_deferred_video", {
                  request_id: videoId,
                  wait_seconds: 20,
                  save_to: dir,
                }),
              });
            }
          }
        }),
      );
    } finally {
      session.emu.context.faults.clear();
    }
    const a = await dirSwap.stop();
    const b = await parentSwap.stop();

    // Not one byte, not one file, ever appeared outside.
    expect([...a.seenOutside, ...b.seenOutside]).toEqual([]);
    expect(await readdir(outside)).toEqual([]);
    expect(a.swaps + b.swaps).toBeGreaterThan(10);

    const inside = await filesUnder(allowed);
    expect(inside.filter((p) => p.endsWith(".part"))).toEqual([]);
    let saved = 0;
    for (const { kind, result } of results) {
      const links = result.content.filter((b) => b.type === "resource_link") as { uri: string }[];
      if (kind === "download" && !result.isError) {
        // The path named is inside, and a file of that name holds exactly the content.
        const named = String((result.structuredContent as Json).saved_to);
        expect(relative(allowed, named).startsWith(".."), named).toBe(false);
        const found = inside.filter((p) => basename(p) === basename(named));
        expect(found, named).toHaveLength(1);
        expect((await readFile(found[0] as string)).equals(content)).toBe(true);
        saved += 1;
      } else if (kind === "download") {
        expect(text(result), "a refused download names save_to").toMatch(/save_to: /);
      }
      for (const link of links) {
        const named = decodeURIComponent(new URL(link.uri).pathname);
        expect(relative(allowed, named).startsWith(".."), named).toBe(false);
        expect(
          inside.some((p) => basename(p) === basename(named)),
          named,
        ).toBe(true);
      }
    }
    // The swaps refuse some writes, but not all of them.
    expect(saved).toBeGreaterThan(0);
    const refused = results.filter((r) => r.result.isError).length;
    console.log(
      `[confinement] ${results.length} writes (${saved} downloads saved, ${refused} calls refused) across ${a.swaps + b.swaps} swaps`,
    );
    // Nothing outside the allowed directory at all, and nothing but the expected kinds of file.
    for (const p of inside)
      expect(basename(p)).toMatch(/^(copy-\d+\.bin|image-.*\.(png|jpg|jpeg|webp)|video-.*\.mp4)$/);
  }, 120_000);

  it("refuse a directory that is a symlink out when the write starts, writing nothing", async () => {
    await rename(join(allowed, "swap"), join(allowed, "swap.away"));
    await symlink(outside, join(allowed, "swap"));
    try {
      const uploaded = await call(session, "files_upload_file", { text: "hello", init: { name: "h.txt" } });
      const fileId = String((uploaded.structuredContent as Json).id);
      const result = await call(session, "files_retrieve_file_content", {
        file_id: fileId,
        save_to: join(allowed, "swap", "h.txt"),
      });
      expect(result.isError).toBe(true);
      expect(text(result)).toContain("save_to: access denied");
      expect(await readdir(outside)).toEqual([]);
    } finally {
      await rm(join(allowed, "swap"));
      await rename(join(allowed, "swap.away"), join(allowed, "swap"));
    }
    expect((await lstat(join(allowed, "swap"))).isDirectory()).toBe(true);
  });
});

describe("output files are never replaced or added to unless the call says so", () => {
  let batchId: string;

  beforeAll(async () => {
    const created = await call(session, "batch_create_batch", { name: "overwrite rule" });
    batchId = String((created.structuredContent as Json).batch_id);
    const added = await call(session, "batch_add_batch_requests", {
      batch_id: batchId,
      batch_requests: [1, 2, 3].map((i) => ({
        batch_request_id: `r-${i}`,
        completion_request: {
          model: "grok-4-fast",
          messages: [{ role: "user", content: `question ${i}` }],
          max_tokens: 8,
        },
      })),
    });
    expect(added.isError, text(added)).toBeFalsy();
  });

  it("batch output_path: refused over an existing file; overwrite replaces, append adds", async () => {
    const output = join(allowed, "states.jsonl");
    await writeFile(output, '{"batch_request_id":"r-1","kept":true}\n');
    const args = { batch_id: batchId, all_pages: true, output_path: output };

    const refused = await call(session, "batch_list_batch_request_metadata", args);
    expect(refused.isError).toBe(true);
    expect(text(refused)).toContain("exists already");
    expect(text(refused)).toContain("overwrite: true");
    expect(text(refused)).toContain("append: true");
    expect(await readFile(output, "utf8")).toBe('{"batch_request_id":"r-1","kept":true}\n');

    // A pagination token alone does not append either.
    const token = await call(session, "batch_list_batch_request_metadata", {
      ...args,
      pagination_token: "0",
    });
    expect(token.isError).toBe(true);
    expect(await readFile(output, "utf8")).toBe('{"batch_request_id":"r-1","kept":true}\n');

    const both = await call(session, "batch_list_batch_request_metadata", {
      ...args,
      overwrite: true,
      append: true,
    });
    expect(both.isError).toBe(true);
    expect(text(both)).toContain("not both");

    const appended = await call(session, "batch_list_batch_request_metadata", { ...args, append: true });
    expect(appended.isError, text(appended)).toBeFalsy();
    expect(appended.structuredContent).toMatchObject({ appended: true, written: 2, duplicates_skipped: 1 });
    const afterAppend = (await readFile(output, "utf8")).trim().split("\n");
    expect(afterAppend).toHaveLength(3);
    expect(afterAppend[0]).toBe('{"batch_request_id":"r-1","kept":true}');

    const replaced = await call(session, "batch_list_batch_request_metadata", { ...args, overwrite: true });
    expect(replaced.isError, text(replaced)).toBeFalsy();
    expect(replaced.structuredContent).toMatchObject({ appended: false, written: 3 });
    const lines = (await readFile(output, "utf8")).trim().split("\n");
    expect(lines.map((l) => JSON.parse(l).batch_request_id).sort()).toEqual(["r-1", "r-2", "r-3"]);
    expect(lines.some((l) => l.includes('"kept"'))).toBe(false);
    expect((await readdir(allowed)).filter((n) => n.endsWith(".part"))).toEqual([]);
  });

  it("batch results: the hint to continue later says append: true", async () => {
    const output = join(allowed, "results-hint.jsonl");
    const result = await call(session, "batch_list_batch_results", {
      batch_id: batchId,
      all_pages: true,
      output_path: output,
    });
    expect(result.isError, text(result)).toBeFalsy();
    if ((result.structuredContent as Json).pagination_token !== undefined) {
      expect(text(result)).toContain('"append":true');
    }
    const again = await call(session, "batch_list_batch_results", {
      batch_id: batchId,
      all_pages: true,
      output_path: output,
    });
    expect(again.isError).toBe(true);
    expect(text(again)).toContain("exists already");
  });
});
