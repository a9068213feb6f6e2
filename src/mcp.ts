import { McpServer } from 'cxMcpServer'
import { registerTools } from './lib/defineTool'
import { tools } from './tools/index'
import { VERSION } from './version'

/** A new MCP server with every tool registered: what `main` serves, and what the self-test calls. */
export function createMcpServer (): McpServer {
  const server = new McpServer('ConnexCS', VERSION)
  registerTools(server, tools)
  return server
}

// Created once per context, on first use: ScriptForge loads this file for every request, and the
// self-test imports the factory without needing a server of its own here.
let mcp: McpServer | undefined

/** ScriptForge entry point: `data` is one JSON-RPC message; the answer is its response (null for a notification). */
export function main (data: unknown): Promise<Record<string, unknown> | null> {
  mcp ??= createMcpServer()
  return mcp.handle(data)
}
