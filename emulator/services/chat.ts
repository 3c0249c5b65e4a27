// PLACEHOLDER: every method answers UNIMPLEMENTED until this service is written.
import { Chat } from "../../gen/xai/api/v1/chat_pb.js";
import type { EmulatorContext } from "../context.js";
import { type ServiceBinding, unimplemented } from "../service-impl.js";

export function chatService(_ctx: EmulatorContext): ServiceBinding {
  return unimplemented(Chat);
}
