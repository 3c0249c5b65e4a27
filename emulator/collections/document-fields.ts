/**
 * The rules a collection's field definitions put on its documents' `fields`: a `required` field must
 * have a non-empty value (`INVALID_ARGUMENT`), a `unique` field's value may not be shared with
 * another document of the collection (`ALREADY_EXISTS`). Keys without a definition are kept as
 * free-form metadata.
 */
import type { FieldDefinition } from "../../gen/xai/api/v1/collections_pb.js";
import { EmulatorError, failedPrecondition, invalidArgument, Status } from "../errors.js";
import type { CollectionRecord } from "./store.js";

/**
 * Checks the fields a document of `collection` would have. `fileId` names the document itself,
 * which never conflicts with its own values.
 */
export function checkDocumentFields(
  collection: CollectionRecord,
  fields: Readonly<Record<string, string>>,
  fileId: string,
): void {
  for (const key of Object.keys(fields)) {
    if (key.trim() === "") throw invalidArgument("fields: a field key must not be empty");
  }
  for (const def of collection.fieldDefinitions) {
    const value = fields[def.key];
    if (def.required && (value === undefined || value.trim() === "")) {
      throw invalidArgument(
        `fields: the collection requires the field "${def.key}"${def.description ? ` (${def.description})` : ""}`,
      );
    }
    if (def.unique && value !== undefined) {
      for (const other of collection.documents.values()) {
        if (other.fileId !== fileId && other.fields[def.key] === value) {
          throw new EmulatorError(
            Status.ALREADY_EXISTS,
            `fields: the field "${def.key}" is unique and document "${other.fileId}" already has the value "${value}"`,
          );
        }
      }
    }
  }
}

/**
 * Checks that the documents already in `collection` satisfy a definition about to be added:
 * a new required or unique field cannot be imposed on documents that break it.
 */
export function checkExistingDocuments(collection: CollectionRecord, def: FieldDefinition): void {
  const seen = new Map<string, string>();
  for (const doc of collection.documents.values()) {
    const value = doc.fields[def.key];
    if (def.required && (value === undefined || value.trim() === "")) {
      throw failedPrecondition(
        `field_definition_updates: cannot make "${def.key}" required: document "${doc.fileId}" has no value for it`,
      );
    }
    if (def.unique && value !== undefined) {
      const holder = seen.get(value);
      if (holder !== undefined) {
        throw failedPrecondition(
          `field_definition_updates: cannot make "${def.key}" unique: documents "${holder}" and "${doc.fileId}" share the value "${value}"`,
        );
      }
      seen.set(value, doc.fileId);
    }
  }
}
