import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type CallToolResult, CallToolResultSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodePng } from "../emulator/media/png.js";
import { type MediaSession, startMediaSession, tempDir } from "./support/media-session.js";

const MODEL = "grok-imagine-video";
const GENERATE = "/xai_api.Video/GenerateVideo";
const POLL = "/xai_api.Video/GetDeferredVideo";

async function call(
  session: MediaSession,
  name: string,
  args: Record<string, unknown>,
): Promise<CallToolResult> {
  return CallToolResultSchema.parse(
    await session.client.callTool({ name, arguments: args }, CallToolResultSchema, { timeout: 60_000 }),
  );
}

function text(result: CallToolResult): string {
  return result.content
    .filter((b) => b.type === "text")
    .map((b) => (b as { text: string }).text)
    .join("\n");
}

let base: { dir: string; remove: () => Promise<void> };
let allowed: string;
let outside: string;
let png: Buffer;
let session: MediaSession;

beforeAll(async () => {
  base = await tempDir("xai-video-");
  allowed = join(base.dir, "allowed");
  outside = join(base.dir, "outside");
  await mkdir(allowed);
  await mkdir(outside);
  png = Buffer.from(
    await encodePng({ width: 8, height: 8, palette: [[10, 200, 30]], pixels: new Uint8Array(64) }),
  );
  await writeFile(join(allowed, "start.png"), png);
  // Two PENDING polls, then DONE: a wait of a few seconds.
  session = await startMediaSession({
    env: { XAI_ALLOWED_DIRS: allowed },
    emulator: { deferredPendingPolls: 0 },
  });
});

afterAll(async () => {
  await session?.close();
  await base.remove();
});

async function start(): Promise<string> {
  const result = await call(session, "video_generate_video", {
    prompt: "the meadow comes alive",
    model: MODEL,
    image: { image_url: join(allowed, "start.png") },
  });
  expect(result.isError, text(result)).toBeFalsy();
  const id = (result.structuredContent as { request_id?: string }).request_id;
  if (!id) throw new Error(`no request_id in ${text(result)}`);
  return id;
}

describe("video tools", () => {
  it("send a local starting image as its data URL", async () => {
    await start();
    const request = session.emu.context.log.records(GENERATE).at(-1)?.request as {
      image?: { source: { value: string } };
    };
    expect(request.image?.source.value).toBe(`data:image/png;base64,${png.toString("base64")}`);
  });

  it("save a finished video under save_to, byte for byte, and link it", async () => {
    const id = await start();
    const result = await call(session, "video_get_deferred_video", {
      request_id: id,
      wait_seconds: 20,
      save_to: "videos",
    });
    expect(result.isError, text(result)).toBeFalsy();
    const url =
      (result.structuredContent as { response?: { video?: { url?: string } } }).response?.video?.url ?? "";
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1/);
    const link = result.content.find((b) => b.type === "resource_link") as { uri: string; mimeType: string };
    expect(link.mimeType).toBe("video/mp4");
    const path = fileURLToPath(link.uri);
    expect(path.startsWith(join(allowed, "videos"))).toBe(true);
    const served = Buffer.from(await (await fetch(url)).arrayBuffer());
    expect((await readFile(path)).equals(served)).toBe(true);
    expect(text(result)).toContain(`Saved the video`);
  });

  it("say a pending video is not saved yet", async () => {
    const id = await start();
    const result = await call(session, "video_get_deferred_video", { request_id: id, save_to: "videos" });
    expect(result.isError).toBeFalsy();
    expect(text(result)).toContain("Not saved yet");
    expect(result.content.some((b) => b.type === "resource_link")).toBe(false);
  });

  it("refuse a save_to outside the allowed directories before polling", async () => {
    const id = await start();
    const before = session.emu.context.log.records(POLL).length;
    const result = await call(session, "video_get_deferred_video", {
      request_id: id,
      wait_seconds: 20,
      save_to: join(allowed, "..", "outside"),
    });
    expect(result.isError).toBe(true);
    expect(text(result)).toContain("save_to: access denied");
    expect(session.emu.context.log.records(POLL).length).toBe(before);
    expect(await readdir(outside)).toEqual([]);
  });
});
