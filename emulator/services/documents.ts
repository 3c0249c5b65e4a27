// PLACEHOLDER: every method answers UNIMPLEMENTED until this service is written.
import { Documents } from "../../gen/xai/api/v1/documents_pb.js";
import type { EmulatorContext } from "../context.js";
import { type ServiceBinding, unimplemented } from "../service-impl.js";

export function documentsService(_ctx: EmulatorContext): ServiceBinding {
  return unimplemented(Documents);
}
