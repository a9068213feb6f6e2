/**
 * Emulation of the ScriptForge built-in module `cxRest`: an authenticated client of the ConnexCS
 * control-panel API.
 *
 * Like `cxMcpServer` it runs in QuickJS and in Node. It reaches the backend (simulated switch or
 * live API) through one bridge function the host installs as `globalThis.__cxHost.rest`,
 * which takes and returns text so that nothing but strings crosses the sandbox boundary: the
 * request as JSON in, {@link bridgeAnswer} out.
 */
import type { ApiRequest, ApiResponse } from '../../backend'

interface Bridge {
  rest (request: string): Promise<string>
}

/**
 * A backend's response as the bridge returns it: the head (status, statusText, retryAfter) as one
 * line of JSON, a line break, then the body unchanged, so the sandbox parses a body once (as the
 * platform's client does), not a second time out of an escaped JSON string.
 */
export function bridgeAnswer ({ body, ...head }: ApiResponse): string {
  return `${JSON.stringify(head)}\n${body}`
}

function bridge (): Bridge {
  const found = (globalThis as { __cxHost?: Bridge }).__cxHost
  if (found === undefined) throw new Error('cxRest: no platform bridge; this module only runs inside the ScriptForge host or a test that installs one')
  return found
}

function encodeParams (params: Record<string, unknown>, prefix = ''): string[] {
  const parts: string[] = []
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined) continue
    const name = prefix === '' ? key : `${prefix}[${key}]`
    if (value !== null && typeof value === 'object') parts.push(...encodeParams(value as Record<string, unknown>, name))
    else parts.push(`${encodeURIComponent(name)}=${encodeURIComponent(value === null ? '' : String(value))}`)
  }
  return parts
}

/** `path` relative to the API root, with `params` appended as a query string (nested objects as `a[b]=`). */
function withParams (path: string, params?: Record<string, unknown>): string {
  const clean = String(path).replace(/^\/+/, '')
  const query = params === undefined || params === null ? [] : encodeParams(params)
  if (query.length === 0) return clean
  return clean + (clean.includes('?') ? '&' : '?') + query.join('&')
}

async function send (user: string, method: ApiRequest['method'], path: string, body?: unknown): Promise<unknown> {
  const request: ApiRequest = { user, method, path, ...(body === undefined ? {} : { body }) }
  const raw = await bridge().rest(JSON.stringify(request))
  // The head, a line break, the body: see bridgeAnswer.
  const cut = raw.indexOf('\n')
  const response = { ...JSON.parse(raw.slice(0, cut)), body: raw.slice(cut + 1) } as ApiResponse
  if (response.status < 200 || response.status >= 300) {
    let detail = response.body
    try {
      const parsed = JSON.parse(response.body) as { error?: unknown, message?: unknown }
      detail = String(parsed.error ?? parsed.message ?? response.body)
    } catch {
      // a non-JSON error body is reported as it is
    }
    const retry = response.retryAfter === undefined ? '' : ` (Retry-After: ${response.retryAfter})`
    throw new Error(`${response.status} ${response.statusText}${retry}: ${detail}`)
  }
  // Like the platform's client: an empty body is {}, anything else must be JSON or the call rejects.
  return isBlank(response.body) ? {} : JSON.parse(response.body)
}

/** Whether a text is empty or only white space, without copying it (a trace's body is megabytes). */
function isBlank (text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return false
  }
  return true
}

/** A client authenticated as one ConnexCS user. */
export class CxRestClient {
  readonly username: string

  constructor (username: string) {
    this.username = String(username)
  }

  /** GET `path`; `params` become the query string. */
  get (path: string, params?: Record<string, unknown>): Promise<unknown> {
    return send(this.username, 'GET', withParams(path, params))
  }

  /** POST a JSON body. */
  post (path: string, body?: unknown): Promise<unknown> {
    return send(this.username, 'POST', withParams(path), body ?? {})
  }

  /** PUT a JSON body. */
  put (path: string, body?: unknown): Promise<unknown> {
    return send(this.username, 'PUT', withParams(path), body ?? {})
  }

  /** DELETE `path`. */
  delete (path: string): Promise<unknown> {
    return send(this.username, 'DELETE', withParams(path))
  }
}

/**
 * `auth(username)`: production code calls it as `cxRest.auth(u)`, `auth(u)` and `new auth(u)`,
 * so the default export is a function that works all three ways.
 */
function auth (username: string): CxRestClient {
  return new CxRestClient(username)
}
auth.auth = auth

export default auth
export { auth }
