import { formatBytes } from "./byte-size.js";

/** How long fetching one media URL may take before it is abandoned. */
export const FETCH_TIMEOUT_MS = 120_000;

/** A media download that failed; the message names the URL and the cause. */
export class MediaFetchError extends Error {
  override readonly name = "MediaFetchError";
}

/** A fetched response body, as chunks pulled on demand. */
export interface MediaStream {
  /** The `content-type` header, lower-cased, parameters dropped; empty when absent. */
  readonly contentType: string;
  /** The `content-length` header, when sent. */
  readonly length: number | undefined;
  /** The body; stops with a {@link MediaFetchError} past `maxBytes`. */
  readonly chunks: AsyncIterable<Uint8Array>;
}

/**
 * Opens an http(s) URL that xAI handed out (a generated image or video) and streams its body,
 * refusing more than `maxBytes`. Cancelled by `signal` and after {@link FETCH_TIMEOUT_MS}.
 */
export async function openMedia(
  url: string,
  options: { maxBytes: number; signal?: AbortSignal | undefined },
): Promise<MediaStream> {
  if (!/^https?:\/\//i.test(url))
    throw new MediaFetchError(`cannot fetch ${url}: only http(s) URLs are fetched`);
  let response: Response;
  try {
    response = await fetch(url, {
      signal: withTimeout(options.signal, FETCH_TIMEOUT_MS),
      redirect: "follow",
    });
  } catch (e) {
    throw new MediaFetchError(`could not fetch ${url}: ${describeCause(e)}`);
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel().catch(() => {});
    throw new MediaFetchError(
      `could not fetch ${url}: HTTP ${response.status} ${response.statusText}`.trim(),
    );
  }
  const header = response.headers.get("content-length");
  const length = header !== null && /^\d+$/.test(header) ? Number(header) : undefined;
  if (length !== undefined && length > options.maxBytes) {
    await response.body.cancel().catch(() => {});
    throw new MediaFetchError(
      `${url} is ${formatBytes(length)}, more than the ${formatBytes(options.maxBytes)} allowed`,
    );
  }
  const body = response.body;
  const contentType = (response.headers.get("content-type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  async function* chunks(): AsyncGenerator<Uint8Array> {
    let total = 0;
    const reader = body.getReader();
    try {
      for (;;) {
        let next: Awaited<ReturnType<typeof reader.read>>;
        try {
          next = await reader.read();
        } catch (e) {
          throw new MediaFetchError(`downloading ${url} failed: ${describeCause(e)}`);
        }
        if (next.done) return;
        total += next.value.byteLength;
        if (total > options.maxBytes) {
          throw new MediaFetchError(`${url} is more than the ${formatBytes(options.maxBytes)} allowed`);
        }
        yield next.value;
      }
    } finally {
      await reader.cancel().catch(() => {});
    }
  }
  return { contentType, length, chunks: chunks() };
}

/** Fetches a whole (small) media URL into memory; see {@link openMedia}. */
export async function fetchMedia(
  url: string,
  options: { maxBytes: number; signal?: AbortSignal | undefined },
): Promise<{ contentType: string; bytes: Buffer }> {
  const media = await openMedia(url, options);
  const parts: Uint8Array[] = [];
  for await (const chunk of media.chunks) parts.push(chunk);
  return { contentType: media.contentType, bytes: Buffer.concat(parts) };
}

function describeCause(e: unknown): string {
  if (e instanceof Error && e.name === "TimeoutError") return `timed out after ${FETCH_TIMEOUT_MS / 1000} s`;
  if (e instanceof Error && e.name === "AbortError") return "cancelled";
  const cause = (e as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  if (cause && typeof cause.code === "string") return cause.code;
  return e instanceof Error ? e.message : String(e);
}

/** `signal` (if any) combined with a timeout; AbortSignal.any is newer than Node 20.0. */
function withTimeout(signal: AbortSignal | undefined, ms: number): AbortSignal {
  const timeout = AbortSignal.timeout(ms);
  if (!signal) return timeout;
  const controller = new AbortController();
  const abort = (from: AbortSignal) => () => controller.abort(from.reason);
  if (signal.aborted) controller.abort(signal.reason);
  signal.addEventListener("abort", abort(signal), { once: true });
  timeout.addEventListener("abort", abort(timeout), { once: true });
  return controller.signal;
}
