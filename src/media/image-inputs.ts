import type { DescMessage } from "@bufbuild/protobuf";
import type { AllowedRoots } from "../files/allowed-roots.js";
import { readChecked } from "../files/local-files.js";
import { noDirectories, PathAccessError } from "../files/path-validation.js";
import { MAX_MESSAGE_BYTES } from "../grpc/channel-options.js";
import { formatBytes } from "./byte-size.js";
import { toDataUrl } from "./data-url.js";
import { sniffImageType } from "./image-type.js";

/** Largest image input the xAI API accepts, in bytes (10 MiB). */
export const MAX_IMAGE_INPUT_BYTES = 10 * 1024 * 1024;

/** The message type every image input of the API uses. */
export const IMAGE_URL_CONTENT = "xai_api.ImageUrlContent";

/** What an `image_url` value points at. */
export type ImageRefKind = "data-url" | "remote" | "local";

/**
 * Classifies an `image_url` value: a data URL, a URL the API fetches itself (https, http, or any
 * other scheme, left for the API to judge), or a local path / `file://` URI that this server reads.
 */
export function classifyImageRef(value: string): ImageRefKind {
  const text = value.trim();
  if (/^data:/i.test(text)) return "data-url";
  if (/^file:/i.test(text)) return "local";
  // Two letters at least: `C:\…` is a Windows path, not a scheme.
  if (/^[a-z][a-z0-9+.-]+:/i.test(text)) return "remote";
  return "local";
}

/** A failure to read a local image input; the message names the field and the fix. */
export class ImageInputError extends PathAccessError {}

/**
 * Reads a local image (path or `file://` URI) inside the allowed directories and returns it as a
 * base64 data URL of the type its bytes show. The size is checked before anything is read.
 * `field` names the input in errors (`messages[0].content[1].image_url`).
 */
export async function localImageDataUrl(
  input: string,
  roots: AllowedRoots | undefined,
  field: string,
): Promise<string> {
  if (!roots) throw noDirectories();
  let file: Awaited<ReturnType<AllowedRoots["readable"]>>;
  try {
    file = await roots.readable(input);
  } catch (e) {
    throw new ImageInputError(`${field}: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (file.size > MAX_IMAGE_INPUT_BYTES) {
    throw new ImageInputError(
      `${field}: ${input} is ${formatBytes(file.size)}; the xAI API accepts images up to ${formatBytes(MAX_IMAGE_INPUT_BYTES)}. ` +
        "Downscale or recompress it (e.g. to JPEG) and try again.",
    );
  }
  const bytes = await readChecked(file);
  const type = sniffImageType(bytes);
  if (!type) {
    throw new ImageInputError(
      `${field}: ${input} is not a PNG, JPEG, GIF or WebP image (judged by its content, not its name)`,
    );
  }
  return toDataUrl(type, bytes);
}

type Obj = Record<string, unknown>;

/** Message types that can contain an ImageUrlContent somewhere below, memoized per type name. */
const reaches = new Map<string, boolean>();

function canReachImage(schema: DescMessage, visiting = new Set<string>()): boolean {
  const known = reaches.get(schema.typeName);
  if (known !== undefined) return known;
  if (schema.typeName === IMAGE_URL_CONTENT) return true;
  if (visiting.has(schema.typeName)) return false;
  visiting.add(schema.typeName);
  let found = false;
  for (const field of schema.fields) {
    const child =
      field.fieldKind === "message"
        ? field.message
        : field.fieldKind === "list" && field.listKind === "message"
          ? field.message
          : field.fieldKind === "map" && field.mapKind === "message"
            ? field.message
            : undefined;
    if (child && canReachImage(child, visiting)) {
      found = true;
      break;
    }
  }
  visiting.delete(schema.typeName);
  // A type on a cycle still being explored may be "false" only provisionally; cache only roots.
  if (visiting.size === 0 || found) reaches.set(schema.typeName, found);
  return found;
}

/** The value of a field of a generated message object (oneof members read through their group). */
function fieldValue(message: Obj, field: DescMessage["fields"][number]): unknown {
  if (field.oneof) {
    const group = message[field.oneof.localName] as { case?: string; value?: unknown } | undefined;
    return group?.case === field.localName ? group.value : undefined;
  }
  return message[field.localName];
}

/**
 * True when a request holds a local image input anywhere: checked synchronously first, so that the
 * common request without one (a URL, a data URL, no image at all) costs no asynchronous walk.
 */
function hasLocalImage(type: DescMessage, msg: Obj): boolean {
  if (type.typeName === IMAGE_URL_CONTENT) {
    const source = msg.source as { case?: string; value?: unknown } | undefined;
    return (
      source?.case === "imageUrl" &&
      typeof source.value === "string" &&
      classifyImageRef(source.value) === "local"
    );
  }
  for (const field of type.fields) {
    const value = fieldValue(msg, field);
    if (value === undefined || value === null) continue;
    switch (field.fieldKind) {
      case "message":
        if (canReachImage(field.message) && hasLocalImage(field.message, value as Obj)) return true;
        break;
      case "list":
        if (field.listKind === "message" && canReachImage(field.message)) {
          for (const item of value as Obj[]) if (hasLocalImage(field.message, item)) return true;
        }
        break;
      case "map":
        if (field.mapKind === "message" && canReachImage(field.message)) {
          for (const item of Object.values(value as Obj))
            if (hasLocalImage(field.message, item as Obj)) return true;
        }
        break;
      default:
        break;
    }
  }
  return false;
}

/**
 * Rewrites every local image input in a request — an `image_url` that is a path or a `file://` URI
 * in any `xai_api.ImageUrlContent`, at any depth (chat content, image edits, embeddings, video,
 * batch requests) — into the data URL of the file, read under the allowed directories. URLs, data
 * URLs and `file_id`s are left as they are. Returns how many inputs were rewritten. Refuses a request
 * that the inlined images would push past the API's 20 MiB message limit.
 */
export async function inlineLocalImages(
  schema: DescMessage,
  message: unknown,
  roots: AllowedRoots | undefined,
): Promise<number> {
  if (!canReachImage(schema) || !hasLocalImage(schema, message as Obj)) return 0;
  let count = 0;
  let inlined = 0;
  const visit = async (type: DescMessage, msg: Obj, path: string): Promise<void> => {
    if (type.typeName === IMAGE_URL_CONTENT) {
      const source = msg.source as { case?: string; value?: unknown } | undefined;
      if (source?.case === "imageUrl" && typeof source.value === "string") {
        if (classifyImageRef(source.value) === "local") {
          const url = await localImageDataUrl(source.value, roots, `${path}.image_url`);
          source.value = url;
          count += 1;
          inlined += url.length;
          if (inlined > MAX_MESSAGE_BYTES - 1024 * 1024) {
            throw new ImageInputError(
              `${path}.image_url: the local images of this request come to ${formatBytes(inlined)} as data URLs, ` +
                `past the API's ${formatBytes(MAX_MESSAGE_BYTES)} message limit. Upload them with files_upload_file ` +
                "and pass their file_id instead.",
            );
          }
        }
      }
      return;
    }
    for (const field of type.fields) {
      const value = fieldValue(msg, field);
      if (value === undefined || value === null) continue;
      const name = path ? `${path}.${field.name}` : field.name;
      switch (field.fieldKind) {
        case "message":
          if (canReachImage(field.message)) await visit(field.message, value as Obj, name);
          break;
        case "list":
          if (field.listKind === "message" && canReachImage(field.message)) {
            const items = value as Obj[];
            for (let i = 0; i < items.length; i++)
              await visit(field.message, items[i] as Obj, `${name}[${i}]`);
          }
          break;
        case "map":
          if (field.mapKind === "message" && canReachImage(field.message)) {
            for (const [key, item] of Object.entries(value as Obj)) {
              await visit(field.message, item as Obj, `${name}[${JSON.stringify(key)}]`);
            }
          }
          break;
        default:
          break;
      }
    }
  };
  await visit(schema, message as Obj, "");
  return count;
}
