import cxRest, { type CxRestClient } from 'cxRest'
import { clipInput, ToolError } from '../lib/errors'
import { humanDuration } from '../lib/format'

/**
 * The only door to the ConnexCS API (README, "Architecture"). Tools call {@link connexcs}; nothing else in
 * `src/` touches `cxRest`.
 */

/**
 * Authenticates with the ConnexCS API as the user named by the app's `API_USERNAME` variable.
 *
 * @throws ToolError `configuration` when `API_USERNAME` is missing or blank, saying where to set it.
 */
export function getApi (): CxRestClient {
  const username = process.env.API_USERNAME
  if (username === undefined || username.trim() === '') {
    throw new ToolError('configuration',
      'API_USERNAME environment variable is required but not set. Set it to the email of a ConnexCS user ' +
      'with API access: on ConnexCS in IDE → your app → Environment Variables (key API_USERNAME); ' +
      'locally in .env or the shell environment before npm start.')
  }
  return cxRest.auth(username.trim())
}

/** Query values; `undefined` leaves the key out. */
export type Query = Record<string, string | number | boolean | undefined>

/** Options of one API call. */
export interface CallOptions {
  /** Abandon the call after this long (default: the client's, {@link DEFAULT_TIMEOUT_MS}). */
  timeoutMs?: number
  /** Retries on 429, 502 and 503 (default 2). */
  retries?: number
}

const RETRY_STATUSES = new Set([429, 502, 503])
const MAX_WAIT_MS = 8_000

/**
 * How long one API call may take before it is a `timeout`. This timer is the only one: the
 * platform's `cxRest` has none we know of, and the local live backend keeps none of its own, so
 * a stalled API is always a `timeout`, never an `upstream` error from a timer further down.
 */
export const DEFAULT_TIMEOUT_MS = 20_000

/** How much of the API's own words an error message quotes. */
const API_TEXT_CHARS = 300

/** Encodes a query string by hand: every key and value, always (no URLSearchParams in QuickJS). */
export function queryString (query: Query): string {
  const parts: string[] = []
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`)
  }
  return parts.length === 0 ? '' : `?${parts.join('&')}`
}

/** One path segment, encoded; `.` and `..` too, which a URL parser would otherwise resolve to another path. */
function segment (value: string | number): string {
  const encoded = encodeURIComponent(String(value))
  return encoded === '.' || encoded === '..' ? encoded.replace(/\./g, '%2E') : encoded
}

/** Builds an API path whose interpolated values are each encoded as one path segment. */
export function apiPath (strings: TemplateStringsArray, ...values: (string | number)[]): string {
  return strings.reduce((path, part, i) => path + part + (i < values.length ? segment(values[i]!) : ''), '')
}

/** The HTTP status and Retry-After that a rejected cxRest call carries in its message. */
export function statusOf (message: string): { status?: number, retryAfterS?: number } {
  const status = /\b(?:HTTP|status)\s*:?\s*([1-5]\d\d)\b/i.exec(message) ?? /^\s*([1-5]\d\d)\b/.exec(message) ?? /\b([45]\d\d)\b/.exec(message)
  const retry = /retry-after\s*:?\s*(\d+)/i.exec(message)
  return {
    ...(status === null ? {} : { status: Number(status[1]) }),
    ...(retry === null ? {} : { retryAfterS: Number(retry[1]) })
  }
}

function sleep (ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms))
}

function withTimeout<T> (promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new ToolError('timeout', `${what} did not answer within ${humanDuration(ms)}; try again, or narrow the request`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/** A parser's complaint (`Unexpected token < in JSON at position 0`, QuickJS's `unexpected character`). */
function isJsonError (error: unknown, message: string): boolean {
  return error instanceof SyntaxError || /\bJSON\b|unexpected (token|character|end of input)|at position \d+/i.test(message)
}

/**
 * What a rejected call means, as a ToolError. `request` is `GET log`; `what` names the API and the
 * request for messages, `The ConnexCS API (GET log)`.
 */
function toToolError (error: unknown, request: string, what: string): ToolError {
  if (error instanceof ToolError) return error
  const message = clipInput(error instanceof Error ? error.message : String(error), API_TEXT_CHARS)
  // Reading a huge answer can exhaust the sandbox's memory; the error then says little or nothing.
  if (error === null || error === undefined || /out of memory/i.test(message)) {
    return new ToolError('upstream', `${what} answered more than the script can read in its memory (${message === 'null' || message === 'undefined' ? 'no error message' : message}); narrow the query: a shorter date range, a filter or a lower limit`)
  }
  const { status, retryAfterS } = statusOf(message)
  if (status === undefined) {
    if (isJsonError(error, message)) {
      return new ToolError('upstream', `The ConnexCS API returned invalid JSON for ${request} (${message}); try again, and if it persists the API is answering something other than JSON`)
    }
    // A timer below ours (a platform's own) is still a timeout to the caller.
    if (/\btime[ -]?out\b|\btimed out\b|ETIMEDOUT/i.test(message)) {
      return new ToolError('timeout', `${what} did not answer in time (${message}); try again, or narrow the request`)
    }
    return new ToolError('upstream', `${what} failed: ${message}`)
  }
  const details = { status, ...(retryAfterS === undefined ? {} : { retry_after_s: retryAfterS }) }
  if (status === 404) return new ToolError('not_found', `${what} found nothing (HTTP 404): ${message}`, details)
  if (status === 429) return new ToolError('rate_limited', `${what} was rate limited (HTTP 429); wait ${retryAfterS ?? 5} s and try again`, details)
  if (status === 401 || status === 403) {
    // The local live mode (npm start -- --live) authenticates with a token and says how to renew
    // it; on ScriptForge the platform authenticates as API_USERNAME.
    if (/npm run configure/.test(message)) return new ToolError('upstream', `${what} refused the token (HTTP ${status}): ${message}`, details)
    return new ToolError('upstream', `${what} was refused (HTTP ${status}): check that the API_USERNAME user exists and may use the API. ${message}`, details)
  }
  return new ToolError('upstream', `${what} failed (HTTP ${status}): ${message}`, details)
}

/** Lists from the API sometimes arrive as one object or wrapped; always give back an array. */
export function asArray<T> (value: unknown): T[] {
  if (Array.isArray(value)) return value as T[]
  if (value !== null && typeof value === 'object') {
    for (const key of ['data', 'result', 'rows']) {
      const inner = (value as Record<string, unknown>)[key]
      if (Array.isArray(inner)) return inner as T[]
    }
    return Object.keys(value).length === 0 ? [] : [value as T]
  }
  return []
}

/** A typed client over cxRest: encoded paths, retry with backoff, a timeout per call. */
export class Connexcs {
  private readonly rest: CxRestClient
  private readonly timeoutMs: number

  /** `timeoutMs`: how long each call may take unless its options say otherwise. */
  constructor (rest: CxRestClient, timeoutMs = DEFAULT_TIMEOUT_MS) {
    this.rest = rest
    this.timeoutMs = timeoutMs
  }

  /** GET `path` with an encoded query. */
  get<T> (path: string, query: Query = {}, options: CallOptions = {}): Promise<T> {
    const full = path + queryString(query)
    return this.call(`GET ${path}`, () => this.rest.get(full), options) as Promise<T>
  }

  /** POST a JSON body to `path`. */
  post<T> (path: string, body: unknown, options: CallOptions = {}): Promise<T> {
    return this.call(`POST ${path}`, () => this.rest.post(path, body), options) as Promise<T>
  }

  /**
   * The platform client's own Authorization header, when it exposes one (`defaultHeaders`, not
   * documented; the prior art read it), so that `fetch` can call the API as `cxRest` does.
   */
  authorization (): string | undefined {
    const headers = (this.rest as { defaultHeaders?: Record<string, unknown> }).defaultHeaders
    const value = headers?.Authorization ?? headers?.authorization
    return typeof value === 'string' && value.trim() !== '' ? value : undefined
  }

  private async call (what: string, send: () => Promise<unknown>, options: CallOptions): Promise<unknown> {
    const retries = options.retries ?? 2
    const timeoutMs = options.timeoutMs ?? this.timeoutMs
    const label = `The ConnexCS API (${what})`
    for (let attempt = 0; ; attempt++) {
      try {
        return await withTimeout(send(), timeoutMs, label)
      } catch (error) {
        const failure = toToolError(error, what, label)
        const status = failure.details.status
        if (attempt >= retries || status === undefined || !RETRY_STATUSES.has(status)) throw failure
        const backoff = 250 * 2 ** attempt
        const asked = (failure.details.retry_after_s ?? 0) * 1000
        const wait = Math.min(Math.max(backoff, asked), MAX_WAIT_MS)
        if (asked > MAX_WAIT_MS) throw failure
        await sleep(wait)
      }
    }
  }
}

/**
 * The timeout of each API call: {@link DEFAULT_TIMEOUT_MS}, or the app's variable
 * `API_TIMEOUT_MS` (100 ms to 120 s), which tests set low to see a stall quickly.
 *
 * @throws ToolError `configuration` when `API_TIMEOUT_MS` is set but not such a number.
 */
export function apiTimeoutMs (): number {
  const text = process.env.API_TIMEOUT_MS
  if (text === undefined || text.trim() === '') return DEFAULT_TIMEOUT_MS
  const ms = Number(text)
  if (!Number.isInteger(ms) || ms < 100 || ms > 120_000) {
    throw new ToolError('configuration', `API_TIMEOUT_MS must be a whole number of milliseconds from 100 to 120000 (default ${DEFAULT_TIMEOUT_MS}); got ${JSON.stringify(clipInput(text))}`)
  }
  return ms
}

/** The API client for one tool call. */
export function connexcs (): Connexcs {
  return new Connexcs(getApi(), apiTimeoutMs())
}
