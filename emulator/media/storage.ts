import type { MessageInitShape } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { FileOutputSchema, StorageOptions } from "../../gen/xai/api/v1/image_pb.js";
import type { EngineDeps } from "../context.js";
import { invalidArgument } from "../errors.js";
import { expiresAfterProblem, filenameProblem } from "../file-store.js";

/** Where a generated output was stored, or why it could not be. */
export interface StoredOutput {
  readonly fileOutput?: MessageInitShape<typeof FileOutputSchema>;
  readonly storageError?: string;
}

/**
 * Checks `storage_options` before anything is generated, so a bad name or expiry fails the request
 * with `INVALID_ARGUMENT` instead of producing outputs that cannot be stored.
 */
export function checkStorageOptions(options: StorageOptions | undefined, field = "storage_options"): void {
  if (!options) return;
  if (options.filename !== "") {
    const problem = filenameProblem(options.filename);
    if (problem) throw invalidArgument(`${field}.filename ${problem}`);
  }
  if (options.expiresAfter !== undefined) {
    const problem = expiresAfterProblem(options.expiresAfter);
    if (problem) throw invalidArgument(`${field}.expires_after ${problem}`);
  }
  if (options.publicUrl?.expiresAfter !== undefined) {
    const problem = expiresAfterProblem(options.publicUrl.expiresAfter);
    if (problem) throw invalidArgument(`${field}.public_url.expires_after ${problem}`);
  }
}

/**
 * The name the `index`-th of `count` outputs is stored under: the requested name (or `fallback`),
 * with `-<index+1>` before the extension when there are several.
 */
export function outputFilename(requested: string, fallback: string, index: number, count: number): string {
  const name = requested === "" ? fallback : requested;
  if (count <= 1) return name;
  const dot = name.lastIndexOf(".");
  return dot <= 0 ? `${name}-${index + 1}` : `${name.slice(0, dot)}-${index + 1}${name.slice(dot)}`;
}

/**
 * Stores a generated output in the file store as `storage_options` asks (options already checked
 * with {@link checkStorageOptions}), with a public URL when one is asked for. A file past the store's
 * size cap is not stored: the output then carries a `storage_error`, as on the real API.
 */
export function storeOutput(
  deps: Pick<EngineDeps, "files" | "config">,
  bytes: Uint8Array,
  options: StorageOptions,
  filename: string,
): StoredOutput {
  if (bytes.byteLength > deps.config.maxFileBytes) {
    return {
      storageError: `output of ${bytes.byteLength} bytes exceeds the largest file accepted (${deps.config.maxFileBytes} bytes)`,
    };
  }
  const expiresAfter = options.expiresAfter === undefined ? undefined : Number(options.expiresAfter);
  const file = deps.files.add(filename, bytes, expiresAfter);
  const url =
    options.publicUrl === undefined
      ? undefined
      : deps.files.createPublicUrl(
          file.id,
          options.publicUrl.expiresAfter === undefined ? undefined : Number(options.publicUrl.expiresAfter),
        );
  return {
    fileOutput: {
      fileId: file.id,
      filename: file.filename,
      expiresAt: file.expiresAt && timestampFromDate(file.expiresAt),
      publicUrl: url?.url,
      publicUrlExpiresAt: url?.expiresAt && timestampFromDate(url.expiresAt),
    },
  };
}
