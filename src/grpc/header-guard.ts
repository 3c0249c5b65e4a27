import http2 from "node:http2";
import type { Socket } from "node:net";
import { Duplex } from "node:stream";

/**
 * The largest header block (HEADERS plus CONTINUATION frames) accepted from a host, in bytes.
 *
 * Node's HTTP/2 (nghttp2) decodes no header field over 64 KiB, a fixed limit no option raises. On
 * such a field (a 10 MB `grpc-message` in the trailers, say) it ends the session with
 * `COMPRESSION_ERROR`, but Node's session then stops reading the socket and reports nothing, not
 * even the host closing the connection: grpc-js keeps it as ready, new streams on it are refused,
 * and every call on it waits until keepalive gives up (30 s + 10 s). The connection cannot be
 * saved (its header compression state is lost with the block), so it is dropped as soon as the
 * block's frames announce more than this, before any of it reaches nghttp2: grpc-js then sees the
 * connection close at once, and calls that had no answer yet are retried on a new connection.
 */
export const MAX_HEADER_BLOCK_BYTES = 64 * 1024;

const HEADERS = 0x1;
const CONTINUATION = 0x9;
const END_HEADERS = 0x4;

/**
 * A socket as HTTP/2 sees it, passing every byte through while it follows the frames the host
 * sends; a header block over {@link MAX_HEADER_BLOCK_BYTES} destroys it.
 */
class GuardedSocket extends Duplex {
  readonly #socket: Socket;
  readonly #frameHeader = Buffer.alloc(9);
  #headerBytes = 0;
  /** Payload bytes of the current frame still to come. */
  #payloadLeft = 0;
  /**
   * The header block being received, held back until it is complete: nghttp2 fails the whole
   * session on the first fragment of an oversized field (its length comes first), so no part of a
   * block may reach it before the block is known to fit. Blocks are small (no other frame may come
   * between their frames), so holding one costs nothing.
   */
  #held: Buffer[] = [];
  #holding = false;
  #endHeaders = false;
  #blockBytes = 0;
  /**
   * What is read but not yet passed on, in pieces. Node's own socket reading hands nghttp2's events
   * to JS one by one, with the microtasks run between them, and grpc-js relies on it (it reads a
   * response's headers through promises before its body arrives); passed in one piece, a body
   * would overtake them. So a piece ends before any frame of a stream whose header block it
   * already holds, and each piece goes on in a turn of the event loop of its own. Frames of other
   * streams share a piece: with many calls in flight, one turn passes the headers of all the
   * responses in a read and the next their bodies, instead of one turn per header block.
   */
  readonly #pieces: Buffer[][] = [];
  #passing = false;
  #wanted = true;
  /** Streams with a header block in the piece being filled (see {@link #pieces}). */
  readonly #streamsInPiece = new Set<number>();
  /** The stream of the frame being read. */
  #stream = 0;

  constructor(socket: Socket) {
    super({ allowHalfOpen: false });
    this.#socket = socket;
    socket.on("data", (chunk: Buffer) => {
      const out: Buffer[][] = [[]];
      const problem = this.#scan(chunk, out);
      if (problem) {
        // Ended like a connection the host closed, not with an error: grpc-js then retries the
        // calls that had no answer yet on a new connection (an error would fail them as INTERNAL).
        lastDrop = { at: Date.now(), reason: problem };
        this.destroy();
        return;
      }
      for (const piece of out) if (piece.length > 0) this.#pieces.push(piece);
      this.#pass();
    });
    socket.on("end", () => this.push(null));
    socket.on("close", () => {
      if (!this.destroyed) this.destroy();
    });
    socket.on("error", (e) => this.destroy(e));
  }

  /**
   * Follows the frames in `chunk`, adding to `out` what may go on to HTTP/2 now; a sentence when a
   * header block grew past the limit.
   */
  #scan(chunk: Buffer, pieces: Buffer[][]): string | undefined {
    let out = pieces.at(-1) as Buffer[];
    // A new read starts a new piece.
    this.#streamsInPiece.clear();
    let i = 0;
    while (i < chunk.length) {
      if (this.#payloadLeft > 0) {
        const n = Math.min(this.#payloadLeft, chunk.length - i);
        const piece = chunk.subarray(i, i + n);
        this.#payloadLeft -= n;
        i += n;
        if (this.#holding) this.#held.push(piece);
        else out.push(piece);
        if (this.#payloadLeft === 0) this.#release(out);
        continue;
      }
      const n = Math.min(9 - this.#headerBytes, chunk.length - i);
      chunk.copy(this.#frameHeader, this.#headerBytes, i, i + n);
      this.#headerBytes += n;
      i += n;
      if (this.#headerBytes < 9) break;
      this.#headerBytes = 0;
      const header = Buffer.from(this.#frameHeader);
      const length = header.readUIntBE(0, 3);
      const type = header[3];
      const stream = header.readUInt32BE(5) & 0x7fffffff;
      this.#payloadLeft = length;
      if (type !== CONTINUATION && this.#streamsInPiece.has(stream)) {
        this.#streamsInPiece.clear();
        out = [];
        pieces.push(out);
      }
      this.#stream = stream;
      if (type === HEADERS || type === CONTINUATION) {
        this.#blockBytes += length;
        if (this.#blockBytes > MAX_HEADER_BLOCK_BYTES) {
          return (
            `the host sent headers or trailers of more than ${MAX_HEADER_BLOCK_BYTES} bytes, which HTTP/2 ` +
            "here cannot read; the connection was dropped"
          );
        }
        this.#holding = true;
        this.#endHeaders = ((header[4] ?? 0) & END_HEADERS) !== 0;
        this.#held.push(header);
        if (length === 0) this.#release(out);
      } else {
        out.push(header);
      }
    }
    return undefined;
  }

  /** Adds a held header block to `out` once its last frame is complete. */
  #release(out: Buffer[]): void {
    if (!this.#holding || !this.#endHeaders) return;
    out.push(...this.#held);
    this.#streamsInPiece.add(this.#stream);
    this.#held = [];
    this.#holding = false;
    this.#endHeaders = false;
    this.#blockBytes = 0;
  }

  /** Passes the next piece on, and the rest in later turns (the socket waits meanwhile). */
  #pass(): void {
    if (this.#passing || this.destroyed) return;
    const piece = this.#pieces.shift();
    if (!piece) return;
    if (!this.push(piece.length === 1 ? piece[0] : Buffer.concat(piece))) this.#wanted = false;
    if (this.#pieces.length === 0) {
      if (this.#wanted) this.#socket.resume();
      else this.#socket.pause();
      return;
    }
    this.#passing = true;
    this.#socket.pause();
    setImmediate(() => {
      this.#passing = false;
      this.#pass();
    });
  }

  override _read(): void {
    this.#wanted = true;
    if (!this.#passing && this.#pieces.length === 0) this.#socket.resume();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#socket.write(chunk, callback);
  }

  /** What HTTP/2 wrote meanwhile, in one write of the socket (one syscall, one callback). */
  override _writev(
    chunks: { chunk: Buffer; encoding: BufferEncoding }[],
    callback: (error?: Error | null) => void,
  ): void {
    this.#socket.cork();
    for (let i = 0; i < chunks.length - 1; i++) this.#socket.write((chunks[i] as { chunk: Buffer }).chunk);
    this.#socket.write((chunks.at(-1) as { chunk: Buffer }).chunk, callback);
    this.#socket.uncork();
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.#socket.end(callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.#socket.destroy();
    callback(error);
  }
}

let lastDrop: { readonly at: number; readonly reason: string } | undefined;

/**
 * Why a guarded connection was dropped within the last `withinMs` ms, if one was: a call that
 * fails with grpc-js's bare "Connection dropped" meanwhile was on it (or on one dropped alike).
 */
export function recentHeaderDrop(withinMs = 5000): string | undefined {
  return lastDrop && Date.now() - lastDrop.at <= withinMs ? lastDrop.reason : undefined;
}

/** `host:port` of hosts whose connections are not guarded (the built-in emulator). */
const trusted = new Set<string>();

/**
 * Leaves connections to `hostPort` (`127.0.0.1:50051`) unguarded: the server's own in-process
 * emulator, which caps its status messages. A guarded connection's bytes pass through JS (Node
 * copies each outgoing buffer once more), which with multi-MiB requests costs some 10–30 MB of
 * transient memory that the in-process emulator has no reason to pay.
 */
export function trustHttp2Host(hostPort: string): void {
  trusted.add(hostPort);
}

function isTrusted(authority: string | URL): boolean {
  try {
    return trusted.has(new URL(String(authority)).host);
  } catch {
    return false;
  }
}

let installed = false;

/**
 * Guards every HTTP/2 client connection made through a `createConnection` option (as grpc-js makes
 * all of its connections) against header blocks Node cannot read: see {@link MAX_HEADER_BLOCK_BYTES}.
 * Idempotent; affects `http2.connect` process-wide, which in this server only grpc-js uses.
 */
export function guardHttp2Connections(): void {
  if (installed) return;
  installed = true;
  const connect = http2.connect;
  const guarded = ((authority: string | URL, options?: unknown, listener?: unknown) => {
    const opts = options as http2.SecureClientSessionOptions | undefined;
    const create = opts?.createConnection;
    if (typeof create !== "function" || isTrusted(authority)) {
      return (connect as (...a: unknown[]) => http2.ClientHttp2Session)(authority, options, listener);
    }
    const wrapped = {
      ...opts,
      createConnection: (url: URL, o: http2.SessionOptions) => new GuardedSocket(create(url, o) as Socket),
    };
    return (connect as (...a: unknown[]) => http2.ClientHttp2Session)(authority, wrapped, listener);
  }) as typeof http2.connect;
  http2.connect = guarded;
}
