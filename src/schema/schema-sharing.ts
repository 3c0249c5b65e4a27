import type { DescField, DescMessage } from "@bufbuild/protobuf";
import { type Docs, messageJsonSchema } from "./json-schema.js";
import { wellKnownJson } from "./well-known.js";

/** One tool's input message, in listing order, for {@link planSharing}. */
export interface SharedInput {
  /** The tool's name, as the pointers name it. */
  readonly name: string;
  readonly message: DescMessage;
}

/** How one tool's input schema leans on the schemas of the tools listed with it. */
export interface SchemaSharing {
  /**
   * An earlier tool whose arguments are the very same message: this tool lists its fields and their
   * types only, and its description points there for what they mean.
   */
  readonly sameAs?: string;
  /** Messages another tool describes in full, mapped to the sentence that points there. */
  readonly external: ReadonlyMap<string, string>;
  /** The tools this schema points at (`sameAs` and the owners of `external`): they must be listed too. */
  readonly refersTo: ReadonlySet<string>;
  /** The tool each `external` message is described in (absent for the field stubs of `sameAs`). */
  readonly owners?: ReadonlyMap<string, string>;
}

/**
 * A plan without pointers to the tools of `missing` (tools left out of a listing): the messages
 * they own are written out in place, with their documentation; with `sameAs` missing, the whole
 * schema is. Pointers to the other tools stay.
 */
export function withoutTools(plan: SchemaSharing, missing: ReadonlySet<string>): SchemaSharing {
  if (![...plan.refersTo].some((t) => missing.has(t))) return plan;
  if (plan.sameAs !== undefined && missing.has(plan.sameAs))
    return { external: new Map(), refersTo: new Set() };
  const external = new Map<string, string>();
  const owners = new Map<string, string>();
  for (const [typeName, sentence] of plan.external) {
    const owner = plan.owners?.get(typeName);
    if (owner === undefined || missing.has(owner)) continue;
    external.set(typeName, sentence);
    owners.set(typeName, owner);
  }
  return {
    ...(plan.sameAs !== undefined ? { sameAs: plan.sameAs } : {}),
    external,
    owners,
    refersTo: new Set([...plan.refersTo].filter((t) => !missing.has(t))),
  };
}

/** Options of {@link planSharing}. */
export interface SharingOptions {
  readonly docs?: Docs;
  /** Messages whose own schema is smaller than this (JSON bytes) are always written out in place. */
  readonly minBytes?: number;
}

/** Default of {@link SharingOptions.minBytes}: below about 200 bytes a pointer saves little. */
export const DEFAULT_SHARE_MIN_BYTES = 200;

/**
 * Decides, for tools listed together, where each large message is described in full and where a
 * schema only points at it: `tools/list` is paid in every conversation, and the chat request alone
 * is 18 KB. A message is owned by the tool where it sits least deep (the first listed on a tie),
 * so that a tool's own arguments are always its own (`chat_get_completion` owns the chat request,
 * `batch_add_batch_requests` points at it) and a pointer is as short as it can be; a tool whose
 * input is another's input names that tool (`sameAs`) and lists the fields without repeating their
 * documentation. Ownership is assigned level by level, through written-out messages only, so a
 * pointer always leads to a schema that really contains the message at the path it names.
 *
 * Only what is listed counts: tools left out of the listing neither own nor get pointed at.
 */
export function planSharing(
  inputs: readonly SharedInput[],
  options: SharingOptions = {},
): Map<string, SchemaSharing> {
  const docs = options.docs ?? {};
  const minBytes = options.minBytes ?? DEFAULT_SHARE_MIN_BYTES;
  const sizes = new Map<string, number>();
  const isLarge = (m: DescMessage): boolean => {
    let size = sizes.get(m.typeName);
    if (size === undefined) {
      size = JSON.stringify(messageJsonSchema(m, { docs })).length;
      sizes.set(m.typeName, size);
    }
    return size >= minBytes;
  };

  const owners = new Map<string, { tool: string; path: string }>();
  const plans = new Map<
    string,
    { sameAs?: string; external: Map<string, string>; refersTo: Set<string>; owners: Map<string, string> }
  >();
  type Node = { message: DescMessage; path: string };
  const levels = new Map<string, Node[]>();
  const expanded = new Map<string, Set<string>>();

  for (const { name, message } of inputs) {
    const owner = owners.get(message.typeName);
    // A small input (an Empty, a lone id) is cheaper written out than pointed at.
    if (owner && isLarge(message)) {
      plans.set(name, {
        sameAs: owner.tool,
        external: nestedMessages(message),
        refersTo: new Set([owner.tool]),
        owners: new Map(),
      });
      continue;
    }
    if (!owner) owners.set(message.typeName, { tool: name, path: "" });
    plans.set(name, { external: new Map(), refersTo: new Set(), owners: new Map() });
    levels.set(name, [{ message, path: "" }]);
    expanded.set(name, new Set([message.typeName]));
  }

  // Breadth first across all tools at once: a message is owned where it is found first by depth.
  while ([...levels.values()].some((l) => l.length > 0)) {
    for (const { name } of inputs) {
      const level = levels.get(name);
      if (!level) continue;
      const next: Node[] = [];
      const seen = expanded.get(name) as Set<string>;
      const plan = plans.get(name);
      const external = plan?.external as Map<string, string>;
      for (const { message, path } of level) {
        for (const field of message.fields) {
          const target = messageOf(field);
          if (!target || wellKnownJson(target.typeName)) continue;
          const at = `${path ? `${path}.` : ""}${field.name}${field.fieldKind === "message" ? "" : "[]"}`;
          if (isLarge(target)) {
            const owner = owners.get(target.typeName);
            if (owner && owner.tool !== name) {
              external.set(target.typeName, pointer(owner));
              plan?.refersTo.add(owner.tool);
              plan?.owners.set(target.typeName, owner.tool);
              continue;
            }
            if (!owner) owners.set(target.typeName, { tool: name, path: at });
          }
          if (seen.has(target.typeName)) continue;
          seen.add(target.typeName);
          next.push({ message: target, path: at });
        }
      }
      levels.set(name, next);
    }
  }
  return plans;
}

/** "Same fields as the arguments of chat_get_completion." / "… as `messages[]` of chat_get_completion." */
function pointer(owner: { tool: string; path: string }): string {
  return owner.path
    ? `Same fields as \`${owner.path}\` in ${owner.tool}.`
    : `Same fields as the arguments of ${owner.tool}.`;
}

/** Every message type reachable from `root` (not itself, not well-known types), as bare stubs. */
function nestedMessages(root: DescMessage): Map<string, string> {
  const out = new Map<string, string>();
  const visit = (m: DescMessage) => {
    for (const field of m.fields) {
      const target = messageOf(field);
      if (!target || target === root || wellKnownJson(target.typeName) || out.has(target.typeName)) continue;
      out.set(target.typeName, "");
    }
  };
  visit(root);
  return out;
}

function messageOf(field: DescField): DescMessage | undefined {
  if (field.fieldKind === "message") return field.message;
  if (field.fieldKind === "list" && field.listKind === "message") return field.message;
  if (field.fieldKind === "map" && field.mapKind === "message") return field.message;
  return undefined;
}
