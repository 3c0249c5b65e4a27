export * from "./json-schema.js";
export * from "./scalar-kind.js";
export * from "./shorthand.js";
export * from "./well-known.js";
export * from "./zod-schema.js";
