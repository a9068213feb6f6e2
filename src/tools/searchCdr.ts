import { CDR_FIELDS, CDR_MAX_ROWS, chargesByCurrency, prefixRules, queryCdr, type CdrField, type CdrRow, type CdrRule } from '../connexcs/cdr'
import { describeRange, resolveRange } from '../lib/dates'
import { defineTool } from '../lib/defineTool'
import { invalidArgument } from '../lib/errors'
import { formatCount, formatMoney, humanDuration, plural } from '../lib/format'
import { paginate } from '../lib/pagination'
import { nextStep, notFound } from '../lib/result'
import { customerIdParam, cursorParam, digitsParam, endDateParam, limitParam, providerIdParam, startDateParam } from '../lib/sharedParams'
import { accountName, resolveFilters } from './shared/accounts'

const DEFAULT_FIELDS: CdrField[] = ['dt', 'callid', 'dest_cli', 'dest_number', 'duration', 'customer_id', 'provider_id', 'customer_charge', 'customer_card_currency']
// Always fetched, for the totals, whatever fields the caller wants to see.
const TOTAL_FIELDS: CdrField[] = ['duration', 'customer_charge', 'customer_card_currency']

function parseFields (text: string | undefined): CdrField[] {
  if (text === undefined) return DEFAULT_FIELDS
  const names = text.split(',').map(f => f.trim()).filter(f => f !== '')
  const unknown = names.filter(f => !(f in CDR_FIELDS))
  if (unknown.length > 0 || names.length === 0) {
    throw invalidArgument('fields', `fields must be a comma-separated list of ${Object.keys(CDR_FIELDS).join(', ')}; unknown: ${unknown.join(', ') || '(empty)'}`)
  }
  return [...new Set(names)] as CdrField[]
}

function totalsOf (rows: CdrRow[]): { billed_s: number, answered: number, acd_s: number | null, charges: Record<string, number> } {
  let billed = 0
  let answered = 0
  for (const row of rows) {
    const duration = Number(row.duration ?? 0)
    billed += duration
    if (duration > 0) answered++
  }
  return { billed_s: Math.round(billed), answered, acd_s: answered === 0 ? null : Math.round(billed / answered), charges: chargesByCurrency(rows) }
}

/** `searchCdr`: completed calls by date range and filters. */
export const searchCdr = defineTool({
  name: 'searchCdr',
  title: 'Search CDRs',
  description: 'Search CDRs (connected, billed calls) by date range and filters: customer, carrier, CLI, dialled number ' +
    'or prefix, duration range, SIP code. Returns totals (calls, billed time, ACD, charges by currency) and rows with ' +
    'the fields asked for, newest first, paginated. For failed attempts use searchCallLogs or getCallAnalytics.',
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
    limit: limitParam(25, 50),
    cursor: cursorParam
  },
  async handler (args, ctx) {
    const range = resolveRange(args.start_date, args.end_date, ctx.nowMs, 1, 31)
    if (args.min_duration !== undefined && args.max_duration !== undefined && args.max_duration < args.min_duration) {
      throw invalidArgument('max_duration', `max_duration ${args.max_duration} is below min_duration ${args.min_duration}`)
    }
    const fields = parseFields(args.fields)
    const who = await resolveFilters(ctx.api, args, { tool: 'searchCdr', args })
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

    const rows = await queryCdr(ctx.api, {
      field: [...new Set([...fields, ...TOTAL_FIELDS])],
      where: { rules },
      limit: CDR_MAX_ROWS,
      order: [{ field: 'dt', direction: 'DESC' }]
    })
    const filters = Object.fromEntries(Object.entries({
      customer_id: who.customer?.id, provider_id: who.carrier?.id, cli: args.cli, dest_number: args.dest_number,
      dest_prefix: args.dest_prefix, min_duration: args.min_duration, max_duration: args.max_duration, sip_code: args.sip_code
    }).filter(([, v]) => v !== undefined))
    // A customer or carrier found by name is named.
    const filterText = (k: string, v: unknown): string => k === 'customer_id' && who.customer?.name !== undefined
      ? `customer ${accountName(who.customer)}`
      : k === 'provider_id' && who.carrier?.name !== undefined ? `carrier ${accountName(who.carrier)}` : `${k} ${v}`
    const scope = `${describeRange(range)}${Object.keys(filters).length === 0 ? '' : ` (${Object.entries(filters).map(([k, v]) => filterText(k, v)).join(', ')})`}`
    if (rows.length === 0) {
      return notFound(`No CDRs for ${scope}.`,
        'CDRs hold connected calls only, in UTC days; a failed or unanswered attempt has no CDR.',
        [nextStep('searchCallLogs', { search: args.dest_number ?? args.cli ?? args.dest_prefix }, 'Failed attempts are in the call log.')]
          .filter(step => Object.keys(step.args).length > 0),
        { range: { start_date: range.start_date, end_date: range.end_date }, filters })
    }

    const capped = rows.length >= CDR_MAX_ROWS
    const totals = totalsOf(rows)
    const page = paginate(rows, args.cursor, args.limit)
    const shown = page.items.map(row => Object.fromEntries(fields.map(f => [f, row[f] ?? null])))
    const newest = page.items[0]?.callid

    return {
      summary: `${capped ? 'At least ' : ''}${plural(rows.length, 'call')} for ${scope}: ${humanDuration(totals.billed_s * 1000)} billed` +
        `${totals.acd_s === null ? '' : `, ACD ${humanDuration(totals.acd_s * 1000)}`}, charges ${formatMoney(totals.charges)}.` +
        (capped ? ` The API returns at most ${formatCount(CDR_MAX_ROWS)} rows: totals cover the newest ${formatCount(CDR_MAX_ROWS)}; narrow the range or add a filter.` : ''),
      range: { start_date: range.start_date, end_date: range.end_date },
      filters,
      total: rows.length,
      ...(capped ? { total_is_lower_bound: true } : {}),
      totals,
      calls: shown,
      ...(page.next_cursor === undefined ? {} : { next_cursor: page.next_cursor }),
      next_steps: [
        ...(typeof newest === 'string' ? [nextStep('getSipTrace', { callid: newest }, 'SIP flow of the newest call (traces are kept 7 days).')] : []),
        ...(page.next_cursor === undefined ? [] : [nextStep('searchCdr', { ...args, cursor: page.next_cursor }, 'Next page.')])
      ]
    }
  }
})
