import type { DescEnum, DescField, DescMessage } from "@bufbuild/protobuf";

/**
 * Messages an agent may give as a plain string, and the string field it stands for: a chat
 * message's `content: "hi"` means `[{ text: "hi" }]`, an embedding input `"hi"` means `{ string: "hi" }`.
 */
const PLAIN_STRING_FIELD: Readonly<Record<string, string>> = {
  "xai_api.Content": "text",
  "xai_api.EmbedInput": "string",
};

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Expands the friendly shorthands the contract allows besides the protobuf JSON form: enum values
 * without their prefix and in any case (`"user"` for `ROLE_USER`, `"high"` for `EFFORT_HIGH`,
 * `"16:9"` for `IMG_ASPECT_RATIO_16_9`, `"720p"` for `VIDEO_RESOLUTION_720P`; only when exactly
 * one value fits),
 * and plain strings for the messages of {@link PLAIN_STRING_FIELD}. A `null` field is dropped: the
 * JSON mapping reads it as "unset", and models often send it for optional fields. Everything else is
 * returned as it is, to be checked by the schema; the input is not modified.
 */
export function expandShorthands(message: DescMessage, value: unknown): unknown {
  if (!isObject(value)) return value;
  let out: Json | undefined;
  for (const field of message.fields) {
    const v = value[field.name];
    if (v === undefined) continue;
    if (
      v === null &&
      !(field.fieldKind === "message" && field.message.typeName === "google.protobuf.Value")
    ) {
      out ??= { ...value };
      delete out[field.name];
      continue;
    }
    const expanded = expandField(field, v);
    if (expanded !== v) {
      out ??= { ...value };
      out[field.name] = expanded;
    }
  }
  return out ?? value;
}

function expandField(field: DescField, v: unknown): unknown {
  switch (field.fieldKind) {
    case "enum":
      return expandEnum(field.enum, v);
    case "message":
      return expandMessage(field.message, v);
    case "list":
      if (field.listKind === "message") {
        const target = field.message;
        if (typeof v === "string" && PLAIN_STRING_FIELD[target.typeName]) return [expandMessage(target, v)];
        return Array.isArray(v) ? mapSame(v, (item) => expandMessage(target, item)) : v;
      }
      if (field.listKind === "enum") {
        const e = field.enum;
        return Array.isArray(v) ? mapSame(v, (item) => expandEnum(e, item)) : v;
      }
      return v;
    case "map":
      if (field.mapKind === "message" && isObject(v)) {
        const target = field.message;
        let out: Json | undefined;
        for (const [k, item] of Object.entries(v)) {
          const e = expandMessage(target, item);
          if (e !== item) {
            out ??= { ...v };
            out[k] = e;
          }
        }
        return out ?? v;
      }
      return v;
    case "scalar":
      return v;
  }
}

function expandMessage(message: DescMessage, v: unknown): unknown {
  const plain = PLAIN_STRING_FIELD[message.typeName];
  if (plain && typeof v === "string") return { [plain]: v };
  return expandShorthands(message, v);
}

/**
 * `"user"` → `ROLE_USER` when exactly one value of the enum is the word or ends in `_WORD`; spaces,
 * dashes, colons and dots count as `_` (`"9:19.5"` → `IMG_ASPECT_RATIO_9_19_5`).
 */
function expandEnum(e: DescEnum, v: unknown): unknown {
  if (typeof v !== "string" || e.values.some((x) => x.name === v)) return v;
  const word = v
    .trim()
    .toUpperCase()
    .replace(/[\s\-:.]+/g, "_");
  const exact = e.values.find((x) => x.name === word);
  if (exact) return exact.name;
  const matches = e.values.filter((x) => x.name.endsWith(`_${word}`));
  return matches.length === 1 ? (matches[0]?.name ?? v) : v;
}

function mapSame(items: unknown[], f: (item: unknown) => unknown): unknown[] {
  let out: unknown[] | undefined;
  items.forEach((item, i) => {
    const e = f(item);
    if (e !== item) {
      out ??= [...items];
      out[i] = e;
    }
  });
  return out ?? items;
}
