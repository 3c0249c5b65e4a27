import { lookup as dnsLookup } from "node:dns";
import { type ClientRequest, request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { isIP, type LookupFunction } from "node:net";
import { formatBytes } from "./byte-size.js";
import { DEFAULT_MEDIA_IDLE_TIMEOUT_MS } from "./idle-limit.js";
import { isPublicAddress } from "./public-address.js";

/** How long fetching one media URL may take before it is abandoned. */
export const FETCH_TIMEOUT_MS = 120_000;

export { DEFAULT_MEDIA_IDLE_TIMEOUT_MS };

/**
 * Less than this many bytes within the idle limit counts as no progress: a server that drips a
 * byte a second never goes quiet, but it is not sending media either.
 */
export const MIN_PROGRESS_BYTES = 1024;

/** Redirects followed at most. */
export const MAX_REDIRECTS = 5;

/** A media download that failed; the message names the URL (or its host) and the cause. */
export class MediaFetchError extends Error {
  override readonly name = "MediaFetchError";
}

/** A fetched response body, as chunks pulled on demand. */
export interface MediaStream {
  /** The `content-type` header, lower-cased, parameters dropped; empty when absent. */
  readonly contentType: string;
  /** The `content-length` header, when sent. */
  readonly length: number | undefined;
  /** The body; stops with a {@link MediaFetchError} past `maxBytes` or when it stalls. */
  readonly chunks: AsyncIterable<Uint8Array>;
}

/** How a media URL is fetched. */
export interface MediaFetchOptions {
  readonly maxBytes: number;
  readonly signal?: AbortSignal | undefined;
  /** Idle limit in ms (default {@link DEFAULT_MEDIA_IDLE_TIMEOUT_MS}). */
  readonly idleTimeoutMs?: number | undefined;
}

/**
 * Opens an http(s) URL that xAI handed out (a generated image or video) and streams its body,
 * refusing more than `maxBytes`. Cancelled by `signal`, after {@link FETCH_TIMEOUT_MS}, and when
 * less than {@link MIN_PROGRESS_BYTES} arrive within the idle limit.
 *
 * Redirects are followed (at most {@link MAX_REDIRECTS}) only within the URL's own origin or to
 * https hosts whose every address is public: a URL must not lead the server to loopback,
 * link-local or private addresses (server-side request forgery). Addresses are checked as the
 * connection is made, so a name that resolves to a private address is refused too.
 */
export async function openMedia(url: string, options: MediaFetchOptions): Promise<MediaStream> {
  let current: URL;
  try {
    current = new URL(url);
  } catch {
    throw new MediaFetchError(`cannot fetch ${url}: not a URL`);
  }
  if (current.protocol !== "http:" && current.protocol !== "https:")
    throw new MediaFetchError(`cannot fetch ${url}: only http(s) URLs are fetched`);
  const origin = current.origin;
  const idleMs = options.idleTimeoutMs ?? DEFAULT_MEDIA_IDLE_TIMEOUT_MS;
  const signal = withTimeout(options.signal, FETCH_TIMEOUT_MS);
  let response: IncomingMessage;
  for (let hop = 0; ; hop++) {
    response = await get(current, current.origin === origin, signal, idleMs, url);
    const status = response.statusCode ?? 0;
    const location = response.headers.location;
    if (status < 300 || status >= 400 || location === undefined) break;
    response.destroy();
    if (hop >= MAX_REDIRECTS)
      throw new MediaFetchError(`could not fetch ${url}: more than ${MAX_REDIRECTS} redirects`);
    let next: URL;
    try {
      next = new URL(location, current);
    } catch {
      throw new MediaFetchError(`could not fetch ${url}: it redirects to an invalid URL`);
    }
    refuseRedirect(url, next, origin);
    current = next;
  }
  const status = response.statusCode ?? 0;
  if (status < 200 || status >= 300) {
    response.destroy();
    throw new MediaFetchError(
      `could not fetch ${url}: HTTP ${status} ${response.statusMessage ?? ""}`.trim(),
    );
  }
  const header = response.headers["content-length"];
  const length = header !== undefined && /^\d+$/.test(header) ? Number(header) : undefined;
  if (length !== undefined && length > options.maxBytes) {
    response.destroy();
    throw new MediaFetchError(
      `${url} is ${formatBytes(length)}, more than the ${formatBytes(options.maxBytes)} allowed`,
    );
  }
  const contentType = (response.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  const body = response;
  const host = current.host;
  async function* chunks(): AsyncGenerator<Uint8Array> {
    let total = 0;
    // Idle time is counted only while waiting for data, not while the consumer writes it.
    let idle = 0;
    let sinceProgress = 0;
    const reader = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    try {
      for (;;) {
        const waitStarted = Date.now();
        let next: IteratorResult<Buffer>;
        try {
          next = await withIdleLimit(reader.next(), idleMs - idle, () => {
            body.destroy();
            return stalled(host, total, idleMs);
          });
        } catch (e) {
          if (e instanceof MediaFetchError) throw e;
          throw new MediaFetchError(`downloading ${url} failed: ${describeCause(e)}`);
        }
        if (next.done) return;
        idle += Date.now() - waitStarted;
        total += next.value.byteLength;
        sinceProgress += next.value.byteLength;
        if (sinceProgress >= MIN_PROGRESS_BYTES) {
          idle = 0;
          sinceProgress = 0;
        } else if (idle >= idleMs) {
          throw stalled(host, total, idleMs);
        }
        if (total > options.maxBytes) {
          throw new MediaFetchError(`${url} is more than the ${formatBytes(options.maxBytes)} allowed`);
        }
        yield next.value;
      }
    } finally {
      body.destroy();
    }
  }
  return { contentType, length, chunks: chunks() };
}

/** Fetches a whole (small) media URL into memory; see {@link openMedia}. */
export async function fetchMedia(
  url: string,
  options: MediaFetchOptions,
): Promise<{ contentType: string; bytes: Buffer }> {
  const media = await openMedia(url, options);
  const parts: Uint8Array[] = [];
  for await (const chunk of media.chunks) parts.push(chunk);
  return { contentType: media.contentType, bytes: Buffer.concat(parts) };
}

function stalled(host: string, received: number, idleMs: number): MediaFetchError {
  return new MediaFetchError(
    `gave up fetching from ${host}: less than ${formatBytes(MIN_PROGRESS_BYTES)} arrived in ${idleMs / 1000} s ` +
      `(${received} bytes received in all). The media idle limit is set by --media-idle-timeout-ms ` +
      `(XAI_MEDIA_IDLE_TIMEOUT_MS); retry later.`,
  );
}

/** Throws when a redirect to `next` may not be followed from a URL of `origin`. */
function refuseRedirect(url: string, next: URL, origin: string): void {
  if (next.origin === origin) return;
  const refused = (why: string) =>
    new MediaFetchError(`could not fetch ${url}: it redirects to ${next.host}, which is refused (${why})`);
  if (next.protocol !== "https:") throw refused("only https redirects to another host are followed");
  const literal = next.hostname.replace(/^\[|\]$/g, "");
  if (isIP(literal) !== 0 && !isPublicAddress(literal)) {
    throw refused(`${literal} is a loopback, link-local or private address`);
  }
}

/**
 * A DNS lookup that fails when any address of the name is not public: the connection is made to
 * the very addresses checked (no second lookup to rebind).
 */
const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, "");
    const bad = addresses.find((a) => !isPublicAddress(a.address));
    const [first] = addresses;
    if (bad || first === undefined) {
      const e: NodeJS.ErrnoException = new Error(
        `${hostname} resolves to ${bad?.address ?? "nothing"}, a loopback, link-local or private address; refused`,
      );
      e.code = "EPRIVATEADDRESS";
      return callback(e, "");
    }
    if (options.all) return callback(null, addresses);
    callback(null, first.address, first.family);
  });
};

/** One GET, resolving with the response head; a redirect is returned, not followed. */
function get(
  url: URL,
  sameOrigin: boolean,
  signal: AbortSignal,
  idleMs: number,
  original: string,
): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    if (signal.aborted)
      return reject(new MediaFetchError(`could not fetch ${original}: ${describeCause(signal.reason)}`));
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    let req: ClientRequest;
    try {
      req = send(url, {
        method: "GET",
        signal,
        headers: { accept: "*/*" },
        // The origin xAI handed out is trusted (the emulator's media host is on loopback); any
        // other host is connected to only at public addresses.
        ...(sameOrigin ? {} : { lookup: publicOnlyLookup }),
      });
    } catch (e) {
      return reject(new MediaFetchError(`could not fetch ${original}: ${describeCause(e)}`));
    }
    const timer = setTimeout(() => {
      req.destroy(stalled(url.host, 0, idleMs));
    }, idleMs);
    req.once("response", (res) => {
      clearTimeout(timer);
      resolve(res);
    });
    req.once("error", (e) => {
      clearTimeout(timer);
      if (e instanceof MediaFetchError) return reject(e);
      const code = (e as NodeJS.ErrnoException).code;
      const why = code === "EPRIVATEADDRESS" ? e.message : describeCause(e);
      reject(
        new MediaFetchError(
          sameOrigin
            ? `could not fetch ${original}: ${why}`
            : `could not fetch ${original}: redirect to ${url.host} refused or failed: ${why}`,
        ),
      );
    });
    req.end();
  });
}

/** `promise`, or the error of `onIdle()` when it takes longer than `ms`. */
function withIdleLimit<T>(promise: Promise<T>, ms: number, onIdle: () => Error): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(onIdle()), Math.max(0, ms));
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

function describeCause(e: unknown): string {
  if (e instanceof Error && e.name === "TimeoutError") return `timed out after ${FETCH_TIMEOUT_MS / 1000} s`;
  if (e instanceof Error && e.name === "AbortError") return "cancelled";
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === "string" && code !== "ABORT_ERR") return code;
  const cause = (e as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  if (cause && typeof cause.code === "string") return cause.code;
  if (code === "ABORT_ERR") return "cancelled";
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
