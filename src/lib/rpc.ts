/**
 * JSON-RPC helpers the MCP front and the parts it loads on demand (prompts, resources) share.
 */

/** One JSON-RPC message. */
export type Message = Record<string, unknown>

/** An answer: a JSON-RPC response, or null for a notification. */
export type Response = Record<string, unknown> | null

/** A plain object (not null, not an array). */
export function isObject (value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

/** A JSON-RPC error response. */
export function rpcError (id: unknown, code: number, message: string): Response {
  return { jsonrpc: '2.0', id, error: { code, message } }
}

/** A JSON-RPC result response. */
export function rpcResult (id: unknown, result: Record<string, unknown>): Response {
  return { jsonrpc: '2.0', id, result }
}

/** The params of a request, or undefined when they are not an object (a -32602 answer). */
export function paramsOf (message: Message): Record<string, unknown> | undefined {
  return message.params === undefined ? {} : isObject(message.params) ? message.params : undefined
}
