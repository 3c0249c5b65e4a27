import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { parseCommand, UsageError } from "../src/config.js";
import { DEFAULT_HEARTBEAT_MS, ProgressReporter, SETTLE_MS } from "../src/tools/heartbeat.js";
import { callWithProgress, type EmulatorSession, startEmulatorSession } from "./support/emulator-session.js";

interface Sent {
  progress: number;
  total: number | undefined;
  message: string | undefined;
}

function recorder() {
  const sent: Sent[] = [];
  const send = async (progress: number, total?: number, message?: string) => {
    sent.push({ progress, total, message });
  };
  return { sent, send };
}

const increasing = (values: number[]) => values.every((v, i) => i === 0 || v > (values[i - 1] as number));

describe("ProgressReporter", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("sends a heartbeat after each quiet interval, always increasing", async () => {
    vi.useFakeTimers();
    const { sent, send } = recorder();
    const r = new ProgressReporter(send, { heartbeatMs: 1000, label: "chat_get_completion" }).start();
    await vi.advanceTimersByTimeAsync(999);
    expect(sent).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    await vi.advanceTimersByTimeAsync(2000);
    r.stop();
    expect(sent).toHaveLength(3);
    expect(increasing(sent.map((s) => s.progress))).toBe(true);
    expect(sent[0]?.message).toBe("chat_get_completion: still waiting for xAI (1 s so far)");
    expect(sent[2]?.message).toContain("(3 s so far)");
  });

  it("sends no heartbeat while the tool's own progress keeps coming", async () => {
    vi.useFakeTimers();
    const { sent, send } = recorder();
    const r = new ProgressReporter(send, { heartbeatMs: 1000, label: "t" }).start();
    for (let i = 1; i <= 5; i++) {
      await vi.advanceTimersByTimeAsync(600);
      await r.report(i, undefined, `chunk ${i}`);
    }
    await vi.advanceTimersByTimeAsync(999);
    expect(sent.map((s) => s.message)).toEqual(["chunk 1", "chunk 2", "chunk 3", "chunk 4", "chunk 5"]);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent).toHaveLength(6);
    // A heartbeat between chunk 5 and chunk 6 stays below 6.
    expect(sent[5]?.progress).toBeGreaterThan(5);
    expect(sent[5]?.progress).toBeLessThan(6);
    await r.report(6, undefined, "chunk 6");
    expect(sent.at(-1)).toEqual({ progress: 6, total: undefined, message: "chunk 6" });
    r.stop();
  });

  it("never sends a value that does not increase, and drops no report", async () => {
    const { sent, send } = recorder();
    const r = new ProgressReporter(send, { heartbeatMs: 0, label: "t" });
    await r.report(42, 100, "a");
    await r.report(42, 100, "b");
    await r.report(10, 100, "c");
    await r.report(50, 100, "d");
    expect(sent.map((s) => s.message)).toEqual(["a", "b", "c", "d"]);
    expect(increasing(sent.map((s) => s.progress))).toBe(true);
    expect(sent.map((s) => s.total)).toEqual([100, 100, 100, 100]);
    expect(sent[3]?.progress).toBe(50);
  });

  it("keeps the last total on heartbeats", async () => {
    vi.useFakeTimers();
    const { sent, send } = recorder();
    const r = new ProgressReporter(send, { heartbeatMs: 500, label: "video" }).start();
    await r.report(40, 100, "40% done");
    await vi.advanceTimersByTimeAsync(500);
    r.stop();
    expect(sent[1]).toMatchObject({ total: 100 });
    expect(sent[1]?.progress).toBeGreaterThan(40);
  });

  it("is silent when heartbeats are off, and after stop", async () => {
    vi.useFakeTimers();
    const { sent, send } = recorder();
    const off = new ProgressReporter(send, { heartbeatMs: 0, label: "t" }).start();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sent).toEqual([]);
    off.stop();
    const r = new ProgressReporter(send, { heartbeatMs: 100, label: "t" }).start();
    r.stop();
    await r.report(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(sent).toEqual([]);
  });

  it("never fails the call when a notification cannot be sent", async () => {
    const r = new ProgressReporter(
      async () => {
        throw new Error("transport closed");
      },
      { heartbeatMs: 0, label: "t" },
    );
    await expect(r.report(1, undefined, "x")).resolves.toBeUndefined();
  });

  it("lets the result wait a moment after the last progress only", async () => {
    vi.useFakeTimers();
    const { send } = recorder();
    const quiet = new ProgressReporter(send, { heartbeatMs: 0, label: "t" });
    let settled = false;
    void quiet.settle().then(() => {
      settled = true;
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(settled).toBe(true);
    const r = new ProgressReporter(send, { heartbeatMs: 0, label: "t" });
    await r.report(1);
    settled = false;
    void r.settle().then(() => {
      settled = true;
    });
    await vi.advanceTimersByTimeAsync(SETTLE_MS - 1);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(settled).toBe(true);
  });
});

describe("the heartbeat setting", () => {
  const serve = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
    const command = parseCommand(argv, env);
    if (command.kind !== "serve") throw new Error("not serve");
    return command.config.heartbeatMs;
  };

  it("defaults to 10 s, reads XAI_MCP_HEARTBEAT_MS, and the flag wins", () => {
    expect(DEFAULT_HEARTBEAT_MS).toBe(10_000);
    expect(serve([])).toBe(DEFAULT_HEARTBEAT_MS);
    expect(serve([], { XAI_MCP_HEARTBEAT_MS: "250" })).toBe(250);
    expect(serve([], { XAI_MCP_HEARTBEAT_MS: "0" })).toBe(0);
    expect(serve(["--heartbeat-ms", "1500"], { XAI_MCP_HEARTBEAT_MS: "250" })).toBe(1500);
  });

  it("refuses values that are not whole milliseconds", () => {
    expect(() => serve([], { XAI_MCP_HEARTBEAT_MS: "fast" })).toThrow(UsageError);
    expect(() => serve(["--heartbeat-ms", "-1"])).toThrow(/--heartbeat-ms/);
    expect(() => serve(["--heartbeat-ms", "2.5"])).toThrow(UsageError);
  });
});

describe("a client with a short request timeout", () => {
  const COMPLETION_PATH = "/xai_api.Chat/GetCompletion";
  const CHUNK_PATH = "/xai_api.Chat/GetCompletionChunk";
  const args = {
    model: "grok-4-fast",
    messages: [{ role: "ROLE_USER", content: [{ text: "Think hard about tides." }] }],
  };
  // Real time, scaled down: a heartbeat every 150 ms, a client that gives up after 5 quiet
  // heartbeats' time (750 ms), and xAI answering well after that (2 s).
  const HEARTBEAT_MS = 150;
  const TIMEOUT_MS = 5 * HEARTBEAT_MS;
  const SLOW_MS = 2000;
  let session: EmulatorSession;

  beforeAll(async () => {
    session = await startEmulatorSession({}, { XAI_MCP_HEARTBEAT_MS: String(HEARTBEAT_MS) });
  });
  afterAll(async () => {
    await session?.close();
  });
  afterEach(() => session.emu.context.faults.clear());

  it("stays alive through a slow call with resetTimeoutOnProgress", async () => {
    session.emu.context.faults.set(COMPLETION_PATH, { latencyMs: SLOW_MS });
    const { result, progress } = await callWithProgress(session.mcp.client, "chat_get_completion", args, {
      timeout: TIMEOUT_MS,
      resetTimeoutOnProgress: true,
    });
    expect(result.isError ?? false).toBe(false);
    expect(progress.length).toBeGreaterThanOrEqual(5);
    expect(increasing(progress.map((p) => p.progress))).toBe(true);
    for (const p of progress)
      expect(p.message).toMatch(/^chat_get_completion: still waiting for xAI \(\d+ s so far\)$/);
  });

  it("times out without resetTimeoutOnProgress (the heartbeats are what keep it alive)", async () => {
    session.emu.context.faults.set(COMPLETION_PATH, { latencyMs: SLOW_MS });
    const ended = session.emu.context.log.nextEnd(COMPLETION_PATH, 10_000);
    await expect(
      callWithProgress(session.mcp.client, "chat_get_completion", args, { timeout: TIMEOUT_MS }),
    ).rejects.toThrow(/timed out/i);
    // The SDK cancels the request it gave up on, and the cancel reaches xAI.
    expect((await ended).outcome).toBe("cancelled");
  });

  it("still ends at maxTotalTimeout", async () => {
    session.emu.context.faults.set(COMPLETION_PATH, { latencyMs: SLOW_MS });
    await expect(
      callWithProgress(session.mcp.client, "chat_get_completion", args, {
        timeout: TIMEOUT_MS,
        resetTimeoutOnProgress: true,
        maxTotalTimeout: TIMEOUT_MS + 250,
      }),
    ).rejects.toThrow(/maximum total timeout/i);
  });

  it("mixes heartbeats and a stream's chunks in one increasing sequence", async () => {
    // The first chunk comes later than the client's timeout: the heartbeats before it keep the call.
    session.emu.context.faults.set(CHUNK_PATH, { latencyMs: TIMEOUT_MS + 250 });
    const { result, progress } = await callWithProgress(
      session.mcp.client,
      "chat_get_completion_chunk",
      args,
      {
        timeout: TIMEOUT_MS,
        resetTimeoutOnProgress: true,
      },
    );
    expect(result.isError ?? false).toBe(false);
    expect(increasing(progress.map((p) => p.progress))).toBe(true);
    const beats = progress.filter((p) => p.message?.includes("still waiting for xAI"));
    expect(beats.length).toBeGreaterThanOrEqual(2);
    const chunks = progress.filter((p) => Number.isInteger(p.progress));
    const content = (result.structuredContent as { outputs: { message: { content: string } }[] }).outputs[0]
      ?.message.content;
    expect(chunks.map((p) => p.message ?? "").join("")).toBe(content);
  });
});
