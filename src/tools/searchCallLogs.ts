import { queryKind } from '../analysis/resolve'
import { searchCallLogs as fetchCallLogs, LOG_SEARCH_CAP } from '../connexcs/calls'
import { getCustomer } from '../connexcs/accounts'
import type { Connexcs } from '../connexcs/client'
import type { CallRouting } from '../connexcs/types'
import { isAnsweredCode } from '../lib/callOutcome'
import { dayOf } from '../lib/dates'
import { defineTool } from '../lib/defineTool'
import { ToolError } from '../lib/errors'
import { countList, isoFromUnix } from '../lib/format'
import { paginate } from '../lib/pagination'
import { part } from '../lib/parts'
import { clip } from '../lib/records'
import { failureWords, mainFailure, nextStep, notFound, partialAnswer, type NextStep, type Unread } from '../lib/result'
import { cursorParam, limitParam } from '../lib/sharedParams'
import { accountName, resolveAccount } from './shared/accounts'

function outcome (routing: CallRouting): string {
  if (routing.sip_code === undefined) return 'unknown'
  return `${routing.sip_code}${routing.sip_reason === undefined ? '' : ' ' + routing.sip_reason}`
}

const DAY_MS = 86_400_000
/** Customer names looked up per page (a page of a number's calls has one or two customers); others go without. */
const MAX_NAMES = 5

function compactCall (routing: CallRouting, names: ReadonlyMap<number, string>) {
  const tried = routing.egress_routing ?? []
  const chosen = tried.find(r => r.sip_code !== undefined && r.sip_code < 300) ?? tried.at(-1)
  return {
    callid: routing.callid,
    callidb: routing.callidb,
    time: routing.start_time === undefined ? undefined : isoFromUnix(routing.start_time),
    customer_id: routing.account_id,
    customer_name: routing.account_id === undefined ? undefined : names.get(routing.account_id),
    cli: routing.cli,
    dest_number: routing.dest_number,
    sip_code: routing.sip_code,
    sip_reason: routing.sip_reason,
    duration_s: routing.ok?.duration,
    route: chosen === undefined
      ? undefined
      : { provider_id: chosen.provider_id, provider_name: chosen.provider_name, card_id: chosen.card_id, carriers_tried: tried.length }
  }
}

/** The names of the customers on a page, fetched together; a lookup that fails is listed, to be said first. */
async function customerNames (api: Connexcs, calls: readonly CallRouting[]): Promise<{ names: Map<number, string>, unread: Unread[] }> {
  const ids = [...new Set(calls.map(c => c.account_id).filter((id): id is number => id !== undefined && id > 0))].slice(0, MAX_NAMES)
  const found = await Promise.all(ids.map(id => part(() => getCustomer(api, id))))
  const names = new Map(found.flatMap((p, i) => p.ok && typeof p.value?.name === 'string' ? [[ids[i]!, p.value.name] as const] : []))
  // A customer the API does not know (404) has no name to read: that is no failure.
  const failed = found.flatMap((p, i) => !p.ok && p.error.type !== 'not_found' ? [{ id: ids[i]!, error: p.error }] : [])
  if (failed.length === 0) return { names, unread: [] }
  const who = failed.length === 1 ? `customer ${failed[0]!.id}'s name` : `the names of customers ${failed.map(f => f.id).join(', ')}`
  return { names, unread: [{ source: who, error: mainFailure(failed.map(f => ({ source: '', error: f.error }))) }] }
}

/**
 * A search term that reads as a name (`Acme`, `Acme Telecom`) rather than a number, an IP or a
 * Call-ID: letters first, no `@`, not a hex Call-ID, and no digits unless it has words.
 */
function looksLikeName (term: string): boolean {
  const text = term.trim()
  if (queryKind(text) !== 'text' || !/^\p{L}[\p{L}\p{N} .,&'()-]*$/u.test(text)) return false
  if (/^[0-9a-f-]{8,}$/i.test(text)) return false
  return !/\d/.test(text) || /\s/.test(text)
}

/** The call log takes numbers, IPs and Call-IDs; what to do with a name instead, from the customer lookup. */
async function nameSteps (api: Connexcs, name: string, nowMs: number): Promise<{ why: string, steps: NextStep[] }> {
  const about = `The call log is searched by a number (CLI or dialled, 3 digits or more), an IP address or a Call-ID, not by a name: "${clip(name, 40)}" is a name.`
  let lookup: Awaited<ReturnType<typeof resolveAccount<'customer'>>>
  try {
    lookup = await resolveAccount(api, 'customer', name, { parameter: 'customer_id', retry: { tool: 'getCustomer', args: {} } })
  } catch (error) {
    const words = error instanceof ToolError ? failureWords(error) : 'failed'
    return {
      why: `${about} The customer lookup by that name could not be done (${words}).`,
      steps: [nextStep('searchCustomers', { query: name }, 'Find the customer by name, then search its numbers or IPs.')]
    }
  }
  if (lookup.ok) {
    const { id } = lookup.account
    const label = accountName(lookup.account)
    return {
      why: `${about} It names customer ${label}: its account lists its IPs and numbers to search by; its answered calls are in the CDR.`,
      steps: [
        nextStep('getCustomer', { customer_id: id }, `${label}: its SIP users and IPs, to search the log by.`),
        nextStep('searchCdr', { customer_id: id, start_date: dayOf(nowMs - 6 * DAY_MS), end_date: dayOf(nowMs), limit: 10 }, `${label}'s answered calls of the last 7 days.`)
      ]
    }
  }
  const answer = lookup.answer
  if (answer.ambiguous === true) {
    return { why: `${about} It matches several customers: pick one, then search by its IPs or numbers.`, steps: answer.next_steps ?? [] }
  }
  // No customer by that name: only the "did you mean" ones help, and a number to search by.
  return {
    why: `${about} No customer has that name either; search by a phone number (e.g. 447700900123, without + or 00) or an IP.`,
    steps: (answer.next_steps ?? []).filter(step => step.tool === 'getCustomer')
  }
}

/** What to try when a search found nothing: never the same search again. */
async function notFoundSteps (api: Connexcs, search: string, nowMs: number): Promise<{ why: string, steps: NextStep[] }> {
  if (looksLikeName(search)) return await nameSteps(api, search, nowMs)
  const why = 'The log search matches a number, a Call-ID or an IP exactly as the switch saw it; logs cover recent days only.'
  const digits = search.replace(/[\s()-]/g, '')
  const bare = digits.replace(/^(\+|00)/, '')
  if (/^\d{3,}$/.test(bare) && bare !== search) return { why, steps: [nextStep('searchCallLogs', { search: bare }, 'The number without + or 00, as the switch stores it.')] }
  if (/^\d{10,}$/.test(bare)) {
    return { why, steps: [nextStep('searchCallLogs', { search: bare.slice(-9) }, 'Only its last 9 digits: the switch may have it in another format (national, with a prefix).')] }
  }
  return { why, steps: [] }
}

/** `searchCallLogs`: find calls by number, Call-ID or IP. */
export const searchCallLogs = defineTool({
  name: 'searchCallLogs',
  title: 'Search call logs',
  description: 'Find calls in the switch log by phone number (CLI or dialled), SIP Call-ID or IP address. ' +
    'Use first when a user names a number or call. Returns newest first: callid/callidb, time, customer, ' +
    'numbers, SIP code and reason, route chosen, with a tally of outcomes; paginated. ' +
    'Then use getSipTrace with a callid to see why a call failed.',
  example: 'Show me the latest calls to 447700900123.',
  readOnly: true,
  selfTest: { needs: 'call', args: ({ call }) => ({ search: call.callid, limit: 5 }), expect: { calls: 'array', total: 'number' } },
  params: {
    search: {
      type: 'string',
      description: 'Phone number, SIP Call-ID or IP address to look for.',
      required: true,
      maxLength: 255
    },
    limit: limitParam(20, 50),
    cursor: cursorParam
  },
  async handler ({ search, limit, cursor }, ctx) {
    const api = ctx.api
    const entries = await fetchCallLogs(api, search)
    if (entries.length === 0) {
      const { why, steps } = await notFoundSteps(api, search, ctx.nowMs)
      return notFound(`No calls match "${search}".`, why, steps)
    }
    const calls = entries.map(e => e.routing).toSorted((a, b) => (b.start_time ?? 0) - (a.start_time ?? 0))
    const page = paginate(calls, cursor, limit)
    const answered = calls.filter(c => isAnsweredCode(c.sip_code)).length
    const failed = calls.filter(c => !isAnsweredCode(c.sip_code))
    const capped = entries.length >= LOG_SEARCH_CAP
    const firstFailed = page.items.find(c => !isAnsweredCode(c.sip_code))
    // A cursor past the end is an empty last page: then there is no call to suggest.
    const pick = firstFailed ?? page.items[0]
    const { names, unread } = await customerNames(api, page.items)

    return partialAnswer({
      summary: `${calls.length}${capped ? '+' : ''} call${calls.length === 1 ? '' : 's'} match${calls.length === 1 ? 'es' : ''} "${search}": ${answered} answered` +
        (failed.length === 0 ? '.' : `, ${failed.length} not answered (${countList(failed.map(outcome))}).`),
      search,
      total: calls.length,
      ...(capped ? { note: `The API returns at most about ${LOG_SEARCH_CAP} matches; older calls may be missing. Search a more specific term (a Call-ID, a full number).` } : {}),
      calls: page.items.map(c => compactCall(c, names)),
      ...(page.next_cursor === undefined ? {} : { next_cursor: page.next_cursor }),
      next_steps: [
        ...(pick === undefined
          ? []
          : [nextStep('getSipTrace', { callid: pick.callid, callidb: pick.callidb },
              firstFailed === undefined ? 'See the SIP flow of the newest call.' : 'See why the newest failed call failed.')]),
        ...(page.next_cursor === undefined ? [] : [nextStep('searchCallLogs', { search, limit, cursor: page.next_cursor }, 'Next page.')])
      ]
    }, unread)
  }
})
