import type { McpServer } from 'cxMcpServer'
import type { ToolContext } from './lib/context'
import { requestContext } from './lib/requestContext'
import { isObject, paramsOf, rpcError, rpcResult, type Message, type Response } from './lib/rpc'
import { DOC_TEMPLATE, docPathOf, readDoc, ResourceError, RESOURCES } from './resources'

/**
 * The MCP front's `resources/*`, loaded with the resources when such a request comes: no other
 * request compiles the documentation index or the reference tables.
 */

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
async function readResource (mcp: McpServer, message: Message, context: () => ToolContext): Promise<Response> {
  const params = paramsOf(message)
  if (params === undefined || typeof params.uri !== 'string') return mcp.handle(message)
  const uri = params.uri
  const path = docPathOf(uri)
  const listed = RESOURCES.find(r => r.uri === uri)
  if (path === undefined && (listed === undefined || typeof mcp.addResource === 'function')) return mcp.handle(message)
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

const registered = new WeakSet<McpServer>()

/**
 * A `resources/*` request: the resources are registered first (once per server) with
 * `addResource` where the platform has it; `context` is the server's, when it was made with one.
 */
export async function answerResources (mcp: McpServer, message: Message, context: (() => ToolContext) | undefined): Promise<Response> {
  const ctx = context ?? requestContext
  if (!registered.has(mcp)) {
    registered.add(mcp)
    if (typeof mcp.addResource === 'function') {
      for (const r of RESOURCES) mcp.addResource(r.uri, r.name, () => r.read(ctx()), { description: r.description, mimeType: r.mimeType })
    }
  }
  if (message.method === 'resources/read') return readResource(mcp, message, ctx)
  if (message.method === 'resources/templates/list') return addTemplate(await mcp.handle(message))
  return typeof mcp.addResource === 'function' ? decorateResources(await mcp.handle(message)) : listResources(message)
}
