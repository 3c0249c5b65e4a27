import { status as Status } from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import { costInUsdTicks, isReasoningModel } from "../../emulator/catalog.js";
import { Modality, Models } from "../../gen/xai/api/v1/models_pb.js";
import { useEmulator } from "../support/emulator-fixture.js";

const fx = useEmulator();

const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (e: unknown) => e as { code: number; details: string },
  );

describe("Models.ListLanguageModels", () => {
  it("lists the four chat models with emulator fingerprints", async () => {
    const res = await fx.client.unary(Models.method.listLanguageModels, {});
    expect(res.models.map((m) => m.name)).toEqual([
      "grok-4",
      "grok-4-fast",
      "grok-3-mini",
      "grok-code-fast-1",
    ]);
    expect(res.models.map((m) => m.systemFingerprint)).toEqual([
      "fp_emulator_grok4",
      "fp_emulator_grok4fast",
      "fp_emulator_grok3mini",
      "fp_emulator_grokcode",
    ]);
  });

  it("describes grok-4 with aliases, modalities, prices and release date", async () => {
    const res = await fx.client.unary(Models.method.listLanguageModels, {});
    const grok4 = res.models[0];
    expect(grok4?.aliases).toEqual(["grok-4-0709", "grok-4-latest"]);
    expect(grok4?.version).toBe("1.0.0");
    expect(grok4?.inputModalities).toEqual([Modality.TEXT, Modality.IMAGE]);
    expect(grok4?.outputModalities).toEqual([Modality.TEXT]);
    expect(grok4?.promptTextTokenPrice).toBe(30000n);
    expect(grok4?.cachedPromptTokenPrice).toBe(7500n);
    expect(grok4?.completionTextTokenPrice).toBe(150000n);
    expect(grok4?.searchPrice).toBe(250_000_000n);
    expect(grok4?.maxPromptLength).toBe(256000);
    expect(grok4?.created?.seconds).toBe(BigInt(Date.parse("2025-07-09T00:00:00Z") / 1000));
  });
});

describe("Models.GetLanguageModel", () => {
  it("resolves an alias to its model", async () => {
    const m = await fx.client.unary(Models.method.getLanguageModel, { name: "grok-4-latest" });
    expect(m.name).toBe("grok-4");
    const mini = await fx.client.unary(Models.method.getLanguageModel, { name: "grok-3-mini-beta" });
    expect(mini.name).toBe("grok-3-mini");
    expect(mini.inputModalities).toEqual([Modality.TEXT]);
  });

  it("answers NOT_FOUND naming an unknown model", async () => {
    const err = await failure(fx.client.unary(Models.method.getLanguageModel, { name: "grok-9" }));
    expect(err.code).toBe(Status.NOT_FOUND);
    expect(err.details).toBe('The model "grok-9" does not exist or your API key does not have access to it.');
  });

  it("does not find an embedding model among language models", async () => {
    const err = await failure(
      fx.client.unary(Models.method.getLanguageModel, { name: "grok-embedding-small" }),
    );
    expect(err.code).toBe(Status.NOT_FOUND);
  });

  it("rejects an empty name with INVALID_ARGUMENT", async () => {
    const err = await failure(fx.client.unary(Models.method.getLanguageModel, { name: "" }));
    expect(err.code).toBe(Status.INVALID_ARGUMENT);
    expect(err.details).toContain("name is required");
  });
});

describe("Models: embedding and image models", () => {
  it("lists and gets the embedding model", async () => {
    const list = await fx.client.unary(Models.method.listEmbeddingModels, {});
    expect(list.models.map((m) => m.name)).toEqual(["grok-embedding-small"]);
    const m = await fx.client.unary(Models.method.getEmbeddingModel, { name: "grok-embedding-small-latest" });
    expect(m.name).toBe("grok-embedding-small");
    expect(m.outputModalities).toEqual([Modality.EMBEDDING]);
    expect(m.systemFingerprint).toBe("fp_emulator_embedsmall");
    const err = await failure(fx.client.unary(Models.method.getEmbeddingModel, { name: "grok-4" }));
    expect(err.code).toBe(Status.NOT_FOUND);
  });

  it("lists image and video models together and gets each by name", async () => {
    const list = await fx.client.unary(Models.method.listImageGenerationModels, {});
    expect(list.models.map((m) => m.name)).toEqual(["grok-imagine-image", "grok-imagine-video"]);
    const image = await fx.client.unary(Models.method.getImageGenerationModel, {
      name: "grok-imagine-image",
    });
    expect(image.imagePrice).toBe(7n);
    expect(image.outputModalities).toEqual([Modality.IMAGE]);
    const video = await fx.client.unary(Models.method.getImageGenerationModel, {
      name: "grok-imagine-video-latest",
    });
    expect(video.name).toBe("grok-imagine-video");
    expect(video.systemFingerprint).toBe("fp_emulator_imagine_video");
    const err = await failure(fx.client.unary(Models.method.getImageGenerationModel, { name: "dall-e-3" }));
    expect(err.code).toBe(Status.NOT_FOUND);
    expect(err.details).toContain('"dall-e-3"');
  });
});

describe("catalog helpers", () => {
  it("knows which chat models reason", () => {
    expect(isReasoningModel("grok-4")).toBe(true);
    expect(isReasoningModel("grok-4-0709")).toBe(true);
    expect(isReasoningModel("grok-3-mini")).toBe(true);
    expect(isReasoningModel("grok-4-fast")).toBe(false);
    expect(isReasoningModel("grok-code-fast-1")).toBe(false);
    expect(isReasoningModel("nope")).toBe(false);
    expect(fx.emu.context.catalog.isReasoning("grok-3-mini-latest")).toBe(true);
  });

  it("prices usage in USD ticks, one tick per token per price unit", () => {
    const grok4 = fx.emu.context.catalog.language("grok-4");
    // 1000 prompt tokens at $3/M = $0.003 = 3e7 ticks; 100 completion tokens at $15/M = 1.5e7 ticks.
    expect(costInUsdTicks(grok4, { promptText: 1000, completion: 100 })).toBe(45_000_000n);
    expect(costInUsdTicks(grok4, { cachedPromptText: 1000 })).toBe(7_500_000n);
  });

  it("hands out fresh messages that callers may change", () => {
    const a = fx.emu.context.catalog.language("grok-4");
    a.name = "changed";
    expect(fx.emu.context.catalog.language("grok-4").name).toBe("grok-4");
  });
});
