import { fromJson, type JsonValue } from "@bufbuild/protobuf";
import { type BatchRequest, BatchRequestSchema } from "../../gen/xai/api/v1/batch_pb.js";
import { invalidArgument } from "../errors.js";

/** A request read from an input file, with the (1-based) line it came from. */
export interface InputLine {
  readonly line: number;
  readonly request: BatchRequest;
}

/**
 * Reads a batch input file: JSONL, one `BatchRequest` in the protobuf JSON mapping per line
 * (`{"batch_request_id": "q1", "completion_request": {"model": "grok-4", "messages": [...]}}`; proto
 * or JSON field names both work; unknown fields are refused). Blank lines are skipped. The first bad
 * line is an `INVALID_ARGUMENT` that names its line number.
 */
export function parseInputFile(fileId: string, bytes: Uint8Array): InputLine[] {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw invalidArgument(
      `input file ${fileId} is not UTF-8 text: expected JSONL, one BatchRequest per line`,
    );
  }
  const out: InputLine[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const raw = (lines[i] as string).trim();
    if (raw === "") continue;
    const line = i + 1;
    let json: JsonValue;
    try {
      json = JSON.parse(raw) as JsonValue;
    } catch (e) {
      throw invalidArgument(`input file ${fileId} line ${line}: not valid JSON (${(e as Error).message})`);
    }
    try {
      out.push({ line, request: fromJson(BatchRequestSchema, json) });
    } catch (e) {
      throw invalidArgument(
        `input file ${fileId} line ${line}: not a BatchRequest (${(e as Error).message})`,
      );
    }
  }
  return out;
}
