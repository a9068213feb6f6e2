import type { McpServer, McpToolResponse } from 'cxMcpServer'
import { toBoundedJson } from './bounded'
import { parseArgs, type ArgsOf, type ParamSpecs } from './params'
import { errorResult, type ToolResult } from './result'

/**
 * One MCP tool: everything the AI sees (name, description, parameters) and the handler, kept
 * together in the tool's own module.
 */
export interface ToolDefinition<P extends ParamSpecs = ParamSpecs> {
  /** camelCase, as users' prompts and the existing server know them (DESIGN D2). */
  name: string
  /** When to use the tool and what comes back, front-loaded; every client loads all of them. */
  description: string
  /** A question a user might ask that leads to this tool (shown in the README's tool table). */
  example: string
  params: P
  /** Receives validated arguments with defaults applied; may throw a ToolError. */
  handler (args: ArgsOf<P>): Promise<ToolResult>
}

/** Declares a tool; the identity function that gives the handler its argument types. */
export function defineTool<const P extends ParamSpecs> (tool: ToolDefinition<P>): ToolDefinition<P> {
  return tool
}

/**
 * Runs a tool on raw call arguments: validates them, calls the handler, and shapes what comes
 * back as a bounded MCP tool result. Nothing a handler throws escapes (DESIGN D3): it becomes an
 * error result with `isError: true`.
 */
export async function runTool (tool: ToolDefinition, rawArgs: unknown): Promise<McpToolResponse> {
  let result: ToolResult
  let failed = false
  try {
    result = await tool.handler(parseArgs(tool.params, rawArgs))
  } catch (error) {
    result = errorResult(error)
    failed = true
  }
  const response: McpToolResponse = { content: [{ type: 'text', text: toBoundedJson(result) }] }
  if (failed) response.isError = true
  return response
}

/** Registers tools on the platform's McpServer with `addTool(...).addParameter(...)`. */
export function registerTools (server: McpServer, tools: readonly ToolDefinition[]): void {
  for (const tool of tools) {
    let builder = server.addTool(tool.name, tool.description, args => runTool(tool, args))
    for (const [name, spec] of Object.entries(tool.params)) {
      const options = spec.type === 'string' && spec.enum !== undefined ? { enum: spec.enum } : undefined
      builder = builder.addParameter(name, spec.type, spec.description, spec.required === true, spec.default, options)
    }
  }
}
