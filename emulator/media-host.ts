import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A loopback HTTP server for what the emulated API hands out as URLs: generated images and videos,
 * and public file URLs. Content is kept in memory for the life of the emulator.
 */
export interface MediaHost {
  /** `http://127.0.0.1:<port>` */
  readonly baseUrl: string;
  /** Serves `bytes` under a new URL, which it returns. */
  publish(bytes: Uint8Array, contentType: string, filename: string): string;
  /** Stops serving a URL handed out by {@link publish}; true when it was served. */
  unpublish(url: string): boolean;
  /** The content behind a URL handed out by {@link publish}, if still served. */
  lookup(url: string): { bytes: Uint8Array; contentType: string } | undefined;
  close(): Promise<void>;
}

export async function startMediaHost(): Promise<MediaHost> {
  const items = new Map<string, { bytes: Uint8Array; contentType: string }>();
  let counter = 0;
  const server: Server = createServer((req, res) => {
    const item = items.get((req.url ?? "").split("?")[0] ?? "");
    if (!item || (req.method !== "GET" && req.method !== "HEAD")) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
      return;
    }
    res.writeHead(200, { "content-type": item.contentType, "content-length": item.bytes.byteLength });
    res.end(req.method === "HEAD" ? undefined : item.bytes);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  server.unref();
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  const pathOf = (url: string) => (url.startsWith(baseUrl) ? url.slice(baseUrl.length) : undefined);
  return {
    baseUrl,
    publish(bytes, contentType, filename) {
      counter += 1;
      const path = `/media/${counter.toString(36).padStart(4, "0")}/${encodeURIComponent(filename)}`;
      items.set(path, { bytes, contentType });
      return baseUrl + path;
    },
    unpublish(url) {
      const path = pathOf(url);
      return path !== undefined && items.delete(path);
    },
    lookup(url) {
      const path = pathOf(url);
      return path === undefined ? undefined : items.get(path);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
