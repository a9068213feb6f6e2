import { ToolError } from '../lib/errors'
import { clip } from '../lib/records'
import { fetchApiText, hasFetch, NO_FETCH } from './apiText'
import { apiPath, type Connexcs } from './client'

/**
 * Running a function of a ScriptForge file of the account: `POST scriptforge/<app>/<file>/<fn>`
 * with the function's argument as the JSON body (the run endpoint `cx run` uses). Through
 * `cxRest` the platform answers plain JSON: the function's return value. Its console output is
 * streamed only to clients that ask for server-sent events, which `cxRest` cannot ({@link CONSOLE_NOTE});
 * {@link runScriptFunctionStreamed} asks for them with the sandbox's `fetch`, as `cx run` does,
 * and falls back on `cxRest` where `fetch` is missing or refused. Whether a script may be run at
 * all is the caller's decision (an allow-list); this module only runs what it is given.
 */

/** What to run. */
export interface ScriptRunRequest {
  /** The app that holds the file (`process.env.APP_ID` for the server's own app). */
  appId: string | number
  /** The file: its name within the app, its numeric id or its UUID. */
  script: string
  /** The exported function (default `main`). */
  fn?: string
  /** The function's argument, sent as JSON (default `{}`). */
  body?: unknown
  /** Give up after this long (default 25 s). */
  timeoutMs?: number
}

/** How a run ended: the function's value, a value `cxRest` could not read, or the error it threw. */
export type ScriptRunResult =
  | { ok: true, value: unknown }
  | { ok: true, value: undefined, unreadable: string }
  | { ok: false, error: string, status?: number }

/** Why a run through `cxRest` carries no console output. */
export const CONSOLE_NOTE = 'Console output is not available: the platform streams it only to clients that ask for server-sent events ' +
  '(as `cx run` does), and cxRest reads JSON answers only.'

/** The largest argument sent, in characters of JSON. */
export const MAX_BODY_CHARS = 100_000

const FILE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/
const FUNCTION = /^[A-Za-z_$][\w$]{0,63}$/

function invalid (parameter: string, message: string): ToolError {
  return new ToolError('invalid_argument', message, { parameter })
}

/** The API's own words, after the client's `The ConnexCS API (POST …) failed (HTTP 500): 500 Internal Server Error: ` prefix. */
function thrown (message: string): string {
  return message.replace(/^The ConnexCS API \([^)]*\) [^:]*: /, '').replace(/^\d{3} [^:]*: /, '')
}

/** A request checked: the app id as text, the function, the body as JSON, and the run path. */
function checked (request: ScriptRunRequest): { appId: string, fn: string, json: string, path: string } {
  const appId = String(request.appId).trim()
  const fn = request.fn ?? 'main'
  if (!/^\d{1,12}$/.test(appId)) throw invalid('app_id', `app id must be a number, got ${JSON.stringify(appId)}`)
  if (!FILE.test(request.script)) {
    throw invalid('script', `script must be a ScriptForge file name, id or UUID (letters, digits, _ . -), got ${JSON.stringify(request.script)}`)
  }
  if (!FUNCTION.test(fn)) throw invalid('function', `function must be the name of an exported function, got ${JSON.stringify(fn)}`)
  let json: string | undefined
  try {
    json = JSON.stringify(request.body ?? {})
  } catch {
    json = undefined
  }
  if (json === undefined) throw invalid('body', 'body must be a JSON value (no functions, no cycles)')
  if (json.length > MAX_BODY_CHARS) throw invalid('body', `body is ${json.length} characters of JSON; at most ${MAX_BODY_CHARS}`)
  return { appId, fn, json, path: apiPath`scriptforge/${appId}/${request.script}/${fn}` }
}

/**
 * Runs `fn` of `script` in app `appId` with `body`, once (never retried: it may change things).
 *
 * @throws ToolError `invalid_argument` for a malformed app id, file or function name, or an argument that is too
 *   large or not JSON; `not_found` when the app has no such file; the API's other errors (timeouts, 401/403, 429).
 */
export async function runScriptFunction (api: Connexcs, request: ScriptRunRequest): Promise<ScriptRunResult> {
  const { appId, fn, path } = checked(request)
  try {
    const value = await api.post<unknown>(path, request.body ?? {}, { retries: 0, timeoutMs: request.timeoutMs ?? 25_000 })
    return { ok: true, value }
  } catch (error) {
    if (!(error instanceof ToolError)) throw error
    if (error.type === 'not_found') {
      const message = `App ${appId} has no ScriptForge file ${request.script} (or it has no function ${fn}): ${thrown(error.message)}`
      throw new ToolError('not_found', message, error.details)
    }
    if (error.type === 'upstream' && error.details.status === undefined && /json|unexpected/i.test(error.message)) {
      const unreadable = `${request.script}.${fn} answered something that is not JSON (a text result?), which cxRest cannot read`
      return { ok: true, value: undefined, unreadable }
    }
    if (error.type === 'upstream' && (error.details.status === 500 || error.details.status === 400)) {
      return { ok: false, error: thrown(error.message), status: error.details.status }
    }
    throw error
  }
}

/** One `console` call of the function, as the run's event stream gives it. */
export interface ConsoleLine {
  /** `log`, `info`, `warn`, `error` or `debug`. */
  level: string
  text: string
}

/** A run's result, with its console output when it could be read, or why not. */
export type StreamedRunResult = ScriptRunResult & {
  /** The console lines, at most {@link MAX_CONSOLE_LINES}, each at most {@link MAX_CONSOLE_CHARS} characters. */
  console?: ConsoleLine[]
  /** Lines past {@link MAX_CONSOLE_LINES}. */
  console_omitted?: number
  /** Why there is no console output, when there is none to give. */
  console_note?: string
}

/** Options of {@link runScriptFunctionStreamed}. */
export interface StreamOptions {
  /** The API base URL (`apiBaseUrl(env)`). */
  baseUrl?: string
}

/** Console lines kept. */
export const MAX_CONSOLE_LINES = 100
/** Characters kept of each console line. */
export const MAX_CONSOLE_CHARS = 500

/** The events of a `text/event-stream` body: `message` for the unnamed one. */
export function parseEventStream (text: string): { event: string, data: string }[] {
  const events: { event: string, data: string }[] = []
  for (const block of text.replace(/\r\n/g, '\n').split(/\n\n+/)) {
    let event = ''
    const data: string[] = []
    let seen = false
    for (const line of block.split('\n')) {
      if (line === '' || line.startsWith(':')) continue
      const colon = line.indexOf(':')
      const field = colon < 0 ? line : line.slice(0, colon)
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '')
      if (field === 'event') event = value
      else if (field === 'data') data.push(value)
      else continue
      seen = true
    }
    if (seen) events.push({ event: event === '' ? 'message' : event, data: data.join('\n') })
  }
  return events
}

function parsed (text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** A run read from its event stream: the result or the error, and the console lines. */
function fromStream (text: string, script: string, fn: string): StreamedRunResult {
  const lines: ConsoleLine[] = []
  let total = 0
  let outcome: ScriptRunResult | undefined
  for (const { event, data } of parseEventStream(text)) {
    if (event === 'log') {
      total++
      if (lines.length >= MAX_CONSOLE_LINES) continue
      const log = parsed(data) as { payload?: unknown, level?: unknown } | undefined
      const payload = log !== undefined && typeof log === 'object' && log !== null ? log.payload : data
      const level = typeof log?.level === 'string' ? log.level.replace(/^console\./, '') : 'log'
      lines.push({ level, text: clip(typeof payload === 'string' ? payload : JSON.stringify(payload) ?? '', MAX_CONSOLE_CHARS) })
    } else if (event === 'error') {
      const error = parsed(data) as { message?: unknown, details?: { errorMessage?: unknown } } | undefined
      const message = error?.details?.errorMessage ?? error?.message ?? data
      outcome = { ok: false, error: String(message) }
    } else if (event === 'message') {
      // The unnamed event is the result: JSON, or the text a function returned.
      const value = parsed(data)
      outcome = { ok: true, value: value === undefined ? data : value }
    }
  }
  const result: StreamedRunResult = outcome ?? { ok: false, error: `the run of ${script}.${fn} ended without a result (its event stream stopped early)` }
  return { ...result, console: lines, ...(total > lines.length ? { console_omitted: total - lines.length } : {}) }
}

/**
 * Runs `fn` of `script` like {@link runScriptFunction}, once, asking for the run's event stream
 * with the sandbox's `fetch` (`Accept: text/event-stream`), so that the console output comes
 * back with the result. Where the sandbox has no `fetch`, or the API refuses it (401/403, before
 * anything ran), the run goes through `cxRest` instead and `console_note` says why there is no
 * console output. Nothing is ever run twice.
 *
 * @throws ToolError as {@link runScriptFunction}; `upstream` when fetch could not reach the API
 *   (the function may or may not have run).
 */
export async function runScriptFunctionStreamed (api: Connexcs, request: ScriptRunRequest, options: StreamOptions = {}): Promise<StreamedRunResult> {
  const { appId, fn, json, path } = checked(request)
  const viaRest = async (why: string): Promise<StreamedRunResult> => ({ ...(await runScriptFunction(api, request)), console_note: `${CONSOLE_NOTE} ${why}` })
  if (!hasFetch()) return viaRest(`Asking for them needs fetch: ${NO_FETCH}.`)
  const authorization = typeof api.authorization === 'function' ? api.authorization() : undefined
  const answer = await fetchApiText(path, {
    method: 'POST',
    accept: 'text/event-stream',
    body: json,
    timeoutMs: request.timeoutMs ?? 25_000,
    ...(authorization === undefined ? {} : { authorization }),
    ...(options.baseUrl === undefined ? {} : { baseUrl: options.baseUrl })
  })
  if (answer.status === 401 || answer.status === 403) {
    return viaRest(`Asking for them with fetch was refused (HTTP ${answer.status}): the sandbox's fetch carries no ConnexCS credentials of its own.`)
  }
  const failure = parsed(answer.text) as { error?: unknown, message?: unknown } | undefined
  const said = clip(String(failure?.error ?? failure?.message ?? answer.text), 300)
  if (answer.status === 404) {
    throw new ToolError('not_found', `App ${appId} has no ScriptForge file ${request.script} (or it has no function ${fn}): ${said}`, { status: 404 })
  }
  if (answer.status === 400 || answer.status === 500) return { ok: false, error: said, status: answer.status }
  if (answer.status < 200 || answer.status >= 300) {
    throw new ToolError(answer.status === 429 ? 'rate_limited' : 'upstream', `The run of ${request.script}.${fn} answered HTTP ${answer.status} ${answer.statusText}: ${said}`,
      { status: answer.status })
  }
  if (answer.contentType === 'text/event-stream' || /^(event|data):/m.test(answer.text)) return fromStream(answer.text, request.script, fn)
  // The platform ignored the Accept header: the plain answer, without the console.
  const value = parsed(answer.text)
  return {
    ok: true,
    value: value === undefined ? answer.text : value,
    console_note: 'Console output is not available: the platform answered the run as plain JSON, not as the event stream asked for.'
  }
}
