import { z } from "zod";

const allPages = z
  .boolean()
  .optional()
  .describe("Follow every page while the answer is small; the returned token continues.");

/** `all_pages` alone: for lists that are small enough to return inline. */
export const ALL_PAGES_OPTIONS = z.object({ all_pages: allPages });

/** `all_pages`, `output_path`, `overwrite` and `append`: for lists that may hold thousands of items. */
export const PAGED_FILE_OPTIONS = z.object({
  all_pages: allPages,
  output_path: z
    .string()
    .min(1)
    .optional()
    .describe(
      "Write the items as JSONL to this file (in the allowed directories), return a summary. An existing file needs overwrite or append.",
    ),
  overwrite: z.boolean().optional().describe("Replace an existing output_path file."),
  append: z
    .boolean()
    .optional()
    .describe("Add to an existing output_path file, skipping items it holds (with pagination_token)."),
});

/** `input_path` of batch_add_batch_requests. */
export const INPUT_PATH_OPTIONS = z.object({
  input_path: z
    .string()
    .min(1)
    .optional()
    .describe(
      "JSONL file (under the allowed directories), one BatchRequest per line, instead of batch_requests. All lines are checked first; lines without batch_request_id get stable ids, so calling again never adds a request twice.",
    ),
});
