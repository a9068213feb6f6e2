import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
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

/**
 * The script that serves MCP: a bundle on disk, with the app's other files beside it (every
 * `*.js` of its folder, as `./name`: the files it loads on demand), re-read when they change (a
 * rebuild needs no restart).
 */
export class BundleFile implements ScriptSource {
  private readonly path: string
  private readonly name: string
  private readonly cached = new Map<string, { mtime: number, source: string }>()

  constructor (path: string, name: string) {
    this.path = path
    this.name = name
  }

  /** The app's files as the host wants them. */
  files (): Record<string, string> {
    const dir = dirname(this.path)
    const names = new Set(readdirSync(dir).filter(f => f.endsWith('.js')).map(f => f.slice(0, -3)))
    names.add(this.name)
    const files: Record<string, string> = {}
    for (const name of [...names].toSorted()) {
      const path = name === this.name ? this.path : join(dir, `${name}.js`)
      const mtime = statSync(path).mtimeMs
      let cached = this.cached.get(name)
      if (cached?.mtime !== mtime) this.cached.set(name, cached = { mtime, source: readFileSync(path, 'utf8') })
      files[name] = cached.source
    }
    return files
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

/** A log line quotes this much of a client's method or tool name. */
const NAME_CHARS = 80

function clip (text: string): string {
  return text.length <= NAME_CHARS ? text : `${text.slice(0, NAME_CHARS)}…`
}

function describe (message: unknown): string {
  if (message === null || typeof message !== 'object' || Array.isArray(message)) return 'invalid message'
  const m = message as { method?: unknown, params?: { name?: unknown } }
  if (typeof m.method !== 'string') return 'response'
  return clip(m.method === 'tools/call' && typeof m.params?.name === 'string' ? `tools/call ${m.params.name}` : m.method)
}

/**
 * True when the answer tells the client its message was not a request the server could accept: a
 * JSON-RPC error without an id (the message had none, or was no request at all). The HTTP front
 * answers it with 400, as Streamable HTTP asks for input the server cannot accept.
 */
export function isRefusal (response: Record<string, unknown> | null): boolean {
  return response !== null && response.id === null && response.error !== undefined
}

/** Answers one parsed JSON-RPC message by running the bundle's `main(data)` in a fresh context. */
export async function answerMessage (host: ScriptForgeHost, bundle: ScriptSource, message: unknown): Promise<Answer> {
  const what = describe(message)
  const result = await host.run({ files: bundle.files(), entry: bundle.entry, data: message })
  const id = message !== null && typeof message === 'object' ? (message as { id?: unknown }).id : undefined
  const isRequest = id !== undefined && typeof (message as { method?: unknown }).method === 'string'
  if (!result.ok) {
    // The script itself failed (limit exceeded, uncaught error): the client still gets an answer,
    // and a message that was no request is not quietly accepted.
    return { response: rpcError(isRequest ? id : null, -32603, `Internal error: ${result.error.message}`), what, ms: result.ms }
  }
  const value = result.value
  const response = value !== null && typeof value === 'object' && !Array.isArray(value) ? value as Record<string, unknown> : null
  return { response, what, ms: result.ms }
}

/** The deepest nesting of arrays and objects a message may have; MCP's own messages need a handful. */
export const MAX_NESTING = 64

/**
 * How deeply `text` nests arrays and objects, counted without parsing (so that a body of a
 * million `[` cannot exhaust a parser's stack); stops counting past `limit`.
 */
export function nestingDepth (text: string, limit = MAX_NESTING): number {
  let depth = 0
  let deepest = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 0x5c) i++ // a backslash: skip the escaped character
      else if (c === 0x22) inString = false
    } else if (c === 0x22) inString = true
    else if (c === 0x5b || c === 0x7b) {
      depth++
      if (depth > deepest) deepest = depth
      if (deepest > limit) return deepest
    } else if (c === 0x5d || c === 0x7d) depth--
  }
  return deepest
}

/**
 * Parses a body; a body that is not JSON gets the JSON-RPC parse error, and one nested deeper
 * than {@link MAX_NESTING} an Invalid Request that says so.
 */
export function parseBody (text: string): { message: unknown } | { error: Record<string, unknown> } {
  if (nestingDepth(text) > MAX_NESTING) {
    return { error: rpcError(null, -32600, `Invalid Request: the message is too deeply nested (more than ${MAX_NESTING} levels of arrays and objects)`) }
  }
  try {
    return { message: JSON.parse(text) }
  } catch (error) {
    const reason = (error as Error).message
    return { error: rpcError(null, -32700, `Parse error: the body is not valid JSON (${reason.length > 200 ? `${reason.slice(0, 200)}…` : reason})`) }
  }
}
