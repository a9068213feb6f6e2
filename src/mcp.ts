import { McpServer } from 'cxMcpServer'
import { connexcs, type Connexcs } from './connexcs/client'
import { toBoundedJson } from './lib/bounded'
import type { ToolContext } from './lib/context'
import { annotationsOf, registerTools, type ToolDefinition } from './lib/defineTool'
import { ToolError } from './lib/errors'
import { closestName, parseArgs } from './lib/params'
import { errorResult } from './lib/result'
import { PromptError, PROMPTS, renderPrompt, toolCatalog } from './prompts'
import { DOC_TEMPLATE, docPathOf, readDoc, ResourceError, RESOURCES } from './resources'
import { ALIASES, resolveAlias } from './tools/aliases'
import { optInTools, tools as alwaysOn } from './tools/index'
import { VERSION } from './version'

/** The app's environment variables. */
type Env = Readonly<Record<string, string | undefined>>

/**
 * The tools a server registers for the app's variables: every tool of `src/tools`, then the
 * opt-in ones the variables turn on (runScriptForgeFunction with MCP_RUNNABLE_SCRIPTS).
 */
export function activeTools (env: Env = process.env): readonly ToolDefinition[] {
  return [...alwaysOn, ...optInTools.filter(o => o.enabled(env)).map(o => o.tool)]
}

/**
 * The tools this context serves, read from `process.env` once, when the file loads (once per
 * request on ScriptForge): the self-test imports it rather than a copy of the tools.
 */
export const tools: readonly ToolDefinition[] = activeTools()

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
  '- how traffic is doing (a customer, carrier, destination, prefix): getCallAnalytics; the calls themselves: searchCdr;',
  '- media zones and servers: getRtpServerGroups, listRtpServers;',
  '- customers, carriers, balances, rates and profit (names or ids): searchCustomers, getCustomer, searchCarriers, getRateCard, lookupRate, getProfitability;',
  '- how-to and background: searchDocumentation, then getDocumentation with a path (a finding\'s docs field is one); prompts/list has workflows.',
  'Dates are YYYY-MM-DD in UTC. Every answer starts with a plain summary and ends with next_steps to follow.'
].join('\n')

/** The context of one request: the clock and the app's variables read once, the API client made when first used. */
function requestContext (): ToolContext {
  const nowMs = Date.now()
  let api: Connexcs | undefined
  return {
    nowMs,
    env: process.env,
    // Made on first use, so that a missing API_USERNAME is a tool error of the call that needs it.
    get api () {
      api ??= connexcs()
      return api
    }
  }
}

/** What the front knows of a server it made: its tools by name, and how to make a request's context. */
interface Served {
  byName: Map<string, ToolDefinition>
  context: () => ToolContext
}

const served = new WeakMap<McpServer, Served>()

/**
 * A new MCP server with the tools `env` turns on (read once, here) and the resources registered
 * (with `addResource` where the platform has it); `context` builds each call's context.
 */
export function createMcpServer (context: () => ToolContext = requestContext, env: Env = process.env): McpServer {
  const server = new McpServer('ConnexCS', VERSION)
  const active = activeTools(env)
  registerTools(server, active, context)
  if (typeof server.addResource === 'function') {
    for (const r of RESOURCES) server.addResource(r.uri, r.name, () => r.read(context()), { description: r.description, mimeType: r.mimeType })
  }
  served.set(server, { byName: new Map(active.map(t => [t.name, t])), context })
  return server
}

type Message = Record<string, unknown>
type Response = Record<string, unknown> | null

const alwaysOnByName = new Map<string, ToolDefinition>(alwaysOn.map(t => [t.name, t]))

/** The tools of a server by name (for a server made elsewhere, the tools every server has), and its context. */
function servedBy (mcp: McpServer): Served {
  return served.get(mcp) ?? { byName: alwaysOnByName, context: requestContext }
}

function isObject (value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

/** A tool result that carries our error JSON. */
function errorAnswer (id: unknown, error: unknown): Response {
  return { jsonrpc: '2.0', id, result: { content: [{ type: 'text', text: toBoundedJson(errorResult(error)) }], isError: true } }
}

/** Unknown tool: the JSON-RPC error, with the nearest name among tools and aliases. */
function unknownTool (id: unknown, name: string, byName: ReadonlyMap<string, ToolDefinition>): Response {
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
function decorateList (response: Response, byName: ReadonlyMap<string, ToolDefinition>): Response {
  const result = response?.result
  if (!isObject(result) || !Array.isArray(result.tools)) return response
  const listed = result.tools.map(entry => {
    const tool = isObject(entry) && typeof entry.name === 'string' ? byName.get(entry.name) : undefined
    return tool === undefined ? entry : { ...entry, title: tool.title, annotations: { title: tool.title, ...annotationsOf(tool) } }
  })
  return { ...response, result: { ...result, tools: listed } }
}

/** `initialize`: the server's instructions and the prompts capability, which the platform has no place for. */
function addInstructions (response: Response): Response {
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
      ...(result.instructions === undefined ? { instructions: INSTRUCTIONS } : {})
    }
  }
}

function rpcError (id: unknown, code: number, message: string): Response {
  return { jsonrpc: '2.0', id, error: { code, message } }
}

function rpcResult (id: unknown, result: Record<string, unknown>): Response {
  return { jsonrpc: '2.0', id, result }
}

/** The params of a request, or the -32602 answer when they are not an object. */
function paramsOf (message: Message): Record<string, unknown> | undefined {
  return message.params === undefined ? {} : isObject(message.params) ? message.params : undefined
}

/** `prompts/list`: the prompts, one page. */
function listPrompts (message: Message): Response {
  const params = paramsOf(message)
  if (params === undefined) return rpcError(message.id, -32602, 'Invalid params: "params" must be an object')
  if (params.cursor !== undefined) return rpcError(message.id, -32602, 'prompts/list: invalid cursor (the list has a single page)')
  return rpcResult(message.id, {
    prompts: PROMPTS.map(p => ({ name: p.name, title: p.title, description: p.description, arguments: p.arguments.map(a => ({ ...a })) }))
  })
}

/** `prompts/get`: one prompt's text for its arguments, naming only the tools this server registers; a bad name or argument is -32602. */
function getPrompt (mcp: McpServer, message: Message): Response {
  const params = paramsOf(message)
  if (params === undefined || typeof params.name !== 'string') return rpcError(message.id, -32602, 'prompts/get: params.name must be a string')
  const { byName } = servedBy(mcp)
  const catalog = toolCatalog(Object.fromEntries([...byName.values()].map(t => [t.name, Object.keys(t.params)])))
  try {
    const prompt = renderPrompt(params.name, params.arguments ?? {}, catalog)
    return rpcResult(message.id, { description: prompt.description, messages: [{ role: 'user', content: { type: 'text', text: prompt.text } }] })
  } catch (error) {
    if (error instanceof PromptError) return rpcError(message.id, -32602, error.message)
    throw error
  }
}

/** The resources as `resources/list` shows them, for a platform without `addResource`. */
function listResources (message: Message): Response {
  const params = paramsOf(message)
  if (params?.cursor !== undefined) return rpcError(message.id, -32602, 'resources/list: invalid cursor (the list has a single page)')
  const resources = RESOURCES.map(r => ({ uri: r.uri, name: r.name, title: r.title, description: r.description, mimeType: r.mimeType }))
  return rpcResult(message.id, { resources })
}

/**
 * `resources/read`: a documentation page (any path, through the template) is read here, so that
 * a refused path is -32602 and a missing page -32002; the reference tables are the platform's
 * (registered with `addResource`), or read here on a platform without it.
 */
async function readResource (mcp: McpServer, message: Message): Promise<Response> {
  const params = paramsOf(message)
  if (params === undefined || typeof params.uri !== 'string') return mcp.handle(message)
  const uri = params.uri
  const path = docPathOf(uri)
  const listed = RESOURCES.find(r => r.uri === uri)
  if (path === undefined && (listed === undefined || typeof mcp.addResource === 'function')) return mcp.handle(message)
  const { context } = servedBy(mcp)
  try {
    const text = path === undefined ? await listed!.read(context()) : await readDoc(context(), path)
    return rpcResult(message.id, { contents: [{ uri, mimeType: 'text/markdown', text }] })
  } catch (error) {
    if (error instanceof ResourceError) return rpcError(message.id, error.code, error.message)
    return rpcError(message.id, -32603, `Internal error: reading ${uri} failed: ${error instanceof Error ? error.message : String(error)}`)
  }
}

/** `resources/list` from the platform: each of our resources with its title, which `addResource` has no place for. */
function decorateResources (response: Response): Response {
  const result = response?.result
  if (!isObject(result) || !Array.isArray(result.resources)) return response
  const titles = new Map(RESOURCES.map(r => [r.uri, r.title]))
  const listed = result.resources.map(entry => {
    const title = isObject(entry) && typeof entry.uri === 'string' ? titles.get(entry.uri) : undefined
    return title === undefined ? entry : { ...entry, title }
  })
  return { ...response, result: { ...result, resources: listed } }
}

/** `resources/templates/list`: the documentation template, after the platform's own templates. */
function addTemplate (response: Response): Response {
  const result = response?.result
  if (!isObject(result)) return response
  const theirs = Array.isArray(result.resourceTemplates) ? result.resourceTemplates : []
  return { ...response, result: { ...result, resourceTemplates: [...theirs, { ...DOC_TEMPLATE }] } }
}

/** One JSON-RPC message through our front and the platform's server. */
export async function handleMessage (mcp: McpServer, data: unknown): Promise<Response> {
  if (!isObject(data) || typeof data.method !== 'string' || data.id === undefined) return mcp.handle(data)
  switch (data.method) {
    case 'tools/call': return callTool(mcp, data)
    case 'tools/list': return decorateList(await mcp.handle(data), servedBy(mcp).byName)
    case 'initialize': return addInstructions(await mcp.handle(data))
    case 'prompts/list': return listPrompts(data)
    case 'prompts/get': return getPrompt(mcp, data)
    case 'resources/list': return typeof mcp.addResource === 'function' ? decorateResources(await mcp.handle(data)) : listResources(data)
    case 'resources/read': return readResource(mcp, data)
    case 'resources/templates/list': return addTemplate(await mcp.handle(data))
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
