import { Embedder, EmbedEncodingFormat, type EmbedInput } from "../../gen/xai/api/v1/embed_pb.js";
import type { EmulatorContext } from "../context.js";
import { invalidArgument } from "../errors.js";
import { bind, type ServiceBinding } from "../service-impl.js";
import { embedImage, embedText, float32Base64 } from "../text/embedding.js";
import { fnv1a } from "../text/hash.js";

/**
 * The Embedder service: deterministic unit vectors of `EMBEDDING_DIMENSION` (256) components, one
 * per input, in order. An unset `encoding_format` means `FORMAT_FLOAT`, the friendlier reading of a
 * request that did not choose.
 */
export function embedderService(ctx: EmulatorContext): ServiceBinding {
  /** The vector of one input, or `INVALID_ARGUMENT` naming the input that is empty. */
  const vectorOf = (input: EmbedInput, index: number): { vector: number[]; image: boolean } => {
    const where = `input[${index}]`;
    switch (input.input.case) {
      case "string":
        if (input.input.value === "") throw invalidArgument(`${where}.string is empty: give a text to embed`);
        return { vector: embedText(input.input.value), image: false };
      case "imageUrl": {
        const source = input.input.value.source;
        if (source.case === "imageUrl" && source.value !== "") {
          return { vector: embedImage(`url:${source.value}`), image: true };
        }
        if (source.case === "fileId" && source.value !== "") {
          // The file's contents, not its id, decide the vector: the same image embeds the same.
          const file = ctx.files.require(source.value);
          return { vector: embedImage(`file:${fnv1a(file.bytes)}:${file.bytes.length}`), image: true };
        }
        throw invalidArgument(`${where}.image_url has neither image_url nor file_id`);
      }
      case undefined:
        throw invalidArgument(`${where} is empty: set string or image_url`);
    }
  };

  return bind(Embedder, {
    embed: (req) => {
      if (req.model.trim() === "") throw invalidArgument("model is required, e.g. grok-embedding-small");
      const model = ctx.catalog.embedding(req.model);
      if (req.input.length === 0) throw invalidArgument("input is empty: give at least one text or image");
      const format = req.encodingFormat;
      if (
        format !== EmbedEncodingFormat.FORMAT_INVALID &&
        format !== EmbedEncodingFormat.FORMAT_FLOAT &&
        format !== EmbedEncodingFormat.FORMAT_BASE64
      ) {
        throw invalidArgument(`encoding_format ${format} is not valid: use FORMAT_FLOAT or FORMAT_BASE64`);
      }
      const vectors = req.input.map(vectorOf);
      return {
        id: ctx.newId("embed"),
        model: model.name,
        systemFingerprint: model.systemFingerprint,
        embeddings: vectors.map(({ vector }, index) => ({
          index,
          embeddings: [
            format === EmbedEncodingFormat.FORMAT_BASE64
              ? { base64Array: float32Base64(vector) }
              : { floatArray: vector },
          ],
        })),
        usage: {
          numTextEmbeddings: vectors.filter((v) => !v.image).length,
          numImageEmbeddings: vectors.filter((v) => v.image).length,
        },
      };
    },
  });
}
