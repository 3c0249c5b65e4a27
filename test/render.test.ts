import { type DescMessage, fromJson, type JsonObject } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { ListDocumentsResponseSchema } from "../gen/xai/api/v1/collections_pb.js";
import { SearchResponseSchema } from "../gen/xai/api/v1/documents_pb.js";
import { EmbedResponseSchema } from "../gen/xai/api/v1/embed_pb.js";
import { DeleteFileResponseSchema, ListFilesResponseSchema } from "../gen/xai/api/v1/files_pb.js";
import { ListLanguageModelsResponseSchema } from "../gen/xai/api/v1/models_pb.js";
import { TokenizeTextResponseSchema } from "../gen/xai/api/v1/tokenize_pb.js";
import { SamplingUsageSchema } from "../gen/xai/api/v1/usage_pb.js";
import { renderText as renderMessage } from "../src/tools/render/index.js";
import { mediaUsageLine } from "../src/tools/render/media-usage.js";

/** The text of a response given in protobuf JSON, as a tool renders it from the typed message. */
const renderText = (schema: DescMessage, json: JsonObject) =>
  renderMessage(schema, fromJson(schema, json), json);

describe("text blocks written for the agent", () => {
  it("lists models one per line with aliases, limits and prices per million tokens", () => {
    const text = renderText(ListLanguageModelsResponseSchema, {
      models: [
        {
          name: "grok-4",
          aliases: ["grok-4-latest"],
          input_modalities: ["TEXT", "IMAGE"],
          output_modalities: ["TEXT"],
          prompt_text_token_price: "30000",
          completion_text_token_price: "150000",
          max_prompt_length: 256000,
          system_fingerprint: "fp_x",
        },
      ],
    });
    expect(text).toBe(
      "1 model:\n- grok-4 · aliases grok-4-latest · in TEXT, IMAGE → out TEXT · max prompt 256000 tokens · " +
        "prompt $3.00/M, completion $15.00/M · fingerprint fp_x",
    );
  });

  it("lists files with the next page token", () => {
    const text = renderText(ListFilesResponseSchema, {
      data: [{ id: "file-1", filename: "a.txt", size: "12", created_at: "2025-01-01T00:00:00Z" }],
      pagination_token: "tok",
    });
    expect(text).toBe(
      '1 file:\n- file-1 "a.txt" · 12 bytes · created 2025-01-01T00:00:00Z\nMore on the next page: pagination_token "tok".',
    );
  });

  it("summarises embeddings instead of printing every float", () => {
    const floats = Array.from({ length: 256 }, (_, i) => i / 1000);
    const text = renderText(EmbedResponseSchema, {
      model: "grok-embedding-small",
      embeddings: [{ index: 0, embeddings: [{ float_array: floats }] }],
      usage: { num_text_embeddings: 1 },
    });
    expect(text).toContain("- input 0: 256 floats [0.0000, 0.0010, 0.0020, 0.0030, …]");
    expect(text.length).toBeLessThan(300);
  });

  it("shows tokens as id and text", () => {
    expect(
      renderText(TokenizeTextResponseSchema, {
        model: "grok-4",
        tokens: [
          { token_id: 7, string_token: "Hi" },
          { token_id: 9, string_token: "!" },
        ],
      }),
    ).toBe('2 tokens (grok-4): 7:"Hi" 9:"!"');
  });

  it("shows search matches best first with their chunk text", () => {
    const text = renderText(SearchResponseSchema, {
      matches: [
        {
          file_id: "f1",
          chunk_id: "c1",
          chunk_content: "the  harbour\nlights",
          score: 1.5,
          collection_ids: ["k"],
        },
      ],
    });
    expect(text).toBe("1 match:\n- score 1.500 · file f1 · chunk c1 · collections k\n  the harbour lights");
  });

  it("lists a collection's documents with their status by name, chunks and fields", () => {
    const text = renderText(ListDocumentsResponseSchema, {
      documents: [
        {
          file_metadata: { file_id: "f1", name: "a.txt" },
          status: "DOCUMENT_STATUS_PROCESSED",
          chunk_count: 0,
          fields: { lang: "en" },
        },
        { file_metadata: { file_id: "f2" }, error_message: "bad pdf" },
      ],
      pagination_token: "next",
    });
    expect(text).toBe(
      '2 documents:\n- f1 "a.txt" · DOCUMENT_STATUS_PROCESSED · 0 chunks · fields {"lang":"en"}\n' +
        '- f2 "—" · — · error: bad pdf\nMore on the next page: pagination_token "next".',
    );
  });

  it("falls back to compact JSON for other responses", () => {
    expect(renderText(DeleteFileResponseSchema, { id: "f", deleted: true })).toBe(
      '{"id":"f","deleted":true}',
    );
  });

  it("words an image call's usage from the typed message: tokens, image tokens, cost when reported", () => {
    const usage = (json: JsonObject) => mediaUsageLine(fromJson(SamplingUsageSchema, json));
    expect(usage({ prompt_tokens: 12, prompt_image_tokens: 256, cost_in_usd_ticks: "700000000" })).toBe(
      "12 prompt tokens (256 for images) · cost $0.0700",
    );
    expect(usage({ prompt_tokens: 1 })).toBe("1 prompt token");
    // A cost that is set, even to zero, is shown; none at all leaves no line.
    expect(usage({ cost_in_usd_ticks: "0" })).toBe("cost $0.0000");
    expect(usage({})).toBeUndefined();
    expect(mediaUsageLine(undefined)).toBeUndefined();
  });
});
