import type { ApiBackend, ApiRequest, ApiResponse } from '../backend'
import { SWITCH, type Dataset, type SimCall } from './dataset'
import { buildTrace } from './sip'

/** SIP traces are kept this long, as on ConnexCS. */
export const TRACE_RETENTION_MS = 7 * 86_400_000

/** The log search stops at this many matches, as the real one does. */
export const LOG_SEARCH_CAP = 200

interface Route {
  method: ApiRequest['method']
  pattern: RegExp
  handle (match: RegExpExecArray, query: URLSearchParams, data: Dataset, body: unknown): unknown
}

class HttpError extends Error {
  readonly status: number

  constructor (status: number, message: string) {
    super(message)
    this.status = status
  }
}

const STATUS_TEXT: Record<number, string> = { 200: 'OK', 400: 'Bad Request', 404: 'Not Found', 500: 'Internal Server Error' }

function json (status: number, value: unknown): ApiResponse {
  return { status, statusText: STATUS_TEXT[status] ?? '', body: JSON.stringify(value) }
}

/** The routing record of a call, as `GET log` returns it. */
function logEntry (call: SimCall, data: Dataset): unknown {
  const carrier = data.carriers.find(c => c.id === call.carrier_id)
  const startS = Math.floor(call.start_ms / 1000)
  const answered = call.scenario === 'answered'
  const endS = startS + Math.round((call.pdd_ms + call.ring_ms) / 1000) + call.duration_s
  const customer = data.customers.find(c => c.id === call.customer_id)
  return {
    routing: {
      callid: call.callid,
      callidb: call.callidb,
      cli: call.cli,
      dest_number: call.dest_number,
      sip_code: call.sip_code,
      sip_reason: call.sip_reason,
      start_time: startS,
      end_time: call.scenario === 'no_route' ? startS : endS,
      server: SWITCH.server,
      switch: SWITCH.signalling,
      account_id: call.customer_id,
      offer_auth: false,
      log: carrier === undefined
        ? [`ingress: matched card ${customer?.cards[0] ?? ''}`, 'egress: no route matched the destination']
        : [`ingress: matched card ${customer?.cards[0] ?? ''}`, `egress: trying provider ${carrier.id} (${carrier.name})`],
      attempts: [],
      egress_routing: carrier === undefined
        ? []
        : [{ provider_id: carrier.id, card_id: carrier.card_id, sip_code: call.sip_code, sip_reason: call.sip_reason }],
      ...(answered && carrier !== undefined
        ? { ok: { duration: call.duration_s, callid_b: call.egress_callid, release_reason: 'upstream BYE', provider_id: carrier.id } }
        : {}),
      params: { switch: SWITCH.signalling, oU: call.dest_number, fU: call.cli, callid: call.callid, si: call.customer_ip, sp: 5060, proto: 'udp', rtp_ip: SWITCH.media }
    }
  }
}

function matchesSearch (call: SimCall, term: string, data: Dataset): boolean {
  if (call.callid === term || call.callidb === term || call.egress_callid === term) return true
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(term)) {
    return call.customer_ip === term || data.carriers.some(c => c.id === call.carrier_id && c.ip === term)
  }
  const digits = term.replace(/^\+/, '').replace(/^00/, '')
  return /^\d{3,}$/.test(digits) && (call.cli.includes(digits) || call.dest_number.includes(digits))
}

function findCall (data: Dataset, callid: string): SimCall | undefined {
  return data.calls.find(c => c.callid === callid || c.egress_callid === callid)
}

function required (query: URLSearchParams, name: string): string {
  const value = query.get(name)
  if (value === null || value.trim() === '') throw new HttpError(400, `Missing required query parameter: ${name}`)
  return value
}

const ROUTES: Route[] = [
  {
    method: 'GET',
    pattern: /^log$/,
    handle: (_m, query, data) => {
      const term = required(query, 's').trim()
      return data.calls.filter(c => matchesSearch(c, term, data)).slice(0, LOG_SEARCH_CAP).map(c => logEntry(c, data))
    }
  },
  {
    method: 'GET',
    pattern: /^log\/trace$/,
    handle: (_m, query, data) => {
      const call = findCall(data, required(query, 'callid'))
      const callidb = query.get('callidb')
      if (call === undefined || (callidb !== null && callidb !== '' && callidb !== call.callidb)) return []
      // Older than the retention: the trace is gone, as on the real platform.
      if (data.now_ms - call.start_ms > TRACE_RETENTION_MS) return []
      return buildTrace(call, data)
    }
  },
  { method: 'GET', pattern: /^setup\/server\/rtp-group$/, handle: (_m, _q, data) => data.rtpGroups },
  { method: 'GET', pattern: /^setup\/rtp$/, handle: (_m, _q, data) => data.rtpServers },
  {
    method: 'GET',
    pattern: /^customer$/,
    handle: (_m, query, data) => {
      const id = query.get('id')
      const name = query.get('name')
      return data.customers.filter(c =>
        (id === null || id === '' || String(c.id) === id) &&
        (name === null || name === '' || c.name.toLowerCase().includes(name.toLowerCase())))
    }
  },
  {
    method: 'GET',
    pattern: /^customer\/([^/]+)$/,
    handle: (m, _q, data) => {
      const customer = data.customers.find(c => String(c.id) === decodeURIComponent(m[1]!))
      if (customer === undefined) throw new HttpError(404, 'Record Not Found')
      return customer
    }
  }
]

/** The REST API of the simulated switch over a dataset: same paths, query formats and JSON as ConnexCS. */
export function createApi (data: Dataset): ApiBackend {
  return async (request: ApiRequest): Promise<ApiResponse> => {
    const [rawPath = '', rawQuery = ''] = request.path.split('?', 2)
    const path = rawPath.replace(/^\/+|\/+$/g, '')
    const query = new URLSearchParams(rawQuery)
    const candidates = ROUTES.filter(r => r.pattern.test(path))
    const route = candidates.find(r => r.method === request.method)
    if (route === undefined) {
      return candidates.length === 0
        ? json(404, { error: `Not Found: ${request.method} ${path}` })
        : { ...json(405, { error: `Method ${request.method} not allowed on ${path}` }), statusText: 'Method Not Allowed' }
    }
    try {
      return json(200, route.handle(route.pattern.exec(path)!, query, data, request.body))
    } catch (error) {
      if (error instanceof HttpError) return json(error.status, { error: error.message })
      return json(500, { error: error instanceof Error ? error.message : String(error) })
    }
  }
}
