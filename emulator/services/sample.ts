// PLACEHOLDER: every method answers UNIMPLEMENTED until this service is written.
import { Sample } from "../../gen/xai/api/v1/sample_pb.js";
import type { EmulatorContext } from "../context.js";
import { type ServiceBinding, unimplemented } from "../service-impl.js";

export function sampleService(_ctx: EmulatorContext): ServiceBinding {
  return unimplemented(Sample);
}
