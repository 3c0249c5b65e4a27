/**
 * What agents read: descriptions name tools, never gRPC methods; the fields an agent must or
 * commonly sets are described; enums offer no "unset" value; and the natural shorthands work.
 */
import { describe, expect, it } from "vitest";
import { GetCompletionsRequestSchema } from "../gen/xai/api/v1/chat_pb.js";
import { GenerateImageRequestSchema } from "../gen/xai/api/v1/image_pb.js";
import { GenerateVideoRequestSchema } from "../gen/xai/api/v1/video_pb.js";
import { expandShorthands } from "../src/schema/shorthand.js";
import { buildTools } from "../src/tools/registry.js";
import { SERVICES } from "../src/tools/services.js";

const tools = buildTools({ management: true }).map((t) => t.tool);

/** Every description in a tool, at any depth, with where it is. */
function descriptions(value: unknown, path: string, out: [string, string][] = []): [string, string][] {
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) descriptions(v, `${path}[${i}]`, out);
  } else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      if (k === "description" && typeof v === "string") out.push([path, v]);
      else descriptions(v, `${path}.${k}`, out);
    }
  }
  return out;
}

/** Every advertised enum, at any depth. */
function enums(value: unknown, out: string[][] = []): string[][] {
  if (Array.isArray(value)) for (const v of value) enums(v, out);
  else if (value && typeof value === "object") {
    const e = (value as { enum?: unknown }).enum;
    if (Array.isArray(e)) out.push(e as string[]);
    for (const v of Object.values(value)) enums(v, out);
  }
  return out;
}

describe("descriptions", () => {
  it("never name a gRPC method, only tools", () => {
    const methodNames = SERVICES.flatMap(({ service }) =>
      service.methods.flatMap((m) => [
        `${service.name}.${m.name}`,
        ...(/[a-z][A-Z]/.test(m.name) ? [m.name] : []),
      ]),
    );
    const pattern = new RegExp(
      `(?<![\\w/.])(${methodNames.map((n) => n.replace(".", "\\.")).join("|")})(?!\\w)`,
    );
    const found = tools.flatMap((tool) =>
      descriptions({ description: tool.description, inputSchema: tool.inputSchema }, tool.name)
        .filter(([, text]) => pattern.test(text))
        .map(([path, text]) => `${path}: ${pattern.exec(text)?.[0]}`),
    );
    expect(found).toEqual([]);
  });

  it("state what batch_add_batch_requests returns", () => {
    const add = tools.find((t) => t.name === "batch_add_batch_requests");
    expect(add?.description).not.toContain("Returns nothing");
    expect(add?.description).toContain("Returns a summary");
  });

  it("describe every required field and the fields agents commonly set", () => {
    const common: Record<string, string[]> = {
      chat_get_completion: [
        "model",
        "messages",
        "max_tokens",
        "temperature",
        "tools",
        "response_format",
        "reasoning_effort",
      ],
      image_generate_image: ["prompt", "model", "n", "format", "aspect_ratio", "save_to"],
      video_generate_video: ["prompt", "model", "duration", "aspect_ratio", "resolution"],
      documents_search: ["query", "source"],
      files_retrieve_file_content: ["file_id", "save_to"],
    };
    const missing: string[] = [];
    for (const tool of tools) {
      // Tools that share another's arguments point there for what the fields mean.
      if (tool.description?.includes("Arguments: as for ")) continue;
      const props = tool.inputSchema.properties as Record<string, { description?: string }>;
      for (const field of [...(tool.inputSchema.required ?? []), ...(common[tool.name] ?? [])]) {
        if (!props[field]?.description) missing.push(`${tool.name}.${field}`);
      }
    }
    expect(missing).toEqual([]);
  });
});

describe("enums", () => {
  it("offer no zero …_INVALID / …_UNSPECIFIED value", () => {
    const unset = tools
      .flatMap((t) => enums(t.inputSchema).flat())
      .filter((v) => /INVALID|UNSPECIFIED/.test(v));
    expect(unset).toEqual([]);
  });

  it("take natural shorthands where one value fits, besides the proper names", () => {
    expect(expandShorthands(GenerateImageRequestSchema, { aspect_ratio: "16:9" })).toEqual({
      aspect_ratio: "IMG_ASPECT_RATIO_16_9",
    });
    expect(
      expandShorthands(GenerateImageRequestSchema, { aspect_ratio: "9:19.5", resolution: "2k" }),
    ).toEqual({
      aspect_ratio: "IMG_ASPECT_RATIO_9_19_5",
      resolution: "IMG_RESOLUTION_2K",
    });
    expect(
      expandShorthands(GenerateVideoRequestSchema, { aspect_ratio: "16:9", resolution: "720p" }),
    ).toEqual({
      aspect_ratio: "VIDEO_ASPECT_RATIO_16_9",
      resolution: "VIDEO_RESOLUTION_720P",
    });
    expect(expandShorthands(GetCompletionsRequestSchema, { reasoning_effort: "high" })).toEqual({
      reasoning_effort: "EFFORT_HIGH",
    });
    expect(expandShorthands(GenerateImageRequestSchema, { aspect_ratio: "IMG_ASPECT_RATIO_1_1" })).toEqual({
      aspect_ratio: "IMG_ASPECT_RATIO_1_1",
    });
    // Ambiguous or unknown: left as given, for the check to refuse by name.
    expect(expandShorthands(GenerateImageRequestSchema, { aspect_ratio: "7:5" })).toEqual({
      aspect_ratio: "7:5",
    });
  });
});
