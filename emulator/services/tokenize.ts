import { Tokenize } from "../../gen/xai/api/v1/tokenize_pb.js";
import type { EmulatorContext } from "../context.js";
import { invalidArgument } from "../errors.js";
import { bind, type ServiceBinding } from "../service-impl.js";

/**
 * The Tokenize service: the emulator's one tokenizer, the same that counts usage and applies
 * `max_tokens` everywhere, so a count from here matches what chat and sample bill.
 */
export function tokenizeService(ctx: EmulatorContext): ServiceBinding {
  return bind(Tokenize, {
    tokenizeText: (req) => {
      if (req.model.trim() === "") throw invalidArgument("model is required, e.g. grok-4");
      const model = ctx.catalog.language(req.model);
      return {
        model: model.name,
        tokens: ctx.tokenizer.tokenize(req.text).map((t) => ({
          tokenId: t.id,
          stringToken: t.text,
          tokenBytes: t.bytes,
        })),
      };
    },
  });
}
