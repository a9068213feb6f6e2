import { getAiAgentLog, getTranscript, searchCallLogs, TRACE_RETENTION_DAYS } from './connexcs/calls'
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
/** Answered calls asked for a transcript or an AI-agent log, at most: a few requests each, not a scan. */
const CALLS_PROBED = 8

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

/** What a call must have for a tool to be exercised on it. */
export type CallFeature = 'transcript' | 'ai_agent'

const FEATURE_WORDS: Record<CallFeature, string> = { transcript: 'a transcript', ai_agent: 'an AI-agent log' }

/** Whether the call has the feature: its transcript, or its AI agent's log of its day, is not empty. */
async function hasFeature (api: Connexcs, feature: CallFeature, callid: string, dt: string): Promise<boolean> {
  return feature === 'transcript'
    ? (await getTranscript(api, callid)).length > 0
    : (await getAiAgentLog(api, callid, dt.slice(0, 10))).length > 0
}

/**
 * A call of the last `days` days that has a transcript or an AI agent's log, for the tools that
 * read them. Both need a Class 5 application (voicemail, an AI agent) to have handled the call,
 * which the CDR shows as answered on the switch (carrier 0): those are asked first, newest first,
 * then the newest other calls, {@link CALLS_PROBED} at most. Never throws; when none has it, `how`
 * says "no such call in N days" and what was asked.
 */
export async function findCallWith (api: Connexcs, nowMs: number, feature: CallFeature, days = TRACE_RETENTION_DAYS): Promise<Discovery<KnownCall>> {
  const what = FEATURE_WORDS[feature]
  try {
    const query = (rules: { field: string, condition: string, data: string | number }[]) => api.post('cdr', {
      field: ['dt', 'callid', 'provider_id'],
      where: { rules: [{ field: 'dt', condition: '>=', data: cdrTime(nowMs - days * DAY_MS) }, { field: 'dt', condition: '<=', data: cdrTime(nowMs) }, ...rules] },
      limit: CALLS_PROBED,
      order: [{ field: 'dt', direction: 'DESC' }]
    })
    const rows = (list: unknown) => asArray<{ dt?: unknown, callid?: unknown }>(list)
      .filter((r): r is { dt: string, callid: string } => typeof r.callid === 'string' && r.callid !== '' && typeof r.dt === 'string')
    const onSwitch = rows(await query([{ field: 'provider_id', condition: '=', data: 0 }]))
    const candidates = onSwitch.length > 0 ? onSwitch : rows(await query([]))
    for (const row of candidates) {
      if (!await hasFeature(api, feature, row.callid, row.dt)) continue
      const entry = (await searchCallLogs(api, row.callid)).find(e => e.routing.callid === row.callid)
      const call = entry === undefined ? { callid: row.callid, start_time: Date.parse(`${row.dt.replace(' ', 'T')}Z`) / 1000 } : known(entry.routing)
      return { found: call, how: `the newest call with ${what} of ${candidates.length} ${onSwitch.length > 0 ? 'answered on the switch (Class 5)' : 'answered'} in the CDR` }
    }
    const asked = candidates.length === 0
      ? 'the CDR has no answered call'
      : `none of the ${candidates.length} newest calls ${onSwitch.length > 0 ? 'answered on the switch (Class 5)' : 'answered'} has ${what}`
    return { how: `no such call in ${days} days: ${asked}` }
  } catch (error) {
    return { how: `the search for a call with ${what} failed: ${message(error)}` }
  }
}
