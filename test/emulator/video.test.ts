import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { DeferredStatus } from "../../gen/xai/api/v1/deferred_pb.js";
import { Files } from "../../gen/xai/api/v1/files_pb.js";
import { Image, ImageAspectRatio, ImageFormat } from "../../gen/xai/api/v1/image_pb.js";
import {
  type ExtendVideoRequestSchema,
  GenerateVideoRequestSchema,
  type GetDeferredVideoResponse,
  Video,
  VideoAspectRatio,
  VideoResolution,
} from "../../gen/xai/api/v1/video_pb.js";
import { Status } from "../../src/grpc/status.js";
import { useEmulator } from "../support/emulator-fixture.js";

type GenerateInit = MessageInitShape<typeof GenerateVideoRequestSchema>;
type ExtendInit = MessageInitShape<typeof ExtendVideoRequestSchema>;

interface Box {
  type: string;
  body: Uint8Array;
}

function boxes(bytes: Uint8Array): Box[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Box[] = [];
  for (let offset = 0; offset < bytes.byteLength; ) {
    const size = view.getUint32(offset);
    expect(size).toBeGreaterThanOrEqual(8);
    out.push({
      type: Buffer.from(bytes.subarray(offset + 4, offset + 8)).toString("latin1"),
      body: bytes.subarray(offset + 8, offset + size),
    });
    offset += size;
  }
  return out;
}

function child(parent: Uint8Array, ...path: string[]): Uint8Array {
  let body = parent;
  for (const type of path) {
    const found = boxes(body).find((b) => b.type === type);
    if (!found) throw new Error(`no ${type} box`);
    body = found.body;
  }
  return body;
}

const u32 = (b: Uint8Array, at: number) => new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(at);
const u16 = (b: Uint8Array, at: number) => new DataView(b.buffer, b.byteOffset, b.byteLength).getUint16(at);

/**
 * Reads an MP4 file the way a player would start to: top-level boxes, the movie and media headers,
 * the sample table, the H.264 configuration, and each sample's NAL unit type found in `mdat`.
 */
function readMp4(bytes: Uint8Array) {
  const top = boxes(bytes);
  expect(top.map((b) => b.type)).toEqual(["ftyp", "free", "moov", "mdat"]);
  const file = top.find((b) => b.type === "ftyp")?.body ?? new Uint8Array();
  expect(Buffer.from(file.subarray(0, 4)).toString()).toBe("isom");
  const moov = top[2]?.body ?? new Uint8Array();
  const mvhd = child(moov, "mvhd");
  const durationSeconds = u32(mvhd, 16) / u32(mvhd, 12);
  const stbl = child(moov, "trak", "mdia", "minf", "stbl");
  const avc1 = child(stbl, "stsd").subarray(8);
  expect(Buffer.from(avc1.subarray(4, 8)).toString()).toBe("avc1");
  const entry = avc1.subarray(8);
  const width = u16(entry, 24);
  const height = u16(entry, 26);
  const avcC = child(entry.subarray(78), "avcC");
  expect(avcC[0]).toBe(1);
  expect(avcC[1]).toBe(66); // Baseline profile
  const stsz = child(stbl, "stsz");
  const count = u32(stsz, 8);
  const sizes = Array.from({ length: count }, (_, i) => u32(stsz, 12 + 4 * i));
  const offset = u32(child(stbl, "stco"), 8);
  const mdatStart = bytes.byteLength - (top[3]?.body.byteLength ?? 0);
  expect(offset).toBe(mdatStart);
  const nalTypes: number[] = [];
  let at = offset;
  for (const size of sizes) {
    expect(u32(bytes, at)).toBe(size - 4);
    nalTypes.push((bytes[at + 4] ?? 0) & 0x1f);
    at += size;
  }
  expect(at).toBe(bytes.byteLength);
  const stts = child(stbl, "stts");
  const mediaTimescale = u32(child(moov, "trak", "mdia", "mdhd"), 12);
  return { durationSeconds, width, height, count, nalTypes, fps: mediaTimescale / u32(stts, 12) };
}

const hasFfmpeg = (() => {
  try {
    execFileSync("ffmpeg", ["-version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

async function statusOf(p: Promise<unknown>): Promise<{ code: number; details: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as { code: number; details: string };
    return { code: err.code, details: err.details };
  }
  throw new Error("expected the call to fail");
}

describe("Video service", () => {
  const generate = (request: GenerateInit) =>
    fx.client.unary(Video.method.generateVideo, { model: "grok-imagine-video", ...request });
  const extend = (request: ExtendInit) =>
    fx.client.unary(Video.method.extendVideo, { model: "grok-imagine-video", ...request });
  const poll = (requestId: string) => fx.client.unary(Video.method.getDeferredVideo, { requestId });
  /** Polls until the job leaves PENDING; returns every answer. */
  async function pollAll(requestId: string): Promise<GetDeferredVideoResponse[]> {
    const answers: GetDeferredVideoResponse[] = [];
    for (;;) {
      const answer = await poll(requestId);
      answers.push(answer);
      if (answer.status !== DeferredStatus.PENDING || answers.length > 20) return answers;
    }
  }
  async function done(requestId: string) {
    const last = (await pollAll(requestId)).at(-1);
    expect(last?.status).toBe(DeferredStatus.DONE);
    const response = last?.response;
    if (!response?.video) throw new Error("no video");
    return { response, bytes: new Uint8Array(await (await fetch(response.video.url)).arrayBuffer()) };
  }

  const fx = useEmulator({}, 20_000);

  it("answers PENDING with rising progress, then DONE with a served, valid MP4", async () => {
    const { requestId } = await generate({ prompt: "waves on a beach at sunset" });
    expect(requestId).not.toBe("");
    const answers = await pollAll(requestId);
    const pending = answers.slice(0, -1);
    // deferredPendingPolls (2) + 2 polls of PENDING.
    expect(pending.map((a) => a.status)).toEqual(Array(4).fill(DeferredStatus.PENDING));
    expect(pending.map((a) => a.response?.progress)).toEqual([0, 25, 50, 75]);
    expect(
      pending.every((a) => a.response?.video === undefined && a.response?.model === "grok-imagine-video"),
    ).toBe(true);
    const last = answers.at(-1);
    expect(last?.status).toBe(DeferredStatus.DONE);
    const response = last?.response;
    expect(response?.progress).toBe(100);
    expect(response?.model).toBe("grok-imagine-video");
    expect(response?.video?.duration).toBe(6);
    expect(response?.video?.respectModeration).toBe(true);
    expect(response?.usage?.costInUsdTicks).toBe(5_000_000_000n); // $0.50
    expect(response?.usage?.promptTextTokens).toBe(
      fx.emu.context.tokenizer.count("waves on a beach at sunset"),
    );

    const url = response?.video?.url ?? "";
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/.+\.mp4$/);
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("video/mp4");
    const bytes = new Uint8Array(await res.arrayBuffer());
    const mp4 = readMp4(bytes);
    expect(mp4).toMatchObject({ durationSeconds: 6, width: 854, height: 480, count: 144, fps: 24 });
    expect(mp4.nalTypes[0]).toBe(5); // IDR
    expect(new Set(mp4.nalTypes.slice(1))).toEqual(new Set([1]));
    expect(Buffer.from(bytes).toString("latin1")).toContain("emulated video");

    // Polling again keeps answering DONE with the same video.
    expect((await poll(requestId)).response?.video?.url).toBe(url);
  });

  it("renders the same video for the same request", async () => {
    const a = await done((await generate({ prompt: "a paper boat", duration: 2 })).requestId);
    const b = await done((await generate({ prompt: "a paper boat", duration: 2 })).requestId);
    const c = await done((await generate({ prompt: "a paper plane", duration: 2 })).requestId);
    expect(a.response.video?.url).not.toBe(b.response.video?.url);
    expect(Buffer.from(a.bytes).equals(Buffer.from(b.bytes))).toBe(true);
    expect(Buffer.from(a.bytes).equals(Buffer.from(c.bytes))).toBe(false);
  });

  it("honours duration, aspect ratio and resolution", async () => {
    const cases: [GenerateInit, number, number, number][] = [
      [
        {
          duration: 3,
          aspectRatio: VideoAspectRatio.VIDEO_ASPECT_RATIO_9_16,
          resolution: VideoResolution.VIDEO_RESOLUTION_720P,
        },
        3,
        720,
        1280,
      ],
      [{ duration: 1, aspectRatio: VideoAspectRatio.VIDEO_ASPECT_RATIO_1_1 }, 1, 480, 480],
      [{ duration: 15, aspectRatio: VideoAspectRatio.VIDEO_ASPECT_RATIO_4_3 }, 15, 640, 480],
      [{ duration: 1, resolution: VideoResolution.VIDEO_RESOLUTION_1080P }, 1, 1920, 1080],
    ];
    for (const [request, seconds, width, height] of cases) {
      const { response, bytes } = await done((await generate({ prompt: "a kite", ...request })).requestId);
      expect(response.video?.duration).toBe(seconds);
      expect(readMp4(bytes)).toMatchObject({ durationSeconds: seconds, width, height, count: seconds * 24 });
    }
  });

  it.skipIf(!hasFfmpeg)("produces files a real decoder plays without errors", async () => {
    const dir = mkdtempSync(join(tmpdir(), "emu-video-"));
    try {
      for (const resolution of [
        VideoResolution.VIDEO_RESOLUTION_480P,
        VideoResolution.VIDEO_RESOLUTION_1080P,
      ]) {
        const { bytes } = await done(
          (await generate({ prompt: "a lighthouse", duration: 2, resolution })).requestId,
        );
        const path = join(dir, `clip-${resolution}.mp4`);
        writeFileSync(path, bytes);
        const stderr = execFileSync("ffmpeg", ["-v", "error", "-i", path, "-f", "null", "-"], {
          encoding: "utf8",
          stdio: ["ignore", "pipe", "pipe"],
        });
        expect(stderr).toBe("");
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("validates when the job starts", async () => {
    const cases: [GenerateInit, number, string][] = [
      [{ prompt: "" }, Status.INVALID_ARGUMENT, "prompt"],
      [{ prompt: "x", model: "grok-imagine-video-9" }, Status.NOT_FOUND, "grok-imagine-video-9"],
      [{ prompt: "x", model: "" }, Status.INVALID_ARGUMENT, "model"],
      [{ prompt: "x", duration: 0 }, Status.INVALID_ARGUMENT, "duration must be between 1 and 15"],
      [{ prompt: "x", duration: 16 }, Status.INVALID_ARGUMENT, "duration must be between 1 and 15"],
      [{ prompt: "x", aspectRatio: 99 as VideoAspectRatio }, Status.INVALID_ARGUMENT, "aspect_ratio"],
      [{ prompt: "x", resolution: 9 as VideoResolution }, Status.INVALID_ARGUMENT, "resolution"],
      [
        { prompt: "x", image: { source: { case: "fileId", value: "file-nope" } } },
        Status.NOT_FOUND,
        "file-nope",
      ],
      [
        { prompt: "x", video: { source: { case: "url", value: "ftp://x/y.mp4" } } },
        Status.INVALID_ARGUMENT,
        "video.url",
      ],
      [{ prompt: "x", referenceAudios: [{}] }, Status.INVALID_ARGUMENT, "reference_audios[0].voice_id"],
      [
        { prompt: "x", storageOptions: { filename: "a/b.mp4" } },
        Status.INVALID_ARGUMENT,
        "storage_options.filename",
      ],
    ];
    for (const [request, code, text] of cases) {
      const result = await statusOf(generate(request));
      expect(result.code, text).toBe(code);
      expect(result.details).toContain(text);
    }
    expect((await statusOf(poll("video-unknown"))).code).toBe(Status.NOT_FOUND);
    expect((await statusOf(poll(""))).code).toBe(Status.INVALID_ARGUMENT);
  });

  it("expires a job after the time-to-live (emulator clock)", async () => {
    const { requestId } = await generate({ prompt: "fog", duration: 1 });
    expect((await poll(requestId)).status).toBe(DeferredStatus.PENDING);
    fx.emu.context.advance(fx.emu.context.config.deferredTtlMs);
    const answer = await poll(requestId);
    expect(answer.status).toBe(DeferredStatus.EXPIRED);
    expect(answer.response).toBeUndefined();
  });

  it("extends a clip: its length plus the new footage, in its frame size", async () => {
    const source = await done(
      (
        await generate({
          prompt: "a train",
          duration: 3,
          aspectRatio: VideoAspectRatio.VIDEO_ASPECT_RATIO_1_1,
        })
      ).requestId,
    );
    const url = source.response.video?.url ?? "";
    const extended = await done(
      (
        await extend({
          prompt: "it enters a tunnel",
          video: { source: { case: "url", value: url } },
          duration: 4,
        })
      ).requestId,
    );
    expect(extended.response.video?.duration).toBe(7);
    expect(readMp4(extended.bytes)).toMatchObject({ durationSeconds: 7, width: 480, height: 480 });

    const file = await fx.client.clientStream(Files.method.uploadFile, [
      { chunk: { case: "init", value: { name: "train.mp4" } } },
      { chunk: { case: "data", value: source.bytes } },
    ]);
    const viaFile = await done(
      (
        await extend({
          prompt: "it enters a tunnel",
          video: { source: { case: "fileId", value: file.id } },
          duration: 4,
        })
      ).requestId,
    );
    expect(Buffer.from(viaFile.bytes).equals(Buffer.from(extended.bytes))).toBe(true);

    const cases: [ExtendInit, number, string][] = [
      [{ prompt: "more" }, Status.INVALID_ARGUMENT, "video must be set"],
      [
        { prompt: "more", video: { source: { case: "url", value: url } }, duration: 1 },
        Status.INVALID_ARGUMENT,
        "between 2 and 10",
      ],
      [
        { prompt: "more", video: { source: { case: "url", value: url } }, duration: 11 },
        Status.INVALID_ARGUMENT,
        "between 2 and 10",
      ],
      [{ prompt: "", video: { source: { case: "url", value: url } } }, Status.INVALID_ARGUMENT, "prompt"],
      [
        { prompt: "more", video: { source: { case: "fileId", value: "file-nope" } } },
        Status.NOT_FOUND,
        "file-nope",
      ],
    ];
    for (const [request, code, text] of cases) {
      const result = await statusOf(extend(request));
      expect(result.code, text).toBe(code);
      expect(result.details).toContain(text);
    }
    // Content that is not an MP4 is refused.
    const png = await fx.client.unary(Image.method.generateImage, {
      prompt: "not a video",
      model: "grok-imagine-image",
      format: ImageFormat.IMG_FORMAT_URL,
    });
    const notVideo = await statusOf(
      extend({
        prompt: "more",
        video: { source: { case: "url", value: String(png.images[0]?.image.value) } },
      }),
    );
    expect(notVideo).toEqual({
      code: Status.INVALID_ARGUMENT,
      details: "video.url: the content is not an MP4 video",
    });
  });

  it("animates a starting image: portrait image, portrait video", async () => {
    const image = await fx.client.unary(Image.method.generateImage, {
      prompt: "a tall tower",
      model: "grok-imagine-image",
      format: ImageFormat.IMG_FORMAT_BASE64,
      aspectRatio: ImageAspectRatio.IMG_ASPECT_RATIO_9_16,
    });
    const dataUrl = String(image.images[0]?.image.value);
    const { response, bytes } = await done(
      (
        await generate({
          prompt: "clouds pass",
          duration: 1,
          image: { source: { case: "imageUrl", value: dataUrl } },
        })
      ).requestId,
    );
    expect(readMp4(bytes)).toMatchObject({ width: 480, height: 854 });
    expect(response.usage?.promptImageTokens).toBe(256);
  });

  it("stores the video in Files when asked, and reports FAILED when an input vanished before rendering", async () => {
    const { response, bytes } = await done(
      (
        await generate({
          prompt: "rain",
          duration: 1,
          storageOptions: { filename: "rain.mp4", publicUrl: {} },
        })
      ).requestId,
    );
    const out = response.video?.fileOutput;
    expect(out?.filename).toBe("rain.mp4");
    const stored = await fx.client.unary(Files.method.retrieveFile, { fileId: out?.fileId ?? "" });
    expect(stored.size).toBe(BigInt(bytes.byteLength));
    const shared = new Uint8Array(await (await fetch(out?.publicUrl ?? "")).arrayBuffer());
    expect(Buffer.from(shared).equals(Buffer.from(bytes))).toBe(true);

    const file = await fx.client.clientStream(Files.method.uploadFile, [
      { chunk: { case: "init", value: { name: "start.mp4" } } },
      { chunk: { case: "data", value: bytes } },
    ]);
    const { requestId } = await generate({
      prompt: "edit",
      video: { source: { case: "fileId", value: file.id } },
    });
    await fx.client.unary(Files.method.deleteFile, { fileId: file.id });
    const last = (await pollAll(requestId)).at(-1);
    expect(last?.status).toBe(DeferredStatus.FAILED);
    expect(last?.response?.error).toMatchObject({
      code: "NOT_FOUND",
      message: expect.stringContaining(file.id),
    });
  });

  it("renders at once through the engine, as Batch uses it", async () => {
    const response = await fx.emu.context.videos.render(
      create(GenerateVideoRequestSchema, {
        prompt: "a comet",
        model: "grok-imagine-video-latest",
        duration: 2,
      }),
    );
    expect(response.model).toBe("grok-imagine-video");
    expect(response.video?.duration).toBe(2);
    const bytes = new Uint8Array(await (await fetch(response.video?.url ?? "")).arrayBuffer());
    expect(readMp4(bytes)).toMatchObject({ durationSeconds: 2, count: 48 });
  });
});
