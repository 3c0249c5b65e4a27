import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { z } from "zod";

/** A real MCP server over Streamable HTTP on 127.0.0.1, recording what reaches it. */
export interface LoopbackMcpServer {
  /** `http://127.0.0.1:<port>/mcp` */
  readonly url: string;
  /** The headers of every HTTP request received, in order. */
  readonly headers: IncomingHttpHeaders[];
  /** The tool calls received: name and arguments. */
  readonly calls: { name: string; arguments: Record<string, unknown> }[];
  close(): Promise<void>;
}

/**
 * Starts a stateless MCP server (the SDK's own server and Streamable HTTP transport) with three
 * tools: `lookup_order` (answers "order <id> has shipped"), `delete_everything` and
 * `failing_tool` (which reports an error result).
 */
export async function startLoopbackMcpServer(): Promise<LoopbackMcpServer> {
  const headers: IncomingHttpHeaders[] = [];
  const calls: { name: string; arguments: Record<string, unknown> }[] = [];
  const build = () => {
    const server = new McpServer({ name: "loopback-orders", version: "1.0.0" });
    server.registerTool(
      "lookup_order",
      { description: "Looks up an order by id.", inputSchema: { order_id: z.string() } },
      async (args) => {
        calls.push({ name: "lookup_order", arguments: args });
        return { content: [{ type: "text", text: `order ${args.order_id} has shipped` }] };
      },
    );
    server.registerTool(
      "delete_everything",
      { description: "Deletes every order.", inputSchema: { confirm: z.boolean() } },
      async (args) => {
        calls.push({ name: "delete_everything", arguments: args });
        return { content: [{ type: "text", text: "deleted" }] };
      },
    );
    server.registerTool(
      "failing_tool",
      { description: "Always fails.", inputSchema: { reason: z.string() } },
      async (args) => {
        calls.push({ name: "failing_tool", arguments: args });
        return { isError: true, content: [{ type: "text", text: "the backend is down" }] };
      },
    );
    return server;
  };
  const http = createServer(async (req, res) => {
    headers.push(req.headers);
    const server = build();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on("close", () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res);
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", () => resolve()));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    headers,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}
