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
import { DEFAULT_MAX_MESSAGE_BYTES, messageTooLargeError } from "./message-limits.js";

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
 * - EOF closes the transport.
 */
export class StdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  readonly #maxBytes: number;
  #chunks: Buffer[] = [];
  #length = 0;
  /** The line being read is over the limit: its bytes are dropped, only its edges kept. */
  #oversized: { head: Buffer; tail: Buffer; length: number } | undefined;
  #closed = false;

  constructor(
    private readonly stdin: Readable = process.stdin,
    private readonly stdout: Writable = process.stdout,
    options: { maxMessageBytes?: number } = {},
  ) {
    this.#maxBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  }

  async start(): Promise<void> {
    this.stdin.on("data", this.#onData);
    this.stdin.on("end", this.#onEnd);
    this.stdin.on("error", this.#onError);
  }

  async send(message: JSONRPCMessage): Promise<void> {
    if (this.#closed) return;
    const line = `${JSON.stringify(message)}\n`;
    if (!this.stdout.write(line)) await new Promise<void>((resolve) => this.stdout.once("drain", resolve));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.stdin.off("data", this.#onData);
    this.stdin.off("end", this.#onEnd);
    this.stdin.off("error", this.#onError);
    this.#chunks = [];
    this.#oversized = undefined;
    this.onclose?.();
  }

  readonly #onEnd = () => void this.close();
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
      over.tail = Buffer.concat([over.tail, part]).subarray(-EDGE_BYTES);
      return;
    }
    if (this.#length + part.length <= this.#maxBytes) {
      this.#chunks.push(part);
      this.#length += part.length;
      return;
    }
    const all = Buffer.concat([...this.#chunks, part]);
    this.#oversized = {
      head: Buffer.from(all.subarray(0, EDGE_BYTES)),
      tail: Buffer.from(all.subarray(-EDGE_BYTES)),
      length: all.length,
    };
    this.#chunks = [];
    this.#length = 0;
  }

  #endLine(): void {
    const over = this.#oversized;
    if (over) {
      this.#oversized = undefined;
      const id = idAtEdges(over.head.toString("utf8"), over.tail.toString("utf8"));
      void this.send(messageTooLargeError(id, this.#maxBytes, over.length));
      return;
    }
    const chunks = this.#chunks;
    this.#chunks = [];
    this.#length = 0;
    const line = Buffer.concat(chunks).toString("utf8").replace(/\r$/, "");
    if (line.trim() === "") return;
    this.#handleLine(line);
  }

  #handleLine(line: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      void this.send(errorResponse(null, ErrorCode.ParseError, `Parse error: the line is not JSON (${why})`));
      return;
    }
    if (Array.isArray(parsed)) {
      this.#answerBatch(parsed);
      return;
    }
    if (!JSONRPCMessageSchema.safeParse(parsed).success) {
      void this.send(
        errorResponse(
          idOf(parsed),
          ErrorCode.InvalidRequest,
          'Invalid Request: not a JSON-RPC 2.0 message (it needs jsonrpc: "2.0" and a method, or an id with a result or error)',
        ),
      );
      return;
    }
    // The message as JSON.parse made it, not zod's copy: the copy would drop an own `__proto__` key,
    // which the tool arguments check must see to refuse it.
    this.onmessage?.(parsed as JSONRPCMessage);
  }

  #answerBatch(batch: unknown[]): void {
    const message =
      "Invalid Request: JSON-RPC batches are not supported (MCP removed them); send each message on its own line";
    const ids = batch.map(idOf).filter((id): id is RequestId => id !== null);
    if (ids.length === 0) void this.send(errorResponse(null, ErrorCode.InvalidRequest, message));
    for (const id of ids) void this.send(errorResponse(id, ErrorCode.InvalidRequest, message));
  }
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
