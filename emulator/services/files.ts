// PLACEHOLDER: every method answers UNIMPLEMENTED until this service is written.
import { Files } from "../../gen/xai/api/v1/files_pb.js";
import type { EmulatorContext } from "../context.js";
import { type ServiceBinding, unimplemented } from "../service-impl.js";

export function filesService(_ctx: EmulatorContext): ServiceBinding {
  return unimplemented(Files);
}
