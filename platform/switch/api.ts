import type { ApiBackend, ApiRequest } from '../backend'
import { applyGrid, gridRequest } from './aggrid'
import { breakout } from './breakout'
import { cdrRows, parseCdrQuery, runCdrQuery } from './cdr'
import { aiAgentLog, class5Log, transcript } from './class5'
import { docPage, searchDocs } from './docs'
import { SWITCH } from './entities'
import { HttpError, integerParam, json, required, text, type SwitchResponse } from './http'
import type { Carrier, Dataset, Payment, SimCall } from './model'
import { round } from './numbering'
import { buildRtcp } from './rtcp'
import { runSql, toCsv } from './sql'
import { isoDay, LOG_RETENTION_MS, sqlTime, TRACE_RETENTION_MS } from './time'
import { buildTrace } from './trace'

/** The log search stops at this many matches, as the real one does. */
export const LOG_SEARCH_CAP = 200

/** What a route handler gets. */
interface Context {
  data: Dataset
  match: RegExpExecArray
  query: URLSearchParams
  body: unknown
  index: Index
}

/** One endpoint; `METHOD path` (`GET log/trace`) is how ENDPOINTS and the tests name it. */
interface Route {
  method: ApiRequest['method']
  path: string
  pattern: RegExp
  handle (context: Context): unknown
}

/** Lookups built once per dataset. */
interface Index {
  calls: Map<string, SimCall>
  carriers: Map<number, Carrier>
}

const indexes = new WeakMap<Dataset, Index>()

function indexOf (data: Dataset): Index {
  let index = indexes.get(data)
  if (index === undefined) {
    const calls = new Map<string, SimCall>()
    for (const call of data.calls) {
      calls.set(call.callid, call)
      for (const attempt of call.attempts) calls.set(attempt.callid, call)
    }
    index = { calls, carriers: new Map(data.carriers.map(c => [c.id, c])) }
    indexes.set(data, index)
  }
  return index
}

/** The routing log lines of a call: what the switch decided and why. */
function routingLog (call: SimCall, data: Dataset, carriers: Map<number, Carrier>): string[] {
  const customer = data.customers.find(c => c.id === call.customer_id)
  const lines: string[] = []
  if (call.auth === 'ip_unknown') return [`auth: ${call.customer_ip} matches no customer: 401 IP Not Authorised`]
  if (call.auth === 'digest_failed') return ['auth: challenged (407 Proxy Authentication Required)', `auth: user "${call.auth_user}" matches no SIP user: 503 Unknown User`]
  lines.push(call.auth === 'digest'
    ? `auth: challenged (407); SIP user ${call.auth_user} is customer ${call.customer_id} (${customer?.name ?? ''})`
    : `auth: ${call.customer_ip} is customer ${call.customer_id} (${customer?.name ?? ''})`)
  if (call.sip_code === 403 && call.attempts.length === 0) {
    return [...lines, `billing: credit ${customer?.credit.toFixed(2)} + debit limit ${customer?.debit_limit.toFixed(2)} ≤ 0: 403 Insufficient Balance`]
  }
  const rate = call.customer_rate
  if (rate === null) return [...lines, `ingress: no rule for ${call.dest_number} on cards ${customer?.cards.join(', ')}: 503 No Routes Available (Pre)`]
  lines.push(`ingress: matched card ${rate.card_id} rev ${rate.rev}: ${rate.prefix} ${rate.name} @ ${rate.rate} ${rate.currency}/min`)
  if (call.class5 !== null) return [...lines, `class5: answered by the ${call.class5} app`, `release: ${call.release_reason}`]
  if (call.attempts.length === 0) return [...lines, `egress: no carrier card has a rule for ${call.dest_number}: 503 No Routes Available (U)`]
  for (const attempt of call.attempts) {
    const name = carriers.get(attempt.provider_id)?.name ?? ''
    lines.push(`egress: provider ${attempt.provider_id} (${name}) at ${attempt.ip}, ${attempt.prefix} @ ${attempt.rate}: ` +
      (attempt.result === 'timeout' ? '408 Request Timeout (no response in 32 s)' : `${attempt.sip_code} ${attempt.sip_reason}`))
  }
  return [...lines, `release: ${call.release_reason}`]
}

/** The routing record of a call, as `GET log` returns it. */
export function logEntry (call: SimCall, data: Dataset, carriers: Map<number, Carrier>): unknown {
  const startS = Math.floor(call.start_ms / 1000)
  const last = call.attempts.at(-1)
  return {
    routing: {
      callid: call.callid,
      callidb: call.callidb,
      cli: call.cli,
      dest_number: call.dest_number,
      sip_code: call.sip_code,
      sip_reason: call.sip_reason,
      start_time: startS,
      end_time: Math.floor((call.start_ms + call.final_ms + call.talk_ms) / 1000),
      server: SWITCH.server,
      switch: SWITCH.signalling,
      ou: call.dest_number,
      re: '',
      log: routingLog(call, data, carriers),
      meta: {},
      p: {},
      account_id: call.customer_id,
      offer_auth: call.auth === 'digest' || call.auth === 'digest_failed',
      attempts: [],
      card_rev: call.customer_rate?.rev ?? null,
      customer_card_id: call.customer_rate?.card_id ?? null,
      egress_routing: call.attempts.map(a => ({
        provider_id: a.provider_id,
        provider_name: carriers.get(a.provider_id)?.name ?? 'Class 5',
        card_id: a.card_id,
        rate: a.rate,
        sip_code: a.sip_code,
        sip_reason: a.sip_reason,
        callid_b: a.callid,
        rtp_server_id: 101
      })),
      ...(call.answer_ms !== null && last !== undefined
        ? { ok: { duration: call.duration_s, callid_b: last.callid, release_reason: call.release_reason, provider_id: last.provider_id } }
        : {}),
      profile: { auth: call.auth_ms ?? 0, ingress: (call.attempts[0]?.at_ms ?? call.final_ms) - (call.auth_ms ?? 0), total: call.attempts[0]?.at_ms ?? call.final_ms },
      params: {
        switch: SWITCH.signalling,
        oU: call.dest_number,
        fU: call.cli,
        callid: call.callid,
        userAgent: call.user_agent,
        au: call.auth_user ?? '',
        si: call.customer_ip,
        sp: call.customer_port,
        rtp_ip: SWITCH.media,
        proto: 'udp',
        reg_id: '',
        csIp: SWITCH.signalling,
        x_orig_ip: '',
        x_anyedge_host: ''
      }
    }
  }
}

function matchesSearch (call: SimCall, term: string): boolean {
  if (call.callid === term || call.callidb === term || call.attempts.some(a => a.callid === term)) return true
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(term)) return call.customer_ip === term || call.attempts.some(a => a.ip === term)
  const digits = term.replace(/^\+/, '').replace(/^00/, '')
  return /^\d{3,}$/.test(digits) && (call.cli.includes(digits) || call.dest_number.includes(digits))
}

function findCall (context: Context, name = 'callid'): SimCall | undefined {
  return context.index.calls.get(required(context.query, name))
}

/** A path parameter, decoded; one that is not valid percent-encoding names no record (404, not 500). */
function segment (raw: string): string {
  try {
    return decodeURIComponent(raw)
  } catch {
    throw new HttpError(404, 'Record Not Found')
  }
}

/** The record whose id is the path's first parameter, or the API's 404 (an id with `/`, `..` or `?` is just an unknown id). */
function byId<T extends { id: number | string }> (rows: readonly T[], match: RegExpExecArray): T {
  const id = segment(match[1]!)
  const found = rows.find(r => String(r.id) === id)
  if (found === undefined) throw new HttpError(404, 'Record Not Found')
  return found
}

/** Rows whose name contains `name`, whose id is `id`, whose status is `status`, and that `s` finds (name or id), as `customer` and `carrier` filter. */
function companyList<T extends { id: number, name: string, status: string }> (rows: T[], query: URLSearchParams): T[] {
  const given = (key: string): string | undefined => {
    const value = query.get(key)?.trim().toLowerCase()
    return value === undefined || value === '' ? undefined : value
  }
  const [id, name, status, s] = [given('id'), given('name'), given('status'), given('s')]
  return rows.filter(c =>
    (id === undefined || String(c.id) === id) &&
    (name === undefined || c.name.toLowerCase().includes(name)) &&
    (status === undefined || c.status.toLowerCase() === status) &&
    (s === undefined || c.name.toLowerCase().includes(s) || String(c.id) === s))
}

function companyFilter (query: URLSearchParams): number | undefined {
  const raw = query.get('company_id') ?? query.get('customer_id')
  if (raw === null || raw === '') return undefined
  if (!/^\d+$/.test(raw)) throw new HttpError(400, `Invalid company_id: ${raw} (a customer's numeric id)`)
  return Number(raw)
}

/**
 * The rows of `company_id` (when given) whose `field` equals the query parameter of the same name
 * (when given), at most `_limit` (default 100): `switch/user`, `switch/ip`, `cli`.
 */
function lookup<T extends { company_id: number }> (rows: T[], query: URLSearchParams, field: keyof T & string, normalize = (v: string) => v): T[] {
  const company = companyFilter(query)
  const wanted = query.get(field)
  const value = wanted === null || wanted === '' ? undefined : normalize(wanted)
  return rows.filter(r => (company === undefined || r.company_id === company) && (value === undefined || r[field] === value))
    .slice(0, integerParam(query, '_limit', 100, 1, 10_000))
}

const PAYMENT_COLUMNS = ['id', 'company_id', 'amount', 'total', 'currency', 'payment_time', 'method', 'status', 'description']
const DID_COLUMNS = ['id', 'did', 'customer_id', 'provider_id', 'destination', 'retail', 'wholesale', 'channels', 'status']
const CUSTOMER_COLUMNS = ['id', 'name', 'status', 'currency', 'credit', 'debit_limit', 'last_call', 'channels']
const CARRIER_COLUMNS = ['id', 'name', 'status', 'currency', 'channels', 'cps']
const CARD_COLUMNS = ['id', 'name', 'currency', 'direction', 'provider_id', 'active_rev', 'count']

const ROUTES: Route[] = [
  { method: 'GET', path: 'setup/account', pattern: /^setup\/account$/, handle: ({ data }) => data.account },
  {
    method: 'GET',
    path: 'log',
    pattern: /^log$/,
    handle: ({ data, query, index }) => {
      const term = required(query, 's')
      const since = data.now_ms - LOG_RETENTION_MS
      const found: unknown[] = []
      for (const call of data.calls) {
        if (call.start_ms < since) break
        if (matchesSearch(call, term)) found.push(logEntry(call, data, index.carriers))
        if (found.length >= LOG_SEARCH_CAP) break
      }
      return found
    }
  },
  {
    method: 'GET',
    path: 'log/trace',
    pattern: /^log\/trace$/,
    handle: context => {
      const call = findCall(context)
      const callidb = context.query.get('callidb')
      if (call === undefined || (callidb !== null && callidb !== '' && callidb !== call.callidb)) return []
      // Older than the retention: the trace is gone, as on the real platform.
      if (context.data.now_ms - call.start_ms > TRACE_RETENTION_MS) return []
      return buildTrace(call, { seed: context.data.seed, carriers: context.index.carriers })
    }
  },
  {
    method: 'GET',
    path: 'log/rtcp',
    pattern: /^log\/rtcp$/,
    handle: context => {
      const call = findCall(context)
      if (call === undefined || context.data.now_ms - call.start_ms > TRACE_RETENTION_MS) return []
      return buildRtcp(call, context.data.seed, context.index.carriers)
    }
  },
  {
    method: 'GET',
    path: 'log/class5',
    pattern: /^log\/class5$/,
    handle: context => {
      const call = findCall(context)
      return call === undefined ? [] : class5Log(call)
    }
  },
  {
    method: 'GET',
    path: 'log/ai-agent',
    pattern: /^log\/ai-agent$/,
    handle: context => {
      const day = required(context.query, 'd')
      if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new HttpError(400, `Invalid d: ${day} (the call's date, YYYY-MM-DD)`)
      const call = findCall(context)
      return call === undefined || isoDay(call.start_ms) !== day ? [] : aiAgentLog(call)
    }
  },
  {
    method: 'GET',
    path: 'transcribe',
    pattern: /^transcribe$/,
    handle: ({ data, query, index }) => {
      const term = required(query, 's')
      const customer = (call: SimCall) => data.customers.find(c => c.id === call.customer_id)
      const exact = index.calls.get(term)
      if (exact !== undefined) return transcript(exact, customer(exact))
      if (term.length < 3) return []
      const needle = term.toLowerCase()
      return data.calls.filter(c => c.class5 === 'ai_agent' || c.class5 === 'voicemail')
        .flatMap(c => transcript(c, customer(c)).filter(line => line.text.toLowerCase().includes(needle)))
        .slice(0, 100)
    }
  },
  { method: 'POST', path: 'cdr', pattern: /^cdr$/, handle: ({ data, body }) => runCdrQuery(data, parseCdrQuery(body)) },
  {
    method: 'POST',
    path: 'setup/query/0/run',
    pattern: /^setup\/query\/0\/run$/,
    handle: ({ data, body }) => {
      const { rows, csv } = runSql(data, body)
      return csv ? text(toCsv(rows), 'text/csv') : rows
    }
  },
  { method: 'GET', path: 'breakout-aggrid', pattern: /^breakout-aggrid$/, handle: ({ data, query }) => breakout(data, gridRequest(query)) },
  {
    method: 'GET',
    path: 'invoice/billed',
    pattern: /^invoice\/billed$/,
    handle: ({ data, query }) => {
      const company = companyFilter(query)
      const thisMonth = isoDay(data.now_ms).slice(0, 7)
      const days = new Map<string, { company_id: number, cdr_date: string, calls: number, duration: number, total: number, currency: string }>()
      for (const row of cdrRows(data)) {
        if (company !== undefined && row.customer_id !== company) continue
        const day = String(row.dt).slice(0, 10)
        const key = `${row.customer_id}:${day}`
        const entry = days.get(key) ?? { company_id: row.customer_id as number, cdr_date: day, calls: 0, duration: 0, total: 0, currency: String(row.customer_card_currency) }
        entry.calls++
        entry.duration += row.customer_duration as number
        entry.total += row.customer_charge as number
        days.set(key, entry)
      }
      return [...days.values()]
        .sort((a, b) => (a.cdr_date < b.cdr_date ? 1 : a.cdr_date > b.cdr_date ? -1 : a.company_id - b.company_id))
        .map(d => ({
          // Past months are invoiced (one invoice per customer and month); this month is not yet.
          invoice_id: d.cdr_date.slice(0, 7) === thisMonth ? null : Number(d.cdr_date.slice(0, 7).replace('-', '')) * 1000 + (d.company_id % 1000),
          ...d,
          total: round(d.total, 4)
        }))
    }
  },
  {
    method: 'GET',
    path: 'customer',
    pattern: /^customer$/,
    handle: ({ data, query }) => applyGrid(companyList(data.customers, query), gridRequest(query), CUSTOMER_COLUMNS)
  },
  {
    method: 'GET',
    path: 'customer/<id>',
    pattern: /^customer\/([^/]+)$/,
    handle: ({ data, match }) => byId(data.customers, match)
  },
  {
    method: 'GET',
    path: 'carrier',
    pattern: /^carrier$/,
    handle: ({ data, query }) => applyGrid(companyList(data.carriers, query), gridRequest(query), CARRIER_COLUMNS).map(publicCarrier)
  },
  {
    method: 'GET',
    path: 'carrier/<id>',
    pattern: /^carrier\/([^/]+)$/,
    handle: ({ data, match }) => publicCarrier(byId(data.carriers, match))
  },
  { method: 'GET', path: 'switch/user', pattern: /^switch\/user$/, handle: ({ data, query }) => lookup(data.switchUsers, query, 'username') },
  // Addresses are stored in lower case (IPv6 in RFC 5952 form) and matched as text, whatever the case asked.
  { method: 'GET', path: 'switch/ip', pattern: /^switch\/ip$/, handle: ({ data, query }) => lookup(data.switchIps, query, 'ip', v => v.trim().toLowerCase()) },
  { method: 'GET', path: 'cli', pattern: /^cli$/, handle: ({ data, query }) => lookup(data.clis, query, 'cli', v => v.replace(/^\+/, '')) },
  {
    method: 'GET',
    path: 'payment',
    pattern: /^payment$/,
    handle: ({ data, query }) => {
      const company = companyFilter(query)
      const rows = data.payments.filter(p => company === undefined || p.company_id === company)
      return applyGrid(rows, gridRequest(query), PAYMENT_COLUMNS, (a, b) => (a.payment_time < b.payment_time ? 1 : a.payment_time > b.payment_time ? -1 : b.id - a.id))
    }
  },
  {
    method: 'POST',
    path: 'payment',
    pattern: /^payment$/,
    handle: ({ data, body }) => {
      const input = (body ?? {}) as Record<string, unknown>
      const customer = data.customers.find(c => c.id === Number(input.company_id))
      if (customer === undefined) throw new HttpError(400, `company_id ${JSON.stringify(input.company_id ?? null)} is not a customer`)
      const total = Number(input.total)
      if (input.total === undefined || Number.isNaN(total)) throw new HttpError(400, 'total must be a number (negative for a charge)')
      const currency = String(input.currency ?? customer.currency)
      if (currency !== customer.currency) throw new HttpError(400, `currency must be the customer's, ${customer.currency}`)
      const payment: Payment = {
        id: Math.max(0, ...data.payments.map(p => p.id)) + 1,
        company_id: customer.id,
        amount: total,
        total,
        currency: customer.currency,
        payment_time: sqlTime(data.now_ms),
        method: 'Manual',
        status: input.status === 'Pending' || input.status === 'Failed' ? input.status : 'Completed',
        description: String(input.description ?? '')
      }
      data.payments.push(payment)
      if (payment.status === 'Completed') customer.credit = round(customer.credit + total, 2)
      return payment
    }
  },
  {
    method: 'GET',
    path: 'package',
    pattern: /^package$/,
    handle: ({ data, query }) => {
      const company = companyFilter(query)
      return data.packages.filter(p => company === undefined || p.company_id === company)
    }
  },
  { method: 'GET', path: 'setup/package', pattern: /^setup\/package$/, handle: ({ data }) => data.packageOffers },
  {
    method: 'GET',
    path: 'routing',
    pattern: /^routing$/,
    handle: ({ data, query }) => {
      const company = companyFilter(query)
      return data.routing.filter(r => company === undefined || r.company_id === company).map(r => {
        const card = data.cards.find(c => c.id === r.card_id)
        return { ...r, ...(card === undefined ? {} : { active_rev: card.active_rev }) }
      })
    }
  },
  {
    method: 'GET',
    path: 'card',
    pattern: /^card$/,
    handle: ({ data, query }) => {
      const s = query.get('s')?.trim().toLowerCase() ?? ''
      const rows = data.cards.filter(c => s === '' || c.name.toLowerCase().includes(s) || c.id.toLowerCase() === s).map(c => ({
        id: c.id,
        name: c.name,
        currency: c.currency,
        direction: c.direction,
        provider_id: c.provider_id,
        active_rev: c.active_rev,
        count: c.revisions.find(r => r.rev === c.active_rev)!.rules.length
      }))
      return applyGrid(rows, gridRequest(query), CARD_COLUMNS)
    }
  },
  {
    method: 'GET',
    path: 'card/<id>',
    pattern: /^card\/([^/]+)$/,
    handle: ({ data, match }) => {
      const card = byId(data.cards, match)
      const active = card.revisions.find(r => r.rev === card.active_rev)!
      return {
        id: card.id,
        name: card.name,
        currency: card.currency,
        direction: card.direction,
        strategy: 'LCR',
        provider_id: card.provider_id,
        parent_card_ids: card.parents,
        active_rev: card.active_rev,
        max_rev: card.revisions.at(-1)!.rev,
        revisions: card.revisions.map(r => ({ rev: r.rev, created: r.created, count: r.rules.length })),
        count: active.rules.length,
        updated: active.created
      }
    }
  },
  {
    method: 'GET',
    path: 'card/<id>/rev/<rev>/rule',
    pattern: /^card\/([^/]+)\/rev\/([^/]+)\/rule$/,
    handle: ({ data, match, query }) => {
      const card = data.cards.find(c => c.id === segment(match[1]!))
      const revision = card?.revisions.find(r => String(r.rev) === segment(match[2]!))
      if (revision === undefined) throw new HttpError(404, 'Record Not Found')
      const offset = integerParam(query, 'offset', 0, 0, 1_000_000)
      return revision.rules.slice(offset, offset + integerParam(query, 'limit', 100, 1, 10_000))
    }
  },
  { method: 'GET', path: 'setup/server/rtp-group', pattern: /^setup\/server\/rtp-group$/, handle: ({ data }) => data.rtpGroups },
  { method: 'GET', path: 'setup/rtp', pattern: /^setup\/rtp$/, handle: ({ data }) => data.rtpServers },
  { method: 'GET', path: 'docs', pattern: /^docs$/, handle: ({ query }) => searchDocs(required(query, 's')) },
  {
    method: 'GET',
    path: 'docs/<path>',
    pattern: /^docs\/(.+)$/,
    handle: ({ match }) => {
      const page = docPage(segment(match[1]!))
      if (page === undefined) throw new HttpError(404, 'Documentation not found')
      return text(page, 'text/markdown; charset=utf-8')
    }
  },
  {
    method: 'GET',
    path: 'did',
    pattern: /^did$/,
    handle: ({ data, query }) => {
      const raw = query.get('customer_id')
      const unassigned = raw === 'null' || raw === '[null]'
      const company = unassigned ? undefined : companyFilter(query)
      const s = query.get('s') ?? ''
      const rows = data.dids.filter(d => (unassigned ? d.customer_id === null : company === undefined || d.customer_id === company) && d.did.includes(s))
      return applyGrid(rows, gridRequest(query), DID_COLUMNS)
    }
  },
  {
    method: 'GET',
    path: 'did/<id>',
    pattern: /^did\/([^/]+)$/,
    handle: ({ data, match }) => byId(data.dids, match)
  },
  {
    method: 'PUT',
    path: 'did/<id>',
    pattern: /^did\/([^/]+)$/,
    handle: ({ data, match, body }) => {
      const did = byId(data.dids, match)
      const wanted = (body as { customer_id?: unknown } | undefined)?.customer_id
      if (wanted !== null && !data.customers.some(c => c.id === Number(wanted))) throw new HttpError(400, `customer_id ${JSON.stringify(wanted ?? null)} is not a customer (null unassigns the DID)`)
      did.customer_id = wanted === null ? null : Number(wanted)
      return { status: 'OK' }
    }
  },
  { method: 'GET', path: 'sim/scenarios', pattern: /^sim\/scenarios$/, handle: ({ data }) => data.scenarios }
]

/** What `GET carrier` shows of a carrier (no simulation-only fields). */
function publicCarrier (carrier: Carrier): Omit<Carrier, 'quality'> {
  const { quality: _quality, ...rest } = carrier
  return rest
}

/** Every endpoint, as `METHOD path` (path parameters in angle brackets). */
export const ENDPOINTS: readonly string[] = ROUTES.map(r => `${r.method} ${r.path}`)

/** The REST API of the simulated switch over a dataset: same paths, query formats and JSON as ConnexCS. */
export function createApi (data: Dataset): ApiBackend {
  return async (request: ApiRequest): Promise<SwitchResponse> => {
    const [rawPath = '', rawQuery = ''] = request.path.split('?', 2)
    const path = rawPath.replace(/^\/+|\/+$/g, '')
    const query = new URLSearchParams(rawQuery)
    const candidates = ROUTES.filter(r => r.pattern.test(path))
    const route = candidates.find(r => r.method === request.method)
    if (route === undefined) {
      return candidates.length === 0
        ? json(404, { error: `Not Found: ${request.method} ${path}` })
        : json(405, { error: `Method ${request.method} not allowed on ${path}` })
    }
    try {
      const result = route.handle({ data, match: route.pattern.exec(path)!, query, body: request.body, index: indexOf(data) })
      return isResponse(result) ? result : json(200, result)
    } catch (error) {
      if (error instanceof HttpError) return json(error.status, { error: error.message })
      return json(500, { error: error instanceof Error ? error.message : String(error) })
    }
  }
}

function isResponse (value: unknown): value is SwitchResponse {
  return value !== null && typeof value === 'object' && 'contentType' in value && 'body' in value && 'status' in value
}
