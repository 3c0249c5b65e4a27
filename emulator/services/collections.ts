// PLACEHOLDER: every method answers UNIMPLEMENTED until this service is written.
import { Collections } from "../../gen/xai/api/v1/collections_pb.js";
import type { EmulatorContext } from "../context.js";
import { type ServiceBinding, unimplemented } from "../service-impl.js";

export function collectionsService(_ctx: EmulatorContext): ServiceBinding {
  return unimplemented(Collections);
}
