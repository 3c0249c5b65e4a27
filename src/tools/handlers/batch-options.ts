import { z } from "zod";
import type { JsonSchema } from "../../schema/json-schema.js";
import type { ToolOptions } from "../tool.js";

const ALL_PAGES: JsonSchema = {
  type: "boolean",
  description: "Follow every page while the answer is small; the returned token continues.",
};

const OUTPUT_PATH: JsonSchema = {
  type: "string",
  description:
    "Write the items as JSONL to this file (in the allowed directories), return a summary. An existing file needs overwrite or append.",
};

const OVERWRITE: JsonSchema = { type: "boolean", description: "Replace an existing output_path file." };

const APPEND: JsonSchema = {
  type: "boolean",
  description: "Add to an existing output_path file, skipping items it holds (with pagination_token).",
};

/** `all_pages` alone: for lists that are small enough to return inline. */
export const ALL_PAGES_OPTION: ToolOptions = {
  properties: { all_pages: ALL_PAGES },
  validators: { all_pages: z.boolean() },
};

/** `all_pages` and `output_path`: for lists that may hold thousands of items. */
export const PAGED_FILE_OPTIONS: ToolOptions = {
  properties: { all_pages: ALL_PAGES, output_path: OUTPUT_PATH, overwrite: OVERWRITE, append: APPEND },
  validators: {
    all_pages: z.boolean(),
    output_path: z.string().min(1),
    overwrite: z.boolean(),
    append: z.boolean(),
  },
};

/** `input_path` of batch_add_batch_requests. */
export const INPUT_PATH_OPTION: ToolOptions = {
  properties: {
    input_path: {
      type: "string",
      description:
        "JSONL file (under the allowed directories), one BatchRequest per line, instead of batch_requests. All lines are checked first; lines without batch_request_id get stable ids, so calling again never adds a request twice.",
    },
  },
  validators: { input_path: z.string().min(1) },
};

/** The paging options a call was given. */
export interface PagingOptions {
  readonly allPages: boolean;
  readonly outputPath: string | undefined;
  /** Replace an existing output file. */
  readonly overwrite: boolean;
  /** Add to an existing output file. */
  readonly append: boolean;
}

/** Reads `all_pages`, `output_path`, `overwrite` and `append` from a call's tool-level options. */
export function pagingOptions(options: Record<string, unknown>): PagingOptions {
  return {
    allPages: options.all_pages === true,
    outputPath: typeof options.output_path === "string" ? options.output_path : undefined,
    overwrite: options.overwrite === true,
    append: options.append === true,
  };
}
