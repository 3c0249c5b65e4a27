import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { withToolTable } from "../scripts/readme-tools.js";
import { PACKAGE_VERSION } from "../src/version.js";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
  version: string;
};

describe("README and package facts", () => {
  it("lists exactly the tools the server serves (run `npm run readme` after changing tools)", () => {
    expect(withToolTable(readme)).toBe(readme);
  });

  it("opens with the two commands a newcomer needs", () => {
    const head = readme.split("\n").slice(0, 12).join("\n");
    expect(head).toContain("npm install && npm run demo");
    expect(head).toContain("npm install && npm test");
  });

  it("ships a client configuration that runs this package's command", () => {
    const config = JSON.parse(readFileSync(new URL("../mcp.json", import.meta.url), "utf8")) as {
      mcpServers: Record<string, { command: string; args?: string[] }>;
    };
    const bin = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).bin as Record<
      string,
      string
    >;
    expect(Object.values(config.mcpServers).map((s) => s.command)).toEqual([
      "xai-grpc-mcp",
      "xai-grpc-mcp",
      "xai-grpc-mcp",
    ]);
    // The full entry passes the management key too; the lean one is the README's chat selection.
    expect(JSON.stringify(config.mcpServers.xai)).toContain("XAI_MANAGEMENT_KEY");
    expect(config.mcpServers["xai-chat"]?.args).toEqual(["--toolsets", "chat,image,video,models"]);
    expect(Object.keys(bin)).toEqual(["xai-grpc-mcp"]);
    expect(config.mcpServers["xai-emulator"]?.args).toEqual(["--emulator"]);
  });

  it("reports the package.json version", () => {
    expect(PACKAGE_VERSION).toBe(pkg.version);
  });
});
