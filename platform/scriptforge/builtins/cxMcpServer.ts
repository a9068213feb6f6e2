/**
 * Emulation of the ScriptForge built-in module `cxMcpServer`.
 *
 * It runs inside the QuickJS sandbox (bundled by the host) and in Node (aliased by vitest), so it
 * uses nothing but ES2023 and `console`. It implements the documented surface and speaks MCP
 * 2025-03-26, 2025-06-18 and 2025-11-25; every choice made where the real platform's behaviour is
 * unknown is listed in `platform/README.md`.
 */

/** Protocol versions this server speaks, newest first. */
export const SUPPORTED_PROTOCOL_VERSIONS = ['2025-11-25', '2025-06-18', '2025-03-26'] as const

/** The version offered when the client asks for one we do not speak. */
export const MCP_PROTOCOL_VERSION = SUPPORTED_PROTOCOL_VERSIONS[0]

/** Capabilities announced in `initialize`. */
export const SERVER_CAPABILITIES = { tools: { listChanged: false }, resources: { listChanged: false, subscribe: false } }

/** JSON-RPC 2.0 and MCP error codes. */
export const ErrorCode = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
  ResourceNotFound: -32002
} as const

/**
 * The two behaviours of the real platform that nobody outside ConnexCS knows, as switches, so that
 * the code above it can be tested against either answer.
 */
export interface PlatformBehaviour {
  /**
   * True: a handler's returned tool result (`{content, isError}`) is not passed through but turned
   * into JSON text in one text item, as a platform that wraps every return value would do (its
   * `isError` is lost). False (default): it passes through.
   */
  wrapsResults: boolean
  /**
   * True (default): the platform checks arguments against the declared parameters (required, type,
   * enum) before the handler runs, and answers a problem with its own plain-text tool error.
   * False: arguments reach the handler as the client sent them.
   */
  validatesFirst: boolean
}

/** What the emulation does unless told otherwise. */
export const DEFAULT_PLATFORM_BEHAVIOUR: Readonly<PlatformBehaviour> = { wrapsResults: false, validatesFirst: true }

let behaviourOverride: Partial<PlatformBehaviour> | undefined

/**
 * Sets the platform's behaviour in this realm (Node tests); `undefined` goes back to the host's
 * setting or the defaults. Returns the behaviour now in force.
 */
export function setPlatformBehaviour (behaviour: Partial<PlatformBehaviour> | undefined): PlatformBehaviour {
  behaviourOverride = behaviour === undefined ? undefined : { ...behaviour }
  return platformBehaviour()
}

/**
 * The behaviour in force, read at every call: the defaults, then what the QuickJS host installed as
 * `globalThis.__cxHost.platform` (its `platform` option), then {@link setPlatformBehaviour}.
 */
export function platformBehaviour (): PlatformBehaviour {
  const fromHost = (globalThis as { __cxHost?: { platform?: Partial<PlatformBehaviour> } }).__cxHost?.platform
  const merged = { ...DEFAULT_PLATFORM_BEHAVIOUR, ...fromHost, ...behaviourOverride }
  return { wrapsResults: merged.wrapsResults === true, validatesFirst: merged.validatesFirst !== false }
}

type ParameterType = 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object'
const PARAMETER_TYPES: readonly string[] = ['string', 'number', 'integer', 'boolean', 'array', 'object']

interface McpParameter {
  name: string
  type: ParameterType
  description: string
  required: boolean
  default?: unknown
  enum?: readonly unknown[]
}

/** A registered tool. */
export interface McpTool {
  name: string
  description: string
  handler: (args: Record<string, unknown>) => unknown
  parameters: McpParameter[]
}

/** A registered resource. */
export interface McpResource {
  uri: string
  name: string
  handler: (uri: string) => unknown
  description?: string
  mimeType?: string
}

type JsonRpcId = string | number
type Response = Record<string, unknown>

class RpcError extends Error {
  readonly code: number
  readonly data: unknown

  constructor (code: number, message: string, data?: unknown) {
    super(message)
    this.code = code
    this.data = data
  }
}

function isObject (value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

function typeMatches (type: ParameterType, value: unknown): boolean {
  switch (type) {
    case 'string': return typeof value === 'string'
    case 'number': return typeof value === 'number' && Number.isFinite(value)
    case 'integer': return typeof value === 'number' && Number.isInteger(value)
    case 'boolean': return typeof value === 'boolean'
    case 'array': return Array.isArray(value)
    case 'object': return isObject(value)
  }
}

/** How much of a client's input an error message quotes: a 100 KB method name is not sent back. */
const ECHO_CHARS = 100

function clip (text: string): string {
  if (text.length <= ECHO_CHARS) return text
  const code = text.charCodeAt(ECHO_CHARS - 1)
  return `${text.slice(0, code >= 0xd800 && code <= 0xdbff ? ECHO_CHARS - 1 : ECHO_CHARS)}…`
}

function isId (value: unknown): value is JsonRpcId {
  return typeof value === 'string' || (typeof value === 'number' && Number.isInteger(value))
}

/**
 * Why a message without a method is not a response the server can accept (`undefined`: it is one):
 * a JSON-RPC response has an id and exactly one of `result` and `error`, and an error has an
 * integer `code` and a string `message`.
 */
function responseProblem (message: Record<string, unknown>): string | undefined {
  const hasResult = 'result' in message
  const hasError = 'error' in message
  if (!hasResult && !hasError) return 'Invalid Request: "method" must be a string'
  if (hasResult && hasError) return 'Invalid Request: a JSON-RPC response has exactly one of "result" and "error", not both'
  if (!('id' in message) || !(isId(message.id) || (hasError && message.id === null))) return 'Invalid Request: a JSON-RPC response needs the "id" (a string or an integer) of the request it answers'
  if (hasError) {
    const error = message.error
    if (!isObject(error) || typeof error.code !== 'number' || !Number.isInteger(error.code) || typeof error.message !== 'string') {
      return 'Invalid Request: a JSON-RPC error response needs "error": { "code": <integer>, "message": <string> }'
    }
  }
  return undefined
}

function describe (value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  return typeof value
}

/** The builder `addTool` returns, so that parameters can be chained. */
export class ParameterBuilder {
  private readonly tool: McpTool

  constructor (tool: McpTool) {
    this.tool = tool
  }

  /** Declares one parameter of the tool. */
  addParameter (name: string, type: string, description: string, required = false, defaultValue?: unknown, options?: { enum?: readonly unknown[] }): ParameterBuilder {
    if (typeof name !== 'string' || name === '') throw new TypeError('addParameter: name must be a non-empty string')
    if (!PARAMETER_TYPES.includes(type)) throw new TypeError(`addParameter(${name}): type must be one of ${PARAMETER_TYPES.join(', ')}`)
    if (this.tool.parameters.some(p => p.name === name)) throw new Error(`addParameter: ${this.tool.name} already has a parameter ${name}`)
    const parameter: McpParameter = { name, type: type as ParameterType, description: String(description ?? ''), required: required === true }
    if (defaultValue !== undefined && defaultValue !== null) parameter.default = defaultValue
    if (options?.enum !== undefined) parameter.enum = options.enum
    this.tool.parameters.push(parameter)
    return this
  }
}

/** The MCP server of a ScriptForge app: tools and resources, one JSON-RPC message per `handle`. */
export class McpServer {
  readonly name: string
  readonly version: string
  readonly debug: boolean
  readonly tools: McpTool[] = []
  readonly resources: McpResource[] = []

  constructor (name: string, version = '1.0.0', debug = false) {
    if (typeof name !== 'string' || name === '') throw new TypeError('McpServer: name must be a non-empty string')
    this.name = name
    this.version = String(version)
    this.debug = debug === true
  }

  /** Registers a tool; chain `.addParameter(...)` on the result. */
  addTool (name: string, description: string, handler: McpTool['handler']): ParameterBuilder {
    if (typeof name !== 'string' || name === '') throw new TypeError('addTool: name must be a non-empty string')
    if (typeof description !== 'string' || description === '') throw new TypeError(`addTool(${name}): description must be a non-empty string`)
    if (typeof handler !== 'function') throw new TypeError(`addTool(${name}): handler must be a function`)
    if (this.tools.some(t => t.name === name)) throw new Error(`addTool: a tool named ${name} already exists`)
    const tool: McpTool = { name, description, handler, parameters: [] }
    this.tools.push(tool)
    return new ParameterBuilder(tool)
  }

  /** Unregisters a tool; false when there was none of that name. */
  removeTool (name: string): boolean {
    const index = this.tools.findIndex(t => t.name === name)
    if (index < 0) return false
    this.tools.splice(index, 1)
    return true
  }

  /** Registers a resource; the handler returns its text. */
  addResource (uri: string, name: string, handler: McpResource['handler'], options: { description?: string, mimeType?: string } = {}): McpServer {
    if (typeof uri !== 'string' || uri === '') throw new TypeError('addResource: uri must be a non-empty string')
    if (typeof handler !== 'function') throw new TypeError(`addResource(${uri}): handler must be a function`)
    if (this.resources.some(r => r.uri === uri)) throw new Error(`addResource: a resource ${uri} already exists`)
    this.resources.push({ uri, name: String(name ?? uri), handler, ...options })
    return this
  }

  /** Unregisters a resource; false when there was none with that URI. */
  removeResource (uri: string): boolean {
    const index = this.resources.findIndex(r => r.uri === uri)
    if (index < 0) return false
    this.resources.splice(index, 1)
    return true
  }

  /**
   * Answers one JSON-RPC message: the response object for a request, `null` for a notification
   * or a response. Never throws.
   */
  async handle (message: unknown): Promise<Response | null> {
    if (Array.isArray(message)) return this.failure(null, new RpcError(ErrorCode.InvalidRequest, 'Batches are not supported (removed in MCP 2025-06-18); send one JSON-RPC message per request'))
    if (!isObject(message) || message.jsonrpc !== '2.0') return this.failure(null, new RpcError(ErrorCode.InvalidRequest, 'Invalid Request: expected a JSON-RPC 2.0 object with "jsonrpc": "2.0"'))
    const hasId = 'id' in message
    const id = message.id
    if (!('method' in message)) {
      // A response from the client (to a request we never send) needs no answer, if it is one.
      const problem = responseProblem(message)
      return problem === undefined ? null : this.failure(null, new RpcError(ErrorCode.InvalidRequest, problem))
    }
    if (typeof message.method !== 'string') return this.failure(null, new RpcError(ErrorCode.InvalidRequest, 'Invalid Request: "method" must be a string'))
    if ('result' in message || 'error' in message) {
      return this.failure(null, new RpcError(ErrorCode.InvalidRequest, 'Invalid Request: a message is a request ("method") or a response ("result" or "error"), not both'))
    }
    if (!hasId) return null
    if (!isId(id)) {
      return this.failure(null, new RpcError(ErrorCode.InvalidRequest, 'Invalid Request: "id" must be a string or an integer'))
    }
    if (message.params !== undefined && !isObject(message.params)) {
      return this.failure(id, new RpcError(ErrorCode.InvalidParams, 'Invalid params: "params" must be an object'))
    }
    const started = Date.now()
    try {
      const result = await this.dispatch(message.method, message.params ?? {})
      if (this.debug) console.debug(`[mcp] ${message.method} ok in ${Date.now() - started} ms`)
      return { jsonrpc: '2.0', id, result }
    } catch (error) {
      if (this.debug) console.debug(`[mcp] ${message.method} failed in ${Date.now() - started} ms`)
      return this.failure(id, error)
    }
  }

  private failure (id: JsonRpcId | null, error: unknown): Response {
    const rpc = error instanceof RpcError
      ? error
      : new RpcError(ErrorCode.InternalError, `Internal error: ${error instanceof Error ? error.message : String(error)}`)
    const body: Record<string, unknown> = { code: rpc.code, message: rpc.message }
    if (rpc.data !== undefined) body.data = rpc.data
    return { jsonrpc: '2.0', id, error: body }
  }

  private async dispatch (method: string, params: Record<string, unknown>): Promise<unknown> {
    switch (method) {
      case 'initialize': return this.initialize(params)
      case 'ping': return {}
      case 'tools/list': return this.listTools(params)
      case 'tools/call': return this.callTool(params)
      case 'resources/list': return this.listResources(params)
      case 'resources/templates/list': return { resourceTemplates: [] }
      case 'resources/read': return this.readResource(params)
      default: throw new RpcError(ErrorCode.MethodNotFound, `Method not found: ${clip(method)}`)
    }
  }

  private initialize (params: Record<string, unknown>): unknown {
    const requested = params.protocolVersion
    if (typeof requested !== 'string') throw new RpcError(ErrorCode.InvalidParams, 'initialize: params.protocolVersion must be a string')
    const protocolVersion = (SUPPORTED_PROTOCOL_VERSIONS as readonly string[]).includes(requested) ? requested : MCP_PROTOCOL_VERSION
    return {
      protocolVersion,
      capabilities: SERVER_CAPABILITIES,
      serverInfo: { name: this.name, version: this.version }
    }
  }

  private listTools (params: Record<string, unknown>): unknown {
    if (params.cursor !== undefined) throw new RpcError(ErrorCode.InvalidParams, 'tools/list: invalid cursor (the list has a single page)')
    return {
      tools: this.tools.map(tool => {
        const properties: Record<string, unknown> = {}
        for (const p of tool.parameters) {
          properties[p.name] = {
            type: p.type,
            description: p.description,
            ...(p.enum === undefined ? {} : { enum: p.enum }),
            ...(p.default === undefined ? {} : { default: p.default })
          }
        }
        const required = tool.parameters.filter(p => p.required).map(p => p.name)
        return {
          name: tool.name,
          description: tool.description,
          inputSchema: { type: 'object', properties, ...(required.length === 0 ? {} : { required }) }
        }
      })
    }
  }

  /** Problems with the arguments, each naming its parameter; empty when they are fine. */
  private argumentProblems (tool: McpTool, args: Record<string, unknown>): string[] {
    const problems: string[] = []
    for (const p of tool.parameters) {
      const value = args[p.name]
      if (value === undefined || value === null) {
        if (p.required) problems.push(`Missing required argument "${p.name}" (${p.type}): ${p.description}`)
        continue
      }
      if (!typeMatches(p.type, value)) problems.push(`Argument "${p.name}" must be ${p.type === 'integer' || p.type === 'array' || p.type === 'object' ? 'an' : 'a'} ${p.type}, got ${describe(value)}`)
      else if (p.enum !== undefined && !p.enum.includes(value)) problems.push(`Argument "${p.name}" must be one of ${p.enum.map(e => JSON.stringify(e)).join(', ')}, got ${clip(JSON.stringify(value))}`)
    }
    return problems
  }

  private async callTool (params: Record<string, unknown>): Promise<unknown> {
    if (typeof params.name !== 'string') throw new RpcError(ErrorCode.InvalidParams, 'tools/call: params.name must be a string')
    const tool = this.tools.find(t => t.name === params.name)
    if (tool === undefined) throw new RpcError(ErrorCode.InvalidParams, `Unknown tool: ${clip(params.name)}`)
    const args = params.arguments ?? {}
    if (!isObject(args)) throw new RpcError(ErrorCode.InvalidParams, 'tools/call: params.arguments must be an object')
    const behaviour = platformBehaviour()
    // Argument problems are tool errors (SEP-1303), so the model sees them and can correct its call.
    const problems = behaviour.validatesFirst ? this.argumentProblems(tool, args) : []
    if (problems.length > 0) return { content: [{ type: 'text', text: problems.join('\n') }], isError: true }
    try {
      return toToolResult(await tool.handler(args), behaviour.wrapsResults)
    } catch (error) {
      return { content: [{ type: 'text', text: `Tool ${tool.name} failed: ${error instanceof Error ? error.message : String(error)}` }], isError: true }
    }
  }

  private listResources (params: Record<string, unknown>): unknown {
    if (params.cursor !== undefined) throw new RpcError(ErrorCode.InvalidParams, 'resources/list: invalid cursor (the list has a single page)')
    return {
      resources: this.resources.map(r => ({
        uri: r.uri,
        name: r.name,
        ...(r.description === undefined ? {} : { description: r.description }),
        ...(r.mimeType === undefined ? {} : { mimeType: r.mimeType })
      }))
    }
  }

  private async readResource (params: Record<string, unknown>): Promise<unknown> {
    if (typeof params.uri !== 'string') throw new RpcError(ErrorCode.InvalidParams, 'resources/read: params.uri must be a string')
    const resource = this.resources.find(r => r.uri === params.uri)
    if (resource === undefined) throw new RpcError(ErrorCode.ResourceNotFound, `Resource not found: ${clip(params.uri)}`, { uri: clip(params.uri) })
    const value = await resource.handler(resource.uri)
    const text = typeof value === 'string' ? value : JSON.stringify(value)
    return { contents: [{ uri: resource.uri, mimeType: resource.mimeType ?? 'text/plain', text }] }
  }
}

/**
 * A handler's return value as an MCP tool result: a result passes through (unless the platform
 * wraps everything), anything else becomes text.
 */
function toToolResult (value: unknown, wraps: boolean): unknown {
  if (!wraps && isObject(value) && Array.isArray(value.content)) return value
  if (value === undefined) return { content: [] }
  return { content: [{ type: 'text', text: typeof value === 'string' ? value : JSON.stringify(value) }] }
}

export default { McpServer, MCP_PROTOCOL_VERSION, SERVER_CAPABILITIES }
