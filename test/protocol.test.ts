import { afterAll, afterEach, describe, expect, it } from "vitest";
import { idAtEdges } from "../src/transport/stdio-transport.js";
import { type RawServer, spawnRaw } from "./support/mcp-client.js";

const INIT = {
  jsonrpc: "2.0",
  id: 0,
  method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "t", version: "0" } },
};

type Answer = { result?: Record<string, unknown>; error?: { code: number; message: string } };

const servers: RawServer[] = [];

async function start(args: readonly string[] = []): Promise<RawServer> {
  const server = spawnRaw({}, ["--emulator", ...args]);
  servers.push(server);
  server.send(INIT);
  await server.response(0, 20_000);
  server.send({ jsonrpc: "2.0", method: "notifications/initialized" });
  return server;
}

afterEach(() => {
  for (const s of servers.splice(0)) s.child.kill();
});

/**
 * One server with the default settings for the tests that leave it serving (each checks it still
 * answers a ping, or an answer by id): spawning one per test cost most of the file's time. The
 * tests that end a server's input start their own.
 */
let sharedServer: Promise<RawServer> | undefined;
function shared(): Promise<RawServer> {
  sharedServer ??= (async () => {
    const server = spawnRaw({}, ["--emulator"]);
    server.send(INIT);
    await server.response(0, 20_000);
    server.send({ jsonrpc: "2.0", method: "notifications/initialized" });
    return server;
  })();
  return sharedServer;
}

afterAll(async () => {
  (await sharedServer)?.child.kill();
});

/** The answers with a null id, in order. */
const nullIdAnswers = (server: RawServer) =>
  server.lines.map((l) => JSON.parse(l) as Answer & { id?: unknown }).filter((m) => m.id === null);

/** Resolves when the server has written `count` lines. */
async function linesAtLeast(server: RawServer, count: number): Promise<void> {
  while (server.lines.length < count) await new Promise((r) => server.child.stdout.once("data", r));
}

const call = (server: RawServer, id: number, name: string, args: unknown) => {
  server.send({ jsonrpc: "2.0", id, method: "tools/call", params: { name, arguments: args } });
  return server.response(id, 20_000) as Promise<Answer>;
};

const ping = async (server: RawServer, id: number) => {
  server.send({ jsonrpc: "2.0", id, method: "ping" });
  expect(await server.response(id)).toMatchObject({ result: {} });
};

describe("every line gets an answer", () => {
  it("answers a line that is not JSON with -32700 and keeps serving", async () => {
    const server = await shared();
    const before = server.lines.length;
    server.write("this is not json\n");
    await linesAtLeast(server, before + 1);
    expect(nullIdAnswers(server).at(-1)?.error?.code).toBe(-32700);
    await ping(server, 1);
  });

  it("answers a batch with an Invalid Request for each request in it", async () => {
    const server = await shared();
    server.write(
      `${JSON.stringify([
        { jsonrpc: "2.0", id: 11, method: "ping" },
        { jsonrpc: "2.0", id: "b", method: "tools/list" },
      ])}\n`,
    );
    for (const id of [11, "b"]) {
      const answer = (await server.response(id as number)) as Answer;
      expect(answer.error?.code).toBe(-32600);
      expect(answer.error?.message).toMatch(/batch/);
    }
    const before = server.lines.length;
    server.write("[]\n");
    await linesAtLeast(server, before + 1);
    expect(nullIdAnswers(server).at(-1)?.error?.code).toBe(-32600);
    await ping(server, 2);
  });

  it("answers JSON that is not a JSON-RPC message with -32600, with its id", async () => {
    const server = await shared();
    server.write(`${JSON.stringify({ id: 21, hello: "world" })}\n`);
    expect(((await server.response(21)) as Answer).error?.code).toBe(-32600);
    await ping(server, 3);
  });
});

describe("tools/call arguments", () => {
  it("answers arguments that are not an object with -32602 and a sentence", async () => {
    const server = await shared();
    for (const [i, args] of [[1, 2], "text", 42, null, true].entries()) {
      const answer = await call(server, 30 + i, "models_list_language_models", args);
      expect(answer.error?.code).toBe(-32602);
      expect(answer.error?.message).toMatch(/must be a JSON object/);
      expect(answer.error?.message).not.toMatch(/expected|invalid_type|\[\s*\{/);
    }
  });

  it("refuses __proto__, constructor and prototype by name like any unknown key", async () => {
    const server = await shared();
    for (const [i, key] of ["__proto__", "constructor", "prototype"].entries()) {
      // Written by hand: JSON.stringify of an object literal cannot hold an own __proto__ key.
      server.write(
        `{"jsonrpc":"2.0","id":${40 + i},"method":"tools/call","params":{"name":"models_list_language_models","arguments":{"${key}":{"polluted":true}}}}\n`,
      );
      const answer = (await server.response(40 + i)) as Answer;
      expect(answer.result?.isError).toBe(true);
      expect(JSON.stringify(answer.result)).toContain(`${key}: unknown field`);
    }
  });
});

describe("message size", () => {
  it("reads a legitimate upload of 8 MB of base64 (over the old 10 MiB line cliff)", async () => {
    const server = await shared();
    const content = Buffer.alloc(8 * 1024 * 1024, 7).toString("base64");
    const answer = await call(server, 50, "files_upload_file", {
      init: { name: "big.bin" },
      content_base64: content,
    });
    expect(answer.error).toBeUndefined();
    expect(answer.result?.isError).toBeFalsy();
    expect(JSON.stringify(answer.result)).toContain("big.bin");
  });

  it("answers a message over the limit with an error naming the limit and `path`, then keeps serving", async () => {
    const server = await start(["--max-message-bytes", "1048576"]);
    const answer = await call(server, 60, "files_upload_file", {
      init: { name: "big.bin" },
      content_base64: "A".repeat(3 * 1024 * 1024),
    });
    expect(answer.error?.code).toBe(-32600);
    expect(answer.error?.message).toContain("1048576 bytes");
    expect(answer.error?.message).toContain("`path`");
    expect(answer.error?.message).toContain("--max-message-bytes");
    await ping(server, 61);
  });

  it("replaces an answer too large for clients to read with an error result that says so", async () => {
    const server = await shared();
    // Tokenizing 440 KB of words lists some 80,000 tokens: an answer of about 13 MB, past the 8 MiB
    // a client is sure to read, and small enough to build quickly on a busy machine.
    const answer = await call(server, 65, "tokenize_tokenize_text", {
      text: "many words ".repeat(40_000),
      model: "grok-4",
    });
    expect(answer.result?.isError).toBe(true);
    expect(JSON.stringify(answer.result)).toMatch(/more than the 8388608 an MCP client is sure to read/);
    expect(Math.max(...server.lines.map((l) => l.length))).toBeLessThan(8 * 1024 * 1024);
    await ping(server, 66);
  });

  it("exits at EOF, even in the middle of an oversized line", async () => {
    const server = await start(["--max-message-bytes", "1048576"]);
    server.write(`{"jsonrpc":"2.0","id":70,"method":"ping","params":{"x":"${"B".repeat(12 * 1024 * 1024)}`);
    server.child.stdin.end();
    expect(await server.exited(10_000)).toMatchObject({ code: 0 });
  });

  it("exits at EOF after an oversized line that was answered", async () => {
    const server = await start(["--max-message-bytes", "1048576"]);
    server.write(
      `{"jsonrpc":"2.0","id":71,"method":"ping","params":{"x":"${"C".repeat(11 * 1024 * 1024)}"}}\n`,
    );
    expect(((await server.response(71)) as Answer).error?.code).toBe(-32600);
    server.child.stdin.end();
    expect(await server.exited(10_000)).toMatchObject({ code: 0 });
  });
});

describe("idAtEdges", () => {
  it("finds the id first or last in a message, and nothing nested", () => {
    expect(idAtEdges('{"jsonrpc":"2.0","id":5,"method":"x","params":{"a":"', "")).toBe(5);
    expect(idAtEdges('{"method":"x"', '"}},"jsonrpc":"2.0","id":"abc"}')).toBe("abc");
    expect(idAtEdges('{"method":"x"', '"},"id":12,"jsonrpc":"2.0"}\r')).toBe(12);
    expect(idAtEdges('{"method":"x"', '"params":{"id":"inner"}}}')).toBeNull();
    expect(idAtEdges("garbage", "garbage")).toBeNull();
  });
});
