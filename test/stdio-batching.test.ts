/**
 * The stdio transport writes the answers that complete together in one write, in order, and a
 * large one on its own; each `send` settles once its line is written (or, under backpressure,
 * drained).
 */
import { PassThrough, Writable } from "node:stream";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, it } from "vitest";
import { StdioTransport } from "../src/transport/stdio-transport.js";

/**
 * A stdout that records each write. Like a pipe on Linux it completes writes at once, unless
 * `slow`: then a write completes a turn later, and a small `highWaterMark` makes `write` report
 * backpressure.
 */
function recordingStdout(highWaterMark = 16 * 1024 * 1024, slow = false) {
  const writes: string[] = [];
  const stream = new Writable({
    highWaterMark,
    write(chunk: Buffer, _encoding, callback) {
      writes.push(chunk.toString("utf8"));
      if (slow) setImmediate(callback);
      else callback();
    },
  });
  return { stream, writes };
}

const answer = (id: number, text = `answer ${id}`): JSONRPCMessage => ({
  jsonrpc: "2.0",
  id,
  result: { content: [{ type: "text", text }] },
});

describe("stdio transport writes", () => {
  it("joins the answers sent in one turn into one write, in order", async () => {
    const out = recordingStdout();
    const transport = new StdioTransport(new PassThrough(), out.stream);
    const sent = [1, 2, 3].map((id) => transport.send(answer(id)));
    expect(out.writes).toEqual([]);
    await Promise.all(sent);
    expect(out.writes).toHaveLength(1);
    const lines = (out.writes[0] as string)
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as { id: number });
    expect(lines.map((l) => l.id)).toEqual([1, 2, 3]);
    // A later answer is a write of its own.
    await transport.send(answer(4));
    expect(out.writes).toHaveLength(2);
    expect(JSON.parse(out.writes[1] as string).id).toBe(4);
  });

  it("writes a large answer on its own, after what was queued before it", async () => {
    const out = recordingStdout();
    const transport = new StdioTransport(new PassThrough(), out.stream);
    const big = "x".repeat(3 * 1024 * 1024);
    const sent = [transport.send(answer(1)), transport.send(answer(2, big)), transport.send(answer(3))];
    await Promise.all(sent);
    expect(
      out.writes.map((w) =>
        w
          .trimEnd()
          .split("\n")
          .map((l) => JSON.parse(l).id),
      ),
    ).toEqual([[1], [2], [3]]);
    expect(JSON.parse(out.writes[1] as string).result.content[0].text).toBe(big);
  });

  it("settles a send only once a full stdout has drained", async () => {
    const out = recordingStdout(16, true);
    const transport = new StdioTransport(new PassThrough(), out.stream);
    let settled = false;
    const sent = transport.send(answer(1, "y".repeat(1000))).then(() => {
      settled = true;
    });
    await new Promise((resolve) => process.nextTick(resolve));
    expect(out.stream.writableNeedDrain).toBe(true);
    expect(settled).toBe(false);
    await sent;
    expect(out.stream.writableNeedDrain).toBe(false);
    expect(out.writes).toHaveLength(1);
  });
});
