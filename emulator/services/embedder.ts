// PLACEHOLDER: every method answers UNIMPLEMENTED until this service is written.
import { Embedder } from "../../gen/xai/api/v1/embed_pb.js";
import type { EmulatorContext } from "../context.js";
import { type ServiceBinding, unimplemented } from "../service-impl.js";

export function embedderService(_ctx: EmulatorContext): ServiceBinding {
  return unimplemented(Embedder);
}
