// PLACEHOLDER: every method answers UNIMPLEMENTED until this service is written.
import { Tokenize } from "../../gen/xai/api/v1/tokenize_pb.js";
import type { EmulatorContext } from "../context.js";
import { type ServiceBinding, unimplemented } from "../service-impl.js";

export function tokenizeService(_ctx: EmulatorContext): ServiceBinding {
  return unimplemented(Tokenize);
}
