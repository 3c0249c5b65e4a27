/**
 * The protos must match the xAI API's wire facts field for field: a wrong number, type, label or
 * oneof grouping would make real xAI servers misread what we send. This compares the compiled
 * descriptors (what the generated code encodes with) against the facts kept in fixtures/wire.json.
 */
import { readFileSync } from "node:fs";
import { type DescFile, isFieldSet } from "@bufbuild/protobuf";
import {
  type DescriptorProto,
  type EnumDescriptorProto,
  FieldDescriptorProto_Label,
  FieldDescriptorProto_Type,
  FieldDescriptorProtoSchema,
} from "@bufbuild/protobuf/wkt";
import { describe, expect, it } from "vitest";
import { file_google_rpc_status } from "../gen/google/rpc/status_pb.js";
import { file_xai_api_v1_auth } from "../gen/xai/api/v1/auth_pb.js";
import { file_xai_api_v1_batch } from "../gen/xai/api/v1/batch_pb.js";
import { file_xai_api_v1_chat } from "../gen/xai/api/v1/chat_pb.js";
import { file_xai_api_v1_collections } from "../gen/xai/api/v1/collections_pb.js";
import { file_xai_api_v1_deferred } from "../gen/xai/api/v1/deferred_pb.js";
import { file_xai_api_v1_documents } from "../gen/xai/api/v1/documents_pb.js";
import { file_xai_api_v1_embed } from "../gen/xai/api/v1/embed_pb.js";
import { file_xai_api_v1_files } from "../gen/xai/api/v1/files_pb.js";
import { file_xai_api_v1_image } from "../gen/xai/api/v1/image_pb.js";
import { file_xai_api_v1_models } from "../gen/xai/api/v1/models_pb.js";
import { file_xai_api_v1_sample } from "../gen/xai/api/v1/sample_pb.js";
import { file_xai_api_v1_shared } from "../gen/xai/api/v1/shared_pb.js";
import { file_xai_api_v1_tokenize } from "../gen/xai/api/v1/tokenize_pb.js";
import { file_xai_api_v1_types } from "../gen/xai/api/v1/types_pb.js";
import { file_xai_api_v1_usage } from "../gen/xai/api/v1/usage_pb.js";
import { file_xai_api_v1_video } from "../gen/xai/api/v1/video_pb.js";

interface WireField {
  name: string;
  number: number;
  type: string;
  repeated?: boolean;
  optional?: boolean;
  oneof?: string;
  deprecated?: boolean;
}
interface WireMethod {
  name: string;
  input: string;
  output: string;
  server_streaming?: boolean;
  client_streaming?: boolean;
}
interface WireFile {
  file: string;
  package: string;
  imports: string[];
  services: { service: string; methods: WireMethod[] }[];
  messages: { message: string; map_entry?: boolean; fields: WireField[] }[];
  enums: { enum: string; values: [string, number][] }[];
}

const wire = JSON.parse(readFileSync(new URL("./fixtures/wire.json", import.meta.url), "utf8")) as {
  files: WireFile[];
};

const FILES: DescFile[] = [
  file_xai_api_v1_auth,
  file_xai_api_v1_batch,
  file_xai_api_v1_chat,
  file_xai_api_v1_collections,
  file_xai_api_v1_deferred,
  file_xai_api_v1_documents,
  file_xai_api_v1_embed,
  file_xai_api_v1_files,
  file_xai_api_v1_image,
  file_xai_api_v1_models,
  file_xai_api_v1_sample,
  file_xai_api_v1_shared,
  file_xai_api_v1_tokenize,
  file_xai_api_v1_types,
  file_xai_api_v1_usage,
  file_xai_api_v1_video,
];

const SCALAR_NAMES: Partial<Record<FieldDescriptorProto_Type, string>> = {
  [FieldDescriptorProto_Type.DOUBLE]: "double",
  [FieldDescriptorProto_Type.FLOAT]: "float",
  [FieldDescriptorProto_Type.INT64]: "int64",
  [FieldDescriptorProto_Type.UINT64]: "uint64",
  [FieldDescriptorProto_Type.INT32]: "int32",
  [FieldDescriptorProto_Type.FIXED64]: "fixed64",
  [FieldDescriptorProto_Type.FIXED32]: "fixed32",
  [FieldDescriptorProto_Type.BOOL]: "bool",
  [FieldDescriptorProto_Type.STRING]: "string",
  [FieldDescriptorProto_Type.BYTES]: "bytes",
  [FieldDescriptorProto_Type.UINT32]: "uint32",
  [FieldDescriptorProto_Type.SFIXED32]: "sfixed32",
  [FieldDescriptorProto_Type.SFIXED64]: "sfixed64",
  [FieldDescriptorProto_Type.SINT32]: "sint32",
  [FieldDescriptorProto_Type.SINT64]: "sint64",
};

/** Every message of a file, nested ones included, by full name, as compiled. */
function compiledMessages(file: DescFile): Map<string, DescriptorProto> {
  const out = new Map<string, DescriptorProto>();
  const walk = (prefix: string, messages: DescriptorProto[]) => {
    for (const m of messages) {
      const name = `${prefix}.${m.name}`;
      out.set(name, m);
      walk(name, m.nestedType);
    }
  };
  walk(file.proto.package, file.proto.messageType);
  return out;
}

function compiledEnums(file: DescFile): Map<string, EnumDescriptorProto> {
  const out = new Map<string, EnumDescriptorProto>();
  const walk = (prefix: string, messages: DescriptorProto[]) => {
    for (const m of messages) {
      for (const e of m.enumType) out.set(`${prefix}.${m.name}.${e.name}`, e);
      walk(`${prefix}.${m.name}`, m.nestedType);
    }
  };
  for (const e of file.proto.enumType) out.set(`${file.proto.package}.${e.name}`, e);
  walk(file.proto.package, file.proto.messageType);
  return out;
}

/** A compiled field in the vocabulary of wire.json. */
function asWireField(message: DescriptorProto, index: number): WireField {
  const f = message.field[index];
  if (!f) throw new Error("no field");
  const scalar = SCALAR_NAMES[f.type];
  const out: WireField = { name: f.name, number: f.number, type: scalar ?? f.typeName.replace(/^\./, "") };
  if (f.label === FieldDescriptorProto_Label.REPEATED) out.repeated = true;
  if (f.proto3Optional) out.optional = true;
  else if (isFieldSet(f, FieldDescriptorProtoSchema.field.oneofIndex)) {
    out.oneof = message.oneofDecl[f.oneofIndex]?.name as string;
  }
  if (f.options?.deprecated) out.deprecated = true;
  return out;
}

describe("protos match the wire facts", () => {
  const byName = new Map(FILES.map((f) => [f.proto.name, f]));

  it("has exactly the files of the wire facts", () => {
    expect([...byName.keys()].sort()).toEqual(wire.files.map((f) => f.file).sort());
  });

  for (const wf of wire.files) {
    describe(wf.file, () => {
      const file = byName.get(wf.file) as DescFile;

      it("package and imports", () => {
        expect(file.proto.package).toBe(wf.package);
        expect([...file.proto.dependency].sort()).toEqual([...wf.imports].sort());
      });

      it("services and methods, with streaming kinds", () => {
        const compiled = file.proto.service.map((s) => ({
          service: `${file.proto.package}.${s.name}`,
          methods: s.method.map((m) => ({
            name: m.name,
            input: m.inputType.replace(/^\./, ""),
            output: m.outputType.replace(/^\./, ""),
            server_streaming: m.serverStreaming === true,
            client_streaming: m.clientStreaming === true,
          })),
        }));
        const expected = wf.services.map((s) => ({
          service: s.service,
          methods: s.methods.map((m) => ({
            name: m.name,
            input: m.input,
            output: m.output,
            server_streaming: m.server_streaming === true,
            client_streaming: m.client_streaming === true,
          })),
        }));
        expect(compiled).toEqual(expected);
      });

      it("messages and every field: name, number, type, label, oneof, optional, deprecated", () => {
        const messages = compiledMessages(file);
        expect([...messages.keys()].sort()).toEqual(wf.messages.map((m) => m.message).sort());
        for (const wm of wf.messages) {
          const m = messages.get(wm.message) as DescriptorProto;
          expect(m.options?.mapEntry === true, `${wm.message} map_entry`).toBe(wm.map_entry === true);
          const fields = m.field.map((_, i) => asWireField(m, i)).sort((a, b) => a.number - b.number);
          const expected = wm.fields
            .map((f) => {
              const out: WireField = { name: f.name, number: f.number, type: f.type };
              if (f.repeated) out.repeated = true;
              if (f.optional) out.optional = true;
              if (f.oneof) out.oneof = f.oneof;
              if (f.deprecated) out.deprecated = true;
              return out;
            })
            .sort((a, b) => a.number - b.number);
          expect(fields, wm.message).toEqual(expected);
        }
      });

      it("enums and every value", () => {
        const enums = compiledEnums(file);
        expect([...enums.keys()].sort()).toEqual(wf.enums.map((e) => e.enum).sort());
        for (const we of wf.enums) {
          const e = enums.get(we.enum) as EnumDescriptorProto;
          expect(
            e.value.map((v) => [v.name, v.number]),
            we.enum,
          ).toEqual(we.values);
        }
      });
    });
  }

  it("google.rpc.Status is the one outside dependency, with its three fields", () => {
    const status = file_google_rpc_status.proto.messageType[0] as DescriptorProto;
    expect(file_google_rpc_status.proto.package).toBe("google.rpc");
    expect(status.field.map((_, i) => asWireField(status, i))).toEqual([
      { name: "code", number: 1, type: "int32" },
      { name: "message", number: 2, type: "string" },
      { name: "details", number: 3, type: "google.protobuf.Any", repeated: true },
    ]);
  });
});
