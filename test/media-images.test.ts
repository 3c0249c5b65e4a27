import { mkdir, readdir, readFile, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type CallToolResult, CallToolResultSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodePng } from "../emulator/media/png.js";
import { type MediaSession, startMediaSession, tempDir } from "./support/media-session.js";
import { decodePng } from "./support/png-check.js";

const MODEL = "grok-imagine-image";
const GENERATE = "/xai_api.Image/GenerateImage";
const CHAT = "/xai_api.Chat/GetCompletion";

async function call(
  session: MediaSession,
  name: string,
  args: Record<string, unknown>,
): Promise<CallToolResult> {
  return CallToolResultSchema.parse(await session.client.callTool({ name, arguments: args }));
}

function text(result: CallToolResult): string {
  return result.content
    .filter((b) => b.type === "text")
    .map((b) => (b as { text: string }).text)
    .join("\n");
}

function images(result: CallToolResult): { data: string; mimeType: string }[] {
  return result.content.filter((b) => b.type === "image") as { data: string; mimeType: string }[];
}

function links(result: CallToolResult): { uri: string; mimeType?: string; size?: number }[] {
  return result.content.filter((b) => b.type === "resource_link") as { uri: string; mimeType?: string }[];
}

/** A small PNG (4×3, two colours) to use as an image input. */
async function smallPng(): Promise<Buffer> {
  const pixels = Uint8Array.from({ length: 12 }, (_, i) => i % 2);
  return Buffer.from(
    await encodePng({
      width: 4,
      height: 3,
      palette: [
        [255, 0, 0],
        [0, 0, 255],
      ],
      pixels,
    }),
  );
}

/** The requests of `method` the emulator received so far. */
function requests(session: MediaSession, method: string): unknown[] {
  return session.emu.context.log.records(method).map((r) => r.request);
}

/** The `image_url` the emulator received in the last GenerateImage request's `image`. */
function lastImageUrl(session: MediaSession): string {
  const request = requests(session, GENERATE).at(-1) as {
    image?: { source: { case: string; value: string } };
  };
  if (request.image?.source.case !== "imageUrl") throw new Error("the last request had no image_url");
  return request.image.source.value;
}

let base: { dir: string; remove: () => Promise<void> };
let allowed: string;
let outside: string;
let png: Buffer;

beforeAll(async () => {
  base = await tempDir("xai-media-");
  allowed = join(base.dir, "allowed");
  outside = join(base.dir, "outside");
  await mkdir(allowed);
  await mkdir(outside);
  png = await smallPng();
  await writeFile(join(allowed, "in.png"), png);
  await writeFile(join(allowed, "not-an-image.png"), "plain text pretending to be a PNG");
  await writeFile(join(outside, "secret.png"), png);
  await symlink(join(outside, "secret.png"), join(allowed, "link-out.png"));
  await mkdir(`${allowed}-evil`);
  await writeFile(join(`${allowed}-evil`, "evil.png"), png);
});

afterAll(async () => {
  await base.remove();
});

describe("image generation with an allowed directory", () => {
  let session: MediaSession;
  beforeAll(async () => {
    session = await startMediaSession({ env: { XAI_ALLOWED_DIRS: allowed } });
  });
  afterAll(async () => {
    await session.close();
  });

  it("returns base64 images as decodable PNG image blocks, the bytes only once", async () => {
    const result = await call(session, "image_generate_image", {
      prompt: "a lighthouse at dusk",
      model: MODEL,
      n: 2,
    });
    expect(result.isError).toBeFalsy();
    expect(result.content.map((b) => b.type)).toEqual(["text", "image", "image"]);
    const blocks = images(result);
    for (const block of blocks) {
      expect(block.mimeType).toBe("image/png");
      const decoded = decodePng(Buffer.from(block.data, "base64"));
      expect(decoded.width).toBeGreaterThan(0);
    }
    // Default format is base64: the request said so on the wire.
    expect((requests(session, GENERATE).at(-1) as { format: number }).format).toBe(1);
    const structured = result.structuredContent as { images: { base64: string }[] };
    expect(structured.images.map((i) => i.base64)).toEqual([
      "[image 1: see image content block 1]",
      "[image 2: see image content block 2]",
    ]);
    const everythingButImages = JSON.stringify([text(result), result.structuredContent]);
    expect(everythingButImages).not.toContain((blocks[0] as { data: string }).data.slice(0, 64));
    expect(everythingButImages).not.toContain("base64,");
    expect(everythingButImages.length).toBeLessThan(4000);
    expect(text(result)).toContain("image 1: image/png");
  });

  it("writes each image under save_to and links it; the files match the image blocks byte for byte", async () => {
    const result = await call(session, "image_generate_image", {
      prompt: "two boats",
      model: MODEL,
      n: 2,
      save_to: "generated/boats",
    });
    expect(result.isError).toBeFalsy();
    const saved = links(result);
    expect(saved).toHaveLength(2);
    const blocks = images(result);
    for (const [i, link] of saved.entries()) {
      expect(link.uri.startsWith("file://")).toBe(true);
      const path = fileURLToPath(link.uri);
      expect(path.startsWith(join(allowed, "generated", "boats"))).toBe(true);
      expect(link.mimeType).toBe("image/png");
      const bytes = await readFile(path);
      expect(bytes.equals(Buffer.from(blocks[i]?.data ?? "", "base64"))).toBe(true);
      decodePng(bytes);
    }
    expect(text(result)).toContain("saved to");
  });

  it("returns URL results as links, and fetches them with inline: true or save_to", async () => {
    const plain = await call(session, "image_generate_image", {
      prompt: "a hill",
      model: MODEL,
      format: "IMG_FORMAT_URL",
    });
    expect(images(plain)).toHaveLength(0);
    const url = (plain.structuredContent as { images: { url: string }[] }).images[0]?.url ?? "";
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    expect(text(plain)).toContain(url);
    expect(text(plain)).toContain("inline: true");
    const served = Buffer.from(await (await fetch(url)).arrayBuffer());

    const shown = await call(session, "image_generate_image", {
      prompt: "a hill",
      model: MODEL,
      format: "IMG_FORMAT_URL",
      inline: true,
      save_to: "urls",
    });
    const [block] = images(shown);
    expect(block?.mimeType).toBe("image/png");
    expect(Buffer.from(block?.data ?? "", "base64").equals(served)).toBe(true);
    const [link] = links(shown);
    expect((await readFile(fileURLToPath(link?.uri ?? ""))).equals(served)).toBe(true);
  });

  it("sends a local image as exactly the data URL of the file (path, file:// URI, relative path)", async () => {
    const expected = `data:image/png;base64,${png.toString("base64")}`;
    for (const input of [join(allowed, "in.png"), pathToFileURL(join(allowed, "in.png")).href, "in.png"]) {
      const result = await call(session, "image_generate_image", {
        prompt: "make it blue",
        model: MODEL,
        image: { image_url: input },
      });
      expect(result.isError, text(result)).toBeFalsy();
      expect(lastImageUrl(session)).toBe(expected);
    }
  });

  it("sends a local image in chat content as its data URL", async () => {
    const result = await call(session, "chat_get_completion", {
      model: "grok-4",
      messages: [
        {
          role: "ROLE_USER",
          content: [
            { text: "What is in this picture?" },
            { image_url: { image_url: join(allowed, "in.png") } },
          ],
        },
      ],
    });
    expect(result.isError, text(result)).toBeFalsy();
    const request = requests(session, CHAT).at(-1) as {
      messages: { content: { content: { case: string; value: { source: { value: string } } } }[] }[];
    };
    const part = request.messages[0]?.content[1]?.content;
    expect(part?.case).toBe("imageUrl");
    expect(part?.value.source.value).toBe(`data:image/png;base64,${png.toString("base64")}`);
  });

  it("passes https URLs, data URLs and file ids through untouched", async () => {
    const dataUrl = `data:image/png;base64,${png.toString("base64")}`;
    await call(session, "image_generate_image", { prompt: "x", model: MODEL, image: { image_url: dataUrl } });
    expect(lastImageUrl(session)).toBe(dataUrl);
    await call(session, "image_generate_image", {
      prompt: "x",
      model: MODEL,
      image: { image_url: "https://example.com/cat.png" },
    });
    expect(lastImageUrl(session)).toBe("https://example.com/cat.png");
  });

  it("refuses every escaping image input with a clear message, sending nothing", async () => {
    const before = requests(session, GENERATE).length;
    const escapes = [
      join(allowed, "..", "outside", "secret.png"),
      "../outside/secret.png",
      join(outside, "secret.png"),
      pathToFileURL(join(outside, "secret.png")).href,
      join(allowed, "link-out.png"),
      join(`${allowed}-evil`, "evil.png"),
    ];
    for (const input of escapes) {
      const result = await call(session, "image_generate_image", {
        prompt: "x",
        model: MODEL,
        image: { image_url: input },
      });
      expect(result.isError, input).toBe(true);
      expect(text(result)).toContain("image.image_url");
      expect(text(result)).toContain("outside the allowed directories");
      expect(text(result)).toContain("--allow-dir");
    }
    expect(requests(session, GENERATE).length).toBe(before);
  });

  it("refuses a local file that is no image, or missing, before sending", async () => {
    const before = requests(session, GENERATE).length;
    const fake = await call(session, "image_generate_image", {
      prompt: "x",
      model: MODEL,
      images: [{ image_url: join(allowed, "in.png") }, { image_url: join(allowed, "not-an-image.png") }],
    });
    expect(fake.isError).toBe(true);
    expect(text(fake)).toContain("images[1].image_url");
    expect(text(fake)).toContain("not a PNG, JPEG, GIF or WebP image");
    const missing = await call(session, "image_generate_image", {
      prompt: "x",
      model: MODEL,
      image: { image_url: join(allowed, "missing.png") },
    });
    expect(text(missing)).toContain("does not exist");
    expect(requests(session, GENERATE).length).toBe(before);
  });

  it("refuses a save_to outside the allowed directories before generating, writing nothing", async () => {
    const before = requests(session, GENERATE).length;
    for (const saveTo of [outside, join(allowed, "..", "outside", "new"), `${allowed}-evil`]) {
      const result = await call(session, "image_generate_image", {
        prompt: "x",
        model: MODEL,
        save_to: saveTo,
      });
      expect(result.isError, saveTo).toBe(true);
      expect(text(result)).toContain("save_to: access denied");
    }
    expect(requests(session, GENERATE).length).toBe(before);
    expect((await readdir(outside)).sort()).toEqual(["secret.png"]);
  });
});

describe("images past the inline limit", () => {
  let session: MediaSession;
  beforeAll(async () => {
    session = await startMediaSession({
      env: { XAI_ALLOWED_DIRS: allowed },
      args: ["--inline-image-max-bytes", "2000"],
    });
  });
  afterAll(async () => {
    await session.close();
  });

  it("without save_to: not inlined, and the text says how to get them", async () => {
    const result = await call(session, "image_generate_image", { prompt: "a forest", model: MODEL });
    expect(result.isError).toBe(true);
    expect(images(result)).toHaveLength(0);
    expect(text(result)).toContain("over the 2.0 KiB inline limit");
    expect(text(result)).toContain("save_to");
    expect(text(result)).toContain("IMG_FORMAT_URL");
    expect((result.structuredContent as { images: { base64: string }[] }).images[0]?.base64).toBe(
      "[image 1: not included, see the text]",
    );
  });

  it("with save_to: saved and linked instead of inlined", async () => {
    const result = await call(session, "image_generate_image", {
      prompt: "a forest",
      model: MODEL,
      save_to: "big",
    });
    expect(result.isError).toBeFalsy();
    expect(images(result)).toHaveLength(0);
    const [link] = links(result);
    const path = fileURLToPath(link?.uri ?? "");
    decodePng(await readFile(path));
    expect(text(result)).toContain("linked instead of shown");
    expect((result.structuredContent as { images: { base64: string }[] }).images[0]?.base64).toBe(
      `[image 1: saved to ${path}]`,
    );
  });
});

describe("no allowed directory", () => {
  let session: MediaSession;
  beforeAll(async () => {
    session = await startMediaSession();
  });
  afterAll(async () => {
    await session.close();
  });

  it("refuses any local path, saying how to allow one, and still generates images", async () => {
    const refused = await call(session, "image_generate_image", {
      prompt: "x",
      model: MODEL,
      image: { image_url: join(allowed, "in.png") },
    });
    expect(refused.isError).toBe(true);
    expect(text(refused)).toContain("no directory is allowed");
    expect(text(refused)).toContain("--allow-dir");
    expect(text(refused)).toContain("XAI_ALLOWED_DIRS");
    expect(requests(session, GENERATE)).toHaveLength(0);
    const saved = await call(session, "image_generate_image", {
      prompt: "x",
      model: MODEL,
      save_to: allowed,
    });
    expect(saved.isError).toBe(true);
    expect(text(saved)).toContain("no directory is allowed");
    const plain = await call(session, "image_generate_image", { prompt: "x", model: MODEL });
    expect(images(plain)).toHaveLength(1);
  });
});

describe("the client's roots", () => {
  let session: MediaSession;
  beforeAll(async () => {
    session = await startMediaSession({ roots: [allowed] });
  });
  afterAll(async () => {
    await session.close();
  });

  it("allow what the client shares, and follow its changes", async () => {
    const first = await call(session, "image_generate_image", {
      prompt: "x",
      model: MODEL,
      image: { image_url: join(allowed, "in.png") },
    });
    expect(first.isError, text(first)).toBeFalsy();
    // Resolves once the server has fetched the new list; its next call waits for the answer.
    await session.setRoots([outside]);
    const nowOutside = await call(session, "image_generate_image", {
      prompt: "x",
      model: MODEL,
      image: { image_url: join(allowed, "in.png") },
    });
    expect(nowOutside.isError).toBe(true);
    expect(text(nowOutside)).toContain("outside the allowed directories");
    const nowInside = await call(session, "image_generate_image", {
      prompt: "x",
      model: MODEL,
      image: { image_url: join(outside, "secret.png") },
    });
    expect(nowInside.isError, text(nowInside)).toBeFalsy();
  });
});
