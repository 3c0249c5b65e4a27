import { crc32, inflateSync } from "node:zlib";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { beforeAll, describe, expect, it } from "vitest";
import { Files } from "../../gen/xai/api/v1/files_pb.js";
import {
  type GenerateImageRequestSchema,
  Image,
  ImageAspectRatio,
  ImageFormat,
  ImageResolution,
} from "../../gen/xai/api/v1/image_pb.js";
import { Status } from "../../src/grpc/status.js";
import { useEmulator } from "../support/emulator-fixture.js";

type Request = MessageInitShape<typeof GenerateImageRequestSchema>;

interface DecodedPng {
  width: number;
  height: number;
  colorType: number;
  paletteSize: number;
  text: Record<string, string>;
}

/**
 * A strict reader of the PNGs the emulator makes: signature, chunk CRCs, header, palette, and the
 * inflated image data of exactly the size the header implies, every row with a valid filter byte.
 */
function decodePng(bytes: Uint8Array): DecodedPng {
  expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const types: string[] = [];
  const idat: Uint8Array[] = [];
  const text: Record<string, string> = {};
  let header: DataView | undefined;
  let paletteSize = 0;
  let offset = 8;
  while (offset < bytes.byteLength) {
    const length = view.getUint32(offset);
    const type = Buffer.from(bytes.subarray(offset + 4, offset + 8)).toString("latin1");
    const data = bytes.subarray(offset + 8, offset + 8 + length);
    expect(view.getUint32(offset + 8 + length), `CRC of ${type}`).toBe(
      crc32(bytes.subarray(offset + 4, offset + 8 + length)),
    );
    types.push(type);
    if (type === "IHDR") header = new DataView(data.buffer, data.byteOffset, data.byteLength);
    if (type === "PLTE") paletteSize = length / 3;
    if (type === "IDAT") idat.push(data);
    if (type === "tEXt") {
      const sep = data.indexOf(0);
      text[Buffer.from(data.subarray(0, sep)).toString("latin1")] = Buffer.from(
        data.subarray(sep + 1),
      ).toString("latin1");
    }
    offset += 12 + length;
  }
  expect(offset).toBe(bytes.byteLength);
  expect(types[0]).toBe("IHDR");
  expect(types.at(-1)).toBe("IEND");
  if (!header) throw new Error("no IHDR");
  const width = header.getUint32(0);
  const height = header.getUint32(4);
  const colorType = header.getUint8(9);
  expect(header.getUint8(8)).toBe(8);
  const bytesPerPixel = colorType === 3 ? 1 : colorType === 2 ? 3 : 4;
  const raw = inflateSync(Buffer.concat(idat));
  expect(raw.byteLength).toBe(height * (width * bytesPerPixel + 1));
  for (let y = 0; y < height; y++) expect(raw[y * (width * bytesPerPixel + 1)]).toBeLessThanOrEqual(4);
  if (colorType === 3) {
    expect(paletteSize).toBeGreaterThan(0);
    let maxIndex = 0;
    for (let y = 0; y < height; y++) {
      const row = raw.subarray(y * (width + 1) + 1, (y + 1) * (width + 1));
      for (const v of row) if (v > maxIndex) maxIndex = v;
    }
    expect(maxIndex).toBeLessThan(paletteSize);
  }
  return { width, height, colorType, paletteSize, text };
}

const byUrl = (value: string) => ({ source: { case: "imageUrl" as const, value } });
const byFile = (value: string) => ({ source: { case: "fileId" as const, value } });

const DATA_URL = /^data:image\/png;base64,([A-Za-z0-9+/]+=*)$/;

function bytesOfDataUrl(url: string): Uint8Array {
  const match = DATA_URL.exec(url);
  if (!match?.[1]) throw new Error(`not a PNG data URL: ${url.slice(0, 40)}`);
  return new Uint8Array(Buffer.from(match[1], "base64"));
}

async function statusOf(p: Promise<unknown>): Promise<{ code: number; details: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as { code: number; details: string };
    return { code: err.code, details: err.details };
  }
  throw new Error("expected the call to fail");
}

describe("Image service", () => {
  const generate = (request: Request) =>
    fx.client.unary(Image.method.generateImage, {
      model: "grok-imagine-image",
      format: ImageFormat.IMG_FORMAT_BASE64,
      ...request,
    });
  const firstBytes = async (request: Request) => {
    const res = await generate(request);
    const image = res.images[0]?.image;
    if (image?.case === "base64") return bytesOfDataUrl(image.value);
    if (image?.case === "url") return new Uint8Array(await (await fetch(image.value)).arrayBuffer());
    throw new Error("no image");
  };

  const fx = useEmulator();

  it("returns a valid square 1K PNG as a data URL by default, with usage and honest metadata", async () => {
    const res = await generate({ prompt: "a lighthouse at dusk" });
    expect(res.model).toBe("grok-imagine-image");
    expect(res.images).toHaveLength(1);
    const [image] = res.images;
    expect(image?.respectModeration).toBe(true);
    expect(image?.image.case).toBe("base64");
    const png = decodePng(bytesOfDataUrl(String(image?.image.value)));
    expect(png).toMatchObject({ width: 1024, height: 1024, colorType: 3 });
    expect(png.text.Software).toContain("emulator");
    expect(png.text.Comment).toContain("a lighthouse at dusk");
    expect(res.usage?.promptTextTokens).toBe(fx.emu.context.tokenizer.count("a lighthouse at dusk"));
    expect(res.usage?.promptImageTokens).toBe(0);
    expect(res.usage?.totalTokens).toBe(res.usage?.promptTokens);
    // $0.07 per image, in ticks of 10^-10 USD.
    expect(res.usage?.costInUsdTicks).toBe(700_000_000n);
  });

  it("sizes images by aspect ratio and resolution", async () => {
    const cases: [ImageAspectRatio | undefined, ImageResolution | undefined, number, number][] = [
      [ImageAspectRatio.IMG_ASPECT_RATIO_AUTO, undefined, 1024, 1024],
      [ImageAspectRatio.IMG_ASPECT_RATIO_16_9, undefined, 1024, 576],
      [ImageAspectRatio.IMG_ASPECT_RATIO_9_16, ImageResolution.IMG_RESOLUTION_1K, 576, 1024],
      [ImageAspectRatio.IMG_ASPECT_RATIO_4_3, undefined, 1024, 768],
      [ImageAspectRatio.IMG_ASPECT_RATIO_2_3, undefined, 683, 1024],
      [ImageAspectRatio.IMG_ASPECT_RATIO_9_19_5, undefined, 473, 1024],
      [ImageAspectRatio.IMG_ASPECT_RATIO_20_9, undefined, 1024, 461],
      [ImageAspectRatio.IMG_ASPECT_RATIO_2_1, undefined, 1024, 512],
      [undefined, ImageResolution.IMG_RESOLUTION_2K, 2048, 2048],
      [ImageAspectRatio.IMG_ASPECT_RATIO_16_9, ImageResolution.IMG_RESOLUTION_2K, 2048, 1152],
    ];
    for (const [aspectRatio, resolution, width, height] of cases) {
      const png = decodePng(await firstBytes({ prompt: "a fox", aspectRatio, resolution }));
      expect([png.width, png.height], `${aspectRatio}/${resolution}`).toEqual([width, height]);
    }
  });

  it("is deterministic: same request (or model alias), same bytes; another prompt, other bytes", async () => {
    const a = await firstBytes({ prompt: "a red bicycle" });
    const b = await firstBytes({ prompt: "a red bicycle" });
    const c = await firstBytes({ prompt: "a blue bicycle" });
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    expect(Buffer.from(a).equals(Buffer.from(c))).toBe(false);
    // An alias is the same model: same picture, canonical name in the answer.
    const viaAlias = await generate({ prompt: "a red bicycle", model: "grok-2-image" });
    expect(viaAlias.model).toBe("grok-imagine-image");
    expect(Buffer.from(bytesOfDataUrl(String(viaAlias.images[0]?.image.value))).equals(Buffer.from(a))).toBe(
      true,
    );
  });

  it("makes n different images, each decodable", async () => {
    const res = await generate({
      prompt: "three cats",
      n: 3,
      aspectRatio: ImageAspectRatio.IMG_ASPECT_RATIO_3_2,
    });
    expect(res.images).toHaveLength(3);
    const all = res.images.map((img) => Buffer.from(bytesOfDataUrl(String(img.image.value))));
    expect(new Set(all.map((b) => b.toString("base64"))).size).toBe(3);
    for (const bytes of all) expect(decodePng(bytes)).toMatchObject({ width: 1024, height: 683 });
    expect(res.usage?.costInUsdTicks).toBe(2_100_000_000n);
    // The first of n is the single image of the same request.
    expect(
      all[0]?.equals(
        Buffer.from(
          await firstBytes({ prompt: "three cats", aspectRatio: ImageAspectRatio.IMG_ASPECT_RATIO_3_2 }),
        ),
      ),
    ).toBe(true);
  });

  it("serves IMG_FORMAT_URL images over loopback HTTP, with the same bytes as base64", async () => {
    const res = await generate({ prompt: "a harbour", format: ImageFormat.IMG_FORMAT_URL, n: 2 });
    expect(res.images.map((i) => i.image.case)).toEqual(["url", "url"]);
    const url = String(res.images[0]?.image.value);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/.+\.png$/);
    const fetched = await fetch(url);
    expect(fetched.status).toBe(200);
    expect(fetched.headers.get("content-type")).toBe("image/png");
    const bytes = Buffer.from(await fetched.arrayBuffer());
    expect(decodePng(bytes)).toMatchObject({ width: 1024, height: 1024 });
    expect(bytes.equals(Buffer.from(await firstBytes({ prompt: "a harbour" })))).toBe(true);
  });

  it("validates like the real API", async () => {
    const cases: [Request, number, string][] = [
      [{ prompt: "" }, Status.INVALID_ARGUMENT, "prompt"],
      [{ prompt: "   " }, Status.INVALID_ARGUMENT, "prompt"],
      [{ prompt: "x", format: ImageFormat.IMG_FORMAT_INVALID }, Status.INVALID_ARGUMENT, "format"],
      [{ prompt: "x", n: 0 }, Status.INVALID_ARGUMENT, "n must be between 1 and 10"],
      [{ prompt: "x", n: 11 }, Status.INVALID_ARGUMENT, "n must be between 1 and 10"],
      [{ prompt: "x", model: "grok-imagine-9" }, Status.NOT_FOUND, "grok-imagine-9"],
      [{ prompt: "x", model: "" }, Status.INVALID_ARGUMENT, "model"],
      [{ prompt: "x", aspectRatio: 99 as ImageAspectRatio }, Status.INVALID_ARGUMENT, "aspect_ratio"],
      [{ prompt: "x", resolution: 7 as ImageResolution }, Status.INVALID_ARGUMENT, "resolution"],
      [
        { prompt: "x", storageOptions: { filename: "a/b.png" } },
        Status.INVALID_ARGUMENT,
        "storage_options.filename",
      ],
      [
        { prompt: "x", storageOptions: { expiresAfter: 5n } },
        Status.INVALID_ARGUMENT,
        "storage_options.expires_after",
      ],
    ];
    for (const [request, code, text] of cases) {
      const result = await statusOf(generate(request));
      expect(
        result.code,
        JSON.stringify(request, (_k, v) => (typeof v === "bigint" ? `${v}` : v)),
      ).toBe(code);
      expect(result.details).toContain(text);
    }
  });

  describe("edits", () => {
    let input: Uint8Array;
    let inputUrl: string;
    beforeAll(async () => {
      const res = await generate({
        prompt: "a wide valley",
        aspectRatio: ImageAspectRatio.IMG_ASPECT_RATIO_16_9,
        format: ImageFormat.IMG_FORMAT_URL,
      });
      inputUrl = String(res.images[0]?.image.value);
      input = new Uint8Array(await (await fetch(inputUrl)).arrayBuffer());
    });
    const dataUrl = () => `data:image/png;base64,${Buffer.from(input).toString("base64")}`;

    it("reads the input image, keeps its shape, and changes the result deterministically", async () => {
      const plain = await firstBytes({ prompt: "add snow" });
      const edited = await firstBytes({ prompt: "add snow", image: byUrl(dataUrl()) });
      expect(Buffer.from(edited).equals(Buffer.from(plain))).toBe(false);
      expect(decodePng(edited)).toMatchObject({ width: 1024, height: 576 });
      const again = await firstBytes({ prompt: "add snow", image: byUrl(dataUrl()) });
      expect(Buffer.from(again).equals(Buffer.from(edited))).toBe(true);
      // An explicit ratio still wins over the input's shape.
      const square = await firstBytes({
        prompt: "add snow",
        image: byUrl(dataUrl()),
        aspectRatio: ImageAspectRatio.IMG_ASPECT_RATIO_1_1,
      });
      expect(decodePng(square)).toMatchObject({ width: 1024, height: 1024 });
    });

    it("gives the same edit whether the input comes as a data URL, a served URL or a file id", async () => {
      const viaData = await generate({ prompt: "add snow", images: [byUrl(dataUrl())] });
      const file = await fx.client.clientStream(Files.method.uploadFile, [
        { chunk: { case: "init", value: { name: "valley.png" } } },
        { chunk: { case: "data", value: input } },
      ]);
      const viaFile = await generate({ prompt: "add snow", images: [byFile(file.id)] });
      const viaUrl = await generate({ prompt: "add snow", images: [byUrl(inputUrl)] });
      const first = (r: typeof viaData) => r.images[0]?.image.value;
      expect(first(viaFile)).toBe(first(viaData));
      expect(first(viaUrl)).toBe(first(viaData));
      expect(viaData.usage?.promptImageTokens).toBe(256);
      const two = await generate({ prompt: "add snow", images: [byFile(file.id), byUrl(inputUrl)] });
      expect(two.usage?.promptImageTokens).toBe(512);
      expect(first(two)).not.toBe(first(viaData));
      // A remote URL is accepted without being fetched.
      const remote = await generate({ prompt: "add snow", image: byUrl("https://example.com/cat.png") });
      expect(decodePng(bytesOfDataUrl(String(first(remote))))).toMatchObject({ width: 1024, height: 1024 });
    });

    it("refuses inputs it cannot read", async () => {
      const text = `data:text/plain;base64,${Buffer.from("hello").toString("base64")}`;
      const notImage = `data:image/png;base64,${Buffer.from("hello").toString("base64")}`;
      const cases: [Request, number, string][] = [
        [{ prompt: "x", image: byFile("file-missing") }, Status.NOT_FOUND, "file-missing"],
        [{ prompt: "x", images: [byUrl(text)] }, Status.INVALID_ARGUMENT, "images[0].image_url"],
        [{ prompt: "x", image: byUrl(notImage) }, Status.INVALID_ARGUMENT, "not a PNG, JPEG"],
        [{ prompt: "x", image: byUrl("data:image/png;base64,@@@") }, Status.INVALID_ARGUMENT, "base64"],
        [{ prompt: "x", image: byUrl("ftp://example.com/a.png") }, Status.INVALID_ARGUMENT, "http(s)"],
        [{ prompt: "x", image: {} }, Status.INVALID_ARGUMENT, "image_url or file_id"],
        [
          { prompt: "x", image: byUrl(`${fx.emu.context.media.baseUrl}/media/zzzz/gone.png`) },
          Status.NOT_FOUND,
          "not served",
        ],
        [
          { prompt: "x", image: byUrl(dataUrl()), images: [byUrl(dataUrl())] },
          Status.INVALID_ARGUMENT,
          "either image or images",
        ],
      ];
      for (const [request, code, text] of cases) {
        const result = await statusOf(generate(request));
        expect(result.code, text).toBe(code);
        expect(result.details).toContain(text);
      }
    });
  });

  it("stores outputs in Files when storage_options asks, with public URLs", async () => {
    const res = await generate({
      prompt: "a map of the stars",
      n: 2,
      storageOptions: { filename: "stars.png", expiresAfter: 7200n, publicUrl: {} },
    });
    const outputs = res.images.map((i) => i.fileOutput);
    expect(outputs.map((o) => o?.filename)).toEqual(["stars-1.png", "stars-2.png"]);
    for (const [i, out] of outputs.entries()) {
      if (!out?.publicUrl) throw new Error("expected a public URL");
      const stored = await fx.client.unary(Files.method.retrieveFile, { fileId: out.fileId });
      expect(stored.filename).toBe(out.filename);
      expect(stored.expiresAt).toEqual(out.expiresAt);
      expect(out.publicUrlExpiresAt).toEqual(out.expiresAt);
      const bytes = Buffer.from(await (await fetch(out.publicUrl)).arrayBuffer());
      expect(bytes.equals(Buffer.from(bytesOfDataUrl(String(res.images[i]?.image.value))))).toBe(true);
    }
    const plain = await generate({ prompt: "one", storageOptions: {} });
    expect(plain.images[0]?.fileOutput?.filename).toBe("image.png");
    expect(plain.images[0]?.fileOutput?.publicUrl).toBeUndefined();
    expect(plain.images[0]?.storageError).toBeUndefined();
  });
});
