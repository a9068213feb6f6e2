import type { McpServer, McpToolResponse } from 'cxMcpServer'
import { toBoundedJson } from './bounded'
import type { ToolContext } from './context'
import { parseArgs, type ArgsOf, type ParamSpecs } from './params'
import { errorResult, type ToolResult } from './result'
import type { SelfTestCase } from './selfTestCase'

/**
 * One MCP tool's metadata record and its handler, kept together in the tool's own module: what
 * the AI sees (name, title, description, parameters, annotations), what the README's table
 * shows (example) and how the self-test exercises it (selfTest).
 */
export interface ToolDefinition<P extends ParamSpecs = ParamSpecs> {
  /** camelCase, as users' prompts and the existing server know them. */
  name: string
  /** A human name, shown by clients in place of the name (`tools/list` `title`). */
  title: string
  /** When to use the tool and what comes back, front-loaded; every client loads all of them. */
  description: string
  /** A question a user might ask that leads to this tool (shown in the README's tool table). */
  example: string
  /**
   * True when the tool only reads: clients then need not ask for approval on each call
   * (`annotations.readOnlyHint`).
   */
  readOnly: boolean
  /**
   * True when a call may change or delete things on the account (`annotations.destructiveHint`):
   * clients then ask before each call. Only for a tool that is not read-only; absent is false.
   */
  destructive?: boolean
  params: P
  /** How the on-platform self-test calls the tool and what its answer must hold. */
  selfTest: SelfTestCase
  /**
   * Receives validated arguments with defaults applied and the request's context (API client,
   * clock); may throw a ToolError. Fetch, analyse, present: see README "Architecture".
   */
  handler (args: ArgsOf<P>, ctx: ToolContext): Promise<ToolResult>
}

/**
 * What the MCP front knows of a tool before its code is loaded: everything `initialize`,
 * `tools/list`, argument validation and the unknown-tool error need, and nothing that runs.
 */
export type ToolMetadata = Pick<ToolDefinition, 'name' | 'title' | 'description' | 'readOnly' | 'destructive' | 'params'>

/** Declares a tool; the identity function that gives the handler its argument types. */
export function defineTool<const P extends ParamSpecs> (tool: ToolDefinition<P>): ToolDefinition<P> {
  return tool
}

/** The MCP `annotations` of a tool, from its record. */
export function annotationsOf (tool: ToolMetadata): Record<string, boolean> {
  return tool.readOnly
    ? { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false }
    : { readOnlyHint: false, destructiveHint: tool.destructive === true, openWorldHint: false }
}

/**
 * Runs a tool on raw call arguments: validates them, calls the handler with the context, and
 * shapes what comes back as a bounded MCP tool result. Nothing a handler throws escapes: it
 * becomes an error result with `isError: true`, including a `configuration` error from reading
 * `ctx.api` when the app has no API_USERNAME.
 */
export async function runTool (tool: ToolDefinition, rawArgs: unknown, ctx: ToolContext): Promise<McpToolResponse> {
  let result: ToolResult
  let failed = false
  try {
    result = await tool.handler(parseArgs(tool.params, rawArgs), ctx)
  } catch (error) {
    result = errorResult(error)
    failed = true
  }
  const response: McpToolResponse = { content: [{ type: 'text', text: toBoundedJson(result) }] }
  if (failed) response.isError = true
  return response
}

/**
 * Registers tools on the platform's McpServer with `addTool(...).addParameter(...)`; `context`
 * builds each call's context (one call is one request on ScriptForge).
 */
export function registerTools (server: McpServer, tools: readonly ToolDefinition[], context: () => ToolContext): void {
  registerToolHandlers(server, tools, tool => args => runTool(tool as ToolDefinition, args, context()))
}

/**
 * Registers tools from their metadata alone; `handlerOf` gives each its handler (which may load
 * the tool's code first).
 */
export function registerToolHandlers<T extends ToolMetadata> (
  server: McpServer,
  tools: readonly T[],
  handlerOf: (tool: T) => (args: Record<string, unknown>) => Promise<McpToolResponse>
): void {
  for (const tool of tools) {
    let builder = server.addTool(tool.name, tool.description, handlerOf(tool))
    for (const [name, spec] of Object.entries(tool.params)) {
      const options = spec.type === 'string' && spec.enum !== undefined ? { enum: spec.enum } : undefined
      builder = builder.addParameter(name, spec.type, spec.description, spec.required === true, spec.default, options)
    }
  }
}
