// PLACEHOLDER: every method answers UNIMPLEMENTED until this service is written.
import { Models } from "../../gen/xai/api/v1/models_pb.js";
import type { EmulatorContext } from "../context.js";
import { type ServiceBinding, unimplemented } from "../service-impl.js";

export function modelsService(_ctx: EmulatorContext): ServiceBinding {
  return unimplemented(Models);
}
