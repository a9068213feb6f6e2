import { hostname } from 'node:os'
import { errorText, jwtExpiry } from '../../platform/live/apiText'

/**
 * A client of the ConnexCS control-panel API for the deploy tools, with the token flow of the
 * `cx` CLI: a refresh token (30 days) is exchanged at `GET auth/jwt` for an access token, which
 * signs the requests. Unlike `cx`, the access token is reused until it expires, a 429 is retried
 * after its Retry-After (within bounds), every request has a timeout, and no token ever appears
 * in a message.
 */

/** A refused or failed API call; `status` is the HTTP status when there was an answer. */
export class ApiError extends Error {
  readonly status: number | undefined

  constructor (message: string, status?: number) {
    super(message)
    this.name = 'ApiError'
    this.status = status
  }
}

/** Options of the client. */
export interface CxApiOptions {
  /** The API root, ending in `/`, e.g. `https://app.connexcs.com/api/cp/`. */
  baseUrl: string
  /** Signs requests through the token exchange. */
  refreshToken?: string
  /** Signs requests with HTTP Basic (used only to obtain a refresh token). */
  basic?: { username: string, password: string }
  /** Per request, ms (default 30 s). */
  timeoutMs?: number
  /** Retries of one request after a 429 or, for requests safe to repeat, a 502/503/504 (default 4). */
  maxRetries?: number
  /** The longest Retry-After honoured, s (default 60): asked to wait longer, the call fails. */
  maxWaitS?: number
  /** Told about each retry, in words. */
  onRetry?: (message: string) => void
  /** For tests: how to wait. */
  sleep?: (ms: number) => Promise<void>
}

/** One request's extras. */
export interface RequestOptions {
  body?: unknown
  headers?: Record<string, string>
  /** Overrides the per-request timeout; an open stream is bounded by `signal` instead. */
  timeoutMs?: number
  signal?: AbortSignal
}

/** A refresh token lives 30 days, as `cx configure` asks. */
export const REFRESH_LIFETIME_S = 2_592_000

/** The audience a refresh token is issued for: this tool on this machine. */
export function tokenAudience (): string {
  return `cx-mcp@${hostname()}`
}

const IDEMPOTENT = new Set(['GET', 'PUT', 'DELETE'])

/** Seconds a Retry-After header asks for (a number or an HTTP date), or undefined. */
function retryAfterS (value: string | null): number | undefined {
  if (value === null || value.trim() === '') return undefined
  if (/^\d+$/.test(value.trim())) return Number(value.trim())
  const at = Date.parse(value)
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - Date.now()) / 1000))
}

/** A client of the API, for one base URL and one set of credentials. */
export class CxApi {
  readonly baseUrl: string
  private readonly options: CxApiOptions
  private access: { token: string, expiresMs: number } | undefined

  constructor (options: CxApiOptions) {
    this.options = options
    this.baseUrl = options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`
  }

  /** GET, parsed. */
  get<T> (path: string): Promise<T> {
    return this.json<T>('GET', path)
  }

  /** POST a JSON body, parsed. */
  post<T> (path: string, body: unknown): Promise<T> {
    return this.json<T>('POST', path, { body })
  }

  /** PUT a JSON body, parsed. */
  put<T> (path: string, body: unknown): Promise<T> {
    return this.json<T>('PUT', path, { body })
  }

  /** DELETE, parsed. */
  delete<T> (path: string): Promise<T> {
    return this.json<T>('DELETE', path)
  }

  /** A request whose JSON answer is parsed (an empty body is `{}`, as `cx` reads it). */
  async json<T> (method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const response = await this.send(method, path, options)
    const text = await response.text()
    if (text.trim() === '') return {} as T
    try {
      return JSON.parse(text) as T
    } catch {
      throw new ApiError(`${method} ${path}: the answer is not JSON (${text.slice(0, 80)}…)`, response.status)
    }
  }

  /**
   * Sends a request and returns the successful response unread (for streams), after the token
   * exchange and any retries.
   *
   * @throws ApiError for a refused token, a non-2xx answer, a timeout, or no answer at all.
   */
  async send (method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    for (let renewed = false; ; renewed = true) {
      const cached = this.access !== undefined
      const response = await this.attempt(method, path, await this.authorization(), options)
      if (response.ok) return response
      const said = errorText(response.status, response.statusText, await response.text())
      if (response.status === 401 && cached && !renewed) {
        // The access token may have expired mid-run: exchange once more, then give up.
        this.access = undefined
        continue
      }
      throw new ApiError(`${method} ${path}: HTTP ${response.status}: ${said}${response.status === 401 || response.status === 403 ? this.authHint() : ''}`, response.status)
    }
  }

  /**
   * One request, repeated after a 429 (as its Retry-After asks, within bounds) and, when it is
   * safe to repeat, after a 502/503/504 or no connection. Returns the last answer, unread.
   */
  private async attempt (method: string, path: string, authorization: string, options: RequestOptions): Promise<Response> {
    const maxRetries = this.options.maxRetries ?? 4
    const maxWait = this.options.maxWaitS ?? 60
    const sleep = this.options.sleep ?? (ms => new Promise(resolve => setTimeout(resolve, ms)))
    for (let attempt = 0; ; attempt++) {
      let response: Response
      try {
        response = await this.fetch(method, path, authorization, options)
      } catch (error) {
        if (attempt >= maxRetries || method !== 'GET' || !(error instanceof ApiError) || error.status !== undefined) throw error
        this.options.onRetry?.(`${error.message}; retrying in ${2 ** attempt} s (${attempt + 1} of ${maxRetries})`)
        await sleep(1000 * 2 ** attempt)
        continue
      }
      const retryable = response.status === 429 || (IDEMPOTENT.has(method) && [502, 503, 504].includes(response.status))
      if (!retryable || attempt >= maxRetries) return response
      const said = errorText(response.status, response.statusText, await response.text())
      const asked = retryAfterS(response.headers.get('retry-after'))
      if (asked !== undefined && asked > maxWait) {
        throw new ApiError(`${method} ${path}: HTTP ${response.status}: ${said}; the API asks to wait ${asked} s, longer than ${maxWait} s: try again later`, response.status)
      }
      const waitS = asked ?? Math.min(2 ** attempt, maxWait)
      this.options.onRetry?.(`${method} ${path}: HTTP ${response.status} (${said}); retrying in ${waitS} s (${attempt + 1} of ${maxRetries})`)
      await sleep(waitS * 1000)
    }
  }

  /** Obtains a refresh token with the Basic credentials (`cx configure`'s step 2). */
  async createRefreshToken (): Promise<string> {
    const answer = await this.post<{ token?: unknown }>('auth/jwt/refresh', { lifetime: REFRESH_LIFETIME_S, audience: tokenAudience() })
    if (typeof answer.token !== 'string' || answer.token === '') throw new ApiError('POST auth/jwt/refresh: the answer has no token')
    return answer.token
  }

  private authHint (): string {
    return this.options.basic === undefined
      ? '. The token is not accepted: run `npm run configure` for a new one (in CI, renew the CX_REFRESH_TOKEN secret)'
      : ''
  }

  private async fetch (method: string, path: string, authorization: string, options: RequestOptions): Promise<Response> {
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs ?? 30_000
    const signal = options.signal ?? AbortSignal.timeout(timeoutMs)
    try {
      return await fetch(this.baseUrl + path, {
        method,
        headers: {
          Authorization: authorization,
          Accept: 'application/json',
          ...(options.body === undefined ? {} : { 'Content-Type': 'application/json' }),
          ...options.headers
        },
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
        signal
      })
    } catch (error) {
      const name = (error as Error).name
      if (name === 'TimeoutError' || name === 'AbortError') {
        throw new ApiError(`${method} ${path}: no answer within ${Math.round(timeoutMs / 1000)} s`)
      }
      const cause = (error as { cause?: { code?: string, message?: string } }).cause
      throw new ApiError(`${method} ${path}: cannot reach ${this.baseUrl} (${cause?.code ?? cause?.message ?? (error as Error).message})`)
    }
  }

  /** The Authorization header: Basic, or a bearer access token from the exchange (cached until it expires). */
  private async authorization (): Promise<string> {
    const { basic, refreshToken } = this.options
    if (basic !== undefined) return `Basic ${Buffer.from(`${basic.username}:${basic.password}`).toString('base64')}`
    if (refreshToken === undefined || refreshToken === '') {
      throw new ApiError('No refresh token: run `npm run configure` (or set CX_REFRESH_TOKEN)')
    }
    if (this.access !== undefined && this.access.expiresMs - 30_000 > Date.now()) return `Bearer ${this.access.token}`
    const response = await this.attempt('GET', 'auth/jwt', `Bearer ${refreshToken}`, {})
    const body = await response.text()
    if (!response.ok) {
      const said = errorText(response.status, response.statusText, body)
      if (response.status === 401 || response.status === 403) {
        throw new ApiError(`The refresh token was refused (HTTP ${response.status}: ${said}): it is invalid or has expired. Run \`npm run configure\` for a new one (in CI, renew the CX_REFRESH_TOKEN secret).`, response.status)
      }
      throw new ApiError(`GET auth/jwt (token exchange): HTTP ${response.status}: ${said}`, response.status)
    }
    let token: unknown
    try {
      token = (JSON.parse(body) as { token?: unknown }).token
    } catch {
      // handled below
    }
    if (typeof token !== 'string' || token === '') throw new ApiError('GET auth/jwt (token exchange): the answer has no token', response.status)
    const exp = jwtExpiry(token)
    this.access = { token, expiresMs: exp === undefined ? Date.now() + 5 * 60_000 : exp * 1000 }
    return `Bearer ${token}`
  }
}
