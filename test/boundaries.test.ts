/**
 * The rooms of the house and who may use whom: the batch, media and files code knows nothing of the
 * tools room or of MCP (content blocks are built in src/tools), and the routing rules have one home.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SRC = fileURLToPath(new URL("../src/", import.meta.url));

/** Every module of a folder of src/ with the modules it imports. */
function importsOf(folder: string): { file: string; from: string[] }[] {
  return readdirSync(join(SRC, folder))
    .filter((f) => f.endsWith(".ts"))
    .map((f) => {
      const text = readFileSync(join(SRC, folder, f), "utf8");
      return {
        file: `${folder}/${f}`,
        from: [...text.matchAll(/from "([^"]+)"/g)].map((m) => m[1] as string),
      };
    });
}

describe("boundaries", () => {
  it.each(["batch", "media", "files", "grpc"])("src/%s imports neither the tools room nor MCP", (folder) => {
    const offenders = importsOf(folder).flatMap(({ file, from }) =>
      from
        .filter((f) => f.includes("/tools/") || f.startsWith("@modelcontextprotocol/"))
        .map((f) => `${file}: ${f}`),
    );
    expect(offenders).toEqual([]);
  });

  it("writes the gRPC path and the host routing in one module only", () => {
    const all = ["batch", "media", "files", "grpc", "tools", "tools/handlers", "tools/render"].flatMap(
      (folder) =>
        readdirSync(join(SRC, folder))
          .filter((f) => f.endsWith(".ts"))
          .map((f) => ({ file: `${folder}/${f}`, text: readFileSync(join(SRC, folder, f), "utf8") })),
    );
    const pathBuilders = all
      .filter(({ text }) => /`\/\$\{[^}]*typeName\}\/\$\{/.test(text))
      .map((m) => m.file);
    expect(pathBuilders).toEqual(["grpc/routing.ts"]);
    const hostRules = all.filter(({ text }) => /startsWith\("collections\./.test(text)).map((m) => m.file);
    expect(hostRules).toEqual([]);
  });
});
