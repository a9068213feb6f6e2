import { searchCallLogs as fetchCallLogs, LOG_SEARCH_CAP } from '../connexcs/calls'
import { getCustomer } from '../connexcs/accounts'
import type { Connexcs } from '../connexcs/client'
import { part } from '../lib/parts'
import type { CallRouting } from '../connexcs/types'
import { defineTool } from '../lib/defineTool'
import { countList, isoFromUnix } from '../lib/format'
import { paginate } from '../lib/pagination'
import { nextStep, notFound } from '../lib/result'
import { cursorParam, limitParam } from '../lib/sharedParams'

function outcome (routing: CallRouting): string {
  if (routing.sip_code === undefined) return 'unknown'
  return `${routing.sip_code}${routing.sip_reason === undefined ? '' : ' ' + routing.sip_reason}`
}

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

/** The names of the customers on a page, fetched together; a lookup that fails leaves the name out. */
async function customerNames (api: Connexcs, calls: readonly CallRouting[]): Promise<Map<number, string>> {
  const ids = [...new Set(calls.map(c => c.account_id).filter((id): id is number => id !== undefined && id > 0))].slice(0, MAX_NAMES)
  const found = await Promise.all(ids.map(id => part(() => getCustomer(api, id))))
  return new Map(found.flatMap((p, i) => p.ok && typeof p.value?.name === 'string' ? [[ids[i]!, p.value.name] as const] : []))
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
      return notFound(
        `No calls match "${search}".`,
        'The log search matches a number, a Call-ID or an IP exactly as the switch saw it; logs cover recent days only.',
        [nextStep('searchCallLogs', { search: search.replace(/^(\+|00)/, '') }, 'Try the number without + or 00, or only its last digits.')]
      )
    }
    const calls = entries.map(e => e.routing).toSorted((a, b) => (b.start_time ?? 0) - (a.start_time ?? 0))
    const page = paginate(calls, cursor, limit)
    const answered = calls.filter(c => c.sip_code === 200).length
    const failed = calls.filter(c => c.sip_code !== 200)
    const capped = entries.length >= LOG_SEARCH_CAP
    const firstFailed = page.items.find(c => c.sip_code !== 200)
    // A cursor past the end is an empty last page: then there is no call to suggest.
    const pick = firstFailed ?? page.items[0]
    const names = await customerNames(api, page.items)

    return {
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
    }
  }
})
