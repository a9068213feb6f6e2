import type { ApiBackend } from '../backend'

/**
 * The sandbox's `fetch`, as far as the local platform can give it: ScriptForge code calls the
 * ConnexCS API by URL (`https://app.connexcs.com/api/cp/docs/<path>`, a run with
 * `Accept: text/event-stream`), and the host answers every URL under the API base from the same
 * backend as `cxRest`, as the user the app's `API_USERNAME` names. There is no other network here:
 * any other URL fails as a network error does (`TypeError`).
 */

/** The API base URL ScriptForge code reaches with `fetch` (cx.config.json's `apiBaseUrl`). */
export const API_BASE_URL = 'https://app.connexcs.com/api/cp/'

/** A `fetch` call as the sandbox hands it to the host: header names in lower case, the body as text. */
export interface FetchCall {
  url: string
  method: string
  headers: Record<string, string>
  body?: string
}

/** What the sandbox builds its `Response` from. */
export interface FetchAnswer {
  status: number
  statusText: string
  /** Lower-case names. */
  headers: Record<string, string>
  body: string
}

const METHODS = new Set(['GET', 'POST', 'PUT', 'DELETE'])

/**
 * Answers one `fetch` of the sandbox from `backend`.
 *
 * @throws TypeError for a URL outside `baseUrl`, a method other than GET, POST, PUT or DELETE, or a
 *   body that is not JSON (the backends take JSON bodies only).
 */
export async function answerFetch (backend: ApiBackend, call: FetchCall, options: { user: string, baseUrl?: string }): Promise<FetchAnswer> {
  const base = options.baseUrl ?? API_BASE_URL
  const url = String(call.url)
  if (!url.startsWith(base)) {
    throw new TypeError(`fetch failed: the local ScriptForge reaches only the ConnexCS API under ${base}; ${url.slice(0, 200)} is outside it (there is no other network here)`)
  }
  const method = String(call.method ?? 'GET').toUpperCase()
  if (!METHODS.has(method)) throw new TypeError(`fetch failed: method ${method} is not one the ConnexCS API takes (GET, POST, PUT, DELETE)`)
  let body: unknown
  if (call.body !== undefined && call.body !== '') {
    try {
      body = JSON.parse(call.body)
    } catch {
      throw new TypeError('fetch failed: the local platform sends JSON bodies only, and this one is not JSON')
    }
  }
  const accept = call.headers?.accept
  const response = await backend({
    user: options.user,
    method: method as 'GET',
    path: url.slice(base.length),
    ...(body === undefined ? {} : { body }),
    ...(accept === undefined ? {} : { accept })
  })
  const headers: Record<string, string> = { 'content-type': response.contentType ?? 'application/json' }
  if (response.retryAfter !== undefined) headers['retry-after'] = response.retryAfter
  return { status: response.status, statusText: response.statusText, headers, body: response.body }
}

/**
 * `globalThis.fetch` inside the sandbox, over the host hook `__cxHost.fetch` (JSON text in, JSON
 * text out): the Response has `status`, `ok`, `statusText`, `url`, `headers.get/has`, `text()`
 * and `json()`, the part of the platform's that scripts use.
 */
export const FETCH_PRELUDE = `
// The leading semicolon: this runs after another prelude that ends in a call.
;(() => {
  const host = globalThis.__cxHost
  if (typeof host.fetch !== 'function') return
  const headersOf = (given) => {
    const out = {}
    if (given === undefined || given === null) return out
    const entries = Array.isArray(given) ? given : typeof given.entries === 'function' ? [...given.entries()] : Object.entries(given)
    for (const [name, value] of entries) out[String(name).toLowerCase()] = String(value)
    return out
  }
  globalThis.fetch = async (input, init = {}) => {
    const url = typeof input === 'string' ? input : String(input && input.url !== undefined ? input.url : input)
    const body = init.body === undefined || init.body === null ? undefined : String(init.body)
    const call = { url, method: String(init.method ?? 'GET').toUpperCase(), headers: headersOf(init.headers) }
    if (body !== undefined) call.body = body
    const answer = JSON.parse(await host.fetch(JSON.stringify(call)))
    let used = false
    const read = () => {
      if (used) throw new TypeError('Body has already been consumed')
      used = true
      return answer.body
    }
    return {
      url,
      status: answer.status,
      statusText: answer.statusText,
      ok: answer.status >= 200 && answer.status < 300,
      redirected: false,
      headers: {
        get: (name) => answer.headers[String(name).toLowerCase()] ?? null,
        has: (name) => Object.prototype.hasOwnProperty.call(answer.headers, String(name).toLowerCase())
      },
      text: async () => read(),
      json: async () => JSON.parse(read())
    }
  }
})()
`
