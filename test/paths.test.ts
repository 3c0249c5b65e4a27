import {
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  realpath,
  rename,
  rm,
  symlink,
  writeFile,
} from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { delimiter, join, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseCommand } from "../src/config.js";
import { AllowedRoots, parseAllowedDirs } from "../src/files/allowed-roots.js";
import {
  type AllowedDirectory,
  expandHome,
  isPathAccessError,
  isWithin,
  resolveAllowedDirectory,
  toLocalPath,
  validateReadPath,
  validateWritePath,
} from "../src/files/path-validation.js";
import { SafeDirectory, writeStream } from "../src/files/safe-write.js";

// Layout, under one temporary directory:
//   allowed/            the allowed root
//     inside.txt
//     sub/nested.txt
//     link-in  -> allowed/inside.txt
//     link-out -> outside/secret.txt
//     dir-out  -> outside/
//     dangling -> outside/missing.txt
//   allowed-evil/evil.txt   a sibling whose name starts like the root
//   outside/secret.txt
let base: string;
let allowed: string;
let outside: string;
let evil: string;
let dirs: AllowedDirectory[];

beforeAll(async () => {
  base = await realpath(await mkdtemp(join(tmpdir(), "xai-paths-")));
  allowed = join(base, "allowed");
  outside = join(base, "outside");
  evil = join(base, "allowed-evil");
  await mkdir(join(allowed, "sub"), { recursive: true });
  await mkdir(outside);
  await mkdir(evil);
  await writeFile(join(allowed, "inside.txt"), "inside");
  await writeFile(join(allowed, "sub", "nested.txt"), "nested");
  await writeFile(join(outside, "secret.txt"), "secret");
  await writeFile(join(evil, "evil.txt"), "evil");
  await symlink(join(allowed, "inside.txt"), join(allowed, "link-in"));
  await symlink(join(outside, "secret.txt"), join(allowed, "link-out"));
  await symlink(outside, join(allowed, "dir-out"));
  await symlink(join(outside, "missing.txt"), join(allowed, "dangling"));
  const root = await resolveAllowedDirectory(allowed);
  if (!root) throw new Error("the allowed directory did not resolve");
  dirs = [root];
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

/** The refusal message of a rejected check (fails the test when it did not reject as a PathAccessError). */
async function refusal(check: Promise<unknown>): Promise<string> {
  try {
    await check;
  } catch (e) {
    expect(isPathAccessError(e)).toBe(true);
    return (e as Error).message;
  }
  throw new Error("expected the path to be refused");
}

async function outsideUntouched(): Promise<void> {
  expect((await readdir(outside)).sort()).toEqual(["secret.txt"]);
  expect(await readFile(join(outside, "secret.txt"), "utf8")).toBe("secret");
}

describe("isWithin", () => {
  it("compares whole segments", () => {
    expect(isWithin("/a/b", "/a")).toBe(true);
    expect(isWithin("/a", "/a")).toBe(true);
    expect(isWithin("/a-evil/x", "/a")).toBe(false);
    expect(isWithin("/ab", "/a")).toBe(false);
    expect(isWithin("/anything", "/")).toBe(true);
  });
});

describe("toLocalPath", () => {
  it("understands file:// URIs and ~", () => {
    expect(toLocalPath(pathToFileURL(join(allowed, "a b.txt")).href)).toBe(join(allowed, "a b.txt"));
    expect(expandHome("~")).toBe(homedir());
    expect(toLocalPath(`~${sep}x.png`)).toBe(join(homedir(), "x.png"));
  });
  it("refuses NUL bytes, empty paths and remote file URIs", async () => {
    expect(() => toLocalPath("a\0b")).toThrow(/NUL/);
    expect(() => toLocalPath("  ")).toThrow(/empty/);
    expect(() => toLocalPath("file://server/share/x")).toThrow(/not a local file URI/);
  });
});

describe("validateReadPath", () => {
  it("accepts files inside, by absolute, relative, file:// and inside-pointing symlink", async () => {
    expect((await validateReadPath(join(allowed, "inside.txt"), dirs)).path).toBe(
      join(allowed, "inside.txt"),
    );
    expect((await validateReadPath(join("sub", "nested.txt"), dirs)).path).toBe(
      join(allowed, "sub", "nested.txt"),
    );
    expect((await validateReadPath(pathToFileURL(join(allowed, "inside.txt")).href, dirs)).size).toBe(6);
    expect((await validateReadPath(join(allowed, "link-in"), dirs)).path).toBe(join(allowed, "inside.txt"));
  });

  it("refuses `..` escapes", async () => {
    const message = await refusal(validateReadPath(join(allowed, "..", "outside", "secret.txt"), dirs));
    expect(message).toContain("outside the allowed directories");
    expect(message).toContain(join(outside, "secret.txt"));
    expect(message).toContain("--allow-dir");
    await refusal(validateReadPath(join("..", "outside", "secret.txt"), dirs));
  });

  it("refuses absolute paths outside", async () => {
    expect(await refusal(validateReadPath(join(outside, "secret.txt"), dirs))).toContain("access denied");
    await refusal(validateReadPath("/etc/passwd", dirs));
  });

  it("refuses a symlink inside that points outside, and a directory symlink out", async () => {
    expect(await refusal(validateReadPath(join(allowed, "link-out"), dirs))).toContain(
      join(outside, "secret.txt"),
    );
    await refusal(validateReadPath(join(allowed, "dir-out", "secret.txt"), dirs));
  });

  it("refuses a sibling whose name starts with the root's name", async () => {
    expect(await refusal(validateReadPath(join(evil, "evil.txt"), dirs))).toContain("outside the allowed");
    await refusal(validateReadPath(`${allowed}-evil${sep}evil.txt`, dirs));
  });

  it("refuses everything when no directory is allowed, saying how to allow one", async () => {
    const message = await refusal(validateReadPath(join(allowed, "inside.txt"), []));
    expect(message).toMatch(/no directory is allowed/);
    expect(message).toContain("--allow-dir");
    expect(message).toContain("XAI_ALLOWED_DIRS");
  });

  it("refuses missing files and directories", async () => {
    expect(await refusal(validateReadPath(join(allowed, "nope.txt"), dirs))).toContain("does not exist");
    expect(await refusal(validateReadPath(join(allowed, "sub"), dirs))).toContain("not a regular file");
  });
});

describe("validateWritePath", () => {
  it("accepts new files, also in missing subdirectories", async () => {
    expect(await validateWritePath(join(allowed, "new.txt"), dirs)).toEqual({
      path: join(allowed, "new.txt"),
      existing: "none",
    });
    expect((await validateWritePath(join(allowed, "a", "b", "c.txt"), dirs)).path).toBe(
      join(allowed, "a", "b", "c.txt"),
    );
    expect((await validateWritePath(join(allowed, "sub"), dirs)).existing).toBe("directory");
  });

  it("refuses every escape, and nothing is written", async () => {
    await refusal(validateWritePath(join(allowed, "..", "outside", "new.txt"), dirs));
    await refusal(validateWritePath(join(outside, "new.txt"), dirs));
    await refusal(validateWritePath(join(allowed, "dir-out", "new.txt"), dirs));
    await refusal(validateWritePath(join(allowed, "dir-out", "deeper", "new.txt"), dirs));
    await refusal(validateWritePath(join(allowed, "link-out"), dirs));
    expect(await refusal(validateWritePath(join(allowed, "dangling"), dirs))).toContain(
      "symlink that points nowhere",
    );
    await refusal(validateWritePath(join(evil, "new.txt"), dirs));
    await refusal(validateWritePath(join(allowed, "new.txt"), []));
    await outsideUntouched();
  });

  it("refuses a path through a file", async () => {
    expect(await refusal(validateWritePath(join(allowed, "inside.txt", "x"), dirs))).toContain(
      "not a directory",
    );
  });
});

describe("AllowedRoots", () => {
  it("unites configured directories and the client's file:// roots, skipping what does not exist", async () => {
    const roots = new AllowedRoots([allowed, join(base, "missing")]);
    roots.useClientRoots(async () => [{ uri: pathToFileURL(evil).href }, { uri: "https://example.com/" }]);
    const listed = (await roots.directories()).map((d) => d.real);
    expect(listed).toEqual([allowed, evil]);
    expect((await roots.readable(join(evil, "evil.txt"))).path).toBe(join(evil, "evil.txt"));
    await refusal(roots.readable(join(outside, "secret.txt")));
  });

  it("follows the client's roots when they change", async () => {
    let current = [{ uri: pathToFileURL(outside).href }];
    const roots = new AllowedRoots([]);
    roots.useClientRoots(async () => current);
    expect((await roots.readable(join(outside, "secret.txt"))).size).toBe(6);
    current = [];
    roots.refresh();
    await refusal(roots.readable(join(outside, "secret.txt")));
  });

  it("keeps the configured directories when listing the client's roots fails", async () => {
    const roots = new AllowedRoots([allowed]);
    roots.useClientRoots(async () => {
      throw new Error("client went away");
    });
    expect((await roots.directories()).map((d) => d.real)).toEqual([allowed]);
  });

  it("reads XAI_ALLOWED_DIRS with the path delimiter", () => {
    expect(parseAllowedDirs(`/a${delimiter} /b ${delimiter}${delimiter}`)).toEqual(["/a", "/b"]);
    expect(parseAllowedDirs(undefined)).toEqual([]);
  });
});

describe("writing", () => {
  const openDir = async (roots: AllowedRoots, path: string) => {
    const dir = await SafeDirectory.open(roots, path, { create: true });
    const where = await dir.whereNow();
    await dir.close();
    return where;
  };

  it("creates a missing directory inside, and refuses one through a symlink out", async () => {
    const roots = new AllowedRoots([allowed]);
    expect(await openDir(roots, join(allowed, "made", "here"))).toBe(join(allowed, "made", "here"));
    await refusal(openDir(roots, join(allowed, "dir-out", "made")));
    await outsideUntouched();
  });

  it("never overwrites: new files get a free name", async () => {
    const roots = new AllowedRoots([allowed]);
    const dir = await SafeDirectory.open(roots, join(allowed, "unique"), { create: true });
    const first = await writeStream(dir, { stem: "img", ext: ".png" }, [Uint8Array.of(1)]);
    const second = await writeStream(dir, { stem: "img", ext: ".png" }, [Uint8Array.of(2)]);
    await dir.close();
    expect([first.path, second.path]).toEqual([
      join(allowed, "unique", "img.png"),
      join(allowed, "unique", "img-2.png"),
    ]);
    expect([...(await readFile(first.path))]).toEqual([1]);
  });

  it("streams into place, refuses to clobber without overwrite, and leaves nothing on failure", async () => {
    const roots = new AllowedRoots([allowed]);
    const dir = await SafeDirectory.open(roots, join(allowed, "stream"), { create: true });
    const target = join(allowed, "stream", "out.bin");
    async function* parts(fail = false) {
      yield Buffer.from("hello ");
      if (fail) throw new Error("stream broke");
      yield Buffer.from("world");
    }
    expect(await writeStream(dir, { name: "out.bin", overwrite: false }, parts())).toEqual({
      path: target,
      bytes: 11,
    });
    expect(await readFile(target, "utf8")).toBe("hello world");
    await expect(writeStream(dir, { name: "out.bin", overwrite: false }, parts())).rejects.toThrow(
      /exists already/,
    );
    await expect(writeStream(dir, { name: "broken.bin", overwrite: false }, parts(true))).rejects.toThrow(
      /stream broke/,
    );
    expect((await readdir(join(allowed, "stream"))).sort()).toEqual(["out.bin"]);
    await writeStream(dir, { name: "out.bin", overwrite: true }, [Buffer.from("new")]);
    expect(await readFile(target, "utf8")).toBe("new");
    await dir.close();
  });

  it("removes a file whose directory was moved outside while it was written, and says so", async () => {
    const roots = new AllowedRoots([allowed]);
    await mkdir(join(allowed, "moving"));
    const dir = await SafeDirectory.open(roots, join(allowed, "moving"), { create: false });
    const temp = await dir.createTemp("late.bin");
    await temp.write(Buffer.from("bytes"));
    // The directory itself leaves the allowed directory mid-transfer.
    await rename(join(allowed, "moving"), join(outside, "moved"));
    try {
      const message = await refusal(temp.place({ name: "late.bin", overwrite: false }));
      expect(message).toContain("moved outside the allowed directories");
      expect(await readdir(join(outside, "moved"))).toEqual([]);
    } finally {
      await dir.close();
      await rm(join(outside, "moved"), { recursive: true });
    }
    await outsideUntouched();
  });

  it("writes into the directory it checked, even when the path is swapped for a link meanwhile", async () => {
    const roots = new AllowedRoots([allowed]);
    await mkdir(join(allowed, "held"));
    const dir = await SafeDirectory.open(roots, join(allowed, "held"), { create: false });
    await rename(join(allowed, "held"), join(allowed, "held.real"));
    await symlink(outside, join(allowed, "held"));
    try {
      const outcome = await writeStream(dir, { name: "f.txt", overwrite: false }, [Buffer.from("x")]);
      expect(outcome.path).toBe(join(allowed, "held.real", "f.txt"));
      expect(await readFile(join(allowed, "held.real", "f.txt"), "utf8")).toBe("x");
    } finally {
      await dir.close();
      await rm(join(allowed, "held"));
    }
    await outsideUntouched();
  });
});

describe("configuration", () => {
  const serve = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
    const command = parseCommand(argv, env);
    if (command.kind !== "serve") throw new Error(`expected serve, got ${command.kind}`);
    return command.config;
  };

  it("reads --allow-dir (repeatable) over XAI_ALLOWED_DIRS", () => {
    expect(serve([]).allowedDirs).toEqual([]);
    expect(serve([], { XAI_ALLOWED_DIRS: `/a${delimiter}/b` }).allowedDirs).toEqual(["/a", "/b"]);
    expect(serve(["--allow-dir", "/c", "--allow-dir", "/d"], { XAI_ALLOWED_DIRS: "/a" }).allowedDirs).toEqual(
      ["/c", "/d"],
    );
    expect(() => serve(["--allow-dir"])).toThrow(/--allow-dir needs a value/);
  });

  it("reads the inline image limit", () => {
    expect(serve([]).inlineImageMaxBytes).toBe(1024 * 1024);
    expect(serve([], { XAI_INLINE_IMAGE_MAX_BYTES: "5000" }).inlineImageMaxBytes).toBe(5000);
    expect(
      serve(["--inline-image-max-bytes", "42"], { XAI_INLINE_IMAGE_MAX_BYTES: "5000" }).inlineImageMaxBytes,
    ).toBe(42);
    expect(() => serve(["--inline-image-max-bytes", "1.5"])).toThrow(/positive whole number/);
  });
});
