import { SWITCH } from './entities'
import { HttpError } from './http'
import type { Dataset, SimCall } from './model'
import { billedSeconds, convert, round } from './numbering'
import { parseTime, sqlTime } from './time'

/**
 * The CDR: one row per connected call (answered, including zero-length answers), with the
 * customer's and the carrier's rating, and the structured query of `POST cdr`:
 * `{ field: [...], where: { rules: [{ field, condition, data }] }, order: [{ field, direction }], limit }`.
 */

/** One CDR row, every field. */
export type CdrRow = Record<string, string | number | null>

/** The fields a CDR row has (and a query may ask for). */
export const CDR_FIELDS = [
  'dt', 'callid', 'callidb', 'callid_b', 'dest_cli', 'dest_number', 'source_cli', 'source_dest_number', 'duration',
  'customer_id', 'customer_ip', 'customer_charge', 'customer_duration', 'customer_card_id', 'customer_card_rate', 'customer_card_dest_code',
  'customer_card_dest_name', 'customer_card_currency', 'customer_currency', 'provider_id', 'provider_charge', 'provider_duration',
  'provider_card_id', 'provider_card_rate', 'provider_card_dest_code', 'provider_card_dest_name', 'provider_card_currency', 'branch_idx',
  'pdd_in', 'pdd_out', 'ring_duration', 'sip_code', 'sip_reason', 'release_reason', 'recording_cost', 'tech_prefix', 'direction', 'cx_name'
] as const

const NUMERIC = new Set(['duration', 'customer_id', 'customer_charge', 'customer_duration', 'customer_card_rate', 'provider_id', 'provider_charge', 'provider_duration', 'provider_card_rate', 'branch_idx', 'pdd_in', 'pdd_out', 'ring_duration', 'sip_code', 'recording_cost'])

/** The most rows one query returns, as on ConnexCS. */
export const CDR_MAX_LIMIT = 5000

/**
 * What a call costs on one side: the billed minutes at the rule's rate plus its connection charge.
 * A call too short to bill (under a second) is not charged at all, connection included.
 */
export function charge (seconds: number, ratePerMinute: number, connectionCost: number): number {
  return seconds <= 0 ? 0 : round(seconds / 60 * ratePerMinute + connectionCost, 5)
}

/** The CDR row of a connected call. */
export function cdrRow (call: SimCall, data: Dataset): CdrRow {
  const rate = call.customer_rate!
  const attempt = call.attempts.at(-1)!
  const card = data.cards.find(c => c.id === attempt.card_id)
  const customer = data.customers.find(c => c.id === call.customer_id)
  const customerBilled = billedSeconds(call.duration_s, rate.mcd, rate.pulse)
  const providerBilled = attempt.provider_id === 0 ? 0 : billedSeconds(call.duration_s, attempt.mcd, attempt.pulse)
  const firstRing = call.attempts.find(a => a.ring_at_ms !== null)?.ring_at_ms
  return {
    dt: sqlTime(call.start_ms),
    callid: call.callid,
    callidb: call.callidb,
    callid_b: attempt.callid,
    dest_cli: call.cli,
    dest_number: call.dest_number,
    source_cli: call.cli,
    source_dest_number: call.dest_number,
    duration: call.duration_s,
    customer_id: call.customer_id,
    customer_ip: call.customer_ip,
    customer_charge: charge(customerBilled, rate.rate, rate.connection_cost),
    customer_duration: customerBilled,
    customer_card_id: rate.card_id,
    customer_card_rate: rate.rate,
    customer_card_dest_code: rate.prefix,
    customer_card_dest_name: rate.name,
    customer_card_currency: rate.currency,
    customer_currency: customer?.currency ?? rate.currency,
    provider_id: attempt.provider_id,
    provider_charge: charge(providerBilled, attempt.rate, attempt.connection_cost),
    provider_duration: providerBilled,
    provider_card_id: attempt.card_id,
    provider_card_rate: attempt.rate,
    provider_card_dest_code: attempt.prefix,
    provider_card_dest_name: attempt.dest_name,
    provider_card_currency: card?.currency ?? data.account.currency,
    branch_idx: call.attempts.length - 1,
    pdd_in: call.pdd_ms ?? call.answer_ms!,
    pdd_out: attempt.ring_at_ms === null ? attempt.final_at_ms - attempt.at_ms : attempt.ring_at_ms - attempt.at_ms,
    ring_duration: firstRing === undefined || firstRing === null ? 0 : round((attempt.final_at_ms - firstRing) / 1000, 1),
    sip_code: 200,
    sip_reason: 'OK',
    release_reason: call.release_reason,
    recording_cost: 0,
    tech_prefix: data.routing.find(r => r.company_id === call.customer_id && r.card_id === rate.card_id)?.tech_prefix ?? '',
    direction: 'outbound',
    cx_name: SWITCH.server
  }
}

const memo = new WeakMap<Dataset, CdrRow[]>()

/** Every CDR row of the account, newest first (built once per dataset). */
export function cdrRows (data: Dataset): CdrRow[] {
  let rows = memo.get(data)
  if (rows === undefined) memo.set(data, (rows = data.calls.filter(c => c.answer_ms !== null).map(c => cdrRow(c, data))))
  return rows
}

/** One condition of a query. */
export interface CdrCondition {
  field: string
  condition: string
  data: unknown
}

/** A CDR query, as `POST cdr` takes it (and the SQL subset is translated to). */
export interface CdrQuery {
  field: string[]
  where: { rules: CdrCondition[] }
  order?: { field: string, direction?: string }[]
  limit?: number
}

const CONDITIONS = ['=', '!=', '<>', '>', '>=', '<', '<=', 'like', 'not like', 'in', 'not in']

function known (field: unknown, where: string): string {
  if (typeof field !== 'string' || !(CDR_FIELDS as readonly string[]).includes(field)) {
    throw new HttpError(400, `Unknown CDR field in ${where}: ${JSON.stringify(field)}`)
  }
  return field
}

/** SQL LIKE (`%`, `_`) as a regular expression. */
function likePattern (pattern: string): RegExp {
  return new RegExp(`^${pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.')}$`, 'i')
}

function comparable (field: string, value: unknown): string | number {
  if (NUMERIC.has(field)) {
    const n = Number(value)
    if (value === null || value === '' || Number.isNaN(n)) throw new HttpError(400, `CDR field ${field} is a number; got ${JSON.stringify(value)}`)
    return n
  }
  if (field === 'dt') {
    const ms = parseTime(String(value))
    if (ms === undefined) throw new HttpError(400, `CDR field dt takes "YYYY-MM-DD HH:MM:SS" (UTC); got ${JSON.stringify(value)}`)
    return sqlTime(ms)
  }
  return String(value)
}

function test (row: CdrRow, rule: CdrCondition): boolean {
  const value = row[rule.field] ?? ''
  const condition = rule.condition.toLowerCase()
  if (condition === 'in' || condition === 'not in') {
    if (!Array.isArray(rule.data)) throw new HttpError(400, `Condition ${rule.condition} on ${rule.field} needs a list in data`)
    const found = rule.data.some(d => comparable(rule.field, d) === value)
    return condition === 'in' ? found : !found
  }
  if (condition === 'like' || condition === 'not like') {
    const match = likePattern(String(rule.data)).test(String(value))
    return condition === 'like' ? match : !match
  }
  const target = comparable(rule.field, rule.data)
  const cmp = typeof value === 'number' && typeof target === 'number' ? value - target : String(value) < String(target) ? -1 : String(value) > String(target) ? 1 : 0
  switch (condition) {
    case '=': return cmp === 0
    case '!=':
    case '<>': return cmp !== 0
    case '>': return cmp > 0
    case '>=': return cmp >= 0
    case '<': return cmp < 0
    default: return cmp <= 0
  }
}

/** Checks a query body; every mistake is a 400 that says what is wrong. */
export function parseCdrQuery (body: unknown): CdrQuery {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new HttpError(400, 'The body must be a JSON object { field, where: { rules }, order, limit }')
  const q = body as Record<string, unknown>
  if (!Array.isArray(q.field) || q.field.length === 0) throw new HttpError(400, 'field must be a non-empty array of CDR field names')
  const field = q.field.map(f => known(f, 'field'))
  const where = q.where as { rules?: unknown } | undefined
  const rules = where?.rules
  if (!Array.isArray(rules)) throw new HttpError(400, 'where.rules must be an array of { field, condition, data }')
  const parsed = rules.map((r, i): CdrCondition => {
    if (r === null || typeof r !== 'object') throw new HttpError(400, `where.rules[${i}] must be { field, condition, data }`)
    const rule = r as Record<string, unknown>
    if (Array.isArray(rule.rules)) throw new HttpError(400, `where.rules[${i}]: nested rule groups are not supported; give a flat list of conditions (they are ANDed)`)
    const condition = String(rule.condition ?? '').toLowerCase()
    if (!CONDITIONS.includes(condition)) throw new HttpError(400, `where.rules[${i}].condition must be one of ${CONDITIONS.join(', ')}; got ${JSON.stringify(rule.condition)}`)
    return { field: known(rule.field, `where.rules[${i}]`), condition, data: rule.data }
  })
  if (!parsed.some(r => r.field === 'dt' && ['>', '>=', '=', 'in'].includes(r.condition))) {
    throw new HttpError(400, 'where.rules must bound dt (e.g. { field: "dt", condition: ">=", data: "2026-11-01 00:00:00" }): the CDR is searched by date')
  }
  const order = q.order === undefined ? [] : q.order
  if (!Array.isArray(order)) throw new HttpError(400, 'order must be an array of { field, direction }')
  const parsedOrder = order.map((o, i) => {
    const entry = (o ?? {}) as Record<string, unknown>
    const direction = String(entry.direction ?? 'ASC').toUpperCase()
    if (direction !== 'ASC' && direction !== 'DESC') throw new HttpError(400, `order[${i}].direction must be ASC or DESC`)
    return { field: known(entry.field, `order[${i}]`), direction }
  })
  const limit = q.limit === undefined ? 100 : Number(q.limit)
  if (!Number.isInteger(limit) || limit < 1 || limit > CDR_MAX_LIMIT) throw new HttpError(400, `limit must be a whole number from 1 to ${CDR_MAX_LIMIT}; got ${JSON.stringify(q.limit)}`)
  return { field, where: { rules: parsed }, order: parsedOrder, limit }
}

/** Runs a checked query: the matching rows, ordered, limited, with only the fields asked for. */
export function runCdrQuery (data: Dataset, query: CdrQuery): Record<string, unknown>[] {
  let rows = cdrRows(data).filter(row => query.where.rules.every(rule => test(row, rule)))
  const order = query.order ?? []
  if (order.length > 0) {
    rows = rows.toSorted((a, b) => {
      for (const { field, direction } of order) {
        const [x, y] = [a[field] ?? '', b[field] ?? '']
        const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x) < String(y) ? -1 : String(x) > String(y) ? 1 : 0
        if (c !== 0) return direction === 'DESC' ? -c : c
      }
      return 0
    })
  }
  return rows.slice(0, query.limit).map(row => Object.fromEntries(query.field.map(f => [f, row[f]])))
}

/** A customer's charges converted to the account currency, for profit figures. */
export function inAccountCurrency (amount: number, currency: string, data: Dataset): number {
  return convert(amount, currency as Dataset['account']['currency'], data.account.currency)
}
