/**
 * A hostile host that answers one call with trailers no HTTP/2 client here can read (a 10 MB
 * `grpc-message`): the other calls, in flight on the same connection and made afterwards, must not
 * stall until keepalive drops the connection (about 40 s), and the big call must come back as an
 * error that says what happened. The test's 15 s timeout fails the old stall without measuring time.
 */
import { createServer, type Http2Server, type ServerHttp2Stream } from "node:http2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callTool, firstText, type McpSession, startMcpServer } from "./support/mcp-client.js";

const API_KEY = "xai-test-hostile-Tz4Qm8Rw2Yk";
const BIG_TRAILER = "x".repeat(10 * 1024 * 1024);
const GET_MODEL = "/xai_api.Models/GetLanguageModel";
const LIST_MODELS = "/xai_api.Models/ListLanguageModels";

/** Answers `stream` with an empty message (a valid, empty ListLanguageModelsResponse) and OK. */
function answerOk(stream: ServerHttp2Stream): void {
  if (stream.destroyed) return;
  stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
  stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
  stream.end(Buffer.alloc(5));
}

describe("a host that sends trailers too large to read", () => {
  let host: Http2Server;
  let session: McpSession;
  let connections = 0;
  let bigSent: () => void = () => {};
  let afterBig: Promise<void> = Promise.resolve();
  let heldArrived: () => void = () => {};
  let held: Promise<void> = Promise.resolve();
  let heldCount = 0;
  let heldWanted = 0;

  beforeAll(async () => {
    // Node refuses to send a header block over 64 KiB by default; a hostile host sends it anyway.
    host = createServer({ maxSendHeaderBlockLength: 64 * 1024 * 1024, maxSessionMemory: 1024 * 1024 * 1024 });
    host.on("session", () => {
      connections += 1;
    });
    host.on("sessionError", () => {});
    host.on("stream", (stream, headers) => {
      const path = String(headers[":path"]);
      stream.on("error", () => {});
      stream.resume();
      stream.on("end", () => {
        if (path === GET_MODEL) {
          if (stream.destroyed) return;
          stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
          stream.on("wantTrailers", () =>
            stream.sendTrailers({ "grpc-status": "5", "grpc-message": BIG_TRAILER }),
          );
          // Closed once the trailers are out (or the client dropped the connection meanwhile).
          stream.on("close", () => bigSent());
          stream.end();
          return;
        }
        if (path !== LIST_MODELS) {
          stream.respond(
            { ":status": 200, "content-type": "application/grpc", "grpc-status": "12" },
            { endStream: true },
          );
          return;
        }
        // The concurrent calls are answered only after the big trailers went out on the connection.
        heldCount += 1;
        if (heldCount === heldWanted) heldArrived();
        void afterBig.then(() => answerOk(stream));
      });
    });
    await new Promise<void>((resolve) => host.listen(0, "127.0.0.1", resolve));
    const address = host.address();
    if (!address || typeof address === "string") throw new Error("no port");
    session = await startMcpServer({
      XAI_API_KEY: API_KEY,
      XAI_API_HOST: `http://127.0.0.1:${address.port}`,
    });
  });

  afterAll(async () => {
    await session?.close();
    await new Promise<void>((resolve) => host?.close(() => resolve()));
  });

  it("drops only that connection: calls in flight and later ones succeed, the big call says why it failed", async () => {
    // A first call opens the connection they all share.
    afterBig = Promise.resolve();
    expect((await callTool(session.client, "models_list_language_models", {})).isError ?? false).toBe(false);
    const before = connections;

    afterBig = new Promise<void>((resolve) => {
      bigSent = resolve;
    });
    heldCount = 0;
    heldWanted = 3;
    held = new Promise<void>((resolve) => {
      heldArrived = resolve;
    });
    const others = [1, 2, 3].map(() => callTool(session.client, "models_list_language_models", {}));
    await held; // all three are in flight on the connection before the big call is made
    const big = await callTool(session.client, "models_get_language_model", { name: "grok-4" });
    const answers = await Promise.all(others);
    for (const other of answers) expect(other.isError ?? false, firstText(other)).toBe(false);
    const later = await callTool(session.client, "models_list_language_models", {});
    expect(later.isError ?? false, firstText(later)).toBe(false);

    expect(big.isError).toBe(true);
    const text = firstText(big);
    expect(text).toContain("UNAVAILABLE");
    expect(text).toContain("headers or trailers of more than 65536 bytes");
    // The others were answered on a new connection.
    expect(connections).toBeGreaterThan(before);
  }, 15_000);
});
