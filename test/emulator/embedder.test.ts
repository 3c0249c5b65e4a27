import { status as Status } from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import { EMBEDDING_DIMENSION } from "../../emulator/text/embedding.js";
import { Embedder, EmbedEncodingFormat, type EmbedResponse } from "../../gen/xai/api/v1/embed_pb.js";
import { useEmulator } from "../support/emulator-fixture.js";

const fx = useEmulator();

const text = (s: string) => ({ input: { case: "string" as const, value: s } });
const image = (url: string) => ({
  input: { case: "imageUrl" as const, value: { source: { case: "imageUrl" as const, value: url } } },
});
const vectorOf = (res: EmbedResponse, i: number): number[] =>
  res.embeddings[i]?.embeddings[0]?.floatArray ?? [];
const norm = (v: number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * (b[i] ?? 0), 0);
const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (e: unknown) => e as { code: number; details: string },
  );

describe("Embedder.Embed", () => {
  it("returns one unit vector per input, in order, with usage and the canonical model", async () => {
    const res = await fx.client.unary(Embedder.method.embed, {
      model: "grok-embedding-small-latest",
      input: [text("a cat sat on the mat"), image("https://example.com/cat.png"), text("stock prices fell")],
      encodingFormat: EmbedEncodingFormat.FORMAT_FLOAT,
    });
    expect(res.model).toBe("grok-embedding-small");
    expect(res.systemFingerprint).toBe("fp_emulator_embedsmall");
    expect(res.id).not.toBe("");
    expect(res.embeddings.map((e) => e.index)).toEqual([0, 1, 2]);
    expect(res.usage?.numTextEmbeddings).toBe(2);
    expect(res.usage?.numImageEmbeddings).toBe(1);
    for (let i = 0; i < 3; i++) {
      expect(vectorOf(res, i)).toHaveLength(EMBEDDING_DIMENSION);
      expect(norm(vectorOf(res, i))).toBeCloseTo(1, 5);
      expect(res.embeddings[i]?.embeddings[0]?.base64Array).toBe("");
    }
  });

  it("is deterministic, and texts that share words are closer than unrelated ones", async () => {
    const req = {
      model: "grok-embedding-small",
      input: [text("the cat sat on the mat"), text("a cat sat on a mat"), text("quarterly revenue report")],
    };
    const a = await fx.client.unary(Embedder.method.embed, req);
    const b = await fx.client.unary(Embedder.method.embed, req);
    expect(vectorOf(b, 0)).toEqual(vectorOf(a, 0));
    expect(dot(vectorOf(a, 0), vectorOf(a, 1))).toBeGreaterThan(0.4);
    expect(Math.abs(dot(vectorOf(a, 0), vectorOf(a, 2)))).toBeLessThan(0.3);
  });

  it("defaults an unset encoding_format to floats", async () => {
    const res = await fx.client.unary(Embedder.method.embed, {
      model: "grok-embedding-small",
      input: [text("hi")],
    });
    expect(vectorOf(res, 0)).toHaveLength(EMBEDDING_DIMENSION);
  });

  it("encodes FORMAT_BASE64 as little-endian float32 bytes of the same vector", async () => {
    const input = [text("base64 please")];
    const floats = await fx.client.unary(Embedder.method.embed, { model: "grok-embedding-small", input });
    const b64 = await fx.client.unary(Embedder.method.embed, {
      model: "grok-embedding-small",
      input,
      encodingFormat: EmbedEncodingFormat.FORMAT_BASE64,
    });
    const fv = b64.embeddings[0]?.embeddings[0];
    expect(fv?.floatArray).toEqual([]);
    const bytes = Buffer.from(fv?.base64Array ?? "", "base64");
    expect(bytes.length).toBe(EMBEDDING_DIMENSION * 4);
    const decoded = Array.from({ length: EMBEDDING_DIMENSION }, (_, i) => bytes.readFloatLE(i * 4));
    expect(decoded).toEqual(vectorOf(floats, 0));
  });

  it("embeds an uploaded image file by its contents and refuses an unknown file id", async () => {
    const file = fx.emu.context.files.add("cat.png", new Uint8Array([1, 2, 3, 4]));
    const byFile = (id: string) => ({
      input: { case: "imageUrl" as const, value: { source: { case: "fileId" as const, value: id } } },
    });
    const res = await fx.client.unary(Embedder.method.embed, {
      model: "grok-embedding-small",
      input: [byFile(file.id)],
    });
    expect(res.usage?.numImageEmbeddings).toBe(1);
    expect(norm(vectorOf(res, 0))).toBeCloseTo(1, 5);
    const err = await failure(
      fx.client.unary(Embedder.method.embed, {
        model: "grok-embedding-small",
        input: [byFile("file-missing")],
      }),
    );
    expect(err.code).toBe(Status.NOT_FOUND);
  });

  it("answers NOT_FOUND for an unknown or non-embedding model", async () => {
    for (const model of ["grok-embedding-huge", "grok-4"]) {
      const err = await failure(fx.client.unary(Embedder.method.embed, { model, input: [text("x")] }));
      expect(err.code).toBe(Status.NOT_FOUND);
      expect(err.details).toContain(`"${model}"`);
    }
  });

  it("answers INVALID_ARGUMENT for empty input, empty items and a bad format", async () => {
    const empty = await failure(
      fx.client.unary(Embedder.method.embed, { model: "grok-embedding-small", input: [] }),
    );
    expect(empty.code).toBe(Status.INVALID_ARGUMENT);
    expect(empty.details).toContain("input is empty");
    const blank = await failure(
      fx.client.unary(Embedder.method.embed, {
        model: "grok-embedding-small",
        input: [text("ok"), text("")],
      }),
    );
    expect(blank.code).toBe(Status.INVALID_ARGUMENT);
    expect(blank.details).toContain("input[1].string is empty");
    const unset = await failure(
      fx.client.unary(Embedder.method.embed, { model: "grok-embedding-small", input: [{}] }),
    );
    expect(unset.code).toBe(Status.INVALID_ARGUMENT);
    expect(unset.details).toContain("input[0] is empty");
    const format = await failure(
      fx.client.unary(Embedder.method.embed, {
        model: "grok-embedding-small",
        input: [text("x")],
        encodingFormat: 7 as EmbedEncodingFormat,
      }),
    );
    expect(format.code).toBe(Status.INVALID_ARGUMENT);
    expect(format.details).toContain("encoding_format");
    const noModel = await failure(fx.client.unary(Embedder.method.embed, { input: [text("x")] }));
    expect(noModel.code).toBe(Status.INVALID_ARGUMENT);
  });
});
