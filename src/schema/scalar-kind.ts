import { ScalarType } from "@bufbuild/protobuf";

/** The JSON shape of a protobuf scalar in the protobuf JSON mapping. */
export type JsonScalar = "number" | "integer" | "int64" | "boolean" | "string" | "bytes";

/** 64-bit integers are strings or numbers in JSON; 32-bit ones are plain integers. */
export function jsonScalar(t: ScalarType): JsonScalar {
  switch (t) {
    case ScalarType.DOUBLE:
    case ScalarType.FLOAT:
      return "number";
    case ScalarType.INT32:
    case ScalarType.UINT32:
    case ScalarType.SINT32:
    case ScalarType.FIXED32:
    case ScalarType.SFIXED32:
      return "integer";
    case ScalarType.INT64:
    case ScalarType.UINT64:
    case ScalarType.SINT64:
    case ScalarType.FIXED64:
    case ScalarType.SFIXED64:
      return "int64";
    case ScalarType.BOOL:
      return "boolean";
    case ScalarType.STRING:
      return "string";
    case ScalarType.BYTES:
      return "bytes";
  }
}

/** Zero values of enums that only mean "unset" and are not worth offering to an agent. */
export function isUnsetEnumValue(name: string, number: number): boolean {
  return number === 0 && /(INVALID|UNSPECIFIED|UNKNOWN)/.test(name);
}
