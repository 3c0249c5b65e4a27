import type { VideoUrlContent } from "../../gen/xai/api/v1/video_pb.js";
import type { EngineDeps } from "../context.js";
import { invalidArgument, notFound } from "../errors.js";
import { fnv1a, hashParts } from "../text/hash.js";
import { type Mp4Info, mp4Info } from "./mp4.js";

/** A video input, read and checked. */
export interface ResolvedVideo {
  readonly source: "media-host" | "file" | "remote-url";
  /** Duration and size, when the video could be read (not for a remote URL, never fetched). */
  readonly info?: Mp4Info | undefined;
  /** A stable hash of the content (or of the URL, for a remote one). */
  readonly digest: number;
}

/**
 * Reads a video input: a URL served by the emulator's media host (`NOT_FOUND` once it is gone), any
 * other http(s) URL (accepted without being fetched: the emulator never goes to the network), or the
 * id of an uploaded file (`NOT_FOUND` when unknown). Content the emulator can read must be an MP4
 * file (`INVALID_ARGUMENT` otherwise). `field` names the input in error messages.
 */
export function resolveVideoInput(
  deps: Pick<EngineDeps, "media" | "files">,
  input: VideoUrlContent,
  field: string,
): ResolvedVideo {
  const source = input.source;
  switch (source.case) {
    case "url": {
      const url = source.value.trim();
      if (url.startsWith(deps.media.baseUrl)) {
        const item = deps.media.lookup(url);
        if (!item) throw notFound(`${field}.url: ${url} is not served (any more)`);
        return checked("media-host", item.bytes, `${field}.url`);
      }
      if (/^https?:\/\/[^\s/]+/i.test(url)) return { source: "remote-url", digest: hashParts("url", url) };
      throw invalidArgument(`${field}.url must be an http(s) URL of an MP4 video`);
    }
    case "fileId": {
      if (source.value.trim() === "") throw invalidArgument(`${field}.file_id must not be empty`);
      return checked("file", deps.files.require(source.value).bytes, `${field}.file_id`);
    }
    default:
      throw invalidArgument(`${field}: set url or file_id`);
  }
}

function checked(source: ResolvedVideo["source"], bytes: Uint8Array, field: string): ResolvedVideo {
  const isMp4 = bytes.byteLength >= 8 && String.fromCharCode(...bytes.subarray(4, 8)) === "ftyp";
  const info = isMp4 ? mp4Info(bytes) : undefined;
  if (!info) throw invalidArgument(`${field}: the content is not an MP4 video`);
  return { source, info, digest: fnv1a(bytes) };
}
