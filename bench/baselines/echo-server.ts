/**
 * The floor of the MCP half: a one-tool server on the same SDK, class and transport as the real
 * one, whose tool answers at once with its arguments (as text and as structured content, like the
 * real tools' results). A call to it costs exactly the MCP round trip over stdio.
 */
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { CallToolRequestSchema, ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";

const server = new Server({ name: "echo", version: "0.0.0" }, { capabilities: { tools: {} } });
server.setRequestHandler(ListToolsRequestSchema, async () => ({
  tools: [{ name: "echo", description: "Returns its arguments.", inputSchema: { type: "object" } }],
}));
server.setRequestHandler(CallToolRequestSchema, async (request) => {
  const args = request.params.arguments ?? {};
  return { content: [{ type: "text", text: JSON.stringify(args) }], structuredContent: args };
});
process.stdin.on("end", () => process.exit(0));
await server.connect(new StdioServerTransport());
