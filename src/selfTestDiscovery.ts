import { searchCallLogs, TRACE_RETENTION_DAYS } from './connexcs/calls'
import { asArray, type Connexcs } from './connexcs/client'
import type { CallRouting } from './connexcs/types'
import type { KnownCall, KnownCustomer } from './lib/selfTestCase'

/**
 * Finds real identifiers on the account, so that the self-test asks about a call and a customer
 * that exist today instead of ids written into the code (which expire with the 7-day trace
 * retention).
 */

/** What a search found, or why it found nothing; `how` says which way it went, for the report. */
export interface Discovery<T> {
  found?: T
  how: string
}

interface CustomerRow {
  id?: number
  name?: string
  ips?: string[]
  cards?: string[]
}

const DAY_MS = 86_400_000
/** Customers whose IPs are searched when the CDR gives nothing. */
const CUSTOMERS_PROBED = 5

/** `YYYY-MM-DD HH:MM:SS` in UTC, as CDR where-rules take it. */
function cdrTime (ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ')
}

function message (error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

function known (routing: CallRouting): KnownCall {
  return {
    callid: routing.callid,
    ...(routing.callidb === undefined ? {} : { callidb: routing.callidb }),
    ...(routing.cli === undefined ? {} : { cli: routing.cli }),
    ...(routing.dest_number === undefined ? {} : { dest_number: routing.dest_number }),
    ...(routing.account_id === undefined ? {} : { customer_id: routing.account_id }),
    ...(routing.start_time === undefined ? {} : { start_time: routing.start_time })
  }
}

/** A rate card id the card endpoints can fetch (not `internal`, `ip:…` or another special value). */
function usableCard (cardId: unknown): cardId is string {
  return typeof cardId === 'string' && cardId !== '' && cardId !== 'internal' && !cardId.includes(':')
}

/** The newest calls in the CDR of the last `days` days, then each one's routing record from the log. */
async function fromCdr (api: Connexcs, nowMs: number, days: number): Promise<KnownCall | undefined> {
  const rows = asArray<{ callid?: unknown }>(await api.post('cdr', {
    field: ['dt', 'callid'],
    where: { rules: [{ field: 'dt', condition: '>=', data: cdrTime(nowMs - days * DAY_MS) }, { field: 'dt', condition: '<=', data: cdrTime(nowMs) }] },
    limit: 10,
    order: [{ field: 'dt', direction: 'DESC' }]
  }))
  for (const row of rows.slice(0, 3)) {
    if (typeof row.callid !== 'string' || row.callid === '') continue
    const entry = (await searchCallLogs(api, row.callid)).find(e => e.routing.callid === row.callid)
    if (entry !== undefined) return known(entry.routing)
  }
  return undefined
}

/** The newest call from the IPs of the first customers, within the trace retention. */
async function fromCustomerIps (api: Connexcs, nowMs: number): Promise<KnownCall | undefined> {
  const customers = asArray<CustomerRow>(await api.get('customer')).filter(c => (c.ips ?? []).length > 0).slice(0, CUSTOMERS_PROBED)
  const oldest = (nowMs - TRACE_RETENTION_DAYS * DAY_MS) / 1000
  for (const customer of customers) {
    const calls = (await searchCallLogs(api, customer.ips![0]!)).map(e => e.routing)
      .filter(r => (r.start_time ?? 0) > oldest)
      .toSorted((a, b) => (b.start_time ?? 0) - (a.start_time ?? 0))
    if (calls[0] !== undefined) return known(calls[0])
  }
  return undefined
}

/**
 * A recent call: the newest in the CDR of the last `days` days, else the newest from a customer's
 * IP in the call log. Never throws: a failed search is reported in `how`.
 */
export async function findRecentCall (api: Connexcs, nowMs: number, days = 3): Promise<Discovery<KnownCall>> {
  const tried: string[] = []
  try {
    const call = await fromCdr(api, nowMs, days)
    if (call !== undefined) return { found: call, how: `the newest call in the CDR of the last ${days} days` }
    tried.push(`no call in the CDR of the last ${days} days`)
  } catch (error) {
    tried.push(`the CDR search failed: ${message(error)}`)
  }
  try {
    const call = await fromCustomerIps(api, nowMs)
    if (call !== undefined) return { found: call, how: `the newest call from a customer's IP in the call log; ${tried.join('; ')}` }
    tried.push(`no call from the IPs of the first ${CUSTOMERS_PROBED} customers in the last ${TRACE_RETENTION_DAYS} days`)
  } catch (error) {
    tried.push(`the customer list failed: ${message(error)}`)
  }
  return { how: tried.join('; ') }
}

/** A customer with a rate card (the first such), else the first customer. Never throws. */
export async function findCustomer (api: Connexcs): Promise<Discovery<KnownCustomer>> {
  try {
    const customers = asArray<CustomerRow>(await api.get('customer')).filter(c => typeof c.id === 'number')
    const withCard = customers.find(c => (c.cards ?? []).some(usableCard))
    const pick = withCard ?? customers[0]
    if (pick === undefined) return { how: 'the account has no customers' }
    return {
      found: {
        customer_id: pick.id!,
        ...(pick.name === undefined ? {} : { name: pick.name }),
        ...(withCard === undefined ? {} : { card_id: withCard.cards!.find(usableCard)! })
      },
      how: withCard === undefined ? 'the first customer (none has a rate card)' : 'the first customer with a rate card'
    }
  } catch (error) {
    return { how: `the customer list failed: ${message(error)}` }
  }
}
