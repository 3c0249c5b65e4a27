/**
 * GenerateCollectionDescription without a model: a deterministic summary of what a collection holds,
 * from its documents' names and most frequent content words. It says it comes from the emulator.
 */
import { extractText } from "./document-text.js";
import { terms } from "./lexical-terms.js";
import type { CollectionRecord } from "./store.js";

// Words too common to say anything about a collection's subject.
const STOP_WORDS = new Set(
  (
    "a about above after again all also am an and any are as at be because been before being below between both " +
    "but by can could did do does doing down during each few for from further had has have having he her here " +
    "hers him his how i if in into is it its itself just me more most my no nor not now of off on once only or " +
    "other our ours out over own same she should so some such than that the their them then there these they " +
    "this those through to too under until up very was we were what when where which while who whom why will " +
    "with would you your yours"
  ).split(" "),
);

/** How many subject words the description names. */
const TOPIC_WORDS = 6;
/** How many document names it lists. */
const NAMES_SHOWN = 3;

/** The description of `collection` as it is now. */
export function describeCollection(collection: CollectionRecord): string {
  const docs = [...collection.documents.values()].sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  const lead = "Emulated description (written by the xAI emulator, not by a model):";
  if (docs.length === 0) {
    return `${lead} "${collection.name}" is an empty collection; add documents to describe their contents.`;
  }
  const counts = new Map<string, number>();
  for (const doc of docs) {
    const text = extractText(doc.bytes, doc.contentType);
    if (!text.ok) continue;
    for (const t of terms(text.text)) {
      if (t.length < 3 || STOP_WORDS.has(t) || /^\p{N}+$/u.test(t)) continue;
      counts.set(t, (counts.get(t) ?? 0) + 1);
    }
  }
  const topics = [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, TOPIC_WORDS)
    .map(([t]) => t);
  const names = docs.slice(0, NAMES_SHOWN).map((d) => d.name);
  const more = docs.length > NAMES_SHOWN ? ` and ${docs.length - NAMES_SHOWN} more` : "";
  const noun = docs.length === 1 ? "document" : "documents";
  const about =
    topics.length > 0 ? `, mostly about: ${topics.join(", ")}` : ", with no readable text to summarise";
  return `${lead} "${collection.name}" holds ${docs.length} ${noun} (${names.join(", ")}${more})${about}.`;
}
