/**
 * A collection's settings as the emulator fills and checks them: the defaults the server applies
 * when a setting is left unset, and the `INVALID_ARGUMENT` checks on chunk sizes and field
 * definitions.
 */
import { clone, create } from "@bufbuild/protobuf";
import { type FieldDefinition, FieldDefinitionSchema } from "../../gen/xai/api/v1/collections_pb.js";
import {
  CharsConfigurationSchema,
  type ChunkConfiguration,
  ChunkConfigurationSchema,
  type IndexConfiguration,
  IndexConfigurationSchema,
} from "../../gen/xai/api/v1/types_pb.js";
import type { ModelCatalog } from "../catalog.js";
import { invalidArgument } from "../errors.js";

/** Embedding model of a collection created without `index_configuration`. */
export const DEFAULT_EMBEDDING_MODEL = "grok-embedding-small";
/** Chunk size of a collection created without `chunk_configuration`, in characters. */
export const DEFAULT_CHUNK_CHARS = 2000;
/** Overlap of consecutive chunks of such a collection, in characters. */
export const DEFAULT_CHUNK_OVERLAP_CHARS = 200;
/** Largest chunk size accepted, in any unit. */
export const MAX_CHUNK_SIZE = 1_000_000;

/**
 * The index configuration to store: the default model when none is named, else the named model,
 * which must be an embedding model of the catalog (`NOT_FOUND` otherwise, as for every model).
 */
export function indexConfiguration(given: IndexConfiguration | undefined, catalog: ModelCatalog) {
  const name = given?.modelName.trim() ?? "";
  if (name === "") return create(IndexConfigurationSchema, { modelName: DEFAULT_EMBEDDING_MODEL });
  catalog.embedding(name);
  return create(IndexConfigurationSchema, { modelName: name });
}

function checkSizes(path: string, sizeName: string, size: number, overlapName: string, overlap: number) {
  if (size < 1 || size > MAX_CHUNK_SIZE) {
    throw invalidArgument(`${path}.${sizeName} must be between 1 and ${MAX_CHUNK_SIZE}, got ${size}`);
  }
  if (overlap < 0 || overlap >= size) {
    throw invalidArgument(
      `${path}.${overlapName} must be at least 0 and less than ${sizeName} (${size}), got ${overlap}`,
    );
  }
}

/**
 * The chunk configuration to store. Unset entirely: 2000 characters with 200 of overlap and
 * whitespace stripping. Set without a unit: the same character sizes, with the caller's flags.
 */
export function chunkConfiguration(given: ChunkConfiguration | undefined): ChunkConfiguration {
  const defaultChars = () => ({
    case: "charsConfiguration" as const,
    value: create(CharsConfigurationSchema, {
      maxChunkSizeChars: DEFAULT_CHUNK_CHARS,
      chunkOverlapChars: DEFAULT_CHUNK_OVERLAP_CHARS,
    }),
  });
  if (given === undefined) {
    return create(ChunkConfigurationSchema, { config: defaultChars(), stripWhitespace: true });
  }
  // A copy: the stored settings must not share objects with the request message.
  const out = clone(ChunkConfigurationSchema, given);
  const c = out.config;
  const path = "chunk_configuration";
  switch (c.case) {
    case "charsConfiguration":
      checkSizes(
        `${path}.chars_configuration`,
        "max_chunk_size_chars",
        c.value.maxChunkSizeChars,
        "chunk_overlap_chars",
        c.value.chunkOverlapChars,
      );
      break;
    case "tokensConfiguration":
      checkSizes(
        `${path}.tokens_configuration`,
        "max_chunk_size_tokens",
        c.value.maxChunkSizeTokens,
        "chunk_overlap_tokens",
        c.value.chunkOverlapTokens,
      );
      break;
    case "bytesConfiguration":
      checkSizes(
        `${path}.bytes_configuration`,
        "max_chunk_size_bytes",
        c.value.maxChunkSizeBytes,
        "chunk_overlap_bytes",
        c.value.chunkOverlapBytes,
      );
      break;
    case undefined:
      out.config = defaultChars();
      break;
  }
  return out;
}

/** Checks one field definition: a non-empty key without surrounding spaces. */
export function fieldDefinition(given: FieldDefinition | undefined, path: string): FieldDefinition {
  if (given === undefined) throw invalidArgument(`${path} is required`);
  if (given.key.trim() === "") throw invalidArgument(`${path}.key must not be empty`);
  if (given.key !== given.key.trim()) {
    throw invalidArgument(`${path}.key must not start or end with whitespace: "${given.key}"`);
  }
  return clone(FieldDefinitionSchema, given);
}

/** Checks a list of field definitions: each valid, no key twice. */
export function fieldDefinitions(given: readonly FieldDefinition[], path: string): FieldDefinition[] {
  const seen = new Set<string>();
  return given.map((d, i) => {
    const def = fieldDefinition(d, `${path}[${i}]`);
    if (seen.has(def.key)) throw invalidArgument(`${path}: the key "${def.key}" is defined twice`);
    seen.add(def.key);
    return def;
  });
}
