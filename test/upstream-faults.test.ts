import { createServer, type Http2Server } from "node:http2";
import { create, toBinary } from "@bufbuild/protobuf";
import { credentials, Client as GrpcClient, Metadata, type ServiceError, status } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../emulator/index.js";
import { GetDeferredRequestSchema } from "../gen/xai/api/v1/deferred_pb.js";
import { UNARY_CALLS } from "./fixtures/unary-calls.js";
import { callTool, firstText, type McpSession, startMcpServer } from "./support/mcp-client.js";
import { RecordingServer } from "./support/recording-server.js";

const API_KEY = "xai-test-upstream-Fq8Lw2Zr6Tn";
const MANAGEMENT_KEY = "xai-test-upstream-mgmt-Ha3Kc9Ye";
const HUGE = "x".repeat(10 * 1024 * 1024);
const DEFERRED = "/xai_api.Chat/GetDeferredCompletion";
const LIST_MODELS = "/xai_api.Models/ListLanguageModels";

describe("the emulator with a 10 MB id", () => {
  let emu: RunningEmulator;
  let grpc: GrpcClient;

  beforeAll(async () => {
    emu = await startEmulator();
    grpc = new GrpcClient(emu.address, credentials.createInsecure(), {
      "grpc.max_send_message_length": 64 * 1024 * 1024,
    });
  });

  afterAll(async () => {
    grpc?.close();
    await emu?.close();
  });

  const unary = (path: string, body: Uint8Array) =>
    new Promise<{ error: ServiceError | null }>((resolve) => {
      const metadata = new Metadata();
      metadata.set("authorization", `Bearer ${emu.context.config.apiKey}`);
      grpc.makeUnaryRequest(
        path,
        (b: Buffer) => b,
        (b: Buffer) => b,
        Buffer.from(body),
        metadata,
        (error) => resolve({ error }),
      );
    });

  it("answers with a capped, elided status message, and the other calls on the connection go on", async () => {
    const ended = emu.context.log.nextEnd(DEFERRED, 20_000);
    const big = unary(
      DEFERRED,
      toBinary(GetDeferredRequestSchema, create(GetDeferredRequestSchema, { requestId: HUGE })),
    );
    // The others start once the big call's answer is on its way.
    await ended;
    const others = await Promise.all([1, 2, 3].map(() => unary(LIST_MODELS, new Uint8Array())));
    const { error } = await big;
    expect(error?.code).toBe(status.NOT_FOUND);
    expect(error?.details.length).toBeLessThanOrEqual(1024);
    expect(error?.details).toMatch(/characters elided/);
    for (const other of others) expect(other.error).toBeNull();
  }, 30_000);
});

describe("the server with absurd sizes and non-gRPC hosts", () => {
  let upstream: RecordingServer;
  let session: McpSession;

  beforeAll(async () => {
    upstream = await RecordingServer.start({ apiKey: API_KEY, managementKey: MANAGEMENT_KEY });
    for (const c of UNARY_CALLS) upstream.respond(c.path, c.response);
    session = await startMcpServer({
      XAI_API_KEY: API_KEY,
      XAI_API_HOST: upstream.url,
      XAI_MANAGEMENT_KEY: MANAGEMENT_KEY,
      XAI_MANAGEMENT_API_HOST: upstream.url,
    });
  });

  afterAll(async () => {
    await session?.close();
    await upstream?.close();
  });

  it("refuses a 10 MB id before sending it, naming the field, while other calls go on", async () => {
    upstream.reset();
    const [big, ...others] = await Promise.all([
      callTool(session.client, "chat_get_deferred_completion", { request_id: HUGE }),
      ...[1, 2, 3].map(() => callTool(session.client, "models_list_language_models", {})),
    ]);
    expect(big?.isError).toBe(true);
    expect(firstText(big as never)).toMatch(/request_id: too long for an identifier \(at most 4096/);
    for (const other of others) expect(other.isError ?? false).toBe(false);
    expect(upstream.callsTo(DEFERRED)).toHaveLength(0);
    expect(upstream.callsTo(LIST_MODELS)).toHaveLength(3);
  }, 30_000);

  describe("a host that answers HTTP, not gRPC", () => {
    let web: Http2Server;
    let webSession: McpSession;
    let answerStatus = 502;

    beforeAll(async () => {
      web = createServer((req, res) => {
        req.resume();
        res.writeHead(answerStatus, { "content-type": "text/html" });
        res.end(
          `<html><body><h1>${answerStatus}</h1><p>${"Something went wrong. ".repeat(100)}</p></body></html>`,
        );
      });
      await new Promise<void>((resolve) => web.listen(0, "127.0.0.1", resolve));
      const address = web.address();
      if (!address || typeof address === "string") throw new Error("no port");
      webSession = await startMcpServer({
        XAI_API_KEY: API_KEY,
        XAI_API_HOST: `http://127.0.0.1:${address.port}`,
      });
    });

    afterAll(async () => {
      await webSession?.close();
      await new Promise<void>((resolve) => web?.close(() => resolve()));
    });

    for (const code of [502, 404]) {
      it(`says the host answered HTTP ${code}, not gRPC, and points at XAI_API_HOST`, async () => {
        answerStatus = code;
        const result = await callTool(webSession.client, "models_list_language_models", {});
        const text = firstText(result);
        expect(result.isError).toBe(true);
        expect(text).toContain(`the host answered HTTP ${code}, not gRPC`);
        expect(text).toContain("Check XAI_API_HOST");
        expect(text).not.toMatch(/rate limit/i);
      });
    }

    it("says a 200 web page is not gRPC (grpc-js reads it as a huge message), without rate-limit advice", async () => {
      answerStatus = 200;
      const result = await callTool(webSession.client, "models_list_language_models", {});
      const text = firstText(result);
      expect(result.isError).toBe(true);
      expect(text).toContain("not gRPC");
      expect(text).toContain("Check XAI_API_HOST");
      expect(text).not.toMatch(/rate limit/i);
    });
  });
});
