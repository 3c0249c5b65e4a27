/**
 * The stdio transport reads a line as the bytes that arrive and decodes it once, at its newline:
 * a character split between two reads, or a line of many reads, must come out whole.
 */
import { PassThrough } from "node:stream";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, it } from "vitest";
import { StdioTransport } from "../src/transport/stdio-transport.js";

/** A transport on fresh streams; `feed` writes each Buffer as its own read. */
async function open() {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const transport = new StdioTransport(stdin, stdout);
  const messages: JSONRPCMessage[] = [];
  transport.onmessage = (m) => messages.push(m);
  await transport.start();
  const feed = async (...chunks: Buffer[]) => {
    for (const chunk of chunks) {
      stdin.write(chunk);
      // One read per chunk: the transport sees it before the next one is written.
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  return { transport, messages, feed };
}

const request = (text: string) => ({
  jsonrpc: "2.0" as const,
  id: 1,
  method: "tools/call",
  params: { name: "chat_get_completion", arguments: { text } },
});

describe("the stdio transport reading lines", () => {
  it("decodes a character split between two reads, at every byte of it", async () => {
    const text = "é € 𝄞 ü";
    const line = Buffer.from(`${JSON.stringify(request(text))}\n`, "utf8");
    const start = line.indexOf(Buffer.from("€", "utf8"));
    for (let cut = start; cut <= start + 3; cut++) {
      const { transport, messages, feed } = await open();
      await feed(line.subarray(0, cut), line.subarray(cut));
      expect(messages).toEqual([request(text)]);
      await transport.close();
    }
  });

  it("reads a 3 MiB line that comes in 64 KiB reads and ends in CRLF as one message", async () => {
    const text = "ä".repeat(1536 * 1024);
    const line = Buffer.from(`${JSON.stringify(request(text))}\r\n`, "utf8");
    const reads: Buffer[] = [];
    // 64 KiB + 1: every other cut falls inside a two-byte character.
    for (let at = 0; at < line.length; at += 64 * 1024 + 1) reads.push(line.subarray(at, at + 64 * 1024 + 1));
    const { transport, messages, feed } = await open();
    await feed(...reads);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toEqual(request(text));
    await transport.close();
  });
});
