// PLACEHOLDER: every method answers UNIMPLEMENTED until this service is written.
import { Auth } from "../../gen/xai/api/v1/auth_pb.js";
import type { EmulatorContext } from "../context.js";
import { type ServiceBinding, unimplemented } from "../service-impl.js";

export function authService(_ctx: EmulatorContext): ServiceBinding {
  return unimplemented(Auth);
}
