import { mkdir, open, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { create, fromJson } from "@bufbuild/protobuf";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodePng } from "../emulator/media/png.js";
import { AddBatchRequestsRequestSchema } from "../gen/xai/api/v1/batch_pb.js";
import { EmbedRequestSchema } from "../gen/xai/api/v1/embed_pb.js";
import { TokenizeTextRequestSchema } from "../gen/xai/api/v1/tokenize_pb.js";
import { AllowedRoots } from "../src/files/allowed-roots.js";
import { parseDataUrl, toDataUrl } from "../src/media/data-url.js";
import { classifyImageRef, inlineLocalImages, MAX_IMAGE_INPUT_BYTES } from "../src/media/image-inputs.js";
import { extensionFor, imageDimensions, sniffImageType } from "../src/media/image-type.js";
import { tempDir } from "./support/media-session.js";

let base: { dir: string; remove: () => Promise<void> };
let allowed: string;
let roots: AllowedRoots;
let png: Buffer;

beforeAll(async () => {
  base = await tempDir("xai-inputs-");
  allowed = join(base.dir, "allowed");
  await mkdir(allowed);
  png = Buffer.from(
    await encodePng({
      width: 5,
      height: 2,
      palette: [
        [0, 0, 0],
        [255, 255, 255],
      ],
      pixels: new Uint8Array(10),
    }),
  );
  await writeFile(join(allowed, "a.png"), png);
  // Sparse: a size past the limit without using the disk, and without any byte worth reading.
  const huge = await open(join(allowed, "huge.png"), "w");
  await huge.truncate(MAX_IMAGE_INPUT_BYTES + 1);
  await huge.close();
  const near = await open(join(allowed, "nine.png"), "w");
  await near.write(png);
  await near.truncate(9 * 1024 * 1024);
  await near.close();
  roots = new AllowedRoots([allowed]);
});

afterAll(async () => {
  await base.remove();
});

describe("classifyImageRef", () => {
  it("tells local paths from URLs", () => {
    expect(classifyImageRef("data:image/png;base64,AAAA")).toBe("data-url");
    expect(classifyImageRef("https://x.test/a.png")).toBe("remote");
    expect(classifyImageRef("http://x.test/a.png")).toBe("remote");
    expect(classifyImageRef("s3://bucket/a.png")).toBe("remote");
    expect(classifyImageRef("file:///tmp/a.png")).toBe("local");
    expect(classifyImageRef("/tmp/a.png")).toBe("local");
    expect(classifyImageRef("~/a.png")).toBe("local");
    expect(classifyImageRef("a.png")).toBe("local");
    expect(classifyImageRef("C:\\pics\\a.png")).toBe("local");
  });
});

describe("image types and data URLs", () => {
  it("sniffs types by content and reads sizes", () => {
    expect(sniffImageType(png)).toBe("image/png");
    expect(imageDimensions(png)).toEqual({ width: 5, height: 2 });
    const gif = Buffer.from("GIF89a\x03\x00\x04\x00", "latin1");
    expect(sniffImageType(gif)).toBe("image/gif");
    expect(imageDimensions(gif)).toEqual({ width: 3, height: 4 });
    // SOI, an APP0 segment of 4 bytes, then SOF0 with height 7 and width 9.
    const jpeg = Buffer.from([
      0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0, 0xff, 0xc0, 0, 11, 8, 0, 7, 0, 9, 3, 0, 0, 0,
    ]);
    expect(sniffImageType(jpeg)).toBe("image/jpeg");
    expect(imageDimensions(jpeg)).toEqual({ width: 9, height: 7 });
    expect(sniffImageType(Buffer.from("RIFF\0\0\0\0WEBPVP8 ", "latin1"))).toBe("image/webp");
    expect(sniffImageType(Buffer.from("<html>"))).toBeUndefined();
    expect(extensionFor("image/jpeg")).toBe(".jpg");
  });

  it("round-trips data URLs and refuses malformed ones", () => {
    const url = toDataUrl("image/png", png);
    expect(parseDataUrl(url)?.bytes.equals(png)).toBe(true);
    expect(parseDataUrl(url)?.mimeType).toBe("image/png");
    expect(parseDataUrl("data:image/png;base64,@@@")).toBeUndefined();
    expect(parseDataUrl("data:image/png,rawtext")).toBeUndefined();
  });
});

describe("inlineLocalImages", () => {
  it("rewrites local inputs at any depth (embeddings, batch requests) and leaves the rest", async () => {
    const request = fromJson(EmbedRequestSchema, {
      model: "grok-embedding-small",
      input: [
        { string: "text" },
        { image_url: { image_url: join(allowed, "a.png") } },
        { image_url: { image_url: pathToFileURL(join(allowed, "a.png")).href } },
        { image_url: { image_url: "https://x.test/a.png" } },
        { image_url: { file_id: "file-1" } },
      ],
    });
    expect(await inlineLocalImages(EmbedRequestSchema, request, roots)).toBe(2);
    const urls = request.input.map((i) =>
      i.input.case === "imageUrl" ? (i.input.value.source.value ?? "") : i.input.value,
    );
    const expected = `data:image/png;base64,${png.toString("base64")}`;
    expect(urls).toEqual(["text", expected, expected, "https://x.test/a.png", "file-1"]);

    const batch = fromJson(AddBatchRequestsRequestSchema, {
      batch_id: "b",
      batch_requests: [
        {
          completion_request: {
            model: "grok-4",
            messages: [{ role: "ROLE_USER", content: [{ image_url: { image_url: "a.png" } }] }],
          },
        },
        { image_request: { prompt: "p", model: "m", images: [{ image_url: "a.png" }] } },
        { video_request: { prompt: "p", model: "m", reference_images: [{ image_url: "a.png" }] } },
      ],
    });
    expect(await inlineLocalImages(AddBatchRequestsRequestSchema, batch, roots)).toBe(3);
  });

  it("skips message types that hold no image without walking them", async () => {
    const request = create(TokenizeTextRequestSchema, { text: "/etc/passwd", model: "grok-4" });
    expect(await inlineLocalImages(TokenizeTextRequestSchema, request, undefined)).toBe(0);
  });

  it("names the field and the limit of an image that is too large, reading nothing", async () => {
    const request = fromJson(EmbedRequestSchema, {
      model: "m",
      input: [{ image_url: { image_url: join(allowed, "huge.png") } }],
    });
    await expect(inlineLocalImages(EmbedRequestSchema, request, roots)).rejects.toThrow(
      /input\[0\]\.image_url\.image_url: .*huge\.png is 10\.0 MiB; the xAI API accepts images up to 10\.0 MiB/,
    );
  });

  it("refuses a request whose local images would pass the message limit", async () => {
    const request = fromJson(EmbedRequestSchema, {
      model: "m",
      input: [{ image_url: { image_url: "nine.png" } }, { image_url: { image_url: "nine.png" } }],
    });
    await expect(inlineLocalImages(EmbedRequestSchema, request, roots)).rejects.toThrow(
      /past the API's 20\.0 MiB message limit. Upload them with files_upload_file/,
    );
  });

  it("refuses local inputs when no directory is allowed", async () => {
    const request = fromJson(EmbedRequestSchema, {
      model: "m",
      input: [{ image_url: { image_url: "a.png" } }],
    });
    await expect(inlineLocalImages(EmbedRequestSchema, request, undefined)).rejects.toThrow(
      /no directory is allowed/,
    );
    await expect(inlineLocalImages(EmbedRequestSchema, request, new AllowedRoots([]))).rejects.toThrow(
      /--allow-dir/,
    );
  });
});
