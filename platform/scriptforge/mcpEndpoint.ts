import { readFileSync, statSync } from 'node:fs'
import type { ScriptForgeHost } from './host'

/**
 * What the platform does with one HTTP body before and after `main(data)`: parse it, run the
 * script in a fresh context, and turn a crashed run into a JSON-RPC error. Both fronts (HTTP and
 * stdio) share it, so they answer alike.
 */

/** The app's files and the one that serves MCP, however they are stored. */
export interface ScriptSource {
  /** The app's files as the host wants them. */
  files (): Record<string, string>
  readonly entry: string
}

/** The script that serves MCP: a bundle on disk, re-read when it changes (a rebuild needs no restart). */
export class BundleFile implements ScriptSource {
  private readonly path: string
  private readonly name: string
  private cached: { mtime: number, source: string } | undefined

  constructor (path: string, name: string) {
    this.path = path
    this.name = name
  }

  /** The app's files as the host wants them. */
  files (): Record<string, string> {
    const mtime = statSync(this.path).mtimeMs
    if (this.cached?.mtime !== mtime) this.cached = { mtime, source: readFileSync(this.path, 'utf8') }
    return { [this.name]: this.cached.source }
  }

  get entry (): string {
    return this.name
  }
}

/** A JSON-RPC error response. */
export function rpcError (id: unknown, code: number, message: string): Record<string, unknown> {
  return { jsonrpc: '2.0', id: typeof id === 'string' || typeof id === 'number' ? id : null, error: { code, message } }
}

/** What one message became: the response (null for a notification) and a line for the log. */
export interface Answer {
  response: Record<string, unknown> | null
  /** `tools/call getSipTrace`, `initialize`, … */
  what: string
  ms: number
}

function describe (message: unknown): string {
  if (message === null || typeof message !== 'object' || Array.isArray(message)) return 'invalid message'
  const m = message as { method?: unknown, params?: { name?: unknown } }
  if (typeof m.method !== 'string') return 'response'
  return m.method === 'tools/call' && typeof m.params?.name === 'string' ? `tools/call ${m.params.name}` : m.method
}

/** Answers one parsed JSON-RPC message by running the bundle's `main(data)` in a fresh context. */
export async function answerMessage (host: ScriptForgeHost, bundle: ScriptSource, message: unknown): Promise<Answer> {
  const what = describe(message)
  const result = await host.run({ files: bundle.files(), entry: bundle.entry, data: message })
  const id = message !== null && typeof message === 'object' ? (message as { id?: unknown }).id : undefined
  const isRequest = id !== undefined && typeof (message as { method?: unknown }).method === 'string'
  if (!result.ok) {
    // The script itself failed (limit exceeded, uncaught error): the client still gets an answer.
    return { response: isRequest ? rpcError(id, -32603, `Internal error: ${result.error.message}`) : null, what, ms: result.ms }
  }
  const value = result.value
  const response = value !== null && typeof value === 'object' && !Array.isArray(value) ? value as Record<string, unknown> : null
  return { response, what, ms: result.ms }
}

/** Parses a body; a body that is not JSON gets the JSON-RPC parse error. */
export function parseBody (text: string): { message: unknown } | { error: Record<string, unknown> } {
  try {
    return { message: JSON.parse(text) }
  } catch (error) {
    return { error: rpcError(null, -32700, `Parse error: the body is not valid JSON (${(error as Error).message})`) }
  }
}
