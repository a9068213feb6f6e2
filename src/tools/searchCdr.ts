import { CDR_FIELDS, CDR_MAX_ROWS, chargesByCurrency, prefixRules, queryCdr, type CdrField, type CdrRow, type CdrRule } from '../connexcs/cdr'
import type { Connexcs } from '../connexcs/client'
import { listCarriers, listCustomers } from '../connexcs/customers'
import { callProfit, cdrToEnd, PROFIT_FIELDS, type Period } from '../connexcs/reports'
import { describeRange, resolveRange } from '../lib/dates'
import { defineTool } from '../lib/defineTool'
import { cdrCounts, ZERO_DURATION_MAX_S, type CdrCounts } from '../lib/callOutcome'
import { invalidArgument } from '../lib/errors'
import { parseFieldList } from '../lib/fields'
import { formatCount, formatMoney, humanDuration, plural } from '../lib/format'
import { paginate } from '../lib/pagination'
import { part, type Part } from '../lib/parts'
import { nextStep, notFound } from '../lib/result'
import { customerIdParam, cursorParam, digitsParam, endDateParam, limitParam, providerIdParam, startDateParam } from '../lib/sharedParams'
import { accountName, resolveFilters } from './shared/accounts'

const DEFAULT_FIELDS: CdrField[] = ['dt', 'callid', 'dest_cli', 'dest_number', 'duration', 'customer_id', 'provider_id', 'customer_charge', 'customer_card_currency']
// Always fetched, for the totals, whatever fields the caller wants to see.
const TOTAL_FIELDS: CdrField[] = ['duration', 'customer_charge', 'customer_card_currency']
/** The CDR field each `sort_by` orders by server-side; `profit` is no CDR field (see {@link rowsByProfit}). */
const SORT_FIELDS = { time: 'dt', charge: 'customer_charge', duration: 'duration' } as const
const SORT_WORDS = { time: ['newest', 'oldest'], charge: ['most charged', 'least charged'], duration: ['longest', 'shortest'], profit: ['most profitable', 'least profitable'] }
/** Rows read to rank by profit: the whole period, page by page. */
const PROFIT_MAX_ROWS = 50_000

type SortBy = keyof typeof SORT_WORDS

/**
 * Rows ranked by profit (customer charge less carrier cost, where both are in one currency): the
 * CDR has no profit column, so every row of the period is read (paged by time) and ranked here;
 * calls billed and paid in different currencies are counted and left out.
 */
async function rowsByProfit (api: Connexcs, period: Period, fields: readonly CdrField[], rules: CdrRule[], order: 'asc' | 'desc') {
  const pages = await cdrToEnd(api, { period, fields: [...fields, ...PROFIT_FIELDS], rules: rules.slice(2), maxRows: PROFIT_MAX_ROWS })
  const sign = order === 'asc' ? 1 : -1
  const scored = pages.rows.map(row => ({ row, p: callProfit(row) }))
  const ranked = scored.filter(s => s.p !== undefined)
    .sort((a, b) => sign * (a.p!.profit - b.p!.profit) || (String(a.row.dt) < String(b.row.dt) ? 1 : -1))
    .map(s => ({ ...s.row, profit: s.p!.profit, profit_currency: s.p!.currency }) as CdrRow & { profit: number, profit_currency: string })
  return { all: pages.rows as CdrRow[], ranked, mixed: scored.length - ranked.length, complete: pages.complete, why: pages.why }
}

/** The arguments, without the sort when it is the default one (newest first), as the AI gave them. */
function nonDefault<A extends { sort_by: string, order: string }> (args: A): Omit<A, 'sort_by' | 'order'> & { sort_by?: string, order?: string } {
  const copy: Record<string, unknown> = { ...args }
  if (args.sort_by === 'time' && args.order === 'desc') {
    delete copy.sort_by
    delete copy.order
  }
  return copy as Omit<A, 'sort_by' | 'order'>
}

/** Customer and carrier names by id, from one list each; a failed list leaves its names out. */
async function namesOf (api: Connexcs, want: { customers: boolean, carriers: boolean }) {
  const [customers, carriers] = await Promise.all([
    want.customers ? part(() => listCustomers(api)) : undefined,
    want.carriers ? part(() => listCarriers(api)) : undefined
  ])
  const map = (p: Part<{ id: number, name?: string }[]> | undefined): Map<number, string> =>
    new Map(p?.ok === true ? p.value.filter(c => typeof c.name === 'string').map(c => [Number(c.id), c.name!]) : [])
  const failed = [{ what: 'the customer list', p: customers }, { what: 'the carrier list', p: carriers }]
    .flatMap(x => x.p?.ok === false ? [{ what: x.what, message: x.p.error.message }] : [])
  return { customers: map(customers), carriers: map(carriers), failed }
}

/** What the rows add up to, with the one definition of answered and zero-duration (src/lib/callOutcome.ts). */
function totalsOf (rows: CdrRow[]): CdrCounts & { charges: Record<string, number> } {
  return { ...cdrCounts(rows), charges: chargesByCurrency(rows) }
}

/** `searchCdr`: completed calls by date range and filters. */
export const searchCdr = defineTool({
  name: 'searchCdr',
  title: 'Search CDRs',
  description: 'Search CDRs (connected, billed calls) by date range and filters: customer, carrier, CLI, dialled number ' +
    'or prefix, duration range, SIP code. Returns totals (calls, billed time, ACD, charges by currency) and rows with ' +
    'the fields asked for and customer and carrier names, paginated: newest first, or sorted by charge, duration or profit ' +
    '("top revenue calls"). For failed attempts use searchCallLogs or getCallAnalytics.',
  example: 'List customer 105979\'s calls to UK mobiles yesterday.',
  readOnly: true,
  selfTest: {
    needs: 'customer',
    args: ({ customer, weekAgo, today }) => ({ start_date: weekAgo, end_date: today, customer_id: customer.customer_id, limit: 5 }),
    expect: { calls: 'array', totals: 'object' },
    mayFindNothing: true
  },
  params: {
    start_date: startDateParam('today'),
    end_date: endDateParam,
    customer_id: customerIdParam,
    provider_id: providerIdParam,
    cli: digitsParam('CLI presented (exact).'),
    dest_number: digitsParam('Number dialled (exact).'),
    dest_prefix: digitsParam('Dialled numbers starting with these digits, e.g. 447 for UK mobiles.'),
    min_duration: { type: 'number', description: 'Shortest billed duration, seconds.', min: 0 },
    max_duration: { type: 'number', description: 'Longest billed duration, seconds.', min: 0 },
    sip_code: { type: 'number', description: 'SIP code of the call, e.g. 200.', integer: true, min: 100, max: 699 },
    fields: { type: 'string', description: `Comma-separated fields to return (default ${DEFAULT_FIELDS.join(',')}); any of ${Object.keys(CDR_FIELDS).join(',')}.`, maxLength: 400 },
    sort_by: {
      type: 'string',
      description: 'Order of the rows: time (default), charge (what the customer paid, as billed), duration, or profit (charge less carrier cost, one currency).',
      enum: ['time', 'charge', 'duration', 'profit'],
      default: 'time'
    },
    order: { type: 'string', description: 'desc (newest, largest first; default) or asc.', enum: ['desc', 'asc'], default: 'desc' },
    limit: limitParam(25, 50),
    cursor: cursorParam
  },
  async handler (args, ctx) {
    const range = resolveRange(args.start_date, args.end_date, ctx.nowMs, 1, 31)
    if (args.min_duration !== undefined && args.max_duration !== undefined && args.max_duration < args.min_duration) {
      throw invalidArgument('max_duration', `max_duration ${args.max_duration} is below min_duration ${args.min_duration}`)
    }
    const fields = parseFieldList(args.fields, CDR_FIELDS, 'fields', DEFAULT_FIELDS)
    const who = await resolveFilters(ctx.api, args, { tool: 'searchCdr', args: nonDefault(args) })
    if (!who.ok) return who.answer
    const digits = (value: string | undefined): string | undefined => value?.replace(/^\+/, '')
    const rules: CdrRule[] = [
      { field: 'dt', condition: '>=', data: range.from },
      { field: 'dt', condition: '<=', data: range.to }
    ]
    const equal = (field: CdrField, value: string | number | undefined): void => {
      if (value !== undefined) rules.push({ field, condition: '=', data: value })
    }
    equal('customer_id', who.customer?.id)
    equal('provider_id', who.carrier?.id)
    equal('dest_cli', digits(args.cli))
    equal('dest_number', digits(args.dest_number))
    equal('sip_code', args.sip_code)
    if (args.dest_prefix !== undefined) rules.push(...prefixRules('dest_number', digits(args.dest_prefix)!))
    if (args.min_duration !== undefined) rules.push({ field: 'duration', condition: '>=', data: args.min_duration })
    if (args.max_duration !== undefined) rules.push({ field: 'duration', condition: '<=', data: args.max_duration })

    const sortBy = args.sort_by as SortBy
    const order = args.order as 'asc' | 'desc'
    const wanted = { customers: fields.includes('customer_id'), carriers: fields.includes('provider_id') }
    const names = wanted.customers || wanted.carriers ? namesOf(ctx.api, wanted) : undefined
    const read = [...new Set([...fields, ...TOTAL_FIELDS])]
    const direction = order === 'asc' ? 'ASC' : 'DESC'
    // The rows shown in order, the rows the totals are over, and whether those are every row of the query.
    let rows: CdrRow[]
    let all: CdrRow[]
    let capped: boolean
    let mixed = 0
    if (sortBy === 'profit') {
      // The first two rules bound dt, which cdrToEnd sets itself as it pages.
      const ranked = await rowsByProfit(ctx.api, { from: range.from, to: range.to }, read, rules.slice(2), order)
      rows = ranked.ranked
      all = ranked.all
      capped = !ranked.complete
      mixed = ranked.mixed
    } else {
      rows = await queryCdr(ctx.api, {
        field: read,
        where: { rules },
        limit: CDR_MAX_ROWS,
        order: [{ field: SORT_FIELDS[sortBy], direction }, ...(sortBy === 'time' ? [] : [{ field: 'dt' as const, direction: 'DESC' as const }])]
      })
      all = rows
      capped = rows.length >= CDR_MAX_ROWS
    }
    const filters = Object.fromEntries(Object.entries({
      customer_id: who.customer?.id, provider_id: who.carrier?.id, cli: args.cli, dest_number: args.dest_number,
      dest_prefix: args.dest_prefix, min_duration: args.min_duration, max_duration: args.max_duration, sip_code: args.sip_code
    }).filter(([, v]) => v !== undefined))
    // A customer or carrier found by name is named.
    const filterText = (k: string, v: unknown): string => k === 'customer_id' && who.customer?.name !== undefined
      ? `customer ${accountName(who.customer)}`
      : k === 'provider_id' && who.carrier?.name !== undefined ? `carrier ${accountName(who.carrier)}` : `${k} ${v}`
    const scope = `${describeRange(range)}${Object.keys(filters).length === 0 ? '' : ` (${Object.entries(filters).map(([k, v]) => filterText(k, v)).join(', ')})`}`
    if (all.length === 0) {
      return notFound(`No CDRs for ${scope}.`,
        'CDRs hold connected calls only, in UTC days; a failed or unanswered attempt has no CDR.',
        [nextStep('searchCallLogs', { search: args.dest_number ?? args.cli ?? args.dest_prefix }, 'Failed attempts are in the call log.')]
          .filter(step => Object.keys(step.args).length > 0),
        { range: { start_date: range.start_date, end_date: range.end_date }, filters })
    }

    const totals = totalsOf(all)
    const page = paginate(rows, args.cursor, args.limit)
    const named = names === undefined ? undefined : await names
    const shown = page.items.map(row => Object.fromEntries(fields.flatMap(f => {
      const cell: [string, unknown][] = [[f, row[f] ?? null]]
      const name = f === 'customer_id' ? named?.customers.get(Number(row.customer_id)) : f === 'provider_id' ? named?.carriers.get(Number(row.provider_id)) : undefined
      if (name !== undefined) cell.push([f === 'customer_id' ? 'customer_name' : 'carrier_name', name])
      return cell
    }).concat(sortBy === 'profit' ? [['profit', (row as { profit?: number }).profit], ['profit_currency', (row as { profit_currency?: string }).profit_currency]] : [])))
    const first = page.items[0]?.callid
    const words = SORT_WORDS[sortBy][order === 'desc' ? 0 : 1]!
    const plain = sortBy === 'time' && order === 'desc'
    const limitNote = !capped
      ? ''
      : sortBy === 'profit'
        ? ` Ranked over the first ${formatCount(all.length)} calls of the period only (the most read for a profit ranking): narrow the range or add a filter.`
        : ` The API returns at most ${formatCount(CDR_MAX_ROWS)} rows: totals cover the ${words} ${formatCount(CDR_MAX_ROWS)}; narrow the range or add a filter.`
    const currencies = Object.keys(totals.charges).sort()
    const notes = [
      ...(sortBy === 'charge' && currencies.length > 1 ? [`charges are compared as billed, each in its own currency (${currencies.join(', ')}): not converted`] : []),
      ...(mixed > 0 ? [`${plural(mixed, 'call')} billed and paid in different currencies have no profit without a rate, and are not ranked`] : []),
      ...(named === undefined || named.failed.length === 0 ? [] : [`names: not read (${named.failed.map(f => f.message).join('; ')})`])
    ]
    // A list that failed leaves the names out: the first sentence says so.
    const failures = named === undefined || named.failed.length === 0
      ? ''
      : `Partial: ${named.failed.map(f => f.what).join(' and ')} could not be read (${named.failed[0]!.message.slice(0, 140)}), so names are missing. `

    return {
      summary: `${failures}${capped ? 'At least ' : ''}${plural(all.length, 'call')} for ${scope}: ${humanDuration(totals.billed_s * 1000)} billed` +
        `${totals.acd_s === null ? '' : `, ACD ${humanDuration(totals.acd_s * 1000)}`}, charges ${formatMoney(totals.charges)}` +
        `${totals.zero_duration === 0 ? '' : `; ${formatCount(totals.zero_duration)} of at most ${ZERO_DURATION_MAX_S} s (zero-duration)`}.` +
        (plain ? '' : ` ${words.charAt(0).toUpperCase()}${words.slice(1)} first${sortBy === 'profit' ? ` (${plural(rows.length, 'call')} with a profit in one currency)` : ''}.`) +
        limitNote,
      range: { start_date: range.start_date, end_date: range.end_date },
      filters,
      ...(plain ? {} : { sorted: { by: sortBy, order } }),
      total: all.length,
      ...(capped ? { total_is_lower_bound: true } : {}),
      totals,
      ...(notes.length === 0 ? {} : { notes }),
      calls: shown,
      ...(page.next_cursor === undefined ? {} : { next_cursor: page.next_cursor }),
      next_steps: [
        ...(typeof first === 'string'
          ? [nextStep('getSipTrace', { callid: first }, `SIP flow of the ${plain ? 'newest call' : 'first call listed'} (traces are kept 7 days).`)]
          : []),
        ...(page.next_cursor === undefined ? [] : [nextStep('searchCdr', { ...nonDefault(args), cursor: page.next_cursor }, 'Next page.')])
      ]
    }
  }
})
