import type { ApiBackend, ApiResponse } from '../backend'
import type { PlatformReply, PlatformRequest, PlatformRoute, SseEvent } from '../server'
import { SUPPORTED_PROTOCOL_VERSIONS } from './builtins/cxMcpServer'
import { ScriptForgeHost, type HostOptions, type LogEvent, type RunResult } from './host'
import { answerMessage, isRefusal, parseBody, rpcError } from './mcpEndpoint'

/**
 * The fake ScriptForge API of the local platform: apps (`setup/app`), the files of each app
 * (`scriptforge`), the app's environment variables (`setup/var`), and running a stored file
 * (`POST scriptforge/<app>/<file>[/<fn>]`, and the older `POST scriptforge/<id>/run[/<fn>]`) in
 * the QuickJS host, as the `cx` CLI and an MCP client reach them. Every choice made where the
 * real platform's behaviour is unknown is listed in `platform/README.md`.
 */

/** A ScriptForge app. */
export interface AppRecord {
  id: number
  name: string
}

/** A ScriptForge file: `code` is its JavaScript. */
export interface FileRecord {
  id: number
  uuid: string
  name: string
  app_id: number
  type: string
  code: string
  created_at: string
  updated_at: string
}

/** One environment variable of an app. */
export interface VarRecord {
  id: number
  key: string
  value: string
  app_id: number
}

/** A change made through the API, for tests that must prove what a client wrote. */
export interface StoreWrite {
  op: 'create' | 'update' | 'delete'
  kind: 'file' | 'var'
  id: number
  name: string
}

/** What the store starts with. */
export interface StoreSeed {
  /** Default: one app, `{ id: 1, name: 'cx-mcp' }`. */
  apps?: AppRecord[]
  vars?: { app_id: number, key: string, value: string }[]
  files?: { app_id: number, name: string, code: string, type?: string }[]
}

/** The apps, files and variables of one account, and every write made to them. */
export class ScriptForgeStore {
  readonly apps: AppRecord[]
  readonly files: FileRecord[] = []
  readonly vars: VarRecord[] = []
  readonly writes: StoreWrite[] = []
  private nextId = 1
  private readonly now: () => number

  constructor (seed: StoreSeed = {}, now: () => number = Date.now) {
    this.now = now
    this.apps = (seed.apps ?? [{ id: 1, name: 'cx-mcp' }]).map(app => ({ ...app }))
    this.nextId = Math.max(0, ...this.apps.map(app => app.id)) + 1
    for (const v of seed.vars ?? []) this.vars.push({ id: this.newId(), ...v })
    for (const f of seed.files ?? []) this.addFile(f.app_id, f.name, f.code, f.type ?? 'quickjs')
  }

  /** The app whose id is `id`, compared as text (an `APP_ID` from `.env` is a string). */
  app (id: unknown): AppRecord | undefined {
    return this.apps.find(app => String(app.id) === String(id))
  }

  /** A file by numeric id or UUID, optionally within one app, or also by name when `byName`. */
  file (ref: string, appId?: number, byName = false): FileRecord | undefined {
    return this.files.find(f => (appId === undefined || f.app_id === appId) && (String(f.id) === ref || f.uuid === ref || (byName && f.name === ref)))
  }

  /** Adds a file (without recording a write: seeds and the API both use it). */
  addFile (appId: number, name: string, code: string, type: string): FileRecord {
    const id = this.newId()
    const at = new Date(this.now()).toISOString()
    const file: FileRecord = { id, uuid: `5f0c7e1a-0000-4000-8000-${String(id).padStart(12, '0')}`, name, app_id: appId, type, code, created_at: at, updated_at: at }
    this.files.push(file)
    return file
  }

  /** The app's variables as `process.env` sees them. */
  env (appId: number): Record<string, string> {
    return Object.fromEntries(this.vars.filter(v => v.app_id === appId).map(v => [v.key, v.value]))
  }

  /** Marks a file as changed now. */
  touch (file: FileRecord): void {
    file.updated_at = new Date(this.now()).toISOString()
  }

  /** The next free id (apps, files and variables share one counter). */
  newId (): number {
    return this.nextId++
  }
}

/** Options of the fake ScriptForge API. */
export interface ScriptForgeApiOptions {
  /** What `cxRest` reaches inside a running script (the simulated switch). */
  backend: ApiBackend
  store?: ScriptForgeStore
  /** Per-run limits of the host (defaults: the host's). */
  timeLimitMs?: number
  memoryLimitBytes?: number
  /** The `x-hostname` header event of a streamed run, and `EXEC_HOST` (default `local`). */
  hostname?: string
  /** The time a running script sees (default: the real time); `npm run switch` gives the switch's. */
  clock?: HostOptions['clock']
  /** How the emulated `cxMcpServer` behaves (default: `DEFAULT_PLATFORM_BEHAVIOUR`). */
  platform?: HostOptions['platform']
}

/** Script types the current engine runs; others are legacy files this platform cannot run. */
const RUNNABLE_TYPES = new Set(['quickjs', 'debug'])
const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/

const STATUS_TEXT: Record<number, string> = {
  200: 'OK', 202: 'Accepted', 400: 'Bad Request', 404: 'Not Found', 405: 'Method Not Allowed', 409: 'Conflict', 500: 'Internal Server Error',
  508: 'Loop Detected'
}

function json (status: number, value: unknown, headers: { contentType?: string } = {}): ApiResponse & { contentType?: string } {
  return { status, statusText: STATUS_TEXT[status] ?? '', body: JSON.stringify(value), ...headers }
}

function fail (status: number, message: string): ApiResponse {
  return json(status, { error: message })
}

/** The file without its code, as the list endpoint gives it. */
function withoutCode ({ code: _code, ...rest }: FileRecord): Omit<FileRecord, 'code'> {
  return rest
}

/** A path segment decoded; a malformed escape is kept as it is (it then names nothing). */
function decodeSegment (segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch {
    return segment
  }
}

/** The body as JSON (empty is `{}`), or the 400 answer. */
function parseJson (body: string): { value: unknown } | { error: ApiResponse } {
  if (body.trim() === '') return { value: {} }
  try {
    return { value: JSON.parse(body) as unknown }
  } catch {
    return { error: fail(400, 'Request body is not valid JSON') }
  }
}

/** The body as a JSON object, or the 400 answer. */
function parseObject (body: string): { value: Record<string, unknown> } | { error: ApiResponse } {
  const parsed = parseJson(body)
  if ('error' in parsed) return parsed
  const value = parsed.value
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { error: fail(400, 'Request body must be a JSON object') }
  return { value: value as Record<string, unknown> }
}

/** A queue of events that a run fills while the platform server sends them. */
class EventChannel implements AsyncIterable<SseEvent> {
  private readonly queue: SseEvent[] = []
  private wake: (() => void) | undefined
  private closed = false

  push (event: SseEvent): void {
    this.queue.push(event)
    this.wake?.()
  }

  close (): void {
    this.closed = true
    this.wake?.()
  }

  async* [Symbol.asyncIterator] (): AsyncIterator<SseEvent> {
    for (;;) {
      const next = this.queue.shift()
      if (next !== undefined) {
        yield next
        continue
      }
      if (this.closed) return
      await new Promise<void>(resolve => (this.wake = resolve))
      this.wake = undefined
    }
  }
}

/** The `log` event of one console call: `{ts, payload, level}` with `level` like `console.info`. */
function logEvent (event: LogEvent): SseEvent {
  return { event: 'log', data: JSON.stringify({ ts: event.ts, payload: event.args.join(' '), level: `console.${event.level}` }) }
}

/** The `error` event of a failed run: `{name, message, details: {errorMessage}}`. */
function errorEvent (result: Extract<RunResult, { ok: false }>): SseEvent {
  const { name, message } = result.error
  return { event: 'error', data: JSON.stringify({ name, message, details: { errorMessage: message } }) }
}

/** What the Accept header asks for: an MCP client lists both JSON and SSE; `cx run` lists SSE alone. */
function replyMode (accept: string): 'mcp' | 'sse' | 'json' {
  const sse = /text\/event-stream/i.test(accept)
  const jsonOk = /application\/json/i.test(accept)
  if (sse && jsonOk) return 'mcp'
  return sse ? 'sse' : 'json'
}

/** The fake ScriptForge API as a route of the platform server. */
export function scriptForgeApi (options: ScriptForgeApiOptions): PlatformRoute {
  const store = options.store ?? new ScriptForgeStore()
  const hostname = options.hostname ?? 'local'

  const createFile = (body: Record<string, unknown>): ApiResponse => {
    const { name, code, app_id: appId, type } = body
    const app = store.app(appId)
    if (app === undefined) return fail(400, `app_id ${JSON.stringify(appId)} is not an app of this account`)
    if (typeof name !== 'string' || !FILE_NAME.test(name)) return fail(400, 'name must be a file name: letters, digits, _, - or ., no folders')
    if (typeof code !== 'string') return fail(400, 'code must be the file\'s JavaScript, as a string')
    if (store.files.some(f => f.app_id === app.id && f.name === name)) return fail(409, `A file named ${name} already exists in app ${app.id}`)
    const file = store.addFile(app.id, name, code, typeof type === 'string' ? type : 'quickjs')
    store.writes.push({ op: 'create', kind: 'file', id: file.id, name })
    return json(200, withoutCode(file))
  }

  const updateFile = (file: FileRecord, body: Record<string, unknown>): ApiResponse => {
    if (body.app_id !== undefined && String(body.app_id) !== String(file.app_id)) return fail(400, 'app_id cannot be changed: a file stays in its app')
    if (body.name !== undefined && (typeof body.name !== 'string' || !FILE_NAME.test(body.name))) return fail(400, 'name must be a file name: letters, digits, _, - or ., no folders')
    if (body.code !== undefined && typeof body.code !== 'string') return fail(400, 'code must be the file\'s JavaScript, as a string')
    if (typeof body.name === 'string' && store.files.some(f => f !== file && f.app_id === file.app_id && f.name === body.name)) {
      return fail(409, `A file named ${body.name} already exists in app ${file.app_id}`)
    }
    if (typeof body.name === 'string') file.name = body.name
    if (typeof body.code === 'string') file.code = body.code
    store.touch(file)
    store.writes.push({ op: 'update', kind: 'file', id: file.id, name: file.name })
    return json(200, { status: 'OK' })
  }

  const vars = (request: PlatformRequest, rest: string[]): ApiResponse | undefined => {
    if (rest.length === 0 && request.method === 'GET') {
      const appId = request.query.get('app_id')
      return json(200, store.vars.filter(v => appId === null || String(v.app_id) === appId))
    }
    if (rest.length === 0 && request.method === 'POST') {
      const parsed = parseObject(request.body)
      if ('error' in parsed) return parsed.error
      const body = parsed.value
      const app = store.app(body.app_id)
      if (app === undefined) return fail(400, `app_id ${JSON.stringify(body.app_id)} is not an app of this account`)
      if (typeof body.key !== 'string' || body.key === '') return fail(400, 'key must be a non-empty string')
      if (typeof body.value !== 'string') return fail(400, 'value must be a string (store objects as JSON text)')
      if (store.vars.some(v => v.app_id === app.id && v.key === body.key)) return fail(409, `Variable ${body.key} already exists in app ${app.id}; update it with PUT setup/var/<id>`)
      const record: VarRecord = { id: store.newId(), key: body.key, value: body.value, app_id: app.id }
      store.vars.push(record)
      store.writes.push({ op: 'create', kind: 'var', id: record.id, name: record.key })
      return json(200, record)
    }
    if (rest.length !== 1) return undefined
    const record = store.vars.find(v => String(v.id) === rest[0])
    if (record === undefined) return fail(404, 'Record Not Found')
    if (request.method === 'GET') return json(200, record)
    if (request.method === 'DELETE') {
      store.vars.splice(store.vars.indexOf(record), 1)
      store.writes.push({ op: 'delete', kind: 'var', id: record.id, name: record.key })
      return json(200, { status: 'OK' })
    }
    if (request.method === 'PUT') {
      const parsed = parseObject(request.body)
      if ('error' in parsed) return parsed.error
      const body = parsed.value
      if (body.value !== undefined && typeof body.value !== 'string') return fail(400, 'value must be a string (store objects as JSON text)')
      if (body.key !== undefined && body.key !== record.key) return fail(400, 'key cannot be changed; create a new variable instead')
      if (typeof body.value === 'string') record.value = body.value
      store.writes.push({ op: 'update', kind: 'var', id: record.id, name: record.key })
      return json(200, { status: 'OK' })
    }
    return fail(405, `Method ${request.method} not allowed on setup/var/<id>`)
  }

  /**
   * Which stored file a run URL names, and the function to call: `<app>/<file>[/<fn>]` (the
   * file by id, UUID or name within the app), else the older `<id>/run[/<fn>]` and `<uuid>/<fn>`.
   */
  const resolveRun = (segments: string[]): { file: FileRecord, fn: string } | ApiResponse => {
    const [first = '', second = '', third, ...extra] = segments
    const app = store.app(first)
    const inApp = app === undefined ? undefined : store.file(second, app.id, true)
    if (inApp !== undefined && extra.length === 0) return { file: inApp, fn: third ?? 'main' }
    const byId = store.file(first)
    if (byId !== undefined && extra.length === 0) {
      if (second === 'run') return { file: byId, fn: third ?? 'main' }
      if (third === undefined) return { file: byId, fn: second }
    }
    return fail(404, app !== undefined
      ? `Not Found: app ${app.id} has no file with the id, UUID or name ${second}`
      : `Not Found: ${first} is neither an app of this account nor a file id; run URLs are scriptforge/<app>/<file>[/<function>] or scriptforge/<id>/run[/<function>]`)
  }

  const run = async (request: PlatformRequest, segments: string[]): Promise<PlatformReply> => {
    if (request.method !== 'POST') {
      return { ...json(405, rpcError(null, -32600, `Method ${request.method} not allowed: POST to run a file (and one JSON-RPC message per POST for MCP)`)), statusText: 'Method Not Allowed' }
    }
    const target = resolveRun(segments)
    if ('status' in target) return target
    const { file, fn } = target
    if (!RUNNABLE_TYPES.has(file.type)) return fail(400, `File ${file.name} is of type ${file.type}; only quickjs files run on this platform`)
    const mode = replyMode(String(request.headers.accept ?? ''))

    const appFiles = Object.fromEntries(store.files.filter(f => f.app_id === file.app_id).map(f => [f.name, f.code]))
    const env = {
      ...store.env(file.app_id),
      SCRIPTFORGE_ID: String(file.id),
      SCRIPTFORGE_UUID: file.uuid,
      SCRIPTFORGE_NAME: file.name,
      APP_ID: String(file.app_id),
      EXEC_HOST: hostname
    }
    const events = new EventChannel()
    const host = new ScriptForgeHost({
      backend: options.backend,
      env,
      ...(options.timeLimitMs === undefined ? {} : { timeLimitMs: options.timeLimitMs }),
      ...(options.memoryLimitBytes === undefined ? {} : { memoryLimitBytes: options.memoryLimitBytes }),
      ...(options.clock === undefined ? {} : { clock: options.clock }),
      ...(options.platform === undefined ? {} : { platform: options.platform }),
      onLog: event => events.push(logEvent(event))
    })

    if (mode === 'mcp' && fn === 'main') {
      // An MCP client (Streamable HTTP, stateless): one JSON-RPC message in, its answer out.
      const version = request.headers['mcp-protocol-version']
      if (typeof version === 'string' && !(SUPPORTED_PROTOCOL_VERSIONS as readonly string[]).includes(version)) {
        return json(400, rpcError(null, -32600, `Unsupported MCP-Protocol-Version ${version}; this server speaks ${SUPPORTED_PROTOCOL_VERSIONS.join(', ')}`))
      }
      const parsed = parseBody(request.body)
      if ('error' in parsed) return json(400, parsed.error)
      const answer = await answerMessage(host, { files: () => appFiles, entry: file.name }, parsed.message)
      return answer.response === null ? { status: 202, statusText: 'Accepted', body: '' } : json(isRefusal(answer.response) ? 400 : 200, answer.response)
    }

    // The body itself is the function's argument (not wrapped in `{ body }`), `{}` when empty.
    const parsed = parseJson(request.body)
    if ('error' in parsed) return parsed.error
    const running = host.run({ files: appFiles, entry: file.name, fn, data: parsed.value })

    if (mode === 'sse') {
      events.push({ event: 'header', data: JSON.stringify({ key: 'x-hostname', value: hostname }) })
      void running.then(result => {
        events.push(result.ok ? { data: result.value === undefined ? 'null' : JSON.stringify(result.value) } : errorEvent(result))
        events.close()
      })
      return { status: 200, events }
    }
    const result = await running
    if (!result.ok) return json(500, { error: result.error.message, name: result.error.name })
    if (typeof result.value === 'string') return { status: 200, statusText: 'OK', body: result.value, contentType: 'text/plain; charset=utf-8' }
    return json(200, result.value ?? null)
  }

  return async request => {
    const [root, ...rest] = request.path.split('/').map(decodeSegment)
    if (request.path === 'setup/app') return request.method === 'GET' ? json(200, store.apps) : fail(405, `Method ${request.method} not allowed on setup/app`)
    if (root === 'setup' && rest[0] === 'var') return vars(request, rest.slice(1))
    if (root !== 'scriptforge') return undefined

    if (rest.length === 0) {
      if (request.method === 'GET') return json(200, store.files.map(withoutCode))
      if (request.method !== 'POST') return fail(405, `Method ${request.method} not allowed on scriptforge`)
      const parsed = parseObject(request.body)
      return 'error' in parsed ? parsed.error : createFile(parsed.value)
    }
    if (rest.length === 1) {
      const file = store.file(rest[0]!)
      if (file === undefined) return fail(404, 'Record Not Found')
      if (request.method === 'GET') return json(200, file)
      if (request.method !== 'PUT') return fail(405, `Method ${request.method} not allowed on scriptforge/<id>: GET reads the file, PUT updates it`)
      const parsed = parseObject(request.body)
      return 'error' in parsed ? parsed.error : updateFile(file, parsed.value)
    }
    return run(request, rest)
  }
}

/** An event stream as the platform server writes it: `event:` when named, one `data:` line per line, a blank line after each. */
export async function sseText (events: AsyncIterable<SseEvent>): Promise<string> {
  let text = ''
  for await (const event of events) {
    text += `${event.event === undefined ? '' : `event: ${event.event}\n`}${event.data.split('\n').map(line => `data: ${line}`).join('\n')}\n\n`
  }
  return text
}

/** Options of {@link withScriptForge}. */
export interface WithScriptForgeOptions extends Omit<ScriptForgeApiOptions, 'backend'> {
  /** How deep scripts may run scripts through `cxRest` (default 3); a deeper run answers 508. */
  maxRunDepth?: number
}

/** Whether a request would run a file (any POST under `scriptforge/` below the list itself, which creates one). */
function isRun (method: string, path: string): boolean {
  return method === 'POST' && /^scriptforge\/[^/]/.test(path)
}

/**
 * What `cxRest` reaches inside the local platform's scripts: the fake ScriptForge API (apps, files,
 * variables, runs) answered from `options.store`, and every other path by `backend` (the simulated
 * switch). A script run through it reaches both, so a script can run another script of the account
 * through `cxRest`, as on ConnexCS; nesting stops at `maxRunDepth` with 508 Loop Detected. `cxRest`
 * sends no Accept header, so a run answers plain JSON (the result, without console output); the
 * sandbox's `fetch` with `Accept: text/event-stream` gets the run's event stream, whole, as text.
 */
export function withScriptForge (backend: ApiBackend, options: WithScriptForgeOptions = {}): ApiBackend {
  const { maxRunDepth = 3, ...rest } = options
  const store = rest.store ?? new ScriptForgeStore()
  const layer = (depth: number): ApiBackend => {
    let route: PlatformRoute | undefined
    return async request => {
      const [pathPart = '', queryPart = ''] = request.path.replace(/^\/+/, '').split('?', 2)
      const path = pathPart.replace(/\/+$/, '')
      if (isRun(request.method, path) && depth >= maxRunDepth) {
        return fail(508, `Loop Detected: scripts may run scripts ${maxRunDepth} deep at most on this platform`)
      }
      route ??= scriptForgeApi({ ...rest, store, backend: layer(depth + 1) })
      const reply = await route({
        method: request.method,
        path,
        rawPath: request.path.replace(/^\/+/, ''),
        query: new URLSearchParams(queryPart),
        headers: { accept: request.accept ?? 'application/json' },
        body: request.body === undefined ? '' : JSON.stringify(request.body),
        user: request.user
      })
      if (reply === undefined) return backend(request)
      // A caller that asked for an event stream (fetch, as `cx run` does) gets it whole, as text.
      if ('events' in reply) return { status: reply.status, statusText: STATUS_TEXT[reply.status] ?? '', body: await sseText(reply.events), contentType: 'text/event-stream' }
      const { status, statusText, body, retryAfter, contentType } = reply
      return { status, statusText, body, ...(retryAfter === undefined ? {} : { retryAfter }), ...(contentType === undefined ? {} : { contentType }) }
    }
  }
  return layer(0)
}
