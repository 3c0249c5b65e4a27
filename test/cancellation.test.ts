import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { CallRecord } from "../emulator/call-log.js";
import {
  callWithProgress,
  type EmulatorSession,
  startEmulatorSession,
  until,
} from "./support/emulator-session.js";
import { callTool, isAlive } from "./support/mcp-client.js";

const CHUNK_PATH = "/xai_api.Chat/GetCompletionChunk";
const COMPLETION_PATH = "/xai_api.Chat/GetCompletion";
const POLL_PATH = "/xai_api.Chat/GetDeferredCompletion";
const SAMPLE_STREAM_PATH = "/xai_api.Sample/SampleTextStreaming";

type Json = Record<string, unknown>;
const chatArgs = (extra: Json = {}): Json => ({
  model: "grok-3-mini",
  messages: [{ role: "ROLE_USER", content: [{ text: "Tell me a long story about rivers." }] }],
  ...extra,
});

/** Delays from the client's abort to the emulator seeing the cancel, for the record (not asserted). */
const delays: string[] = [];
const note = (what: string, abortedAt: number, record: CallRecord) =>
  delays.push(`${what}: ${(record.endedAt ?? Number.NaN) - abortedAt} ms`);

afterAll(() => {
  if (delays.length > 0) process.stderr.write(`cancel → emulator: ${delays.join(", ")}\n`);
});

describe("cancelling a tool call (notifications/cancelled)", () => {
  let session: EmulatorSession;
  beforeAll(async () => {
    // Deferred jobs stay PENDING, so a wait lasts until it is cancelled.
    // Polls a second apart: the cancel reaches the server well before a next poll would be due.
    session = await startEmulatorSession(
      { deferredPendingPolls: 1_000_000 },
      { XAI_MCP_POLL_INTERVAL_MS: "1000" },
    );
    // Slow chunks: the stream is still running when the client cancels.
    session.emu.context.chat.streamChunkDelayMs = 50;
  });
  afterAll(async () => {
    await session?.close();
  });
  afterEach(() => session.emu.context.faults.clear());

  it("cancels a chat stream mid-way: the gRPC call ends as cancelled on the server", async () => {
    const controller = new AbortController();
    const ended = session.emu.context.log.nextEnd(CHUNK_PATH);
    let abortedAt = 0;
    let seen = 0;
    const call = callWithProgress(session.mcp.client, "chat_get_completion_chunk", chatArgs(), {
      signal: controller.signal,
      onProgress: () => {
        seen += 1;
        if (seen === 2) {
          abortedAt = Date.now();
          controller.abort("the user pressed stop");
        }
      },
    });
    await expect(call).rejects.toThrow();
    const record = await ended;
    expect(record.outcome).toBe("cancelled");
    note("chat stream", abortedAt, record);
  });

  it("cancels a stream still waiting for its first chunk (a model thinking)", async () => {
    session.emu.context.faults.set(SAMPLE_STREAM_PATH, { stall: true });
    const controller = new AbortController();
    const before = session.emu.context.log.records(SAMPLE_STREAM_PATH).length;
    const ended = session.emu.context.log.nextEnd(SAMPLE_STREAM_PATH);
    const call = callWithProgress(
      session.mcp.client,
      "sample_sample_text_streaming",
      { model: "grok-3-mini", prompt: ["Once upon a time"] },
      { signal: controller.signal },
    );
    await until(() => session.emu.context.log.records(SAMPLE_STREAM_PATH).length > before, 5000, "the call");
    const abortedAt = Date.now();
    controller.abort();
    await expect(call).rejects.toThrow();
    const record = await ended;
    expect(record.outcome).toBe("cancelled");
    note("stalled stream", abortedAt, record);
  });

  it("cancels a unary call that the server has not answered", async () => {
    session.emu.context.faults.set(COMPLETION_PATH, { stall: true });
    const controller = new AbortController();
    const before = session.emu.context.log.records(COMPLETION_PATH).length;
    const ended = session.emu.context.log.nextEnd(COMPLETION_PATH);
    const call = session.mcp.client.callTool(
      { name: "chat_get_completion", arguments: chatArgs() },
      undefined,
      {
        signal: controller.signal,
      },
    );
    await until(() => session.emu.context.log.records(COMPLETION_PATH).length > before, 5000, "the call");
    const abortedAt = Date.now();
    controller.abort();
    await expect(call).rejects.toThrow();
    const record = await ended;
    expect(record.outcome).toBe("cancelled");
    note("stalled unary call", abortedAt, record);
  });

  it("stops a deferred wait: no poll after the cancel", async () => {
    const started = await callTool(session.mcp.client, "chat_start_deferred_completion", chatArgs());
    const id = (started.structuredContent as Json).request_id as string;
    const controller = new AbortController();
    let polledAtAbort = -1;
    const call = callWithProgress(
      session.mcp.client,
      "chat_get_deferred_completion",
      { request_id: id, wait_seconds: 60 },
      {
        signal: controller.signal,
        onProgress: () => {
          if (polledAtAbort >= 0) return;
          polledAtAbort = session.emu.context.log.records(POLL_PATH).length;
          controller.abort();
        },
      },
    );
    await expect(call).rejects.toThrow();
    // Once the server has finished the cancelled call (it logs so at debug level), no poll can follow.
    await until(
      () => session.mcp.stderr().includes("chat_get_deferred_completion: cancelled"),
      10_000,
      "the server to end the cancelled wait",
    );
    expect(polledAtAbort).toBeGreaterThan(0);
    expect(session.emu.context.log.records(POLL_PATH).length).toBe(polledAtAbort);
  });

  it("keeps serving after cancellations", async () => {
    const result = await callTool(
      session.mcp.client,
      "chat_get_completion",
      chatArgs({ model: "grok-4-fast" }),
    );
    expect(result.isError ?? false).toBe(false);
  });
});

describe("client disconnect", () => {
  it("cancels the running gRPC call when the client goes away", async () => {
    const session = await startEmulatorSession();
    try {
      session.emu.context.chat.streamChunkDelayMs = 50;
      const ended = session.emu.context.log.nextEnd(CHUNK_PATH);
      let closedAt = 0;
      let seen = 0;
      const call = callWithProgress(session.mcp.client, "chat_get_completion_chunk", chatArgs(), {
        onProgress: () => {
          seen += 1;
          if (seen === 2) {
            closedAt = Date.now();
            void session.mcp.close();
          }
        },
      });
      // The server answers the call as it stops (the client still reads until the process ends).
      const { result } = await call;
      expect(result.isError).toBe(true);
      expect(JSON.stringify(result.content)).toContain("The server is stopping");
      const record = await ended;
      expect(record.outcome).toBe("cancelled");
      note("client disconnect", closedAt, record);
      await until(() => !isAlive(session.mcp.pid), 5000, "the server to exit");
    } finally {
      await session.emu.close();
    }
  });
});
