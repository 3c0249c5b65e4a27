import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { bm25Scores } from "../../emulator/collections/bm25.js";
import { chunkText } from "../../emulator/collections/chunker.js";
import { termFrequencies, terms } from "../../emulator/collections/lexical-terms.js";
import { createTokenizer } from "../../emulator/tokenizer.js";
import { ChunkConfigurationSchema } from "../../gen/xai/api/v1/types_pb.js";

const tokenizer = createTokenizer();
const noHeader = { documentName: "doc.txt", injectedFields: [] };

function chars(
  max: number,
  overlap: number,
  extra: { stripWhitespace?: boolean; injectNameIntoChunks?: boolean } = {},
) {
  return create(ChunkConfigurationSchema, {
    config: { case: "charsConfiguration", value: { maxChunkSizeChars: max, chunkOverlapChars: overlap } },
    ...extra,
  });
}

describe("chunker", () => {
  it("cuts characters at word boundaries with overlap", () => {
    const text = "one two three four five six seven eight nine ten";
    expect(chunkText(text, chars(15, 0), noHeader, tokenizer)).toEqual([
      "one two three ",
      "four five six ",
      "seven eight ",
      "nine ten",
    ]);
    const overlapped = chunkText(text, chars(15, 6), noHeader, tokenizer);
    expect(overlapped[0]).toBe("one two three ");
    // The next chunk starts inside the previous one's last 6 characters, at a word.
    expect(overlapped[1]?.startsWith("three ")).toBe(true);
    expect(overlapped.join(" ")).toContain("nine ten");
  });

  it("strips surplus whitespace and drops empty chunks", () => {
    const text = "alpha   beta\n\n\n          \n gamma";
    expect(chunkText(text, chars(12, 0, { stripWhitespace: true }), noHeader, tokenizer)).toEqual([
      "alpha beta",
      "gamma",
    ]);
  });

  it("counts tokens with the emulator's tokenizer", () => {
    const config = create(ChunkConfigurationSchema, {
      config: { case: "tokensConfiguration", value: { maxChunkSizeTokens: 3, chunkOverlapTokens: 0 } },
    });
    const chunks = chunkText("aa bb cc dd ee ff", config, noHeader, tokenizer);
    expect(chunks).toEqual(["aa bb cc", " dd ee ff"]);
    for (const c of chunks) expect(tokenizer.count(c)).toBeLessThanOrEqual(3);
  });

  it("counts bytes and never splits a character", () => {
    const config = create(ChunkConfigurationSchema, {
      config: { case: "bytesConfiguration", value: { maxChunkSizeBytes: 5, chunkOverlapBytes: 0 } },
    });
    const chunks = chunkText("ééééé", config, noHeader, tokenizer);
    expect(chunks).toEqual(["éé", "éé", "é"]);
  });

  it("injects the name and fields as a header not counted in the size", () => {
    const config = chars(10, 0, { injectNameIntoChunks: true });
    const chunks = chunkText(
      "red green blue",
      config,
      { documentName: "colours.txt", injectedFields: [["lang", "en"]] },
      tokenizer,
    );
    expect(chunks).toEqual(["colours.txt\nlang: en\n\nred green ", "colours.txt\nlang: en\n\nblue"]);
  });
});

describe("lexical search", () => {
  it("folds case, accents and plurals", () => {
    expect(terms("Cafés, BOXES and Libraries: the 2 dogs' bus")).toEqual([
      "cafe",
      "box",
      "and",
      "library",
      "the",
      "2",
      "dog",
      "bus",
    ]);
  });

  it("ranks by BM25: rarer words weigh more, no match scores 0", () => {
    const docs = ["the cat sat", "the dog sat", "the cat and the dog", "nothing here"].map((t) => {
      const list = terms(t);
      return { termCounts: termFrequencies(list), length: list.length };
    });
    const scores = bm25Scores(terms("cat sat"), docs);
    expect(scores[3]).toBe(0);
    expect(scores[0]).toBeGreaterThan(scores[1] ?? 0);
    expect(scores[0]).toBeGreaterThan(scores[2] ?? 0);
  });
});
