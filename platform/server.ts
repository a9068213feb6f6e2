import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { ApiBackend, ApiResponse } from './backend'

/**
 * The local ConnexCS platform over HTTP, on 127.0.0.1: the control-panel API at `/api/cp/`, with
 * the real API's authentication (HTTP Basic, or a bearer JWT obtained through `auth/jwt`), and a
 * fault-injection layer for reliability tests. What it serves comes from route modules: the
 * simulated switch's REST API, and whatever else is plugged in (the fake ScriptForge API).
 */

/** The API's root path, as on app.connexcs.com. */
export const API_ROOT = '/api/cp/'

/** One authenticated API request, as a route sees it. */
export interface PlatformRequest {
  method: string
  /** Relative to `/api/cp/`, without query string or leading slash, e.g. `log/trace`. */
  path: string
  /** Relative to `/api/cp/`, with the query string, e.g. `log/trace?callid=x`. */
  rawPath: string
  query: URLSearchParams
  headers: IncomingHttpHeaders
  body: string
  /** The user the request authenticated as. */
  user: string
}

/** One server-sent event of a streamed answer. */
export interface SseEvent {
  /** Absent for the unnamed (`message`) event. */
  event?: string
  data: string
}

/** A streamed (`text/event-stream`) answer. */
export interface SseReply {
  status: number
  events: AsyncIterable<SseEvent>
}

/** What a route answers: a plain API response (JSON or text) or an event stream. */
export type PlatformReply = (ApiResponse & { contentType?: string }) | SseReply

/** A route module: answers the requests it knows, `undefined` for the others. */
export type PlatformRoute = (request: PlatformRequest) => Promise<PlatformReply | undefined>

/**
 * A fault to inject. Matching requests (by method and path prefix) fail in the given way,
 * `times` times (default: always). The same can be asked per request with the header
 * `X-CX-Fault: <status>[;retry-after=<s>] | timeout | drop | malformed | slow=<ms>`.
 */
export interface FaultRule {
  method?: string
  /** Path prefix relative to `/api/cp/`; absent matches every path. */
  path?: string
  /** Match `path` exactly, not as a prefix (`log` then leaves `log/trace` alone). */
  exact?: boolean
  status?: number
  retryAfterS?: number
  /** Never answer (the connection is closed after `timeoutMs`, default 60 s). */
  timeout?: boolean
  timeoutMs?: number
  /** Close the connection at once without answering (a dropped connection). */
  drop?: boolean
  /** Answer 200 with a body that is not JSON. */
  malformed?: boolean
  /** Answer normally, this much later. */
  delayMs?: number
  times?: number
}

/** Options of the platform server. */
export interface PlatformServerOptions {
  /** 0 (default) picks a free port. */
  port?: number
  /** Users that may log in with HTTP Basic: username → password. */
  users?: Record<string, string>
  /** The company name `setup/account` reports. */
  company?: string
  /** Lifetime of an access token (default 1 h) and the longest a refresh token may live (default 30 days). */
  accessTokenTtlS?: number
  maxRefreshTokenTtlS?: number
  routes: PlatformRoute[]
  faults?: FaultRule[]
  /** The server's clock for tokens, unix ms (tests move it to expire tokens). */
  now?: () => number
  /**
   * The API's clock as its answers' `Date` header tells it (default: `now`). `npm run switch`
   * passes the simulated switch's clock, so that `npm start -- --live` learns it; tokens stay on
   * `now`, so that a token from `npm run configure` is valid whatever `--now` says.
   */
  clock?: () => number
  log?: (line: string) => void
}

/** A running platform server. */
export interface PlatformServer {
  server: Server
  /** `http://127.0.0.1:<port>/api/cp/` */
  baseUrl: string
  /** Mints tokens as `auth/jwt/refresh` and `auth/jwt` would (for tests and for `npm run switch`'s banner). */
  issueToken (user: string, kind: 'refresh' | 'access', ttlS?: number): string
  /** Replaces the injected faults. */
  setFaults (faults: FaultRule[]): void
  close (): Promise<void>
}

/** The developer account `npm run switch` accepts when no users are given. */
export const DEFAULT_USERS: Record<string, string> = { 'developer@example.com': 'developer' }

interface TokenClaims {
  sub: string
  typ: 'refresh' | 'access'
  iat: number
  exp: number
  aud?: string
}

const base64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url')

function json (status: number, value: unknown, statusText = ''): ApiResponse {
  return { status, statusText, body: JSON.stringify(value) }
}

/** The switch's REST API as a route: every request it does not 404 on. */
export function apiRoute (api: ApiBackend): PlatformRoute {
  return async request => {
    let body: unknown
    if (request.body.trim() !== '') {
      try {
        body = JSON.parse(request.body)
      } catch {
        return json(400, { error: 'Request body is not valid JSON' }, 'Bad Request')
      }
    }
    return api({ user: request.user, method: request.method as 'GET', path: request.rawPath, ...(body === undefined ? {} : { body }) })
  }
}

/**
 * A fault in the `X-CX-Fault` syntax (`429;retry-after=5`, `503`, `timeout`, `drop`, `malformed`,
 * `slow=800`), as a rule; `undefined` when it is not one. `npm run switch -- --fault` uses it too.
 */
export function parseFaultHeader (value: string): FaultRule | undefined {
  const text = value.trim().toLowerCase()
  if (text === 'timeout') return { timeout: true, timeoutMs: 5_000 }
  if (text === 'drop') return { drop: true }
  if (text === 'malformed') return { malformed: true }
  const slow = /^slow=(\d+)$/.exec(text)
  if (slow !== null) return { delayMs: Number(slow[1]) }
  const status = /^(\d{3})(?:;\s*retry-after=(\d+))?$/.exec(text)
  if (status !== null) return { status: Number(status[1]), ...(status[2] === undefined ? {} : { retryAfterS: Number(status[2]) }) }
  return undefined
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 429: 'Too Many Requests', 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable'
}

/** Starts the platform server on 127.0.0.1. */
export function startPlatformServer (options: PlatformServerOptions): Promise<PlatformServer> {
  const secret = randomBytes(32)
  const now = options.now ?? Date.now
  const clock = options.clock ?? now
  const dateHeader = (): string => new Date(clock()).toUTCString()
  const users = options.users ?? DEFAULT_USERS
  const accessTtl = options.accessTokenTtlS ?? 3600
  const maxRefreshTtl = options.maxRefreshTokenTtlS ?? 2_592_000
  let faults = [...(options.faults ?? [])].map(f => ({ ...f }))
  const log = options.log ?? (() => {})
  const open = new Set<ServerResponse>()

  const sign = (claims: TokenClaims): string => {
    const head = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))
    const body = base64url(JSON.stringify(claims))
    return `${head}.${body}.${base64url(createHmac('sha256', secret).update(`${head}.${body}`).digest())}`
  }
  const issueToken = (user: string, kind: 'refresh' | 'access', ttlS?: number, aud?: string): string => {
    const iat = Math.floor(now() / 1000)
    return sign({ sub: user, typ: kind, iat, exp: iat + (ttlS ?? (kind === 'access' ? accessTtl : maxRefreshTtl)), ...(aud === undefined ? {} : { aud }) })
  }
  /** The claims of a valid token, or why it is not. */
  const verify = (token: string): TokenClaims | string => {
    const [head, body, signature] = token.split('.')
    if (head === undefined || body === undefined || signature === undefined) return 'Invalid token'
    const expected = createHmac('sha256', secret).update(`${head}.${body}`).digest()
    const given = Buffer.from(signature, 'base64url')
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'Invalid token'
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as TokenClaims
    if (claims.exp * 1000 <= now()) return 'Token expired'
    return claims
  }

  /** Who the request is: from Basic credentials or a bearer token of the given kind. */
  const authenticate = (headers: IncomingHttpHeaders, kind: 'refresh' | 'access' | 'either'): { user: string } | { error: string } => {
    const header = headers.authorization ?? ''
    const basic = /^Basic\s+(\S+)$/i.exec(header)
    if (basic !== null) {
      const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8')
      const colon = decoded.indexOf(':')
      const [user, password] = [decoded.slice(0, colon), decoded.slice(colon + 1)]
      return colon > 0 && users[user] !== undefined && users[user] === password ? { user } : { error: 'Invalid username or password' }
    }
    const bearer = /^Bearer\s+(\S+)$/i.exec(header)
    if (bearer === null) return { error: 'Unauthorized: send Authorization: Bearer <access token> (or Basic credentials)' }
    const claims = verify(bearer[1]!)
    if (typeof claims === 'string') return { error: claims }
    if (kind !== 'either' && claims.typ !== kind) return { error: `Invalid token: a ${claims.typ} token cannot be used here; ${kind === 'access' ? 'exchange it at GET auth/jwt' : 'use a refresh token'}` }
    return { user: claims.sub }
  }

  const send = (res: ServerResponse, reply: ApiResponse & { contentType?: string }): void => {
    const headers: Record<string, string> = { 'Content-Type': reply.contentType ?? 'application/json', Date: dateHeader() }
    if (reply.retryAfter !== undefined) headers['Retry-After'] = reply.retryAfter
    res.writeHead(reply.status, reply.statusText === '' ? STATUS_TEXT[reply.status] : reply.statusText, headers).end(reply.body)
  }

  const faultFor = (method: string, path: string, headers: IncomingHttpHeaders): FaultRule | undefined => {
    const asked = headers['x-cx-fault']
    if (typeof asked === 'string') return parseFaultHeader(asked)
    const matches = (f: FaultRule): boolean => f.path === undefined || (f.exact === true ? path === f.path : path.startsWith(f.path))
    const rule = faults.find(f => (f.method === undefined || f.method === method) && matches(f) && (f.times === undefined || f.times > 0))
    if (rule?.times !== undefined) rule.times--
    return rule
  }

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = req.url ?? '/'
    if (!url.startsWith(API_ROOT)) return send(res, json(404, { error: `Not found: the API is at ${API_ROOT}` }))
    const rawPath = url.slice(API_ROOT.length)
    const [pathPart = '', queryPart = ''] = rawPath.split('?', 2)
    const path = pathPart.replace(/\/+$/, '')
    const method = req.method ?? 'GET'
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const body = Buffer.concat(chunks).toString('utf8')

    const fault = faultFor(method, path, req.headers)
    if (fault?.drop === true) {
      log(`${method} ${path} → (dropped)`)
      res.socket?.destroy()
      return
    }
    if (fault?.timeout === true) {
      // Hold the request without answering, as a server that hangs would.
      log(`${method} ${path} → (timeout)`)
      await new Promise(resolve => setTimeout(resolve, fault.timeoutMs ?? 60_000).unref())
      res.destroy()
      return
    }
    if (fault?.delayMs !== undefined) await new Promise(resolve => setTimeout(resolve, fault.delayMs))
    if (fault?.status !== undefined) {
      log(`${method} ${path} → ${fault.status} (injected)`)
      return send(res, { ...json(fault.status, { error: `${STATUS_TEXT[fault.status] ?? 'Error'} (injected fault)` }), ...(fault.retryAfterS === undefined ? {} : { retryAfter: String(fault.retryAfterS) }) })
    }

    // The token endpoints (cx-tools' flow): Basic or refresh → refresh token; refresh → access token.
    if (path === 'auth/jwt/refresh' && method === 'POST') {
      const who = authenticate(req.headers, 'refresh')
      if ('error' in who) return send(res, json(401, { error: who.error }))
      let asked: { lifetime?: unknown, audience?: unknown } = {}
      try {
        asked = body.trim() === '' ? {} : JSON.parse(body) as typeof asked
      } catch {
        return send(res, json(400, { error: 'Request body is not valid JSON' }))
      }
      const lifetime = typeof asked.lifetime === 'number' && asked.lifetime > 0 ? Math.min(asked.lifetime, maxRefreshTtl) : maxRefreshTtl
      log(`${method} ${path} → 200 (refresh token)`)
      return send(res, json(200, { token: issueToken(who.user, 'refresh', lifetime, typeof asked.audience === 'string' ? asked.audience : undefined) }))
    }
    if (path === 'auth/jwt' && method === 'GET') {
      const who = authenticate(req.headers, 'refresh')
      if ('error' in who) {
        log(`${method} ${path} → 401`)
        return send(res, json(401, { error: who.error }))
      }
      log(`${method} ${path} → 200 (access token)`)
      return send(res, json(200, { token: issueToken(who.user, 'access') }))
    }

    const who = authenticate(req.headers, 'access')
    if ('error' in who) {
      log(`${method} ${path} → 401`)
      return send(res, json(401, { error: who.error }))
    }
    const request: PlatformRequest = { method, path, rawPath, query: new URLSearchParams(queryPart), headers: req.headers, body, user: who.user }
    if (path === 'setup/account' && method === 'GET') return send(res, json(200, { name: options.company ?? 'Example Telecom Ltd' }))

    for (const route of options.routes) {
      const reply = await route(request)
      if (reply === undefined) continue
      if ('events' in reply) {
        res.writeHead(reply.status, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', 'X-Accel-Buffering': 'no', Date: dateHeader() })
        for await (const event of reply.events) {
          res.write(`${event.event === undefined ? '' : `event: ${event.event}\n`}${event.data.split('\n').map(line => `data: ${line}`).join('\n')}\n\n`)
        }
        res.end()
      } else if (fault?.malformed === true && reply.status < 300) {
        send(res, { ...reply, body: reply.body.slice(0, Math.max(1, Math.floor(reply.body.length / 2))) + '<<truncated' })
      } else {
        send(res, reply)
      }
      log(`${method} ${path} → ${reply.status}`)
      return
    }
    send(res, json(404, { error: `Not Found: ${method} ${path}` }))
  }

  const server = createServer((req, res) => {
    open.add(res)
    res.on('close', () => open.delete(res))
    handle(req, res).catch((error: unknown) => {
      log(`internal error: ${(error as Error).stack ?? String(error)}`)
      if (!res.headersSent) send(res, json(500, { error: 'Internal error in the local platform' }))
      else res.end()
    })
  })

  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      resolve({
        server,
        baseUrl: `http://127.0.0.1:${port}${API_ROOT}`,
        issueToken: (user, kind, ttlS) => issueToken(user, kind, ttlS),
        setFaults: next => {
          faults = next.map(f => ({ ...f }))
        },
        close: () => new Promise(done => {
          for (const res of open) res.destroy()
          server.close(() => done())
        })
      })
    })
  })
}
