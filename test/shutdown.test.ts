import { readdirSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../emulator/index.js";
import { until } from "./support/emulator-session.js";
import { spawnRaw } from "./support/mcp-client.js";
import { tempDir } from "./support/media-session.js";

// A shutdown (SIGTERM, SIGINT, or the end of stdin) with calls, transfers and a resource read in
// flight: every request gets an answer, the gRPC calls are cancelled, no temporary file is left,
// and the process ends.

const CHAT = "/xai_api.Chat/GetCompletion";
const DOWNLOAD = "/xai_api.Files/RetrieveFileContent";
const UPLOAD = "/xai_api.Files/UploadFile";
const RETRIEVE = "/xai_api.Files/RetrieveFile";
type Json = Record<string, unknown>;

let base: { dir: string; remove: () => Promise<void> };
let emu: RunningEmulator;

beforeAll(async () => {
  base = await tempDir("xai-shutdown-");
  emu = await startEmulator();
});

afterAll(async () => {
  await emu?.close();
  await base?.remove();
});

/** Every `.part` file under `dir`, recursively. */
function partFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".part"))
    .map((entry) => entry.name);
}

const toolCall = (id: number, name: string, args: Json) => ({
  jsonrpc: "2.0",
  id,
  method: "tools/call",
  params: { name, arguments: args },
});

describe("shutdown with calls in flight", () => {
  it.each(["SIGTERM", "SIGINT", "stdin EOF"] as const)(
    "%s: every call is answered, gRPC calls are cancelled, no .part file is left, the process exits",
    async (how) => {
      const allowed = join(base.dir, how.replace(/\W/g, "-"));
      await mkdir(allowed);
      await writeFile(join(allowed, "upload.txt"), "some text to upload\n".repeat(1000));
      const raw = spawnRaw({
        XAI_API_KEY: emu.context.config.apiKey,
        XAI_API_HOST: emu.url,
        XAI_ALLOWED_DIRS: allowed,
      });
      try {
        raw.send({
          jsonrpc: "2.0",
          id: 1,
          method: "initialize",
          params: {
            protocolVersion: "2025-06-18",
            capabilities: {},
            clientInfo: { name: "t", version: "0" },
          },
        });
        await raw.response(1);
        raw.send({ jsonrpc: "2.0", method: "notifications/initialized" });
        raw.send(toolCall(2, "files_upload_file", { text: "downloadable", init: { name: "d.txt" } }));
        const uploaded = (await raw.response(2)).result as { structuredContent: Json };
        const fileId = String(uploaded.structuredContent.id);

        // Calls that never end on their own: a chat, a download, an upload and a resource read, all
        // stalled upstream.
        for (const method of [CHAT, DOWNLOAD, UPLOAD, RETRIEVE])
          emu.context.faults.set(method, { stall: true });
        const before = emu.context.log.records().length;
        raw.send(
          toolCall(10, "chat_get_completion", {
            model: "grok-4-fast",
            messages: [{ role: "user", content: "hello" }],
          }),
        );
        raw.send(toolCall(11, "files_retrieve_file_content", { file_id: fileId, save_to: "copy.txt" }));
        raw.send(toolCall(12, "files_upload_file", { path: "upload.txt" }));
        raw.send({
          jsonrpc: "2.0",
          id: 13,
          method: "resources/read",
          params: { uri: `xai://files/${fileId}` },
        });
        const inFlight = () => emu.context.log.records().slice(before);
        await until(() => inFlight().length >= 4, 10_000, "the four calls to reach the emulator");
        // The download has its temporary file open.
        await until(() => partFiles(allowed).length > 0, 10_000, "the download's temporary file");

        const signalled = Date.now();
        if (how === "stdin EOF") raw.child.stdin.end();
        else raw.child.kill(how);

        for (const id of [10, 11, 12]) {
          const answer = await raw.response(id);
          const result = answer.result as { isError?: boolean; content: { text: string }[] };
          expect(result, `request ${id}`).toBeDefined();
          expect(result.isError).toBe(true);
          expect(result.content[0]?.text).toContain("The server is stopping");
        }
        const read = await raw.response(13);
        expect(read.result).toBeUndefined();
        expect((read.error as { message: string }).message).toContain("The server is stopping");
        const exit = await raw.exited(10_000);
        console.log(`[shutdown] ${how}: exited ${Date.now() - signalled} ms after it, 4 requests answered`);
        expect(exit.signal).toBeNull();
        expect(exit.code).toBe(0);
        expect(partFiles(allowed)).toEqual([]);
        // The upstream calls were cancelled, not left to run.
        await until(() => inFlight().every((r) => r.outcome !== undefined), 10_000, "the calls to end");
        expect(inFlight().map((r) => [r.method, r.outcome])).toEqual(
          expect.arrayContaining([
            [CHAT, "cancelled"],
            [DOWNLOAD, "cancelled"],
            [UPLOAD, "cancelled"],
            [RETRIEVE, "cancelled"],
          ]),
        );
      } finally {
        emu.context.faults.clear();
        if (raw.child.exitCode === null) raw.child.kill("SIGKILL");
      }
    },
    30_000,
  );
});
