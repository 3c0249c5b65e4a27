/** The JSON-RPC error code MCP gives an unknown resource. */
export const RESOURCE_NOT_FOUND = -32002;

/** The model catalog resource. */
export const MODELS_URI = "xai://models";

/** What a template's URI names. */
export type ResourceKind = "file" | "stored-completion" | "batch" | "batch-results" | "collection";

/** A resource template: its URI pattern, the one id it takes, and the tools it needs listed. */
export interface TemplateSpec {
  readonly kind: ResourceKind;
  readonly name: string;
  readonly title: string;
  readonly uriTemplate: string;
  readonly description: string;
  readonly mimeType?: string;
  /** The template's one variable. */
  readonly variable: string;
  /** What the id names, for messages: `file`, `batch`. */
  readonly noun: string;
  /** The tools whose RPCs a read uses; the template is listed only while all of them are. */
  readonly tools: readonly string[];
  /** The URI's path after `xai://`, with the id where `{variable}` is. */
  readonly path: (id: string) => string;
  readonly pattern: RegExp;
}

/** The resource templates, in listing order. */
export const TEMPLATES: readonly TemplateSpec[] = [
  {
    kind: "file",
    name: "file",
    title: "Uploaded file",
    uriTemplate: "xai://files/{file_id}",
    description:
      "The content of a file uploaded to xAI, with its media type; above the inline limit, a note on saving it with files_retrieve_file_content.",
    variable: "file_id",
    noun: "file",
    tools: ["files_retrieve_file_content"],
    path: (id) => `files/${id}`,
    pattern: /^xai:\/\/files\/([^/?#]+)$/,
  },
  {
    kind: "stored-completion",
    name: "stored_completion",
    title: "Stored chat completion",
    uriTemplate: "xai://chat/stored/{response_id}",
    description: "A chat completion stored with store_messages, as JSON with its answer text.",
    mimeType: "application/json",
    variable: "response_id",
    noun: "stored completion",
    tools: ["chat_get_stored_completion"],
    path: (id) => `chat/stored/${id}`,
    pattern: /^xai:\/\/chat\/stored\/([^/?#]+)$/,
  },
  {
    kind: "batch",
    name: "batch",
    title: "Batch",
    uriTemplate: "xai://batches/{batch_id}",
    description: "A batch's state, request counts and cost, as JSON with a short summary.",
    mimeType: "application/json",
    variable: "batch_id",
    noun: "batch",
    tools: ["batch_get_batch"],
    path: (id) => `batches/${id}`,
    pattern: /^xai:\/\/batches\/([^/?#]+)$/,
  },
  {
    kind: "batch-results",
    name: "batch_results",
    title: "Batch results",
    uriTemplate: "xai://batches/{batch_id}/results",
    description:
      "A batch's finished results as JSONL (one result per line); a large set is cut short with a note on getting it all.",
    mimeType: "application/jsonl",
    variable: "batch_id",
    noun: "batch",
    tools: ["batch_list_batch_results"],
    path: (id) => `batches/${id}/results`,
    pattern: /^xai:\/\/batches\/([^/?#]+)\/results$/,
  },
  {
    kind: "collection",
    name: "collection",
    title: "Collection",
    uriTemplate: "xai://collections/{collection_id}",
    description: "A collection's metadata and its documents, as JSON with a short summary.",
    mimeType: "application/json",
    variable: "collection_id",
    noun: "collection",
    tools: ["collections_get_collection_metadata", "collections_list_documents"],
    path: (id) => `collections/${id}`,
    pattern: /^xai:\/\/collections\/([^/?#]+)$/,
  },
];

/** The tools the models resource reads through; it shows the kinds of models whose tools are listed. */
export const MODELS_TOOLS = [
  "models_list_language_models",
  "models_list_image_generation_models",
  "models_list_embedding_models",
] as const;

/** The tools the file entries of `resources/list` need: listing files, and reading them. */
export const FILE_LIST_TOOLS = ["files_list_files", "files_retrieve_file_content"] as const;

/** The tools whose successful calls change the account's file list. */
export const FILE_CHANGING_TOOLS: ReadonlySet<string> = new Set(["files_upload_file", "files_delete_file"]);

const all = (names: ReadonlySet<string>, tools: readonly string[]) => tools.every((t) => names.has(t));

/** What the tool selection lets the resources show. */
export interface ResourceVisibility {
  readonly models: boolean;
  readonly files: boolean;
  readonly templates: readonly TemplateSpec[];
}

/** The resources the listed tools allow: each needs the tools its reads go through. */
export function resourceVisibility(toolNames: ReadonlySet<string>): ResourceVisibility {
  return {
    models: MODELS_TOOLS.some((t) => toolNames.has(t)),
    files: all(toolNames, FILE_LIST_TOOLS),
    templates: TEMPLATES.filter((t) => all(toolNames, t.tools)),
  };
}

/** A template resource URI taken apart: the template, and the id (percent-decoded). */
export interface ParsedUri {
  readonly template: TemplateSpec;
  readonly id: string;
}

/** The template a URI matches, with its id; undefined when it matches none (or its id is malformed). */
export function parseResourceUri(uri: string): ParsedUri | undefined {
  for (const template of TEMPLATES) {
    const m = template.pattern.exec(uri);
    if (!m?.[1]) continue;
    try {
      const id = decodeURIComponent(m[1]);
      return id.trim() ? { template, id } : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** The URI of a template's resource for `id`. */
export function resourceUri(template: TemplateSpec, id: string): string {
  return `xai://${template.path(encodeURIComponent(id))}`;
}
