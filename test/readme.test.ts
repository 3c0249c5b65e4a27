import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { withToolTable } from "../scripts/readme-tools.js";
import { PACKAGE_VERSION } from "../src/version.js";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
  version: string;
};

describe("README and package facts", () => {
  it("lists exactly the tools the server serves (run `npm run readme` after changing tools)", () => {
    expect(withToolTable(readme)).toBe(readme);
  });

  it("opens with the two commands a newcomer needs", () => {
    const head = readme.split("\n").slice(0, 12).join("\n");
    expect(head).toContain("npm install && npm run demo");
    expect(head).toContain("npm install && npm test");
  });

  it("reports the package.json version", () => {
    expect(PACKAGE_VERSION).toBe(pkg.version);
  });
});
