import { McpServer, type McpToolResponse } from 'cxMcpServer'
import type { ToolContext } from './lib/context'
import { annotationsOf, registerToolHandlers, type ToolMetadata } from './lib/defineTool'
import { ToolError } from './lib/errors'
import { closestName, parseArgs } from './lib/params'
import { errorResult } from './lib/result'
import { isObject, type Message, type Response } from './lib/rpc'
import { CATALOG, LOADING, loadPrompts, loadResources, loadTool } from './loading'
import { ALIASES, resolveAlias } from './tools/aliases'
import { OPT_IN } from './tools/optIn'
import { VERSION } from './version'

export { LOADING, loadTool }

/** The app's environment variables. */
type Env = Readonly<Record<string, string | undefined>>

/**
 * The tools a server registers for the app's variables: every tool of `src/tools`, then the
 * opt-in ones the variables turn on (runScriptForgeFunction with MCP_RUNNABLE_SCRIPTS).
 */
export function activeTools (env: Env = process.env): readonly ToolMetadata[] {
  return CATALOG.filter(t => OPT_IN[t.name]?.(env) ?? true)
}

/**
 * The tools this context serves, read from `process.env` once, when the file loads (once per
 * request on ScriptForge): the self-test imports it rather than a copy of the tools.
 */
export const tools: readonly ToolMetadata[] = activeTools()

/**
 * The MCP front (README, "Architecture"): `main(data)` owns what the platform's `cxMcpServer` may
 * not do (titles and annotations in `tools/list`, `instructions` and the prompts capability in
 * `initialize`, our own argument validation, aliases, unwrapping a result wrapped twice,
 * `prompts/*`, reading documentation resources) and passes everything else to `mcp.handle` unchanged.
 */

/** What `initialize` tells the AI once: which tool to start with for which question. */
export const INSTRUCTIONS = [
  'ConnexCS switch tools (read-only). Start with:',
  '- a call that failed or sounded bad: searchCallLogs (by number, Call-ID or IP), then investigateCall with its callid;',
  '  getSipTrace has every SIP finding and the ladder, getCallQuality the RTCP audio figures;',
  '- how traffic is doing (a customer, carrier, destination, prefix): getCallAnalytics; the calls themselves: searchCdr; ' +
  'the whole switch over a period (a 30-day report, what needs fixing): getSwitchHealthReport;',
  '- media zones and servers: getRtpServerGroups, listRtpServers;',
  '- customers, carriers, balances, rates and profit (names or ids): searchCustomers, getCustomer, searchCarriers, getRateCard, lookupRate, getProfitability;',
  '- how-to and background: searchDocumentation, then getDocumentation with a path (a finding\'s docs field is one); prompts/list has workflows.',
  'Dates are YYYY-MM-DD in UTC. Every answer starts with a plain summary and ends with next_steps to follow.'
].join('\n')

/**
 * The instructions of a server with these tools: {@link INSTRUCTIONS}, whose first line says which
 * tools are not read-only when any is registered (the opt-in runScriptForgeFunction runs code).
 */
export function instructionsFor (tools: readonly ToolMetadata[]): string {
  const writers = tools.filter(t => !t.readOnly).map(t => t.name)
  if (writers.length === 0) return INSTRUCTIONS
  return INSTRUCTIONS.replace('(read-only)', `(read-only, except ${writers.join(', ')}, which can change the account: ask the user before each call)`)
}

/** What the front knows of a server it made: its tools by name, and how to make a request's context. */
interface Served {
  byName: Map<string, ToolMetadata>
  /** The caller's context for each call; without one, the context of the loaded code's own build. */
  context: (() => ToolContext) | undefined
}

const served = new WeakMap<McpServer, Served>()

/** A tool error: the tool's code could not be loaded (a platform without dynamic `import()`). */
function loadFailure (name: string, error: unknown): McpToolResponse {
  const why = error instanceof Error ? error.message : String(error)
  const failure = new ToolError('configuration', `The code of ${name} could not be loaded on this platform (${why}). ` +
    'This build loads each tool\'s file with import() on its first call; deploy the one-file build instead: ' +
    'set "loading": "bundle" in cx.config.json, then npm run deploy.')
  return { content: [{ type: 'text', text: JSON.stringify(errorResult(failure)) }], isError: true }
}

/** A tool's handler: loads the tool's code on its first call, then runs it with the call's context. */
function handlerOf (tool: ToolMetadata, context: (() => ToolContext) | undefined) {
  return async (args: Record<string, unknown>): Promise<McpToolResponse> => {
    let code
    try {
      code = await loadTool(tool.name)
    } catch (error) {
      return loadFailure(tool.name, error)
    }
    return code.runTool(code.tool, args, context === undefined ? code.requestContext() : context())
  }
}

/**
 * A new MCP server with the tools `env` turns on (read once, here), from their metadata: each
 * tool's code is loaded when it is called, the prompts and the resources (registered then) when
 * a `prompts/*` or `resources/*` request comes.
 * `context` builds each call's context (default: the request's clock, variables and API client).
 */
export function createMcpServer (context?: () => ToolContext, env: Env = process.env): McpServer {
  const server = new McpServer('ConnexCS', VERSION)
  const active = activeTools(env)
  registerToolHandlers(server, active, tool => handlerOf(tool, context))
  served.set(server, { byName: new Map(active.map(t => [t.name, t])), context })
  return server
}

const alwaysOnByName = new Map<string, ToolMetadata>(activeTools({}).map(t => [t.name, t]))

/** The tools of a server by name (for a server made elsewhere, the tools every server has), and its context. */
function servedBy (mcp: McpServer): Served {
  return served.get(mcp) ?? { byName: alwaysOnByName, context: undefined }
}

/**
 * A tool result that carries our error JSON. An error result is a few hundred bytes (its message
 * and parameter are clipped), far under the output cap: plain JSON, so the front compiles no
 * truncation code.
 */
function errorAnswer (id: unknown, error: unknown): Response {
  return { jsonrpc: '2.0', id, result: { content: [{ type: 'text', text: JSON.stringify(errorResult(error)) }], isError: true } }
}

/** Unknown tool: the JSON-RPC error, with the nearest name among tools and aliases. */
function unknownTool (id: unknown, name: string, byName: ReadonlyMap<string, ToolMetadata>): Response {
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
  const { byName } = servedBy(mcp)
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
    return theirs ? mcp.handle(message) : unknownTool(message.id, params.name, byName)
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
function decorateList (response: Response, byName: ReadonlyMap<string, ToolMetadata>): Response {
  const result = response?.result
  if (!isObject(result) || !Array.isArray(result.tools)) return response
  const listed = result.tools.map(entry => {
    const tool = isObject(entry) && typeof entry.name === 'string' ? byName.get(entry.name) : undefined
    return tool === undefined ? entry : { ...entry, title: tool.title, annotations: { title: tool.title, ...annotationsOf(tool) } }
  })
  return { ...response, result: { ...result, tools: listed } }
}

/** `initialize`: the server's instructions and the prompts capability, which the platform has no place for. */
function addInstructions (response: Response, tools: readonly ToolMetadata[]): Response {
  const result = response?.result
  if (!isObject(result)) return response
  const capabilities = isObject(result.capabilities) ? result.capabilities : {}
  return {
    ...response,
    result: {
      ...result,
      capabilities: {
        ...capabilities,
        resources: capabilities.resources ?? { listChanged: false, subscribe: false },
        prompts: { listChanged: false }
      },
      ...(result.instructions === undefined ? { instructions: instructionsFor(tools) } : {})
    }
  }
}

/** One JSON-RPC message through our front and the platform's server. */
export async function handleMessage (mcp: McpServer, data: unknown): Promise<Response> {
  if (!isObject(data) || typeof data.method !== 'string' || data.id === undefined) return mcp.handle(data)
  switch (data.method) {
    case 'tools/call': return callTool(mcp, data)
    case 'tools/list': return decorateList(await mcp.handle(data), servedBy(mcp).byName)
    case 'initialize': return addInstructions(await mcp.handle(data), [...servedBy(mcp).byName.values()])
    case 'prompts/list': return (await loadPrompts()).listPrompts(data)
    case 'prompts/get': return (await loadPrompts()).getPrompt(data, [...servedBy(mcp).byName.values()])
    case 'resources/list':
    case 'resources/read':
    case 'resources/templates/list': return (await loadResources()).answerResources(mcp, data, servedBy(mcp).context)
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
