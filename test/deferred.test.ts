import { fromJson, type JsonObject } from "@bufbuild/protobuf";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../emulator/index.js";
import { GetDeferredCompletionResponseSchema } from "../gen/xai/api/v1/chat_pb.js";
import { GetDeferredVideoResponseSchema } from "../gen/xai/api/v1/video_pb.js";
import {
  type DeferredTextContext,
  renderDeferredCompletion,
  renderDeferredVideo,
} from "../src/tools/render/deferred.js";
import { callWithProgress, type EmulatorSession, startEmulatorSession } from "./support/emulator-session.js";
import { callTool, firstText } from "./support/mcp-client.js";

const POLL_PATH = "/xai_api.Chat/GetDeferredCompletion";
const VIDEO_POLL_PATH = "/xai_api.Video/GetDeferredVideo";

type Json = Record<string, unknown>;
const chatArgs = (extra: Json = {}): Json => ({
  model: "grok-4-fast",
  messages: [{ role: "ROLE_USER", content: [{ text: "Write a long essay on tides." }] }],
  ...extra,
});
const structured = (r: CallToolResult) => r.structuredContent as Json;
const increasing = (values: number[]) => values.every((v, i) => i === 0 || v > (values[i - 1] as number));

async function start(session: EmulatorSession, extra: Json = {}): Promise<string> {
  const started = await callTool(session.mcp.client, "chat_start_deferred_completion", chatArgs(extra));
  expect(started.isError ?? false).toBe(false);
  return structured(started).request_id as string;
}

describe("deferred chat completions", () => {
  let session: EmulatorSession;
  beforeAll(async () => {
    session = await startEmulatorSession();
  });
  afterAll(async () => {
    await session?.close();
  });

  it("starts a job and says how to fetch it", async () => {
    const result = await callTool(session.mcp.client, "chat_start_deferred_completion", chatArgs());
    const id = structured(result).request_id as string;
    expect(id).toBeTruthy();
    expect(firstText(result)).toContain(`request_id ${id}`);
    expect(firstText(result)).toContain(`chat_get_deferred_completion {"request_id":"${id}"}`);
    expect(firstText(result)).toContain("wait_seconds");
  });

  it("polls once by default and says plainly that the job is pending and what to call next", async () => {
    const id = await start(session);
    const before = session.emu.context.log.records(POLL_PATH).length;
    const { result, progress } = await callWithProgress(session.mcp.client, "chat_get_deferred_completion", {
      request_id: id,
    });
    expect(session.emu.context.log.records(POLL_PATH).length - before).toBe(1);
    expect(result.isError ?? false).toBe(false);
    expect(structured(result).status).toBe("PENDING");
    const text = firstText(result);
    expect(text.startsWith("PENDING")).toBe(true);
    expect(text).toContain(id);
    expect(text).toContain(`Call chat_get_deferred_completion again with {"request_id":"${id}"}`);
    expect(progress).toEqual([]);
  });

  it("waits through PENDING to DONE, with progress, and gives the unary tool's answer", async () => {
    const unary = await callTool(session.mcp.client, "chat_get_completion", chatArgs());
    const id = await start(session);
    const { result, progress } = await callWithProgress(session.mcp.client, "chat_get_deferred_completion", {
      request_id: id,
      wait_seconds: 30,
    });
    expect(result.isError ?? false).toBe(false);
    expect(structured(result).status).toBe("DONE");
    // The emulator answers PENDING twice: two polls reported, the third is DONE.
    expect(progress).toHaveLength(DEFAULT_CONFIG.deferredPendingPolls);
    expect(increasing(progress.map((p) => p.progress))).toBe(true);
    for (const p of progress) expect(p.message).toContain("PENDING");
    const response = structured(result).response as Json;
    expect(response.outputs).toEqual(structured(unary).outputs);
    expect(response.usage).toEqual(structured(unary).usage);
    const text = firstText(result);
    expect(text.startsWith(`DONE: deferred completion ${id} is ready.`)).toBe(true);
    const content = String(((response.outputs as Json[])[0]?.message as Json | undefined)?.content ?? "");
    expect(content.length).toBeGreaterThan(0);
    expect(text).toContain(content);
    expect(text).not.toContain("previous_response_id");
  });

  it("shows the id to continue from when the deferred request stored its messages", async () => {
    const id = await start(session, { store_messages: true });
    const { result } = await callWithProgress(session.mcp.client, "chat_get_deferred_completion", {
      request_id: id,
      wait_seconds: 30,
    });
    const responseId = (structured(result).response as Json).id as string;
    expect(firstText(result)).toContain(`"previous_response_id": "${responseId}"`);
    const stored = await callTool(session.mcp.client, "chat_get_stored_completion", {
      response_id: responseId,
    });
    expect(stored.isError ?? false).toBe(false);
  });

  it("waits through PENDING to EXPIRED and says to start again", async () => {
    const id = await start(session);
    let advanced = false;
    const { result, progress } = await callWithProgress(
      session.mcp.client,
      "chat_get_deferred_completion",
      { request_id: id, wait_seconds: 30 },
      {
        // After the first PENDING, move the emulator's clock past the result's lifetime.
        onProgress: () => {
          if (advanced) return;
          advanced = true;
          session.emu.context.advance(DEFAULT_CONFIG.deferredTtlMs);
        },
      },
    );
    expect(progress).toHaveLength(1);
    expect(result.isError).toBe(true);
    expect(structured(result).status).toBe("EXPIRED");
    const text = firstText(result);
    expect(text.startsWith("EXPIRED")).toBe(true);
    expect(text).toContain("chat_start_deferred_completion");
  });

  it("answers NOT_FOUND for an unknown id", async () => {
    const result = await callTool(session.mcp.client, "chat_get_deferred_completion", { request_id: "nope" });
    expect(result.isError).toBe(true);
    expect(firstText(result)).toContain("NOT_FOUND");
    // The advice fits the call: an id, not a model, was not found.
    expect(firstText(result)).toContain("request_id is unknown or has expired");
    expect(firstText(result)).not.toContain("models_list_language_models");
    const video = await callTool(session.mcp.client, "video_get_deferred_video", { request_id: "nope" });
    expect(firstText(video)).toContain("NOT_FOUND");
    expect(firstText(video)).toContain("request_id is unknown or has expired");
  });

  it("refuses a wait_seconds out of range before calling xAI", async () => {
    const before = session.emu.context.log.records(POLL_PATH).length;
    for (const wait of [601, -1, 1.5, "10"]) {
      const result = await callTool(session.mcp.client, "chat_get_deferred_completion", {
        request_id: "x",
        wait_seconds: wait,
      });
      expect(result.isError).toBe(true);
      expect(firstText(result)).toContain("wait_seconds");
    }
    expect(session.emu.context.log.records(POLL_PATH).length).toBe(before);
  });

  it("documents wait_seconds in the tool's schema", async () => {
    const { tools } = await session.mcp.client.listTools();
    for (const name of ["chat_get_deferred_completion", "video_get_deferred_video"]) {
      const tool = tools.find((t) => t.name === name);
      const wait = (tool?.inputSchema.properties as Record<string, Json> | undefined)?.wait_seconds;
      expect(wait).toMatchObject({ type: "integer", minimum: 0, maximum: 600 });
      expect(String(wait?.description)).toMatch(/\S/);
    }
  });
});

describe("a wait that ends before the job", () => {
  let session: EmulatorSession;
  beforeAll(async () => {
    session = await startEmulatorSession({ deferredPendingPolls: 1000 }, { XAI_MCP_POLL_INTERVAL_MS: "200" });
  });
  afterAll(async () => {
    await session?.close();
  });

  it("polls once per interval (here 200 ms), then says the job is still pending", async () => {
    const id = await start(session);
    const before = session.emu.context.log.records(POLL_PATH).length;
    const { result, progress } = await callWithProgress(session.mcp.client, "chat_get_deferred_completion", {
      request_id: id,
      wait_seconds: 1,
    });
    // On the grid 0, 200, …, 1000 ms: six polls, the last five after a reported PENDING.
    const polls = session.emu.context.log.records(POLL_PATH).length - before;
    expect(polls).toBe(6);
    expect(progress).toHaveLength(5);
    expect(result.isError ?? false).toBe(false);
    expect(structured(result).status).toBe("PENDING");
    const text = firstText(result);
    expect(text).toContain("PENDING");
    expect(text).toContain("(6 checks)");
    expect(text).toContain("chat_get_deferred_completion");
  });
});

describe("deferred videos", () => {
  let session: EmulatorSession;
  beforeAll(async () => {
    session = await startEmulatorSession();
  });
  afterAll(async () => {
    await session?.close();
  });

  it("reports the video's progress percentage while waiting, then the video", async () => {
    const started = await callTool(session.mcp.client, "video_generate_video", {
      model: "grok-imagine-video",
      prompt: "waves on a beach at sunset",
      duration: 2,
    });
    expect(started.isError ?? false).toBe(false);
    const id = structured(started).request_id as string;

    const once = await callTool(session.mcp.client, "video_get_deferred_video", { request_id: id });
    expect(structured(once).status).toBe("PENDING");
    expect(firstText(once)).toMatch(/^PENDING: the video job .* \(0% done\)/);
    expect(firstText(once)).toContain("video_get_deferred_video");

    const before = session.emu.context.log.records(VIDEO_POLL_PATH).length;
    const { result, progress } = await callWithProgress(session.mcp.client, "video_get_deferred_video", {
      request_id: id,
      wait_seconds: 30,
    });
    expect(result.isError ?? false).toBe(false);
    expect(structured(result).status).toBe("DONE");
    expect(session.emu.context.log.records(VIDEO_POLL_PATH).length - before).toBe(progress.length + 1);
    expect(progress.length).toBeGreaterThan(1);
    expect(increasing(progress.map((p) => p.progress))).toBe(true);
    for (const p of progress) {
      expect(p.total).toBe(100);
      expect(p.message).toContain(`${p.progress}% done`);
    }
    const video = (structured(result).response as Json).video as Json;
    expect(video.url).toMatch(/^http/);
    expect(firstText(result)).toContain(`URL: ${video.url as string}`);
  });
});

describe("deferred status texts", () => {
  const c: DeferredTextContext = {
    requestId: "req-1",
    pollTool: "video_get_deferred_video",
    startTool: "video_generate_video",
    polls: 3,
    waitedSeconds: 2,
    waitSeconds: 2,
  };

  const video = (json: JsonObject) => renderDeferredVideo(fromJson(GetDeferredVideoResponseSchema, json), c);
  const completion = (json: JsonObject, ctx: DeferredTextContext = c) =>
    renderDeferredCompletion(fromJson(GetDeferredCompletionResponseSchema, json), ctx);

  it("say why a video failed and what to do", () => {
    const text = video({
      status: "FAILED",
      response: { error: { code: "NOT_FOUND", message: "input file was deleted" } },
    });
    expect(text).toBe(
      "FAILED: the video job req-1 failed: NOT_FOUND: input file was deleted. No result will come; start a new one with video_generate_video.",
    );
  });

  it("describe a stored video and storage problems", () => {
    const text = video({
      status: "DONE",
      response: {
        model: "grok-imagine-video",
        video: {
          url: "https://v/1.mp4",
          duration: 5,
          respect_moderation: true,
          file_output: { file_id: "file-9", filename: "clip.mp4", public_url_error: "quota" },
        },
      },
    });
    expect(text.split("\n")).toEqual([
      "DONE: video req-1 is ready.",
      "URL: https://v/1.mp4 (temporary: download or store it soon)",
      "5 s · model grok-imagine-video",
      "Stored as file file-9 (clip.mp4)",
      "Public URL not created: quota",
    ]);
  });

  it("say when moderation blocked a video, and when the job reported none", () => {
    expect(video({ status: "DONE", response: { video: { respect_moderation: false } } })).toBe(
      "DONE: video req-1 is ready.\nModeration blocked this video; no playable URL was returned.",
    );
    expect(video({ status: "DONE" })).toBe("DONE: video req-1 is ready.\nThe job reported no video.");
  });

  it("word a pending job with its progress, and an expired one", () => {
    expect(video({ status: "PENDING", response: { progress: 40 } })).toBe(
      'PENDING: the video job req-1 is still running (40% done) after waiting 2 s (3 checks). Call video_get_deferred_video again with {"request_id":"req-1"}; add "wait_seconds" (up to 600) to wait for it in one call.',
    );
    // A response with progress 0 is still a response: its percentage is shown.
    expect(video({ status: "PENDING", response: {} })).toContain("(0% done)");
    expect(
      completion({ status: "PENDING" }, { ...c, pollTool: "chat_get_deferred_completion", waitSeconds: 0 }),
    ).toBe(
      'PENDING: the deferred completion req-1 is still running. Call chat_get_deferred_completion again with {"request_id":"req-1"}; add "wait_seconds" (up to 600) to wait for it in one call.',
    );
    expect(completion({ status: "EXPIRED" }, { ...c, startTool: "chat_start_deferred_completion" })).toBe(
      "EXPIRED: the result of deferred completion req-1 is no longer available (deferred results are kept for a limited time). Start a new one with chat_start_deferred_completion.",
    );
  });

  it("show a finished completion, with its stored id when messages were stored", () => {
    const text = completion({
      status: "DONE",
      response: {
        id: "resp-1",
        outputs: [{ message: { role: "ROLE_ASSISTANT", content: "Tides follow the moon." } }],
        settings: { store_messages: true },
      },
    });
    expect(text.split("\n").slice(0, 3)).toEqual([
      "DONE: deferred completion req-1 is ready.",
      "",
      "Tides follow the moon.",
    ]);
    expect(text).toContain("resp-1");
  });

  it("name a status the server does not know", () => {
    expect(completion({ status: 9 }, { ...c, pollTool: "p" })).toBe(
      "The deferred completion req-1 reported status 9, which this server does not know; call p again.",
    );
    // The unset status (INVALID_DEFERRED_STATUS, left out of the JSON mapping) reads as none.
    expect(completion({}, { ...c, pollTool: "p" })).toContain("status (none)");
    expect(completion({ status: "FAILED" }, { ...c, startTool: "s" })).toContain("start a new one with s");
  });
});
