import { McpServer } from 'cxMcpServer'
import { connexcs, type Connexcs } from './connexcs/client'
import { toBoundedJson } from './lib/bounded'
import type { ToolContext } from './lib/context'
import { annotationsOf, registerTools, type ToolDefinition } from './lib/defineTool'
import { ToolError } from './lib/errors'
import { closestName, parseArgs } from './lib/params'
import { errorResult } from './lib/result'
import { ALIASES, resolveAlias } from './tools/aliases'
import { tools } from './tools/index'
import { VERSION } from './version'

/** Every tool's record, for the self-test, which imports this file rather than a copy of the tools. */
export { tools }

/**
 * The MCP front (README, "Architecture"): `main(data)` owns what the platform's `cxMcpServer` may
 * not do (titles and annotations in `tools/list`, `instructions` in `initialize`, our own argument
 * validation, aliases, unwrapping a result wrapped twice) and passes everything else to
 * `mcp.handle` unchanged.
 */

/** What `initialize` tells the AI once: which tool to start with for which question. */
export const INSTRUCTIONS = [
  'ConnexCS switch tools (read-only). Start with:',
  '- a call that failed or sounded bad: searchCallLogs (by number, Call-ID or IP), then investigateCall with its callid;',
  '  getSipTrace has every SIP finding and the ladder, getCallQuality the RTCP audio figures;',
  '- how traffic is doing (a customer, carrier, destination, prefix): getCallAnalytics; the calls themselves: searchCdr;',
  '- media zones and servers: getRtpServerGroups, listRtpServers;',
  '- customers, carriers, balances, rates and profit (names or ids): searchCustomers, getCustomer, searchCarriers, getRateCard, lookupRate, getProfitability.',
  'Dates are YYYY-MM-DD in UTC. Every answer starts with a plain summary and ends with next_steps to follow.'
].join('\n')

/** The context of one request: the clock read once, the API client made when first used. */
function requestContext (): ToolContext {
  const nowMs = Date.now()
  let api: Connexcs | undefined
  return {
    nowMs,
    // Made on first use, so that a missing API_USERNAME is a tool error of the call that needs it.
    get api () {
      api ??= connexcs()
      return api
    }
  }
}

/** A new MCP server with every tool registered; `context` builds each call's context. */
export function createMcpServer (context: () => ToolContext = requestContext): McpServer {
  const server = new McpServer('ConnexCS', VERSION)
  registerTools(server, tools, context)
  return server
}

type Message = Record<string, unknown>
type Response = Record<string, unknown> | null

const byName = new Map<string, ToolDefinition>(tools.map(t => [t.name, t]))

function isObject (value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

/** A tool result that carries our error JSON. */
function errorAnswer (id: unknown, error: unknown): Response {
  return { jsonrpc: '2.0', id, result: { content: [{ type: 'text', text: toBoundedJson(errorResult(error)) }], isError: true } }
}

/** Unknown tool: the JSON-RPC error, with the nearest name among tools and aliases. */
function unknownTool (id: unknown, name: string): Response {
  const guess = closestName(name, [...byName.keys(), ...Object.keys(ALIASES)])
  const shown = name.length > 60 ? `${name.slice(0, 60)}…` : name
  return {
    jsonrpc: '2.0',
    id,
    error: { code: -32602, message: `Unknown tool: ${shown}${guess === undefined ? '' : `; did you mean ${guess}?`} (tools/list lists them)` }
  }
}

/**
 * `tools/call`: resolves an alias, validates the arguments with our own validator (so every
 * argument error is our JSON, whatever the platform does), and sends the platform the clean
 * arguments with defaults applied.
 */
async function callTool (mcp: McpServer, message: Message): Promise<Response> {
  const params = isObject(message.params) ? message.params : {}
  if (typeof params.name !== 'string') return mcp.handle(message)
  const raw = params.arguments ?? {}
  const resolved = isObject(raw)
    ? resolveAlias(params.name, raw, tool => (byName.has(tool) ? Object.keys(byName.get(tool)!.params) : undefined))
    : { name: params.name, args: raw }
  const tool = byName.get(resolved.name)
  if (tool === undefined) {
    // A tool registered on the platform by other code is the platform's to answer.
    const theirs = mcp.tools?.some(t => t.name === params.name) === true
    return theirs ? mcp.handle(message) : unknownTool(message.id, params.name)
  }
  let args: Record<string, unknown>
  try {
    args = parseArgs(tool.params, resolved.args)
  } catch (error) {
    return errorAnswer(message.id, error instanceof ToolError ? error : new ToolError('invalid_argument', String(error)))
  }
  return unwrap(await mcp.handle({ ...message, params: { ...params, name: tool.name, arguments: args } }))
}

/**
 * A platform that wraps every handler result as JSON text would wrap our `{content, isError}`
 * a second time: take the inner result back out, with its `isError`.
 */
function unwrap (response: Response): Response {
  const result = response?.result
  if (!isObject(result) || !Array.isArray(result.content) || result.content.length !== 1) return response
  const item = result.content[0] as { type?: unknown, text?: unknown }
  if (item?.type !== 'text' || typeof item.text !== 'string' || !item.text.startsWith('{"content":')) return response
  let inner: unknown
  try {
    inner = JSON.parse(item.text)
  } catch {
    return response
  }
  if (!isObject(inner) || !Array.isArray(inner.content)) return response
  return { ...response, result: { content: inner.content, ...(inner.isError === true ? { isError: true } : {}) } }
}

/** `tools/list`: each tool's title and annotations, which `addTool` has no place for. */
function decorateList (response: Response): Response {
  const result = response?.result
  if (!isObject(result) || !Array.isArray(result.tools)) return response
  const listed = result.tools.map(entry => {
    const tool = isObject(entry) && typeof entry.name === 'string' ? byName.get(entry.name) : undefined
    return tool === undefined ? entry : { ...entry, title: tool.title, annotations: { title: tool.title, ...annotationsOf(tool) } }
  })
  return { ...response, result: { ...result, tools: listed } }
}

/** `initialize`: the server's instructions, which the platform has no place for. */
function addInstructions (response: Response): Response {
  const result = response?.result
  if (!isObject(result) || result.instructions !== undefined) return response
  return { ...response, result: { ...result, instructions: INSTRUCTIONS } }
}

/** One JSON-RPC message through our front and the platform's server. */
export async function handleMessage (mcp: McpServer, data: unknown): Promise<Response> {
  if (!isObject(data) || typeof data.method !== 'string' || data.id === undefined) return mcp.handle(data)
  switch (data.method) {
    case 'tools/call': return callTool(mcp, data)
    case 'tools/list': return decorateList(await mcp.handle(data))
    case 'initialize': return addInstructions(await mcp.handle(data))
    default: return mcp.handle(data)
  }
}

// Created once per context, on first use: ScriptForge loads this file for every request, and the
// self-test imports the factory without needing a server of its own here.
let mcp: McpServer | undefined

/** ScriptForge entry point: `data` is one JSON-RPC message; the answer is its response (null for a notification). */
export function main (data: unknown): Promise<Record<string, unknown> | null> {
  mcp ??= createMcpServer()
  return handleMessage(mcp, data)
}
