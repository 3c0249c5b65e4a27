/**
 * The floor of a cold start: the least an MCP server on this SDK can be. It imports the same
 * server class and stdio transport as the real one, registers one tool, and connects.
 */
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { CallToolRequestSchema, ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";

const server = new Server({ name: "minimal", version: "0.0.0" }, { capabilities: { tools: {} } });
server.setRequestHandler(ListToolsRequestSchema, async () => ({
  tools: [
    {
      name: "ping",
      description: "Answers pong.",
      inputSchema: { type: "object", properties: {}, additionalProperties: false },
    },
  ],
}));
server.setRequestHandler(CallToolRequestSchema, async () => ({ content: [{ type: "text", text: "pong" }] }));
process.stdin.on("end", () => process.exit(0));
await server.connect(new StdioServerTransport());
