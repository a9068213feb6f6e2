import { ToolError } from '../lib/errors'
import { humanDuration } from '../lib/format'

/**
 * The API by URL, with the sandbox's `fetch`, for the two answers `cxRest` cannot give: a page
 * of documentation (raw markdown, which `cxRest` rejects as invalid JSON) and a run's console
 * output (server-sent events, which it never asks for). `cxRest` authenticates server-side;
 * `fetch` carries only what it is given, so the caller passes the platform client's
 * Authorization header when it exposes one ({@link Connexcs.authorization}), and a refusal
 * (401/403) is an answer like any other, for the caller to fall back on.
 */

/** Where the API is when the app sets no `API_BASE_URL`. */
export const DEFAULT_API_BASE_URL = 'https://app.connexcs.com/api/cp/'

/** The API base URL: the app's `API_BASE_URL` variable (another ConnexCS host), else {@link DEFAULT_API_BASE_URL}; always ending in `/`. */
export function apiBaseUrl (env: Readonly<Record<string, string | undefined>> = {}): string {
  const set = env.API_BASE_URL?.trim()
  if (set === undefined || !/^https?:\/\/[^\s/]+\/\S*$/i.test(set)) return DEFAULT_API_BASE_URL
  return set.endsWith('/') ? set : `${set}/`
}

/** What one fetch answered. */
export interface TextAnswer {
  status: number
  statusText: string
  /** Lower case, without parameters: `text/markdown`, `text/event-stream`, `application/json`, or ''. */
  contentType: string
  text: string
}

/** Options of {@link fetchApiText}. */
export interface TextRequest {
  method?: 'GET' | 'POST'
  accept: string
  /** JSON text. */
  body?: string
  authorization?: string
  /** The API base URL (default {@link DEFAULT_API_BASE_URL}). */
  baseUrl?: string
  /** Give up after this long (default 20 s). */
  timeoutMs?: number
}

/** The part of a Response read here (sandbox.d.ts declares the sandbox's; Node's has more). */
interface FetchedResponse {
  readonly status: number
  readonly statusText: string
  readonly headers: { get (name: string): string | null }
  text (): Promise<string>
}

type Fetch = (url: string, init: { method: string, headers: Record<string, string>, body?: string }) => Promise<FetchedResponse>

/** The sandbox's `fetch`, or undefined where it has none. */
function sandboxFetch (): Fetch | undefined {
  return typeof fetch === 'function' ? fetch as Fetch : undefined
}

/** Whether this sandbox has a global `fetch`. */
export function hasFetch (): boolean {
  return sandboxFetch() !== undefined
}

/** Why there is no answer when the sandbox has no `fetch`. */
export const NO_FETCH = 'this sandbox has no global fetch (ScriptForge has one; an older local host did not)'

/**
 * Fetches `path` (relative to the API base, already encoded) and reads the whole answer as text,
 * whatever its status: the caller decides what a 401 or a 404 means.
 *
 * @throws ToolError `configuration` when the sandbox has no `fetch`; `timeout`; `upstream` when
 *   the request could not be made or its answer read (a network error).
 */
export async function fetchApiText (path: string, request: TextRequest): Promise<TextAnswer> {
  const send = sandboxFetch()
  const url = `${request.baseUrl ?? DEFAULT_API_BASE_URL}${path.replace(/^\/+/, '')}`
  const what = `${request.method ?? 'GET'} ${path.replace(/\?.*$/, '')} with fetch`
  if (send === undefined) throw new ToolError('configuration', `Cannot ${what}: ${NO_FETCH}`)
  const headers: Record<string, string> = { Accept: request.accept }
  if (request.body !== undefined) headers['Content-Type'] = 'application/json'
  if (request.authorization !== undefined) headers.Authorization = request.authorization
  const timeoutMs = request.timeoutMs ?? 20_000
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new ToolError('timeout', `${what} did not answer within ${humanDuration(timeoutMs)}`)), timeoutMs)
  })
  const exchange = async (): Promise<TextAnswer> => {
    const response = await send(url, { method: request.method ?? 'GET', headers, ...(request.body === undefined ? {} : { body: request.body }) })
    const text = await response.text()
    const contentType = (response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase()
    return { status: response.status, statusText: response.statusText, contentType, text }
  }
  try {
    return await Promise.race([exchange(), timeout])
  } catch (error) {
    if (error instanceof ToolError) throw error
    throw new ToolError('upstream', `${what} failed: ${error instanceof Error ? error.message : String(error)}`)
  } finally {
    clearTimeout(timer)
  }
}
