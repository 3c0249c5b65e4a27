export { registerResources } from "./register-resources.js";
export {
  FILE_CHANGING_TOOLS,
  MODELS_URI,
  parseResourceUri,
  RESOURCE_NOT_FOUND,
  resourceVisibility,
  TEMPLATES,
} from "./resource-uris.js";
export { watchToolCalls } from "./tool-call-watch.js";
