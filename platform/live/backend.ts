import { errorText, jwtExpiry } from './apiText'
import type { ApiBackend, ApiCallOptions, ApiRequest, ApiResponse } from '../backend'

/**
 * The live `cxRest` backend: API calls go to the real ConnexCS API (or anything that speaks it,
 * such as `npm run switch`) over HTTP(S) with a bearer JWT.
 *
 * - With an access token, every call uses it.
 * - With a refresh token, an access token is fetched from `GET auth/jwt`, kept, and renewed
 *   shortly before its `exp`; a 401 renews it once and retries the call once.
 * - 429 and every other status are returned as they are, with Retry-After: retrying is the
 *   tools' client's job (it honours Retry-After), not this layer's.
 * - A 401 or 403 says that the token was refused and how to renew it (`npm run configure`): the
 *   tools' client tells by that text that it runs in live mode, where the token, not
 *   `API_USERNAME`, decides who the API sees.
 * - It keeps no timer: the tools' client has the one timeout (src/connexcs/client.ts), and the
 *   caller's `signal` ends a call it no longer waits for (the host's, when the run ends).
 * Tokens never appear in a message or a log line.
 *
 * The `user` of a request is not sent: the token decides who the API sees.
 */

/** Options of the live backend. */
export interface LiveBackendOptions {
  baseUrl: string
  accessToken?: string
  refreshToken?: string
  /** Renew the access token this long before it expires (default 60 s). */
  renewBeforeS?: number
  /** The clock, unix ms (tests move it). */
  now?: () => number
  /** One line per request, method, path without query, status and time; never a token. */
  log?: (line: string) => void
  /** Gets the `Date` header of every answer that has one, with when it arrived by `now` (`ServerClock.learn`). */
  onDate?: (date: string, receivedAtMs: number) => void
}

const pathOnly = (path: string): string => path.split('?')[0]!

/** What a 401 or 403 says in live mode, before the API's own words. */
export const TOKEN_REFUSED_ADVICE = 'The ConnexCS API refused the token of npm start -- --live: renew it with `npm run configure` ' +
  '(it writes CX_REFRESH_TOKEN to .env), or set a valid CONNEXCS_API_TOKEN, then restart'

/** A refused call's answer, its body saying that the token was refused and how to renew it. */
function refused (response: ApiResponse): ApiResponse {
  const detail = errorText(response.status, response.statusText, response.body)
  // The token exchange already said which token and what to do.
  if (detail.includes('npm run configure')) return response
  const said = detail.length > 120 ? `${detail.slice(0, 120)}…` : detail
  return { ...response, body: JSON.stringify({ error: `${TOKEN_REFUSED_ADVICE} (the API said: ${said})` }) }
}

/** An ApiBackend over fetch. */
export function createLiveBackend (options: LiveBackendOptions): ApiBackend {
  const base = options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`
  const renewBeforeMs = (options.renewBeforeS ?? 60) * 1000
  const now = options.now ?? Date.now
  const log = options.log ?? (() => {})
  if (options.accessToken === undefined && options.refreshToken === undefined) throw new Error('createLiveBackend: give an access token or a refresh token')

  let access: { token: string, expiresAt: number | undefined } | undefined
  let exchanging: Promise<string | ApiResponse> | undefined

  /** One HTTP exchange; rejects with a clear message when abandoned or when the API cannot be reached. */
  const send = async (method: string, path: string, token: string, body: unknown, signal: AbortSignal | undefined): Promise<ApiResponse> => {
    const started = now()
    try {
      const response = await fetch(base + path.replace(/^\/+/, ''), {
        method,
        headers: {
          Authorization: `Bearer ${token}`,
          Accept: 'application/json',
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' })
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        ...(signal === undefined ? {} : { signal })
      })
      const text = await response.text()
      const retryAfter = response.headers.get('retry-after')
      const date = response.headers.get('date')
      if (date !== null) options.onDate?.(date, now())
      log(`live: ${method} ${pathOnly(path)} → ${response.status} (${now() - started} ms)`)
      return { status: response.status, statusText: response.statusText, body: text, ...(retryAfter === null ? {} : { retryAfter }) }
    } catch (error) {
      if (signal?.aborted === true) {
        const timedOut = (signal.reason as { name?: unknown } | undefined)?.name === 'TimeoutError'
        log(`live: ${method} ${pathOnly(path)} → ${timedOut ? 'timeout' : 'abandoned'}`)
        throw new Error(timedOut
          ? `The ConnexCS API did not answer ${method} ${pathOnly(path)} in time (timeout)`
          : `The ConnexCS API call ${method} ${pathOnly(path)} was abandoned: its caller stopped waiting`, { cause: error })
      }
      const cause = (error as { cause?: { code?: string, message?: string } }).cause
      throw new Error(`Cannot reach the ConnexCS API at ${new URL(base).origin}: ${cause?.code ?? cause?.message ?? (error as Error).message}`, { cause: error })
    }
  }

  /** Exchanges the refresh token; a failure comes back as the response to give the caller. */
  const exchange = async (signal: AbortSignal | undefined): Promise<string | ApiResponse> => {
    const response = await send('GET', 'auth/jwt', options.refreshToken!, undefined, signal)
    if (response.status !== 200) {
      const detail = errorText(response.status, response.statusText, response.body)
      const advice = response.status === 401 || response.status === 403
        ? ': CX_REFRESH_TOKEN is invalid or expired; get a new one (npm run configure, or Setup → Integrations → JWT Keys)'
        : ''
      return { ...response, body: JSON.stringify({ error: `Getting an access token (GET auth/jwt) failed with HTTP ${response.status}: ${detail}${advice}` }) }
    }
    let token: unknown
    try {
      token = (JSON.parse(response.body) as { token?: unknown }).token
    } catch {
      token = undefined
    }
    if (typeof token !== 'string' || token === '') throw new Error('GET auth/jwt answered 200 without a JSON { "token": "…" }: cannot get an access token')
    const exp = jwtExpiry(token)
    access = { token, expiresAt: exp === undefined ? undefined : exp * 1000 }
    return token
  }

  const token = async (renew: boolean, signal: AbortSignal | undefined): Promise<string | ApiResponse> => {
    if (options.accessToken !== undefined) return options.accessToken
    const fresh = access !== undefined && (access.expiresAt === undefined || access.expiresAt - now() > renewBeforeMs)
    if (!renew && fresh) return access!.token
    // Concurrent calls share one exchange (bounded by the signal of the call that started it).
    exchanging ??= exchange(signal).finally(() => {
      exchanging = undefined
    })
    return exchanging
  }

  const call = async (request: ApiRequest, signal: AbortSignal | undefined): Promise<ApiResponse> => {
    const body = request.method === 'GET' || request.method === 'DELETE' ? undefined : request.body ?? {}
    const first = await token(false, signal)
    if (typeof first !== 'string') return first
    const response = await send(request.method, request.path, first, body, signal)
    if (response.status !== 401 || options.refreshToken === undefined) return response
    // The token may have expired early or been revoked: renew once, try once more.
    const second = await token(true, signal)
    if (typeof second !== 'string') return second
    return send(request.method, request.path, second, body, signal)
  }

  return async (request: ApiRequest, callOptions: ApiCallOptions = {}): Promise<ApiResponse> => {
    const response = await call(request, callOptions.signal)
    return response.status === 401 || response.status === 403 ? refused(response) : response
  }
}
