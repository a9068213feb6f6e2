import { McpServer } from 'cxMcpServer'
import { registerTools } from './lib/defineTool'
import { tools } from './tools/index'
import { VERSION } from './version'

// Registered once per context: ScriptForge loads this file for every request.
const mcp = new McpServer('ConnexCS', VERSION)
registerTools(mcp, tools)

/** ScriptForge entry point: `data` is one JSON-RPC message; the answer is its response (null for a notification). */
export function main (data: unknown): Promise<Record<string, unknown> | null> {
  return mcp.handle(data)
}
