import { renderChatCompletion } from "./chat.js";
import { compactJson } from "./json.js";

type Json = Record<string, unknown>;
export type Renderer = (response: Json) => string;

/** Text renderers by response message type; the rest are shown as compact JSON. */
const RENDERERS: Record<string, Renderer> = {
  "xai_api.GetChatCompletionResponse": renderChatCompletion,
};

/** The text block of a result, written for the agent. */
export function renderText(typeName: string, response: Json): string {
  const render = RENDERERS[typeName];
  return render ? render(response) : compactJson(response);
}
