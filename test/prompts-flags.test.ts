import { afterEach, describe, expect, it } from "vitest";
import { Files } from "../gen/xai/api/v1/files_pb.js";
import { XaiClient } from "../src/grpc/xai-client.js";
import { type EmulatorSession, startEmulatorSession } from "./support/emulator-session.js";
import { type McpSession, rpcCode, startMcpServer } from "./support/mcp-client.js";

// The selection flags, end to end: what the spawned server offers besides its tools.

const sessions: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const s of sessions.splice(0)) await s.close();
});

async function spawned(args: string[]): Promise<McpSession> {
  const session = await startMcpServer({}, ["--emulator", ...args]);
  sessions.push(session);
  return session;
}

describe("--toolsets and --read-only decide the prompts and resources", () => {
  it("--toolsets image: grok_image only, the chat prompts and every resource hidden", async () => {
    const { client } = await spawned(["--toolsets", "image"]);
    expect((await client.listPrompts()).prompts.map((p) => p.name)).toEqual(["grok_image"]);
    expect(await rpcCode(client.getPrompt({ name: "ask_grok", arguments: { question: "q" } }))).toBe(-32602);
    expect((await client.listResources()).resources).toEqual([]);
    expect((await client.listResourceTemplates()).resourceTemplates).toEqual([]);
    expect(await rpcCode(client.readResource({ uri: "xai://models" }))).toBe(-32002);
  });

  it("--toolsets chat,models: the chat prompts, the models resource and stored completions", async () => {
    const { client } = await spawned(["--toolsets", "chat,models"]);
    expect((await client.listPrompts()).prompts.map((p) => p.name)).toEqual([
      "ask_grok",
      "grok_search",
      "grok_second_opinion",
    ]);
    expect((await client.listResources()).resources.map((r) => r.uri)).toEqual(["xai://models"]);
    expect((await client.listResourceTemplates()).resourceTemplates.map((t) => t.uriTemplate)).toEqual([
      "xai://chat/stored/{response_id}",
    ]);
  });

  it("--exclude-tools image_generate_image hides grok_image", async () => {
    const { client } = await spawned(["--exclude-tools", "image_generate_image"]);
    expect((await client.listPrompts()).prompts.map((p) => p.name)).not.toContain("grok_image");
  });

  it("read-only: no grok_image; a file too big to show says it cannot be saved here", async () => {
    const session: EmulatorSession = await startEmulatorSession({}, { XAI_READ_ONLY: "1" });
    sessions.push(session);
    const { client } = session.mcp;
    expect((await client.listPrompts()).prompts.map((p) => p.name)).toEqual([
      "ask_grok",
      "grok_search",
      "grok_second_opinion",
    ]);
    // Uploads are not offered read-only: the file is put there directly.
    const xai = new XaiClient({
      api: { host: session.emu.url, key: session.emu.context.config.apiKey },
      management: { host: session.emu.url, key: session.emu.context.config.managementKey },
      timeoutMs: 10_000,
    });
    const file = await xai.clientStream(Files.method.uploadFile, [
      { chunk: { case: "init", value: { name: "big.txt" } } },
      { chunk: { case: "data", value: new Uint8Array(2 * 1024 * 1024).fill(0x61) } },
    ]);
    xai.close();
    const { resources } = await client.listResources();
    expect(resources.map((r) => r.uri)).toContain(`xai://files/${file.id}`);
    const read = await client.readResource({ uri: `xai://files/${file.id}` });
    const content = read.contents[0];
    const text = content && "text" in content ? content.text : "";
    expect(text).toContain("read-only");
    expect(text).not.toContain("save_to");
  });
});
