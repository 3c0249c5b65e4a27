import type { MessageInitShape } from "@bufbuild/protobuf";
import { status as Status } from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import {
  FinishReason,
  Sample,
  type SampleTextRequestSchema,
  type SampleTextResponse,
} from "../../gen/xai/api/v1/sample_pb.js";
import { useEmulator } from "../support/emulator-fixture.js";

type Request = MessageInitShape<typeof SampleTextRequestSchema>;

const fx = useEmulator();

const PROMPT = "Once upon a time, in a valley of rivers,";
const count = (s: string) => fx.emu.context.tokenizer.count(s);
const sample = (req: Request) => fx.client.unary(Sample.method.sampleText, req);
const stream = async (req: Request) => {
  const chunks: SampleTextResponse[] = [];
  for await (const c of fx.client.serverStream(Sample.method.sampleTextStreaming, req)) chunks.push(c);
  return chunks;
};
const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error("expected the call to fail");
    },
    (e: unknown) => e as { code: number; details: string },
  );

describe("Sample.SampleText", () => {
  it("continues the prompt, says it is emulated, and reports usage from the tokenizer", async () => {
    const res = await sample({ prompt: [PROMPT], model: "grok-3-mini" });
    expect(res.model).toBe("grok-3-mini");
    expect(res.systemFingerprint).toBe("fp_emulator_grok3mini");
    expect(res.id).not.toBe("");
    expect(res.created?.seconds).toBeGreaterThan(0n);
    expect(res.choices).toHaveLength(1);
    const [choice] = res.choices;
    expect(choice?.index).toBe(0);
    expect(choice?.finishReason).toBe(FinishReason.REASON_STOP);
    expect(choice?.text.startsWith(" (Emulated continuation by grok-3-mini.) ")).toBe(true);
    expect(choice?.text.endsWith(".")).toBe(true);
    const completion = count(choice?.text ?? "");
    expect(res.usage?.promptTokens).toBe(count(PROMPT));
    expect(res.usage?.promptTextTokens).toBe(count(PROMPT));
    expect(res.usage?.completionTokens).toBe(completion);
    expect(res.usage?.totalTokens).toBe(count(PROMPT) + completion);
    // grok-3-mini: 3000 ticks per prompt token, 5000 per completion token.
    expect(res.usage?.costInUsdTicks).toBe(BigInt(count(PROMPT) * 3000 + completion * 5000));
  });

  it("is deterministic; an alias gives its model's text; the seed changes it", async () => {
    const a = await sample({ prompt: [PROMPT], model: "grok-3-mini" });
    const b = await sample({ prompt: [PROMPT], model: "grok-3-mini-latest" });
    const seeded = await sample({ prompt: [PROMPT], model: "grok-3-mini", seed: 42 });
    const seededAgain = await sample({ prompt: [PROMPT], model: "grok-3-mini", seed: 42 });
    expect(b.choices[0]?.text).toBe(a.choices[0]?.text);
    expect(seeded.choices[0]?.text).not.toBe(a.choices[0]?.text);
    expect(seededAgain.choices[0]?.text).toBe(seeded.choices[0]?.text);
  });

  it("gives n different choices per prompt, indexed prompt by prompt", async () => {
    const res = await sample({ prompt: [PROMPT, "Dear diary"], model: "grok-4", n: 3 });
    expect(res.choices.map((c) => c.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(new Set(res.choices.map((c) => c.text)).size).toBe(6);
    const single = await sample({ prompt: ["Dear diary"], model: "grok-4" });
    expect(res.choices[3]?.text).toBe(single.choices[0]?.text);
    expect(res.usage?.promptTokens).toBe(count(PROMPT) + count("Dear diary"));
    expect(res.usage?.completionTokens).toBe(res.choices.reduce((s, c) => s + count(c.text), 0));
  });

  it("cuts at max_tokens with REASON_MAX_LEN", async () => {
    const full = (await sample({ prompt: [PROMPT], model: "grok-4-fast" })).choices[0]?.text ?? "";
    const res = await sample({ prompt: [PROMPT], model: "grok-4-fast", maxTokens: 5 });
    const text = res.choices[0]?.text ?? "";
    expect(text).toBe(" (Emulated continu");
    expect(full.startsWith(text)).toBe(true);
    expect(count(text)).toBe(5);
    expect(res.choices[0]?.finishReason).toBe(FinishReason.REASON_MAX_LEN);
    expect(res.usage?.completionTokens).toBe(5);
    const roomy = await sample({ prompt: [PROMPT], model: "grok-4-fast", maxTokens: 10_000 });
    expect(roomy.choices[0]?.text).toBe(full);
    expect(roomy.choices[0]?.finishReason).toBe(FinishReason.REASON_STOP);
  });

  it("ends before the earliest stop sequence with REASON_STOP", async () => {
    const res = await sample({ prompt: [PROMPT], model: "grok-code-fast-1", stop: ["zzz", "."] });
    expect(res.choices[0]?.text).toBe(" (Emulated continuation by grok-code-fast-1");
    expect(res.choices[0]?.finishReason).toBe(FinishReason.REASON_STOP);
    expect(res.usage?.completionTokens).toBe(count(" (Emulated continuation by grok-code-fast-1"));
    // The stop sequence lies beyond max_tokens: the length limit wins.
    const cut = await sample({ prompt: [PROMPT], model: "grok-code-fast-1", stop: ["."], maxTokens: 3 });
    expect(cut.choices[0]?.text).toBe(" (Emulated");
    expect(cut.choices[0]?.finishReason).toBe(FinishReason.REASON_MAX_LEN);
  });

  it("validates like the API", async () => {
    const cases: [Request, number, string][] = [
      [{ prompt: [], model: "grok-4" }, Status.INVALID_ARGUMENT, "prompt is empty"],
      [{ prompt: ["ok", ""], model: "grok-4" }, Status.INVALID_ARGUMENT, "prompt[1] is empty"],
      [{ prompt: ["hi"], model: "grok-9" }, Status.NOT_FOUND, '"grok-9"'],
      [{ prompt: ["hi"], model: "grok-imagine-image" }, Status.NOT_FOUND, '"grok-imagine-image"'],
      [{ prompt: ["hi"] }, Status.INVALID_ARGUMENT, "model is required"],
      [
        { prompt: ["hi"], model: "grok-4", n: 0 },
        Status.INVALID_ARGUMENT,
        "n must be between 1 and 8, got 0",
      ],
      [
        { prompt: ["hi"], model: "grok-4", n: 9 },
        Status.INVALID_ARGUMENT,
        "n must be between 1 and 8, got 9",
      ],
      [
        { prompt: ["hi"], model: "grok-4", maxTokens: 0 },
        Status.INVALID_ARGUMENT,
        "max_tokens must be at least 1",
      ],
      [{ prompt: ["hi"], model: "grok-4", temperature: 2.5 }, Status.INVALID_ARGUMENT, "temperature"],
      [{ prompt: ["hi"], model: "grok-4", topP: 1.5 }, Status.INVALID_ARGUMENT, "top_p"],
      [{ prompt: ["hi"], model: "grok-4", stop: [""] }, Status.INVALID_ARGUMENT, "stop[0] is empty"],
    ];
    for (const [req, code, message] of cases) {
      const err = await failure(sample(req));
      expect(err.code, JSON.stringify(req)).toBe(code);
      expect(err.details).toContain(message);
      const streamed = await failure(stream(req));
      expect(streamed.code).toBe(code);
    }
  });
});

describe("Sample.SampleTextStreaming", () => {
  const joined = (chunks: SampleTextResponse[]) => {
    const texts = new Map<number, string>();
    for (const c of chunks)
      for (const ch of c.choices) texts.set(ch.index, (texts.get(ch.index) ?? "") + ch.text);
    return texts;
  };

  it("streams the unary text in several chunks, finish reason last, usage cumulative", async () => {
    const req: Request = {
      prompt: [PROMPT, "Dear diary"],
      model: "grok-4",
      n: 2,
      maxTokens: 20,
      stop: [","],
    };
    const unary = await sample(req);
    const chunks = await stream(req);
    expect(chunks.length).toBeGreaterThan(2);
    const texts = joined(chunks);
    expect([...texts.keys()].sort()).toEqual([0, 1, 2, 3]);
    for (const c of unary.choices) expect(texts.get(c.index)).toBe(c.text);

    for (const c of unary.choices) {
      const mine = chunks.flatMap((k) => k.choices.filter((ch) => ch.index === c.index));
      expect(mine.slice(0, -1).every((ch) => ch.finishReason === FinishReason.REASON_INVALID)).toBe(true);
      expect(mine.at(-1)?.finishReason).toBe(c.finishReason);
    }

    const completions = chunks.map((k) => k.usage?.completionTokens ?? -1);
    expect(completions).toEqual([...completions].sort((a, b) => a - b));
    expect(chunks.every((k) => k.usage?.promptTokens === unary.usage?.promptTokens)).toBe(true);
    const last = chunks.at(-1);
    expect(last?.usage?.completionTokens).toBe(unary.usage?.completionTokens);
    expect(last?.usage?.totalTokens).toBe(unary.usage?.totalTokens);
    expect(last?.usage?.costInUsdTicks).toBe(unary.usage?.costInUsdTicks);
    expect(new Set(chunks.map((k) => k.id)).size).toBe(1);
    expect(chunks.every((k) => k.model === "grok-4" && k.systemFingerprint === "fp_emulator_grok4")).toBe(
      true,
    );
  });

  it("sends an empty choice with its finish reason when a stop sequence comes first", async () => {
    const chunks = await stream({ prompt: [PROMPT], model: "grok-4", stop: [" (Emulated"] });
    expect(chunks).toHaveLength(1);
    expect(chunks[0]?.choices).toEqual([
      expect.objectContaining({ index: 0, text: "", finishReason: FinishReason.REASON_STOP }),
    ]);
    expect(chunks[0]?.usage?.completionTokens).toBe(0);
  });
});
