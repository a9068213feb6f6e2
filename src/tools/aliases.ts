/**
 * The existing JavaScript server's tool names and parameter names, kept working: users have
 * prompts, tests and habits built on them. Each old name answers through the tool that does its
 * job now; aliases are not listed in `tools/list` (they would cost every client context), only
 * in the README.
 */

/** How one old tool name reaches the tool that does its job now. */
export interface ToolAlias {
  /** The tool that answers. */
  tool: string
  /** Old parameter name → new parameter name, for the names the tool does not know itself. */
  params?: Readonly<Record<string, string>>
  /** Arguments the old tool implied (its grouping, its ranking), applied when the call does not give them. */
  sets?: Readonly<Record<string, string | number | boolean>>
  /** Adjusts values whose meaning changed (after the renames and `sets`); drops old parameters that mean nothing now. */
  convert?: (args: Record<string, unknown>) => Record<string, unknown>
  /** What `convert` does, in a few words, for the README's alias table. */
  note?: string
}

/** A page size the old tool accepted beyond the new page's maximum: the new tool pages the rest. */
function capLimit (max: number) {
  return (args: Record<string, unknown>): Record<string, unknown> =>
    typeof args.limit === 'number' && args.limit > max ? { ...args, limit: max } : args
}

/** Several conversions, one after the other. */
function all (...steps: ((args: Record<string, unknown>) => Record<string, unknown>)[]) {
  return (args: Record<string, unknown>): Record<string, unknown> => steps.reduce((a, step) => step(a), args)
}

/** Drops old parameters that the new tool answers without (its answer holds what they selected). */
function drop (...names: string[]) {
  return (args: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(Object.entries(args).filter(([k]) => !names.includes(k)))
}

/** Maps old values of one parameter to new ones; other values pass (and the validator names them if wrong). */
function values (name: string, map: Readonly<Record<string, string>>) {
  return (args: Record<string, unknown>): Record<string, unknown> =>
    typeof args[name] === 'string' && Object.hasOwn(map, args[name]) ? { ...args, [name]: map[args[name]] } : args
}

/** Dates the old tools took as timestamps (`2026-11-01T00:00:00Z`, `2026-11-01 00:00:00`): their day. */
function days (args: Record<string, unknown>): Record<string, unknown> {
  const out = { ...args }
  for (const key of ['start_date', 'end_date']) {
    const value = out[key]
    if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(value.trim())) out[key] = value.trim().slice(0, 10)
  }
  return out
}

/** An old row offset as the new tool's cursor. */
function offsetToCursor (args: Record<string, unknown>): Record<string, unknown> {
  const { offset, ...rest } = args
  if (typeof offset !== 'number' || !Number.isInteger(offset) || offset <= 0) return rest
  return { ...rest, cursor: `o${offset}` }
}

/**
 * Old tool name → how it is answered. A name that is also today's tool only translates its old
 * parameter names. Names whose tools are not built yet are not mapped: they answer as unknown.
 */
export const ALIASES: Readonly<Record<string, ToolAlias>> = {
  // `dst` was an exact dialled number in both.
  searchCdr: { tool: 'searchCdr', params: { dst: 'dest_number' }, convert: capLimit(50) },
  // getCallAnalytics had no prefix filter: its exact number is the longest prefix of itself.
  getCallAnalytics: { tool: 'getCallAnalytics', params: { dst: 'dest_prefix' } },
  listRtpServers: { tool: 'listRtpServers', params: { geozone: 'zone' } },
  // The accounts tools of the existing server (its §1.10-1.21), each answered by one of six.
  searchCustomers: { tool: 'searchCustomers', convert: all(values('search_type', { ips: 'ip' }), capLimit(50)), note: '`search_type: ips` → `ip`' },
  getCustomerBalance: { tool: 'getCustomer', params: { customerId: 'customer_id' } },
  getLastTopup: { tool: 'getCustomer', params: { customerId: 'customer_id' } },
  // Its `type` filter (recurring, one-time, free-minutes) is each package's kinds in the answer.
  getCustomerPackages: { tool: 'getCustomer', params: { customerId: 'customer_id' }, convert: drop('type'), note: '`type` dropped: each package lists its kinds' },
  getCustomerRateCards: { tool: 'getCustomer', params: { customerId: 'customer_id' } },
  getRateCardDetails: { tool: 'getRateCard', params: { rateCardId: 'card_id', id: 'card_id' } },
  // include_prefixes: the rules always come, a page at a time.
  getRateCardRules: {
    tool: 'getRateCard',
    params: { rateCardId: 'card_id', activeRev: 'rev', prefix_limit: 'limit' },
    convert: all(offsetToCursor, capLimit(100), drop('include_prefixes')),
    note: '`offset` → `cursor`; `include_prefixes` dropped'
  },
  // Its group_by day, week and month all grouped by day.
  getCustomerProfitability: {
    tool: 'getProfitability',
    sets: { group_by: 'customer' },
    convert: all(values('group_by', { day: 'day', week: 'day', month: 'day' }), days),
    note: '`group_by` day, week or month → `day`'
  },
  // min_profit: the ranking comes sorted, the rest summed.
  listCustomersByProfitability: {
    tool: 'getProfitability',
    params: { sort_order: 'order' },
    sets: { group_by: 'customer' },
    convert: all(
      values('sort_by', { total_profit: 'profit', profit_margin: 'margin', total_revenue: 'revenue', total_cost: 'cost' }),
      offsetToCursor, capLimit(50), drop('min_profit'), days
    ),
    note: '`sort_by` total_profit, profit_margin, total_revenue, total_cost → profit, margin, revenue, cost; `offset` → `cursor`; `min_profit` dropped'
  },
  getCustomerCallStatistics: { tool: 'getProfitability', params: { company_id: 'customer_id' }, sets: { group_by: 'day' }, convert: days },
  // customer_id "all" meant every customer.
  getCustomerDestinationStatistics: {
    tool: 'getProfitability',
    sets: { group_by: 'destination', sort_by: 'attempts' },
    convert: all(args => (String(args.customer_id ?? '').toLowerCase() === 'all' ? drop('customer_id')(args) : args), capLimit(50), days),
    note: '`customer_id: all` = every customer'
  },
  // Same name and parameters; its limit went to 100, a page here holds 25 (next_cursor has the rest).
  searchDocumentation: { tool: 'searchDocumentation', convert: capLimit(25) }
}

/**
 * The tool and arguments an old-style call means: renames the old parameters a tool does not
 * know itself, then converts values. A new name with new parameters comes back unchanged.
 */
export function resolveAlias (
  name: string,
  args: Record<string, unknown>,
  known: (tool: string) => readonly string[] | undefined
): { name: string, args: Record<string, unknown> } {
  const alias = ALIASES[name]
  if (alias === undefined) return { name, args }
  const params = known(alias.tool) ?? []
  // A Map, then own properties: keys such as `__proto__` stay plain keys.
  const out = new Map<string, unknown>()
  for (const [key, value] of Object.entries(args)) {
    const old = Object.hasOwn(alias.params ?? {}, key) && !params.includes(key)
    const to = old ? alias.params![key]! : key
    // A new name given as well wins over its old spelling.
    if (!old || !out.has(to)) out.set(to, value)
  }
  for (const [key, value] of Object.entries(alias.sets ?? {})) if (!out.has(key)) out.set(key, value)
  const renamed = Object.fromEntries(out)
  return { name: alias.tool, args: alias.convert === undefined ? renamed : alias.convert(renamed) }
}
