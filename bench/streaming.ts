/**
 * 2. Streaming: time from the call to the first progress notification of `chat_get_completion_chunk`
 * against the time to the first chunk of the same stream made directly; and how many chunks per
 * second the server relays (as progress notifications) on a long stream, against the direct rate.
 */
import type { JsonObject } from "@bufbuild/protobuf";
import { type CallToolResult, CallToolResultSchema } from "@modelcontextprotocol/sdk/types.js";
import { DEFAULT_STREAM_CHUNK_DELAY_MS } from "../emulator/engines/chat-engine.js";
import { Chat } from "../gen/xai/api/v1/chat_pb.js";
import { type BenchEnv, type Measured, round } from "./support/bench-env.js";
import { DirectGrpc } from "./support/direct-grpc.js";
import { type McpSession, SERVER_ENTRY, startSession } from "./support/processes.js";
import { interleave, now, summarize } from "./support/stats.js";

const TOOL = "chat_get_completion_chunk";
const FIRST_PROGRESS_TARGET_MS = 2;
const RELAY_TARGET = 5000;

/**
 * A stream of a few chunks, paced like a model's tokens (the emulator's default pause between
 * chunks): the first chunk is what is timed, and nothing floods the two cores meanwhile.
 */
const SHORT: JsonObject = {
  model: "grok-4",
  messages: [{ role: "ROLE_USER", content: [{ text: "Hello" }] }],
  max_tokens: 8,
};

/** A request whose answer is long: a JSON array the emulator must fill to `items` entries. */
function longRequest(items: number): JsonObject {
  const schema = {
    type: "object",
    properties: { items: { type: "array", minItems: items, items: { type: "integer" } } },
    required: ["items"],
  };
  return {
    model: "grok-4",
    messages: [{ role: "ROLE_USER", content: [{ text: "Count." }] }],
    response_format: { format_type: "FORMAT_TYPE_JSON_SCHEMA", schema: JSON.stringify(schema) },
  };
}

/** One streamed call through MCP with a progress token: time to the first progress and in all. */
async function mcpStream(
  session: McpSession,
  args: JsonObject,
): Promise<{ firstMs: number; totalMs: number; progress: number }> {
  const started = now();
  let firstMs = -1;
  let progress = 0;
  const result = (await session.client.callTool({ name: TOOL, arguments: args }, CallToolResultSchema, {
    onprogress: () => {
      if (progress === 0) firstMs = now() - started;
      progress += 1;
    },
    timeout: 120_000,
  })) as CallToolResult;
  const totalMs = now() - started;
  if (result.isError) throw new Error(`${TOOL} failed: ${JSON.stringify(result.content).slice(0, 500)}`);
  return { firstMs, totalMs, progress };
}

export async function measureStreaming(env: BenchEnv): Promise<Measured> {
  await env.emulator.setChunkDelay(DEFAULT_STREAM_CHUNK_DELAY_MS);
  const ours = await startSession(SERVER_ENTRY, env.serverEnv);
  try {
    const listed = await ours.client.listTools();
    if (!listed.tools.some((t) => t.name === TOOL)) {
      env.log(`streaming: ${TOOL} is not listed; skipped`);
      return { rows: [], details: { skipped: `${TOOL} not listed` } };
    }

    // First progress vs first chunk.
    const rounds = env.quick ? 40 : 200;
    const warmup = env.quick ? 20 : 50;
    const shortRequest = DirectGrpc.request(Chat.method.getCompletionChunk.input, SHORT);
    const mcpFirst: number[] = [];
    const directFirst: number[] = [];
    let record = false;
    const ops = [
      async () => {
        const r = await mcpStream(ours, SHORT);
        if (record) mcpFirst.push(r.firstMs);
      },
      async () => {
        const r = await env.direct.stream(Chat.method.getCompletionChunk, shortRequest);
        if (record) directFirst.push(r.firstMs);
      },
    ];
    env.log(`streaming: first progress, ${warmup} warm-up + ${rounds} rounds`);
    await interleave(warmup, ops);
    record = true;
    await interleave(rounds, ops);
    const mcp = summarize(mcpFirst);
    const direct = summarize(directFirst);
    const overhead = mcp.p50 - direct.p50;

    // Relay throughput on a long stream, with no pause between chunks: the emulator sends as fast
    // as it can.
    await env.emulator.setChunkDelay(0);
    const items = env.quick ? 3000 : 8000;
    const longArgs = longRequest(items);
    const longDirect = DirectGrpc.request(Chat.method.getCompletionChunk.input, longArgs);
    const runs = env.quick ? 2 : 5;
    env.log(`streaming: relay rate, ${runs} long streams each way`);
    const relay = { progress: 0, ms: 0 };
    const straight = { chunks: 0, ms: 0 };
    record = false;
    const longOps = [
      async () => {
        const r = await mcpStream(ours, longArgs);
        if (record) {
          relay.progress += r.progress;
          relay.ms += r.totalMs;
        }
      },
      async () => {
        const r = await env.direct.stream(Chat.method.getCompletionChunk, longDirect);
        if (record) {
          straight.chunks += r.messages;
          straight.ms += r.totalMs;
        }
      },
    ];
    await interleave(2, longOps);
    record = true;
    await interleave(runs, longOps);
    const relayRate = (relay.progress / relay.ms) * 1000;
    const directRate = (straight.chunks / straight.ms) * 1000;
    return {
      rows: [
        {
          measure: "2 streaming",
          metric: "call → first progress p50",
          value: mcp.p50,
          unit: "ms",
          baseline: direct.p50,
        },
        {
          measure: "2 streaming",
          metric: "first-progress overhead p50",
          value: overhead,
          unit: "ms",
          target: `≤ ${FIRST_PROGRESS_TARGET_MS} ms`,
          ok: overhead <= FIRST_PROGRESS_TARGET_MS,
        },
        {
          measure: "2 streaming",
          metric: `relayed chunks/s (${Math.round(straight.chunks / runs)}-chunk stream)`,
          value: relayRate,
          unit: "/s",
          baseline: directRate,
          ratio: relayRate / directRate,
          target: `≥ ${RELAY_TARGET}/s`,
          ok: relayRate >= RELAY_TARGET,
        },
      ],
      details: {
        firstProgress: {
          mcp: round(mcp.p50),
          mcpP99: round(mcp.p99),
          direct: round(direct.p50),
          directP99: round(direct.p99),
          overheadP50Ms: round(overhead),
          rounds,
        },
        relay: {
          chunksPerStream: Math.round(straight.chunks / runs),
          progressPerStream: Math.round(relay.progress / runs),
          relayedPerSecond: Math.round(relayRate),
          directPerSecond: Math.round(directRate),
          runs,
        },
      },
    };
  } finally {
    await env.emulator.setChunkDelay(DEFAULT_STREAM_CHUNK_DELAY_MS);
    await ours.close();
  }
}
