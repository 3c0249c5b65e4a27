/**
 * The tools room is typed: handlers are defined against their generated methods, options declared
 * once as zod objects (schema derived), renderers keyed by schema, tool names taken from the
 * registry. These checks keep it so.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Chat } from "../gen/xai/api/v1/chat_pb.js";
import { PROMPTS } from "../src/prompts/index.js";
import { FILE_CHANGING_TOOLS, TEMPLATES } from "../src/resources/index.js";
import { chatDeferredTool, WAIT_OPTIONS } from "../src/tools/handlers/deferred-handler.js";
import { buildTools } from "../src/tools/registry.js";
import { RPC_TABLE } from "../src/tools/rpc-table.js";
import { toolNameOf } from "../src/tools/tool-names.js";

const SRC_DIR = fileURLToPath(new URL("../src/", import.meta.url));
const TOOLS_DIR = join(SRC_DIR, "tools");

/**
 * Modules loaded at start (the prompt definitions and the resource table): they name their tools as
 * text, because taking the names from the generated methods would load the protobuf descriptors of
 * five services at start (about 8 MB more resident memory before the first call). Their names are
 * checked against the registry below instead.
 */
const START_UP_MODULES = [
  join(SRC_DIR, "resources", "resource-uris.ts"),
  ...["ask-grok.ts", "grok-image.ts", "grok-search.ts", "grok-second-opinion.ts"].map((f) =>
    join(SRC_DIR, "prompts", f),
  ),
];

/**
 * The code of every module of the handlers and renderers, the resources and the prompts (which
 * word results and name tools too), comments removed.
 */
function handlerAndRendererCode(): { file: string; code: string }[] {
  const dirs = [
    join(TOOLS_DIR, "handlers"),
    join(TOOLS_DIR, "render"),
    join(SRC_DIR, "resources"),
    join(SRC_DIR, "prompts"),
  ];
  const files = dirs.flatMap((dir) => readdirSync(dir).map((f) => join(dir, f)));
  files.push(
    join(TOOLS_DIR, "image-result.ts"),
    join(TOOLS_DIR, "result.ts"),
    join(SRC_DIR, "media", "fetch-media.ts"),
  );
  return files
    .filter((file) => !START_UP_MODULES.includes(file))
    .map((file) => ({
      file,
      code: readFileSync(file, "utf8")
        .replace(/\/\*[\s\S]*?\*\//g, "")
        .replace(/^\s*\/\/.*$/gm, ""),
    }));
}

describe("typed handlers and renderers", () => {
  const tools = buildTools({ management: true });

  it("never cast with `as never`", () => {
    const offenders = handlerAndRendererCode().filter(({ code }) => code.includes("as never"));
    expect(offenders.map((o) => o.file)).toEqual([]);
  });

  it("never write a tool's name by hand: names come from the registry", () => {
    const names = tools.map((t) => t.tool.name);
    const found = handlerAndRendererCode().flatMap(({ file, code }) =>
      names.filter((n) => new RegExp(`\\b${n}\\b`).test(code)).map((n) => `${file}: ${n}`),
    );
    expect(found).toEqual([]);
  });

  it("name only real tools in the modules loaded at start", () => {
    const names = new Set(tools.map((t) => t.tool.name));
    const named = [
      ...PROMPTS.map((p) => p.tool),
      ...TEMPLATES.flatMap((t) => t.tools),
      ...FILE_CHANGING_TOOLS,
    ];
    expect(named.length).toBeGreaterThan(8);
    expect(named.filter((n) => !names.has(n))).toEqual([]);
  });

  it("bind every behaviour to the very RPC of its table entry", () => {
    for (const [path, choice] of Object.entries(RPC_TABLE)) {
      if (choice.behaviour) {
        const m = choice.behaviour.method;
        expect(`/${m.parent.typeName}/${m.name}`).toBe(path);
      }
    }
    expect(toolNameOf(Chat.method.getDeferredCompletion)).toBe("chat_get_deferred_completion");
  });

  it("derive each option's JSON Schema from its zod declaration", () => {
    const tool = tools.find((t) => t.tool.name === toolNameOf(Chat.method.getDeferredCompletion));
    const listed = tool?.tool.inputSchema.properties?.wait_seconds;
    expect(listed).toEqual(chatDeferredTool.optionProperties.wait_seconds);
    expect(listed).toMatchObject({ type: "integer", minimum: 0, maximum: 600 });
    expect(WAIT_OPTIONS.shape.wait_seconds.safeParse(601).success).toBe(false);
  });
});
