import { balanceOf } from '../analysis/accounts'
import { canonicalIp, cliDigits, matchSipUsers, ownersOf, queryKind, resolveName } from '../analysis/resolve'
import { getCustomerAccount, listClis, listCustomers, listSwitchIps, listSwitchUsers, type CustomerAccount } from '../connexcs/customers'
import type { Connexcs } from '../connexcs/client'
import { defineTool } from '../lib/defineTool'
import { invalidArgument } from '../lib/errors'
import { plural } from '../lib/format'
import { paginate } from '../lib/pagination'
import { part, unreadOf, type Part } from '../lib/parts'
import { nextStep, notFound, partialAnswer, type NextStep, type ToolResult, type Unread } from '../lib/result'
import { cursorParam, limitParam } from '../lib/sharedParams'
import { accountLabel } from './shared/accounts'

/** How a query is searched. */
type SearchBy = 'id' | 'name' | 'sip_user' | 'ip' | 'cli'

/** A customer that matched, and through what (a SIP user, an IP, a CLI) when not its own name or id. */
interface Match {
  customer: CustomerAccount
  via?: string[]
  /** Only its id is known (the customer list failed): no balance to judge. */
  idOnly?: true
}

/** One match as the answer lists it: one compact line of facts. */
function row (m: Match): Record<string, unknown> {
  const c = m.customer
  const balance = m.idOnly === true ? undefined : balanceOf(c)
  return {
    id: c.id,
    name: c.name ?? null,
    status: c.status ?? null,
    currency: c.currency ?? null,
    available: balance?.available ?? null,
    can_call: balance?.can_call ?? null,
    ...(m.via === undefined ? {} : { matched: m.via.slice(0, 3).join(', ') + (m.via.length > 3 ? ` (+${m.via.length - 3})` : '') })
  }
}

/** The way `auto` reads a query. */
function detect (query: string): SearchBy {
  const kind = queryKind(query)
  return kind === 'ipv4' || kind === 'ipv6' ? 'ip' : kind === 'text' ? 'name' : kind
}

/** What a search found; `unread`: a source that failed while the others still gave matches. */
interface Found {
  matches: Match[]
  suggestions: CustomerAccount[]
  why: string
  unread?: Unread[]
}

async function byName (api: Connexcs, query: string): Promise<Found> {
  const filtered = await listCustomers(api, { name: query })
  let resolution = resolveName(query, filtered, { maxCandidates: 1000 })
  if (resolution.found === false) resolution = resolveName(query, await listCustomers(api), { maxCandidates: 1000 })
  if (resolution.found === true) return { matches: [{ customer: resolution.match }], suggestions: [], why: '' }
  if (resolution.found === 'ambiguous') return { matches: resolution.candidates.map(customer => ({ customer })), suggestions: [], why: '' }
  return { matches: [], suggestions: resolution.suggestions, why: resolution.why }
}

/**
 * Owners of identity records (SIP users, IPs, CLIs), from one list of customers: no request per
 * match. Without the list (it failed), each owner is its company id alone, and the answer says so.
 */
function owners<R extends { company_id?: unknown }> (records: R[], customers: Part<CustomerAccount[]>, label: (r: R) => string): Pick<Found, 'matches' | 'unread'> {
  if (customers.ok) return { matches: ownersOf(records, customers.value).owners.map(o => ({ customer: o.customer, via: o.records.map(label) })) }
  const byOwner = new Map<number, R[]>()
  for (const r of records) {
    const id = Number(r.company_id)
    if (Number.isInteger(id) && id > 0) byOwner.set(id, [...(byOwner.get(id) ?? []), r])
  }
  return {
    matches: [...byOwner].map(([id, rs]) => ({ customer: { id }, via: rs.map(label), idOnly: true as const })),
    unread: unreadOf([['the customer list (names, status and balance)', customers]])
  }
}

async function search (api: Connexcs, by: SearchBy, query: string): Promise<Found> {
  switch (by) {
    case 'id': {
      if (!/^\d+$/.test(query)) throw invalidArgument('query', `search_type 'id' takes a numeric customer id; got "${query}"`)
      const customer = await getCustomerAccount(api, query)
      if (customer !== undefined) return { matches: [{ customer }], suggestions: [], why: '' }
      const near = resolveName(query, await listCustomers(api))
      return { matches: [], suggestions: near.found === false ? near.suggestions : [], why: `no customer has id ${query}` }
    }
    case 'name': return byName(api, query)
    case 'sip_user': {
      const [users, customers] = await Promise.all([listSwitchUsers(api), part(() => listCustomers(api))])
      const found = matchSipUsers(query, users)
      return { ...owners(found.users, customers, u => `SIP user ${u.username}`), suggestions: [], why: `no SIP user is or contains "${query}"` }
    }
    case 'ip': {
      const ip = canonicalIp(query)
      if (ip === undefined) throw invalidArgument('query', `"${query}" is not an IPv4 or IPv6 address`)
      const [ips, customers] = await Promise.all([listSwitchIps(api, { ip }), part(() => listCustomers(api))])
      return { ...owners(ips, customers, r => `IP ${r.ip}`), suggestions: [], why: `no customer has ${ip} among its authorised IPs` }
    }
    case 'cli': {
      const digits = cliDigits(query)
      if (!/^\d{3,20}$/.test(digits)) throw invalidArgument('query', `"${query}" is not a phone number (digits, optionally + or 00 first)`)
      const [clis, customers] = await Promise.all([listClis(api, { cli: digits }), part(() => listCustomers(api))])
      return { ...owners(clis, customers, r => `CLI ${r.cli}`), suggestions: [], why: `no customer has the CLI ${digits}` }
    }
  }
}

/** `searchCustomers`: customers by name, id, SIP user, IP or CLI. */
export const searchCustomers = defineTool({
  name: 'searchCustomers',
  title: 'Search customers',
  description: 'Find customers by name (partial, any case), id, SIP username, IP address (IPv4/IPv6) or CLI; search_type auto ' +
    'detects which. Each match: id, name, status, currency, available balance. Paginated. Then getCustomer for one account.',
  example: 'Which customer owns 203.0.113.14? And who are the Acme customers?',
  readOnly: true,
  selfTest: {
    needs: 'customer',
    args: ({ customer }) => ({ query: String(customer.customer_id) }),
    expect: { customers: 'array' }
  },
  params: {
    query: { type: 'string', description: 'Name or part of it, numeric id, SIP username, IP address, or phone number (CLI).', required: true, maxLength: 100 },
    search_type: { type: 'string', description: 'What query is; auto detects it (a name that matches nothing is also tried as a SIP user).', enum: ['auto', 'id', 'name', 'sip_user', 'ip', 'cli'], default: 'auto' },
    limit: limitParam(10, 50),
    cursor: cursorParam
  },
  async handler (args, ctx): Promise<ToolResult> {
    const query = args.query
    let by: SearchBy = args.search_type === 'auto' ? detect(query) : args.search_type as SearchBy
    let result = await search(ctx.api, by, query)
    // A word that names no customer may be a SIP user's name.
    if (args.search_type === 'auto' && by === 'name' && result.matches.length === 0) {
      const users = await search(ctx.api, 'sip_user', query)
      if (users.matches.length > 0) [by, result] = ['sip_user', users]
    }
    const unread = result.unread ?? []
    if (result.matches.length === 0) {
      const steps: NextStep[] = result.suggestions.slice(0, 3).map(s => nextStep('getCustomer', { customer_id: s.id }, `If you meant ${s.name ?? s.id}.`))
      if (by === 'ip') steps.push(nextStep('searchCarriers', { query }, 'The address may be a carrier\'s.'))
      return partialAnswer(notFound(`No customer matches "${query}" (${by.replace('_', ' ')}).${result.suggestions.length === 0 ? '' : ` Did you mean ${result.suggestions.slice(0, 3).map(accountLabel).join(' or ')}?`}`,
        result.why, steps, { search_type: by, query, suggestions: result.suggestions.slice(0, 3).map(customer => row({ customer })) }), unread)
    }
    const page = paginate(result.matches, args.cursor, args.limit)
    const rows = page.items.map(row)
    const first = page.items[0]!.customer
    const shown = page.items.slice(0, 3).map(m => accountLabel(m.customer)).join(', ')
    return partialAnswer({
      summary: `${plural(result.matches.length, 'customer')} match "${query}" (${by.replace('_', ' ')}): ${shown}${page.items.length > 3 || page.next_cursor !== undefined ? ', …' : ''}.`,
      search_type: by,
      query,
      total: result.matches.length,
      customers: rows,
      ...(page.next_cursor === undefined ? {} : { next_cursor: page.next_cursor }),
      next_steps: [
        nextStep('getCustomer', { customer_id: first.id }, `Balance, top-ups, packages and rate cards of ${first.name ?? first.id}.`),
        ...(page.next_cursor === undefined ? [] : [nextStep('searchCustomers', { ...args, cursor: page.next_cursor }, 'Next page.')])
      ]
    }, unread)
  }
})
