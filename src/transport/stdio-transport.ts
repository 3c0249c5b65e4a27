import process from "node:process";
import type { Readable, Writable } from "node:stream";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import {
  ErrorCode,
  type JSONRPCErrorResponse,
  type JSONRPCMessage,
  JSONRPCMessageSchema,
  type RequestId,
} from "@modelcontextprotocol/sdk/types.js";
import { collectSoon } from "../full-collection.js";
import { DEFAULT_MAX_MESSAGE_BYTES, messageTooLargeError } from "./message-limits.js";

/**
 * Messages at least this large (in or out) are followed by a full collection (see `collectSoon`): a
 * large request once it is answered, anything else once it is handled or written.
 */
const LARGE_MESSAGE = 2 * 1024 * 1024;

/** How much of an oversized line's start and end is kept, to find its id. */
const EDGE_BYTES = 1024;

/**
 * MCP over stdio: newline-delimited JSON-RPC on stdin and stdout. Unlike the SDK's transport, it
 * has no read-buffer cliff (a line over its buffer made that one stop reading and ignore EOF), and
 * it answers every line:
 *
 * - a line up to `maxMessageBytes` is read whole; a longer one is skipped as it streams in (memory
 *   stays bounded) and answered with an error naming the limit, with the request's id when it can be
 *   found at the line's start or end;
 * - a line that is not JSON gets `-32700 Parse error`; JSON that is not a JSON-RPC message gets
 *   `-32600 Invalid Request` (with its id when it has one);
 * - a batch (a JSON array; MCP removed batching) gets `-32600` for each request in it, or a single
 *   one with a null id when it holds none;
 * - EOF is left to the process (the CLI shuts down on it): the transport stays open so that calls
 *   in flight can still be answered on stdout before the process ends.
 */
export class StdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  readonly #maxBytes: number;
  readonly #maxOutputBytes: number;
  /** The line read so far, as the bytes read (decoded once, when its newline comes). */
  #chunks: Buffer[] = [];
  #length = 0;
  /** The line being read is over the limit: its bytes are dropped, only its edges kept. */
  #oversized: { head: string; tail: string; length: number } | undefined;
  #closed = false;
  /** Lines sent but not yet written (see {@link #flush}). */
  #queued: string[] = [];
  /** Settles once the queued lines are written; set while a flush is due. */
  #flushing: Promise<void> | undefined;
  /** Ids of requests of {@link LARGE_MESSAGE} or more not answered yet (a cancelled one never is: capped). */
  readonly #largeRequests = new Set<RequestId>();

  constructor(
    private readonly stdin: Readable = process.stdin,
    private readonly stdout: Writable = process.stdout,
    options: { maxMessageBytes?: number; maxOutputBytes?: number } = {},
  ) {
    this.#maxBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.#maxOutputBytes = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  }

  async start(): Promise<void> {
    this.stdin.on("data", this.#onData);
    this.stdin.on("error", this.#onError);
  }

  async send(message: JSONRPCMessage): Promise<void> {
    if (this.#closed) return;
    let line = `${JSON.stringify(message)}\n`;
    if (line.length > this.#maxOutputBytes && "result" in message) {
      line = `${JSON.stringify(resultTooLarge(message.id, line.length, this.#maxOutputBytes))}\n`;
    }
    // Also after answering a large request, whatever the answer's size: the call's own copies (the
    // encoded request, its gRPC frames, and with --emulator the emulator's decoded copy) are garbage
    // only now, and a 10 MB request answered by a short error would otherwise leave them for V8's
    // heuristics, which let several such calls pile up.
    const id = "method" in message ? undefined : (message as { id?: RequestId }).id;
    const answered = id !== undefined && this.#largeRequests.delete(id);
    if (line.length >= LARGE_MESSAGE || answered) collectSoon();
    if (line.length >= LARGE_MESSAGE) {
      // Written at once, after what is queued: not copied into a batch.
      this.#flush();
      return this.#write(line);
    }
    this.#queued.push(line);
    this.#flushing ??= new Promise<void>((resolve) => {
      process.nextTick(() => {
        this.#flushing = undefined;
        resolve(this.#flush());
      });
    });
    return this.#flushing;
  }

  /**
   * Writes the queued lines in one write. Lines queue until the current work is done (the
   * process's next tick): the answers that complete together, as many do with many calls in flight,
   * then cost one write (one system call on a pipe) instead of one each.
   */
  #flush(): Promise<void> {
    if (this.#queued.length === 0) return Promise.resolve();
    const data = this.#queued.length === 1 ? (this.#queued[0] as string) : this.#queued.join("");
    this.#queued = [];
    return this.#write(data);
  }

  #write(data: string): Promise<void> {
    if (this.stdout.write(data)) return Promise.resolve();
    return new Promise<void>((resolve) => this.stdout.once("drain", resolve));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.stdin.off("data", this.#onData);
    this.stdin.off("error", this.#onError);
    this.#chunks = [];
    this.#oversized = undefined;
    this.onclose?.();
  }

  readonly #onError = (e: Error) => this.onerror?.(e);

  readonly #onData = (chunk: Buffer | string) => {
    let data = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
    for (;;) {
      const newline = data.indexOf(10);
      if (newline === -1) {
        this.#append(data);
        return;
      }
      this.#append(data.subarray(0, newline));
      this.#endLine();
      data = data.subarray(newline + 1);
    }
  };

  #append(part: Buffer): void {
    if (part.length === 0) return;
    const over = this.#oversized;
    if (over) {
      over.length += part.length;
      over.tail = (over.tail + part.subarray(-EDGE_BYTES).toString("latin1")).slice(-EDGE_BYTES);
      return;
    }
    if (this.#length + part.length <= this.#maxBytes) {
      this.#chunks.push(part);
      this.#length += part.length;
      return;
    }
    // Its first EDGE_BYTES bytes are in its first EDGE_BYTES chunks at most.
    const head = Buffer.concat([...this.#chunks, part].slice(0, EDGE_BYTES))
      .subarray(0, EDGE_BYTES)
      .toString("latin1");
    this.#oversized = {
      head,
      tail: part.subarray(-EDGE_BYTES).toString("latin1"),
      length: this.#length + part.length,
    };
    this.#reset();
  }

  #reset(): void {
    this.#chunks = [];
    this.#length = 0;
  }

  #endLine(): void {
    const over = this.#oversized;
    if (over) {
      this.#oversized = undefined;
      const id = idAtEdges(over.head, over.tail);
      void this.send(messageTooLargeError(id, this.#maxBytes, over.length));
      return;
    }
    const bytes = this.#length;
    const line = this.#takeLine();
    if (line.trim() === "") return;
    const large = bytes >= LARGE_MESSAGE;
    const awaited = this.#handleLine(line, large);
    // A large request is collected after once it is answered (in `send`), when its copies are
    // garbage: a collection now, while they are still in use, would only cost a second one.
    if (large && !awaited) collectSoon();
  }

  #takeLine(): string {
    const chunks = this.#chunks;
    const line = (chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, this.#length)).toString(
      "utf8",
    );
    this.#reset();
    return line.endsWith("\r") ? line.slice(0, -1) : line;
  }

  /** Handles a line; true when it is a large request, whose answer {@link send} waits for. */
  #handleLine(line: string, large: boolean): boolean {
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      void this.send(errorResponse(null, ErrorCode.ParseError, `Parse error: the line is not JSON (${why})`));
      return false;
    }
    if (Array.isArray(parsed)) {
      this.#answerBatch(parsed);
      return false;
    }
    if (!JSONRPCMessageSchema.safeParse(parsed).success) {
      void this.send(
        errorResponse(
          idOf(parsed),
          ErrorCode.InvalidRequest,
          'Invalid Request: not a JSON-RPC 2.0 message (it needs jsonrpc: "2.0" and a method, or an id with a result or error)',
        ),
      );
      return false;
    }
    const id = large && "method" in (parsed as object) ? idOf(parsed) : null;
    if (id !== null) {
      this.#largeRequests.add(id);
      if (this.#largeRequests.size > 64)
        this.#largeRequests.delete(this.#largeRequests.values().next().value as RequestId);
    }
    // The message as JSON.parse made it, not zod's copy: the copy would drop an own `__proto__` key,
    // which the tool arguments check must see to refuse it.
    this.onmessage?.(parsed as JSONRPCMessage);
    return id !== null;
  }

  #answerBatch(batch: unknown[]): void {
    const message =
      "Invalid Request: JSON-RPC batches are not supported (MCP removed them); send each message on its own line";
    const ids = batch.map(idOf).filter((id): id is RequestId => id !== null);
    if (ids.length === 0) void this.send(errorResponse(null, ErrorCode.InvalidRequest, message));
    for (const id of ids) void this.send(errorResponse(id, ErrorCode.InvalidRequest, message));
  }
}

/**
 * The largest answer written, in characters: clients read lines into a buffer of their own (the
 * SDK's stdio client drops the connection past 10 MiB), so a bigger result is replaced by an
 * error result that says so. Tools keep their answers far below it (pages, inline limits, files).
 */
export const DEFAULT_MAX_OUTPUT_BYTES = 8 * 1024 * 1024;

function resultTooLarge(id: RequestId, size: number, limit: number): JSONRPCMessage {
  const text =
    `The answer was ${size} characters, more than the ${limit} an MCP client is sure to read, and was not sent. ` +
    "Ask for less: a smaller page or limit, fewer outputs, or a file (save_to / output_path) where the tool offers one.";
  return { jsonrpc: "2.0", id, result: { isError: true, content: [{ type: "text", text }] } };
}

function errorResponse(id: RequestId | null, code: number, message: string): JSONRPCErrorResponse {
  // JSON-RPC 2.0 answers with a null id when the request's id could not be read.
  return { jsonrpc: "2.0", id: id as RequestId, error: { code, message } };
}

/** The id of a parsed message, when it has a valid one. */
function idOf(message: unknown): RequestId | null {
  if (!message || typeof message !== "object" || Array.isArray(message)) return null;
  const id = (message as { id?: unknown }).id;
  return typeof id === "string" || (typeof id === "number" && Number.isFinite(id)) ? id : null;
}

const ID_VALUE = String.raw`(-?\d{1,16}|"(?:[^"\\]|\\.){0,256}")`;
const ID_AT_START = new RegExp(String.raw`^\s*\{\s*(?:"jsonrpc"\s*:\s*"2\.0"\s*,\s*)?"id"\s*:\s*${ID_VALUE}`);
const ID_AT_END = new RegExp(
  String.raw`[,{]\s*"id"\s*:\s*${ID_VALUE}\s*(?:,\s*"jsonrpc"\s*:\s*"2\.0"\s*)?\}\s*$`,
);

/**
 * The id of a message too large to parse, when it stands first or last in the object (where
 * clients put it: the SDK writes it last). Null when it cannot be told.
 */
export function idAtEdges(head: string, tail: string): RequestId | null {
  const match = ID_AT_START.exec(head) ?? ID_AT_END.exec(tail.replace(/\r$/, ""));
  if (!match) return null;
  try {
    const id = JSON.parse(match[1] as string) as unknown;
    return typeof id === "string" || typeof id === "number" ? id : null;
  } catch {
    return null;
  }
}
