/**
 * Every service, method, message, field, oneof, enum and value in proto/ is documented. A leading
 * comment is what agents read (it becomes the tool and schema descriptions); where the schema is
 * better without one, the documentation stays as a trailing comment, for readers of the proto only.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../proto", import.meta.url));

function protoFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? protoFiles(join(dir, e.name)) : e.name.endsWith(".proto") ? [join(dir, e.name)] : [],
  );
}

/** Declarations with neither a leading nor a trailing comment. */
function undocumented(text: string): string[] {
  const out: string[] = [];
  let previous = "";
  for (const line of text.split("\n")) {
    const s = line.trim();
    const isDeclaration =
      s !== "" && !s.startsWith("//") && s !== "}" && !/^(syntax|package|import|option)\b/.test(s);
    if (isDeclaration && !s.includes("//") && !previous.startsWith("//")) out.push(s);
    previous = s;
  }
  return out;
}

describe("proto documentation", () => {
  const files = protoFiles(ROOT);

  it("covers all 17 files", () => {
    expect(files).toHaveLength(17);
  });

  for (const file of files) {
    it(`documents every declaration of ${file.slice(ROOT.length + 1)}`, () => {
      expect(undocumented(readFileSync(file, "utf8"))).toEqual([]);
    });
  }
});
