/**
 * Types of the ScriptForge built-in modules that `src/` imports.
 *
 * The platform resolves these bare names itself; esbuild keeps them external. The surface is the
 * documented one (docs.connexcs.com apps/architecture/cxMcpServer and cxRest), nothing more, so
 * that code typed against it runs on the real platform.
 */

declare module 'cxMcpServer' {
  /** A JSON-RPC 2.0 message as received by `main(data)`. */
  export type JsonRpcMessage = Record<string, unknown>

  /** One content block of a tool result. */
  export interface McpContentItem {
    type: 'text'
    text: string
  }

  /** What a tool handler may return: an MCP tool result, passed through as is. */
  export interface McpToolResponse {
    content: McpContentItem[]
    isError?: boolean
  }

  /** Parameter types the platform documents for `addParameter`. */
  export type McpParameterType = 'string' | 'number' | 'boolean'

  /** Chainable builder returned by `addTool`. */
  export interface ParameterBuilder {
    addParameter (
      name: string,
      type: McpParameterType,
      description: string,
      required?: boolean,
      defaultValue?: unknown,
      options?: { enum?: readonly (string | number)[] }
    ): ParameterBuilder
  }

  /** A tool handler receives the call's named arguments. */
  export type McpToolHandler = (args: Record<string, unknown>) => McpToolResponse | Promise<McpToolResponse> | unknown

  /** A resource handler returns the resource's text. */
  export type McpResourceHandler = (uri: string) => string | Promise<string>

  /** The platform's MCP server: registers tools and answers one JSON-RPC message per call. */
  export class McpServer {
    constructor (name: string, version?: string, debug?: boolean)
    readonly name: string
    readonly version: string
    readonly debug: boolean
    /** The registered tools (documented; only their names are relied on). */
    readonly tools?: readonly { name: string }[]
    addTool (name: string, description: string, handler: McpToolHandler): ParameterBuilder
    removeTool (name: string): boolean
    addResource (uri: string, name: string, handler: McpResourceHandler, options?: { description?: string, mimeType?: string }): McpServer
    removeResource (uri: string): boolean
    handle (message: unknown): Promise<JsonRpcMessage | null>
  }
}

declare module 'cxRest' {
  /** An authenticated client of the ConnexCS control-panel API (`/api/cp/`). */
  export interface CxRestClient {
    get (path: string, params?: Record<string, unknown>): Promise<unknown>
    post (path: string, body?: unknown): Promise<unknown>
    put (path: string, body?: unknown): Promise<unknown>
    delete (path: string): Promise<unknown>
  }

  /** `cxRest.auth(username)`; the default export is also callable and `new`-able. */
  interface CxRestAuth {
    (username: string): CxRestClient
    new (username: string): CxRestClient
    auth (username: string): CxRestClient
  }

  const cxRest: CxRestAuth
  export default cxRest
}
