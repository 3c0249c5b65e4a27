/**
 * How the protobuf JSON mapping writes the well-known types that appear as fields: as strings,
 * scalars or free-form JSON instead of as the message they are on the wire.
 */
export type WellKnownJson =
  | { kind: "timestamp" }
  | { kind: "duration" }
  | { kind: "field-mask" }
  | { kind: "empty" }
  | { kind: "any" }
  | { kind: "struct" }
  | { kind: "value" }
  | { kind: "list-value" }
  | { kind: "wrapper"; scalar: "number" | "integer" | "int64" | "boolean" | "string" | "bytes" };

const WELL_KNOWN: Record<string, WellKnownJson> = {
  "google.protobuf.Timestamp": { kind: "timestamp" },
  "google.protobuf.Duration": { kind: "duration" },
  "google.protobuf.FieldMask": { kind: "field-mask" },
  "google.protobuf.Empty": { kind: "empty" },
  "google.protobuf.Any": { kind: "any" },
  "google.protobuf.Struct": { kind: "struct" },
  "google.protobuf.Value": { kind: "value" },
  "google.protobuf.ListValue": { kind: "list-value" },
  "google.protobuf.DoubleValue": { kind: "wrapper", scalar: "number" },
  "google.protobuf.FloatValue": { kind: "wrapper", scalar: "number" },
  "google.protobuf.Int32Value": { kind: "wrapper", scalar: "integer" },
  "google.protobuf.UInt32Value": { kind: "wrapper", scalar: "integer" },
  "google.protobuf.Int64Value": { kind: "wrapper", scalar: "int64" },
  "google.protobuf.UInt64Value": { kind: "wrapper", scalar: "int64" },
  "google.protobuf.BoolValue": { kind: "wrapper", scalar: "boolean" },
  "google.protobuf.StringValue": { kind: "wrapper", scalar: "string" },
  "google.protobuf.BytesValue": { kind: "wrapper", scalar: "bytes" },
};

/** The JSON form of a well-known message type, or undefined for an ordinary message. */
export function wellKnownJson(typeName: string): WellKnownJson | undefined {
  return WELL_KNOWN[typeName];
}
