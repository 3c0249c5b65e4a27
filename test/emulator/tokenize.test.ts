import { status as Status } from "@grpc/grpc-js";
import { describe, expect, it } from "vitest";
import { createTokenizer, VOCAB_SIZE } from "../../emulator/tokenizer.js";
import { Tokenize } from "../../gen/xai/api/v1/tokenize_pb.js";
import { useEmulator } from "../support/emulator-fixture.js";

const fx = useEmulator();

const SAMPLES = [
  "Hello, world!  How are   you?\n\nFine.",
  "internationalization 😀😀😀😀😀 über-cool 12345",
  "tabs\tand\r\nnewlines\n",
  "日本語のテキストです。",
  "e\u0301 combining! \u0301",
  "",
];

describe("tokenizer", () => {
  const tokenizer = createTokenizer();

  it("splits words (with one leading space), punctuation and whitespace runs, at most 4 characters each", () => {
    expect(tokenizer.pieces("Hello, world!  How are   you?")).toEqual([
      "Hell",
      "o",
      ",",
      " wor",
      "ld",
      "!",
      "  ",
      "How",
      " are",
      "   ",
      "you",
      "?",
    ]);
    expect(tokenizer.pieces("😀😀😀😀😀")).toEqual(["😀", "😀", "😀", "😀", "😀"]);
    expect(tokenizer.pieces("abcdefghij")).toEqual(["abcd", "efgh", "ij"]);
  });

  it("round-trips every text, counts consistently and gives UTF-8 bytes and stable ids", () => {
    const decoder = new TextDecoder();
    for (const text of SAMPLES) {
      const tokens = tokenizer.tokenize(text);
      expect(tokens.map((t) => t.text).join("")).toBe(text);
      expect(tokenizer.count(text)).toBe(tokens.length);
      for (const t of tokens) {
        expect(decoder.decode(t.bytes)).toBe(t.text);
        expect(t.id).toBeGreaterThanOrEqual(0);
        expect(t.id).toBeLessThan(VOCAB_SIZE);
      }
      expect(
        createTokenizer()
          .tokenize(text)
          .map((t) => t.id),
      ).toEqual(tokens.map((t) => t.id));
    }
    const [a, b] = tokenizer.tokenize("dog dog");
    expect(tokenizer.tokenize(" dog")[0]?.id).toBe(b?.id);
    expect(a?.id).not.toBe(b?.id);
  });

  it("truncates to whole tokens, and a truncated text counts as that many tokens", () => {
    for (const text of SAMPLES) {
      const total = tokenizer.count(text);
      for (let k = 0; k <= total + 1; k++) {
        const prefix = tokenizer.truncate(text, k);
        expect(text.startsWith(prefix)).toBe(true);
        expect(tokenizer.count(prefix)).toBe(Math.min(k, total));
      }
    }
  });
});

describe("Tokenize.TokenizeText", () => {
  it("returns the tokenizer's tokens and the canonical model name", async () => {
    const res = await fx.client.unary(Tokenize.method.tokenizeText, {
      text: "Hello, world!",
      model: "grok-4-latest",
    });
    expect(res.model).toBe("grok-4");
    expect(res.tokens.map((t) => t.stringToken)).toEqual(["Hell", "o", ",", " wor", "ld", "!"]);
    const expected = createTokenizer().tokenize("Hello, world!");
    expect(res.tokens.map((t) => t.tokenId)).toEqual(expected.map((t) => t.id));
    expect(res.tokens.map((t) => Buffer.from(t.tokenBytes).toString("utf8"))).toEqual(
      expected.map((t) => t.text),
    );
  });

  it("counts what the emulator's usage counts", async () => {
    const text = "The quick brown fox jumps over the lazy dog.";
    const res = await fx.client.unary(Tokenize.method.tokenizeText, { text, model: "grok-3-mini" });
    expect(res.tokens.length).toBe(fx.emu.context.tokenizer.count(text));
    expect(res.tokens.length).toBe(15);
  });

  it("returns no tokens for empty text", async () => {
    const res = await fx.client.unary(Tokenize.method.tokenizeText, { text: "", model: "grok-4" });
    expect(res.tokens).toEqual([]);
  });

  it("answers NOT_FOUND for an unknown or non-language model", async () => {
    for (const model of ["grok-9", "grok-embedding-small"]) {
      const err = (await fx.client
        .unary(Tokenize.method.tokenizeText, { text: "hi", model })
        .catch((e: unknown) => e)) as { code: number; details: string };
      expect(err.code).toBe(Status.NOT_FOUND);
      expect(err.details).toContain(`"${model}"`);
    }
  });

  it("answers INVALID_ARGUMENT without a model", async () => {
    const err = (await fx.client
      .unary(Tokenize.method.tokenizeText, { text: "hi" })
      .catch((e: unknown) => e)) as {
      code: number;
    };
    expect(err.code).toBe(Status.INVALID_ARGUMENT);
  });
});
