import { ToolError } from '../lib/errors'
import { apiPath, type Connexcs } from './client'

/**
 * Running a function of a ScriptForge file of the account: `POST scriptforge/<app>/<file>/<fn>`
 * with the function's argument as the JSON body (the run endpoint `cx run` uses). Through
 * `cxRest` the platform answers plain JSON: the function's return value. Its console output is
 * streamed only to clients that ask for server-sent events, which `cxRest` cannot, so it is not
 * part of the answer ({@link CONSOLE_NOTE}). Whether a script may be run at all is the caller's
 * decision (an allow-list); this module only runs what it is given.
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

/**
 * Runs `fn` of `script` in app `appId` with `body`, once (never retried: it may change things).
 *
 * @throws ToolError `invalid_argument` for a malformed app id, file or function name, or an argument that is too
 *   large or not JSON; `not_found` when the app has no such file; the API's other errors (timeouts, 401/403, 429).
 */
export async function runScriptFunction (api: Connexcs, request: ScriptRunRequest): Promise<ScriptRunResult> {
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
  const path = apiPath`scriptforge/${appId}/${request.script}/${fn}`
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
