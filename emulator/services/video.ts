// PLACEHOLDER: every method answers UNIMPLEMENTED until this service is written.
import { Video } from "../../gen/xai/api/v1/video_pb.js";
import type { EmulatorContext } from "../context.js";
import { type ServiceBinding, unimplemented } from "../service-impl.js";

export function videoService(_ctx: EmulatorContext): ServiceBinding {
  return unimplemented(Video);
}
