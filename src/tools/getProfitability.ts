import { currenciesOf, formatMoney, roundMoney, sumMoney, type Money } from '../analysis/money'
import { profitGroups, rankGroups, totalsOf, withAccountMargin, type ProfitGroup, type RankBy } from '../analysis/profitability'
import { getAccountCompany, listCarriers, listCustomers } from '../connexcs/customers'
import { fetchTrafficReport, type ReportGroup, type ReportRow } from '../connexcs/reports'
import { describeRange, resolveRange } from '../lib/dates'
import { defineTool } from '../lib/defineTool'
import { formatAmount, formatCount, plural } from '../lib/format'
import { cursorAt, cursorOffset } from '../lib/pagination'
import { part, unreadOf, valueOf } from '../lib/parts'
import { nextStep, notFound, partialAnswer, type NextStep, type ToolResult } from '../lib/result'
import { customerIdParam, cursorParam, endDateParam, limitParam, providerIdParam, startDateParam } from '../lib/sharedParams'
import { accountName, resolveFilters } from './shared/accounts'

type GroupBy = 'customer' | 'carrier' | 'destination' | 'day'
type SortBy = 'profit' | 'revenue' | 'cost' | 'margin' | 'minutes' | 'attempts'

const COLUMN: Record<GroupBy, ReportGroup> = { customer: 'customer_id', carrier: 'provider_id', destination: 'customer_card_dest_name', day: 'dt' }
const MAX_DAYS = 92
const DEFINITIONS = 'attempts count every carrier try (a call that failed over counts once per carrier) and each call refused before any carrier; ' +
  'ASR = connected / attempts and ACD = seconds / connected, summed over the group (not a mean of means); revenue, cost and net are per currency, ' +
  'never added across currencies; profit is the API\'s own figure in the account\'s currency; margin = profit / revenue in one currency.'

/** What a group is called in the answer. */
function labelOf (by: GroupBy, key: unknown, names: Map<number, string> | undefined): string {
  if (by === 'customer' || by === 'carrier') {
    const id = Number(key)
    if (id === 0) return by === 'customer' ? 'no customer (unknown callers)' : 'no carrier (refused before any, or answered on the switch)'
    return names?.get(id) ?? `${by} ${id}`
  }
  return String(key ?? '') === '' ? (by === 'destination' ? 'no destination (no rule matched)' : '?') : String(key)
}

/** The report rows as the analysis sums them. */
function analysisRow (row: ReportRow, column: ReportGroup): Record<string, unknown> {
  return {
    [column]: row[column],
    attempts: row.attempts,
    connected: row.connected,
    duration: row.duration_s,
    customer_charge: row.customer_charge,
    provider_charge: row.provider_charge,
    account_profit: row.account_profit ?? null
  }
}

/** The figures of a group (or of all, or of the rest), compact. */
function figures (g: Omit<ProfitGroup, 'key'>) {
  return {
    attempts: g.attempts,
    connected: g.connected,
    asr_pct: g.asr_pct,
    acd_s: g.acd_s,
    minutes: g.minutes,
    revenue: g.revenue,
    cost: g.cost,
    net: g.margin.net,
    profit: g.account_profit,
    margin_pct: g.margin.margin_pct,
    ...(g.margin.currency === null ? {} : { margin_currency: g.margin.currency })
  }
}

/** Money rounded to cents for the summary. */
const cents = (m: Money): string => formatMoney(roundMoney(m, 2))

/** `getProfitability`: revenue, cost, profit and margin of a period, grouped and ranked, from the API's own aggregation. */
export const getProfitability = defineTool({
  name: 'getProfitability',
  title: 'Profitability',
  description: 'Revenue, cost, profit and margin over a period (default the last 30 days) by customer, carrier, destination or ' +
    'day, filtered by customer, carrier or destination, ranked by profit, revenue, cost, margin, minutes or attempts: top N, ' +
    'the rest summed. Money per currency, never added; weighted ASR and ACD.',
  example: 'Who were our ten most profitable customers this month? What did Acme Telecom earn us by destination?',
  readOnly: true,
  selfTest: {
    args: ({ weekAgo, today }) => ({ start_date: weekAgo, end_date: today, limit: 5 }),
    expect: { groups: 'array', totals: 'object' },
    mayFindNothing: true
  },
  params: {
    start_date: startDateParam('29 days before end_date (the last 30 days)'),
    end_date: endDateParam,
    group_by: { type: 'string', description: 'One row per customer, carrier, destination (the customer card\'s name) or day.', enum: ['customer', 'carrier', 'destination', 'day'], default: 'customer' },
    customer_id: customerIdParam,
    provider_id: providerIdParam,
    destination: { type: 'string', description: 'Only destinations whose name contains this, e.g. Mobile, Pakistan.', maxLength: 100 },
    sort_by: { type: 'string', description: 'Rank by this (default profit; days come in date order unless given).', enum: ['profit', 'revenue', 'cost', 'margin', 'minutes', 'attempts'] },
    order: { type: 'string', description: 'desc: highest first (default); asc: lowest first (least profitable).', enum: ['desc', 'asc'], default: 'desc' },
    currency: { type: 'string', description: 'Rank revenue, cost or margin in this currency (default the account\'s), e.g. USD.', pattern: { regex: /^[A-Za-z]{3}$/, says: 'a 3-letter currency code, e.g. GBP' } },
    limit: limitParam(10, 50),
    cursor: cursorParam
  },
  async handler (args, ctx): Promise<ToolResult> {
    const range = resolveRange(args.start_date, args.end_date, ctx.nowMs, 30, MAX_DAYS)
    const offset = cursorOffset(args.cursor)
    const by = args.group_by as GroupBy
    const column = COLUMN[by]
    const who = await resolveFilters(ctx.api, args, { tool: 'getProfitability', args })
    if (!who.ok) return who.answer
    const customerId = who.customer?.id
    const providerId = who.carrier?.id
    const api = ctx.api
    const report = part(() => fetchTrafficReport(api, {
      period: { from: range.from, to: range.to },
      groupBy: [column],
      ...(customerId === undefined ? {} : { customer_id: customerId }),
      ...(providerId === undefined ? {} : { provider_id: providerId }),
      ...(args.destination === undefined ? {} : { destination: { match: 'contains', name: args.destination } })
    }))
    const account = part(() => getAccountCompany(api))
    const names = by === 'customer' || by === 'carrier'
      ? part(async () => new Map((by === 'customer' ? await listCustomers(api) : await listCarriers(api)).map(c => [c.id, c.name ?? String(c.id)])))
      : undefined
    const read = await report
    // The figures are the answer: without the report there is nothing to give but the failure.
    if (!read.ok) throw read.error
    const notes: string[] = []
    const company = await account
    const accountCurrency = valueOf(company)?.currency?.toUpperCase()
    if (!company.ok) notes.push('without the account\'s currency, margins use same-currency groups only and profit ranks per currency')
    const namesRead = names === undefined ? undefined : await names
    const nameMap = namesRead === undefined ? undefined : valueOf(namesRead)
    if (namesRead?.ok === false) notes.push(`without the ${by} names, groups are shown by id`)
    // Names and the currency only label and rank the figures: the report alone says whether there was traffic.
    const unread = unreadOf([['the account\'s currency (setup/account)', company], [`the ${by} names`, namesRead]])
    if (!read.value.complete) notes.push(`the report has more rows than the ${formatCount(read.value.rows.length)} read: the figures are a lower bound; narrow the period or add a filter`)

    const scope = [
      who.customer === undefined ? '' : `customer ${accountName(who.customer)}`,
      who.carrier === undefined ? '' : `carrier ${accountName(who.carrier)}`,
      args.destination === undefined ? '' : `destinations "${args.destination}"`
    ].filter(s => s !== '').join(', ')
    const filters = { customer_id: customerId, provider_id: providerId, destination: args.destination }
    const groups = profitGroups(read.value.rows.map(r => analysisRow(r, column)), [column])
      .map(g => (accountCurrency === undefined ? g : withAccountMargin(g, accountCurrency)))
    if (groups.every(g => g.attempts === 0)) {
      return notFound(`No traffic ${scope === '' ? '' : `for ${scope} `}in ${describeRange(range)}.`,
        'The traffic report has no attempt for the period and filters: check the dates (UTC days) and the destination\'s spelling.',
        [nextStep('getProfitability', { group_by: by }, 'The whole account over the last 30 days.')],
        { range: { start_date: range.start_date, end_date: range.end_date }, filters })
    }

    // Money ranks in one currency; profit by the API's account-currency figure when it has one.
    const hasProfit = groups.some(g => g.account_profit !== null)
    const sortBy = (args.sort_by ?? (by === 'day' ? undefined : 'profit')) as SortBy | undefined
    const revenueTotals = sumMoney(groups.map(g => g.revenue))
    const biggest = currenciesOf(revenueTotals).sort((a, b) => revenueTotals[b]! - revenueTotals[a]!)[0]
    const currency = args.currency?.toUpperCase() ?? accountCurrency ?? biggest
    const rankBy: RankBy | undefined = sortBy === undefined ? undefined : sortBy === 'profit' ? (hasProfit && args.currency === undefined ? 'account_profit' : 'profit') : sortBy
    const ordered = rankBy === undefined
      ? { top: groups.toSorted((a, b) => (String(a.key[column]) < String(b.key[column]) ? -1 : 1)), rest: null, unranked: 0 }
      : rankGroups(groups, rankBy, { limit: groups.length, ...(currency === undefined ? {} : { currency }), ascending: args.order === 'asc' })
    const sorted = ordered.top
    // Days in date order: a month at once.
    const limit = by === 'day' && args.sort_by === undefined ? Math.max(args.limit, 31) : args.limit
    const top = sorted.slice(offset, offset + limit)
    const after = sorted.slice(offset + limit)
    const rest = after.length === 0 ? null : { groups: after.length, ...figures(totalsOf(after)) }
    const totals = totalsOf(groups)
    const nameOf = (g: ProfitGroup): string => labelOf(by, g.key[column], nameMap)
    // Customers and carriers are named; a destination or a day is its own name.
    const named = by === 'customer' || by === 'carrier'
    const rows = top.map(g => ({ [column]: g.key[column] ?? null, ...(named ? { name: nameOf(g) } : {}), ...figures(g) }))
    if (ordered.unranked > 0 && rankBy !== undefined) {
      notes.push(`${plural(ordered.unranked, 'group')} ranked last: no ${rankBy === 'account_profit' ? 'profit from the API' : `${sortBy} in ${currency}`} (money in another currency, or costs in several)` +
        `${rankBy === 'account_profit' || args.currency !== undefined ? '' : '; give currency to rank in another one'}`)
    }
    if (!hasProfit) notes.push('the report gave no account_profit: profit is only known per currency (net) and margin for groups in one currency')

    const rankText = rankBy === undefined ? 'in date order' : `by ${sortBy}${rankBy === 'profit' || sortBy === 'revenue' || sortBy === 'cost' || sortBy === 'margin' ? ` in ${currency}` : ''}${args.order === 'asc' ? ', lowest first' : ''}`
    const show = (g: ProfitGroup): string => `${nameOf(g)} ${g.account_profit === null ? cents(g.margin.net) : `${accountCurrency ?? ''} ${formatAmount(g.account_profit)}`.trim()}` +
      `${g.margin.margin_pct === null ? '' : ` (${g.margin.margin_pct} %)`}`
    const profitText = totals.account_profit === null ? `net ${cents(totals.margin.net)}` : `profit ${accountCurrency ?? ''} ${formatAmount(totals.account_profit)}`.replace('  ', ' ')
    const steps: NextStep[] = []
    const first = top[0]
    if (first !== undefined && by === 'customer' && Number(first.key[column]) > 0) {
      steps.push(nextStep('getProfitability', { start_date: range.start_date, end_date: range.end_date, customer_id: Number(first.key[column]), group_by: 'destination' }, `Where ${nameOf(first)} makes or loses money.`))
    }
    if (first !== undefined && by === 'carrier' && Number(first.key[column]) > 0) {
      steps.push(nextStep('getProfitability', { start_date: range.start_date, end_date: range.end_date, provider_id: Number(first.key[column]), group_by: 'destination' }, `What ${nameOf(first)} carried, by destination.`))
    }
    if (rest !== null) steps.push(nextStep('getProfitability', { ...(args as Record<string, string | number>), cursor: cursorAt(offset + limit) }, 'The next groups of the ranking.'))
    if (customerId !== undefined) steps.push(nextStep('getCallAnalytics', { customer_id: customerId }, 'Failure codes and findings of its traffic (last 7 days).'))

    return partialAnswer({
      summary: `${capitalise(by === 'day' ? 'by day' : `by ${by}`)}${scope === '' ? '' : ` for ${scope}`}, ${describeRange(range)}: revenue ${cents(totals.revenue)}; cost ${cents(totals.cost)}; ` +
        `${profitText}. ${plural(groups.length, by === 'day' ? 'day' : `${by === 'destination' ? 'destination' : by}`)}, ${formatCount(totals.connected)} connected of ${formatCount(totals.attempts)} attempts ` +
        `(ASR ${totals.asr_pct ?? '–'} %, ACD ${totals.acd_s ?? '–'} s, ${formatCount(Math.round(totals.minutes))} min). ` +
        `${rankBy === undefined
          ? ''
          : ordered.unranked === groups.length
            ? `None has a ${sortBy === 'profit' ? 'profit' : `${sortBy} in ${currency}`} to rank by (see notes): listed by attempts.`
            : `Top ${rankText}: ${top.slice(0, 3).map(show).join('; ')}${top.length > 3 ? '; …' : ''}.`}` +
            `${read.value.complete ? '' : ' The report was cut: figures are a lower bound.'}`,
      range: { start_date: range.start_date, end_date: range.end_date },
      group_by: by,
      ...(scope === '' ? {} : { filters: Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined)) }),
      ranked: rankText,
      ...(accountCurrency === undefined ? {} : { profit_currency: accountCurrency }),
      complete: read.value.complete,
      totals: { groups: groups.length, ...figures(totals) },
      ...(offset === 0 ? {} : { from_rank: offset + 1 }),
      groups: rows,
      rest,
      ...(notes.length === 0 ? {} : { notes }),
      source: 'traffic report (breakout-aggrid), aggregated by the API',
      definitions: DEFINITIONS,
      ...(rest === null ? {} : { next_cursor: cursorAt(offset + limit) }),
      next_steps: steps
    }, unread)
  }
})

function capitalise (t: string): string {
  return t.charAt(0).toUpperCase() + t.slice(1)
}
