export { ChatAccumulator } from "./chat-accumulator.js";
export { SampleAccumulator } from "./sample-accumulator.js";
export type { StreamAccumulator, TextDelta } from "./stream-accumulator.js";
