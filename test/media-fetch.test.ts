import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseCommand } from "../src/config.js";
import { fetchMedia, MediaFetchError, openMedia } from "../src/media/fetch-media.js";
import { isPublicAddress } from "../src/media/public-address.js";
import { startMediaSession } from "./support/media-session.js";

// Media URL fetches over real loopback HTTP servers: redirects only within the origin or to public
// https hosts (never to another local port, nor to a name that resolves to loopback), and a URL
// that drips its bytes is given up after the idle limit.

interface TestServer {
  readonly server: Server;
  readonly origin: string;
  readonly port: number;
  /** Requests received, by path. */
  readonly hits: string[];
  /** TCP connections accepted. */
  connections: number;
}

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<TestServer> {
  const server = createServer();
  const t: TestServer = {
    server,
    origin: "",
    port: 0,
    hits: [],
    connections: 0,
  };
  server.on("connection", () => {
    t.connections += 1;
  });
  server.on("request", (req, res) => {
    t.hits.push(req.url ?? "");
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(t, { origin: `http://127.0.0.1:${port}`, port });
}

const PNG = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex");

let other: TestServer;
let media: TestServer;

beforeAll(async () => {
  // A server on another local port: what a redirect must never reach.
  other = await serve((_req, res) => {
    res.writeHead(200, { "content-type": "text/plain" }).end("internal secret");
  });
  media = await serve((req, res) => {
    const url = req.url ?? "";
    if (url === "/image.png") {
      res.writeHead(200, { "content-type": "image/png", "content-length": PNG.length }).end(PNG);
    } else if (url === "/moved") {
      res.writeHead(302, { location: "/image.png" }).end();
    } else if (url === "/to-other-port") {
      res.writeHead(302, { location: `${other.origin}/metadata` }).end();
    } else if (url === "/to-localhost-https") {
      res.writeHead(301, { location: `https://localhost:${other.port}/metadata` }).end();
    } else if (url === "/to-link-local") {
      res.writeHead(307, { location: "https://169.254.169.254/latest/meta-data/" }).end();
    } else if (url === "/to-mapped-loopback") {
      res.writeHead(307, { location: `https://[::ffff:127.0.0.1]:${other.port}/` }).end();
    } else if (url === "/loop") {
      res.writeHead(302, { location: "/loop" }).end();
    } else if (url === "/drip") {
      // One byte every 20 ms: never silent, never really sending.
      res.writeHead(200, { "content-type": "video/mp4" });
      let sent = 0;
      const timer = setInterval(() => {
        if (res.destroyed || sent >= 200) {
          clearInterval(timer);
          res.end();
          return;
        }
        res.write(Buffer.of(sent & 255));
        sent += 1;
      }, 20);
      res.on("close", () => clearInterval(timer));
    } else if (url === "/silent") {
      // Headers, then nothing.
      res.writeHead(200, { "content-type": "video/mp4" });
      res.write(Buffer.alloc(10));
    } else {
      res.writeHead(404).end();
    }
  });
});

afterAll(async () => {
  for (const t of [other, media]) {
    t?.server.closeAllConnections();
    await new Promise((r) => t?.server.close(r));
  }
});

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(MediaFetchError);
    return (e as Error).message;
  }
  throw new Error("expected the fetch to be refused");
}

describe("media fetch redirects", () => {
  it("follows a redirect within the same origin (the emulator's loopback host stays reachable)", async () => {
    const got = await fetchMedia(`${media.origin}/moved`, { maxBytes: 1024 });
    expect(got.bytes.equals(PNG)).toBe(true);
    expect(got.contentType).toBe("image/png");
  });

  it("refuses a redirect to another local port, connecting nowhere", async () => {
    const before = other.connections;
    const message = await refusal(fetchMedia(`${media.origin}/to-other-port`, { maxBytes: 1024 }));
    expect(message).toContain(`redirects to 127.0.0.1:${other.port}`);
    expect(message).toContain("refused");
    expect(other.connections).toBe(before);
    expect(other.hits).toEqual([]);
  });

  it("refuses https redirects to names that resolve to loopback, and to private literals", async () => {
    const before = other.connections;
    const byName = await refusal(fetchMedia(`${media.origin}/to-localhost-https`, { maxBytes: 1024 }));
    expect(byName).toMatch(
      /localhost resolves to (127\.0\.0\.1|::1), a loopback, link-local or private address/,
    );
    const linkLocal = await refusal(fetchMedia(`${media.origin}/to-link-local`, { maxBytes: 1024 }));
    expect(linkLocal).toContain("169.254.169.254 is a loopback, link-local or private address");
    const mapped = await refusal(fetchMedia(`${media.origin}/to-mapped-loopback`, { maxBytes: 1024 }));
    expect(mapped).toContain("refused");
    expect(other.connections).toBe(before);
  });

  it("stops after a few redirects", async () => {
    expect(await refusal(fetchMedia(`${media.origin}/loop`, { maxBytes: 1024 }))).toContain("redirects");
  });

  it("judges addresses, not names", () => {
    for (const ip of ["127.0.0.1", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1"])
      expect(isPublicAddress(ip), ip).toBe(false);
    for (const ip of ["::1", "fe80::1", "fd00::1", "::ffff:127.0.0.1", "::ffff:7f00:1", "::", "0.0.0.0"])
      expect(isPublicAddress(ip), ip).toBe(false);
    for (const ip of ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"])
      expect(isPublicAddress(ip), ip).toBe(true);
    expect(isPublicAddress("example.com")).toBe(false);
  });
});

describe("media fetch idle limit", () => {
  it("gives up on a URL that drips a byte at a time, naming the host and what it received", async () => {
    const media1 = await openMedia(`${media.origin}/drip`, { maxBytes: 1024 * 1024, idleTimeoutMs: 300 });
    let received = 0;
    const message = await refusal(
      (async () => {
        for await (const chunk of media1.chunks) received += chunk.byteLength;
      })(),
    );
    expect(message).toContain(`127.0.0.1:${media.port}`);
    expect(message).toMatch(/\(\d+ bytes received in all\)/);
    expect(message).toContain("--media-idle-timeout-ms");
    expect(received).toBeGreaterThan(0);
    expect(received).toBeLessThan(200);
  });

  it("gives up on a URL that goes silent after its headers", async () => {
    const message = await refusal(
      fetchMedia(`${media.origin}/silent`, { maxBytes: 1024 * 1024, idleTimeoutMs: 200 }),
    );
    expect(message).toContain(`gave up fetching from 127.0.0.1:${media.port}`);
    expect(message).toContain("(10 bytes received in all)");
  });

  it("is set by --media-idle-timeout-ms or XAI_MEDIA_IDLE_TIMEOUT_MS (default 15 s)", () => {
    const config = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
      const c = parseCommand(argv, env);
      if (c.kind !== "serve") throw new Error(c.kind);
      return c.config.mediaIdleTimeoutMs;
    };
    expect(config([])).toBe(15_000);
    expect(config([], { XAI_MEDIA_IDLE_TIMEOUT_MS: "2500" })).toBe(2500);
    expect(config(["--media-idle-timeout-ms", "700"], { XAI_MEDIA_IDLE_TIMEOUT_MS: "2500" })).toBe(700);
    expect(() => config(["--media-idle-timeout-ms", "0"])).toThrow(/positive whole number/);
  });
});

describe("through the server", () => {
  it("image URLs: a redirect to another local port is refused, a drip is given up at the configured limit", async () => {
    const session = await startMediaSession({ args: ["--media-idle-timeout-ms", "300"] });
    try {
      // The emulator hands out URLs of the test's servers instead of its own media host.
      const urls = [`${media.origin}/to-other-port`, `${media.origin}/drip`, `${media.origin}/moved`];
      const host = session.emu.context.media as { publish: (...a: unknown[]) => string };
      host.publish = () => urls.shift() ?? "";
      const before = other.connections;
      const result = await session.client.callTool({
        name: "image_generate_image",
        arguments: {
          prompt: "three",
          model: "grok-imagine-image",
          n: 3,
          format: "IMG_FORMAT_URL",
          inline: true,
        },
      });
      const text = (result.content as { type: string; text?: string }[])
        .map((b) => b.text ?? `[${b.type}]`)
        .join("\n");
      const lines = text.split("\n");
      expect(lines.find((l) => l.startsWith("- image 1:"))).toMatch(/could not be fetched: .*refused/);
      expect(lines.find((l) => l.startsWith("- image 2:"))).toMatch(
        new RegExp(
          `could not be fetched: gave up fetching from 127\\.0\\.0\\.1:${media.port}.*0\\.3 s \\(\\d+ bytes received in all\\)`,
        ),
      );
      expect(lines.find((l) => l.startsWith("- image 3:"))).toContain("shown in image content block 1");
      expect(other.connections).toBe(before);
    } finally {
      await session.close();
    }
  }, 30_000);
});
