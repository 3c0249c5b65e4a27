// PLACEHOLDER: every method answers UNIMPLEMENTED until this service is written.
import { BatchMgmt } from "../../gen/xai/api/v1/batch_pb.js";
import type { EmulatorContext } from "../context.js";
import { type ServiceBinding, unimplemented } from "../service-impl.js";

export function batchService(_ctx: EmulatorContext): ServiceBinding {
  return unimplemented(BatchMgmt);
}
