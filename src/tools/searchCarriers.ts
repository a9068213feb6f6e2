import { canonicalIp, queryKind, resolveName } from '../analysis/resolve'
import { getCarrierAccount, listCarriers, type CarrierAccount } from '../connexcs/customers'
import { getCard } from '../connexcs/rateCards'
import { defineTool } from '../lib/defineTool'
import { plural } from '../lib/format'
import { paginate } from '../lib/pagination'
import { part } from '../lib/parts'
import { nextStep, notFound, partialAnswer, type ToolResult } from '../lib/result'
import { cursorParam, limitParam } from '../lib/sharedParams'
import { accountLabel } from './shared/accounts'

/** IPs listed per carrier. */
const FIRST_IPS = 3

function row (c: CarrierAccount): Record<string, unknown> {
  const ips = c.ips ?? []
  return {
    id: c.id,
    name: c.name ?? null,
    status: c.status ?? null,
    currency: c.currency ?? null,
    card_id: c.card_id ?? null,
    ips: ips.slice(0, FIRST_IPS),
    ...(ips.length > FIRST_IPS ? { ip_count: ips.length } : {})
  }
}

/** `searchCarriers`: carriers by name, id or IP. */
export const searchCarriers = defineTool({
  name: 'searchCarriers',
  title: 'Search carriers',
  description: 'Find carriers (providers) by name (partial, any case), id or IP address, or list them all. Each: id, name, status, ' +
    'currency, buy rate card, IPs; one match also shows its card. Use the id as provider_id in other tools.',
  example: 'Which carrier is 198.51.100.20? What do we know about Harbor Telecom?',
  readOnly: true,
  selfTest: {
    args: () => ({}),
    expect: { carriers: 'array' }
  },
  params: {
    query: { type: 'string', description: 'Name or part of it, numeric id, or IP address; leave out to list every carrier.', maxLength: 100 },
    limit: limitParam(20, 50),
    cursor: cursorParam
  },
  async handler (args, ctx): Promise<ToolResult> {
    const query = args.query
    const kind = query === undefined ? 'all' : queryKind(query)
    let matches: CarrierAccount[]
    let suggestions: CarrierAccount[] = []
    let why = ''
    if (query === undefined) {
      matches = await listCarriers(ctx.api)
    } else if (kind === 'ipv4' || kind === 'ipv6') {
      const ip = canonicalIp(query)!
      matches = (await listCarriers(ctx.api)).filter(c => (c.ips ?? []).some(a => canonicalIp(a) === ip))
      why = `no carrier has ${ip} among its IPs`
    } else if (kind === 'id') {
      const carrier = await getCarrierAccount(ctx.api, query)
      matches = carrier === undefined ? [] : [carrier]
      if (carrier === undefined) {
        const near = resolveName(query, await listCarriers(ctx.api))
        suggestions = near.found === false ? near.suggestions : []
        why = `no carrier has id ${query}`
      }
    } else {
      let resolution = resolveName(query, await listCarriers(ctx.api, { name: query }), { maxCandidates: 1000 })
      if (resolution.found === false) resolution = resolveName(query, await listCarriers(ctx.api), { maxCandidates: 1000 })
      matches = resolution.found === true ? [resolution.match] : resolution.found === 'ambiguous' ? resolution.candidates : []
      if (resolution.found === false) [suggestions, why] = [resolution.suggestions, resolution.why]
    }
    if (matches.length === 0) {
      return notFound(`No carrier matches "${query ?? ''}".${suggestions.length === 0 ? '' : ` Did you mean ${suggestions.map(accountLabel).join(' or ')}?`}`,
        query === undefined ? 'the account has no carriers' : why,
        [
          ...suggestions.slice(0, 3).map(s => nextStep('searchCarriers', { query: String(s.id) }, `If you meant ${s.name ?? s.id}.`)),
          ...(kind === 'ipv4' || kind === 'ipv6' ? [nextStep('searchCustomers', { query: query! }, 'The address may be a customer\'s.')] : [])
        ],
        { query: query ?? null, suggestions: suggestions.map(row) })
    }
    const page = paginate(matches, args.cursor, args.limit)
    const only = matches.length === 1 ? matches[0]! : undefined
    // One carrier: its buy card as well, where it helps ("what does it cost us?").
    const card = only?.card_id === undefined ? undefined : await part(() => getCard(ctx.api, only.card_id!))
    const shown = page.items.slice(0, 3).map(accountLabel).join(', ')
    return partialAnswer({
      summary: `${plural(matches.length, 'carrier')}${query === undefined ? '' : ` match "${query}"`}: ${shown}${matches.length > 3 ? ', …' : ''}.`,
      query: query ?? null,
      total: matches.length,
      carriers: page.items.map(row),
      ...(card === undefined
        ? {}
        : card.ok && card.value !== undefined
          ? {
              card: {
                id: card.value.id,
                name: card.value.name ?? null,
                currency: card.value.currency ?? null,
                active_rev: card.value.active_rev ?? null,
                rules: card.value.count ?? null
              }
            }
          : card.ok ? { card_unavailable: `card ${only!.card_id} was not found` } : {}),
      ...(page.next_cursor === undefined ? {} : { next_cursor: page.next_cursor }),
      next_steps: [
        ...(only === undefined ? [] : [nextStep('getProfitability', { provider_id: only.id, group_by: 'destination' }, `What ${only.name ?? only.id} cost and earned, by destination, over the last 30 days.`)]),
        ...(only?.card_id === undefined ? [] : [nextStep('getRateCard', { card_id: only.card_id }, 'Its buy rates.')]),
        ...(page.next_cursor === undefined ? [] : [nextStep('searchCarriers', { ...args, cursor: page.next_cursor }, 'Next page.')])
      ]
    }, card === undefined || card.ok ? [] : [{ source: `its rate card ${only!.card_id}`, error: card.error }])
  }
})
