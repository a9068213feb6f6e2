import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ApiBackend, ApiRequest, ApiResponse } from '../../platform/backend'
import { cdrRows } from '../../platform/switch/cdr'
import { HARD_CAP_BYTES } from '../../src/lib/bounded'
import { searchCdr } from '../../src/tools/searchCdr'
import { installBridge, runInNode, testSwitch } from '../helpers/platform'
import { bothRunners, nodeRunner } from './runners'

let sent: ApiRequest[]

function answer (rows: unknown[] | ApiResponse): void {
  sent = []
  installBridge(async request => {
    sent.push(request)
    return Array.isArray(rows) ? { status: 200, statusText: 'OK', body: JSON.stringify(rows) } : rows
  })
}

const row = (i: number, extra: Record<string, unknown> = {}) => ({
  dt: `2026-11-24 10:${String(59 - i).padStart(2, '0')}:00`, callid: `c${i}`, dest_cli: '442079460001', dest_number: '447700900123',
  duration: 60 + i, customer_id: 105979, provider_id: 311, customer_charge: 0.5, customer_card_currency: 'GBP', ...extra
})

beforeEach(() => {
  process.env.API_USERNAME = 'test@example.com'
})

afterEach(() => {
  delete process.env.API_USERNAME
})

describe('searchCdr', () => {
  it('sends one structured query with every filter as a rule', async () => {
    answer([])
    await runInNode(searchCdr, {
      start_date: '2026-11-20', end_date: '2026-11-24', customer_id: 105979, provider_id: 311, cli: '+442079460001',
      dest_prefix: '447', min_duration: 6, max_duration: 600, sip_code: 200, fields: 'dt, callid,duration'
    })
    expect(sent).toHaveLength(1)
    expect(sent[0]!.method).toBe('POST')
    expect(sent[0]!.path).toBe('cdr')
    expect(sent[0]!.body).toEqual({
      field: ['dt', 'callid', 'duration', 'customer_charge', 'customer_card_currency'],
      where: {
        rules: [
          { field: 'dt', condition: '>=', data: '2026-11-20 00:00:00' },
          { field: 'dt', condition: '<=', data: '2026-11-24 23:59:59' },
          { field: 'customer_id', condition: '=', data: 105979 },
          { field: 'provider_id', condition: '=', data: 311 },
          { field: 'dest_cli', condition: '=', data: '442079460001' },
          { field: 'sip_code', condition: '=', data: 200 },
          { field: 'dest_number', condition: '>=', data: '447' },
          { field: 'dest_number', condition: '<', data: '447:' },
          { field: 'duration', condition: '>=', data: 6 },
          { field: 'duration', condition: '<=', data: 600 }
        ]
      },
      limit: 5000,
      order: [{ field: 'dt', direction: 'DESC' }]
    })
  })

  it('sums billed time and charges, and pages the rows with the fields asked for', async () => {
    answer(Array.from({ length: 30 }, (_, i) => row(i, i === 29 ? { customer_charge: 1.25, customer_card_currency: 'USD' } : {})))
    const { result, isError } = await runInNode(searchCdr, { start_date: '2026-11-24', dest_number: '447700900123', limit: 2, fields: 'callid,duration' })
    expect(isError).toBe(false)
    expect(result).toEqual({
      summary: '30 calls for 2026-11-24 (dest_number 447700900123): 37 min 15 s billed, ACD 1 min 15 s, charges GBP 14.50, USD 1.25.',
      range: { start_date: '2026-11-24', end_date: '2026-11-24' },
      filters: { dest_number: '447700900123' },
      total: 30,
      totals: { answered: 30, zero_duration: 0, billed_s: 2235, acd_s: 75, charges: { GBP: 14.5, USD: 1.25 } },
      calls: [{ callid: 'c0', duration: 60 }, { callid: 'c1', duration: 61 }],
      next_cursor: 'o2',
      next_steps: [
        { tool: 'getSipTrace', args: { callid: 'c0' }, why: 'SIP flow of the newest call (traces are kept 7 days).' },
        { tool: 'searchCdr', args: { start_date: '2026-11-24', dest_number: '447700900123', limit: 2, fields: 'callid,duration', cursor: 'o2' }, why: 'Next page.' }
      ]
    })
  })

  it('says when the API limit cut the rows, and stays small', async () => {
    answer(Array.from({ length: 5000 }, (_, i) => row(i % 60)))
    const { result, bytes } = await runInNode(searchCdr, { start_date: '2026-11-01', end_date: '2026-11-30', limit: 50 })
    expect(result.summary).toMatch(/^At least 5,000 calls for 2026-11-01 to 2026-11-30: .* The API returns at most 5,000 rows: totals cover the newest 5,000; narrow the range or add a filter\.$/)
    expect(result.total_is_lower_bound).toBe(true)
    expect(result.calls).toHaveLength(50)
    expect(result.truncated).toBeUndefined()
    expect(bytes).toBeLessThan(12_000)
  })

  it('stays under the cap with 100,000 rows behind the query, in Node and in QuickJS, and says how to narrow', async () => {
    const rows = Array.from({ length: 100_000 }, (_, i) => row(i % 60, { callid: `c${i}` }))
    // As the API does, at most the query's limit; and once an answer that ignores it.
    const honest: ApiBackend = async request => ({ status: 200, statusText: 'OK', body: JSON.stringify(rows.slice(0, (request.body as { limit: number }).limit)) })
    const careless: ApiBackend = async () => ({ status: 200, statusText: 'OK', body: JSON.stringify(rows) })
    for (const runner of [...bothRunners(honest), nodeRunner(careless)]) {
      const { result, bytes } = await runner.call(searchCdr, { start_date: '2026-11-01', end_date: '2026-11-30', limit: 50, fields: 'dt,callid,dest_cli,dest_number,duration,customer_id,provider_id,customer_charge,customer_card_currency,customer_card_dest_name,sip_code,release_reason' })
      expect(bytes).toBeLessThan(HARD_CAP_BYTES)
      expect([result.total, result.total_is_lower_bound, result.calls.length, result.next_cursor, result.truncated]).toEqual([5000, true, 50, 'o50', undefined])
      expect(result.summary).toMatch(/ The API returns at most 5,000 rows: totals cover the newest 5,000; narrow the range or add a filter\.$/)
    }
  })

  it('explains an empty answer', async () => {
    answer([])
    const { result } = await runInNode(searchCdr, { start_date: '2026-11-24', cli: '442079460001' })
    expect(result).toEqual({
      summary: 'No CDRs for 2026-11-24 (cli 442079460001).',
      found: false,
      why: 'CDRs hold connected calls only, in UTC days; a failed or unanswered attempt has no CDR.',
      range: { start_date: '2026-11-24', end_date: '2026-11-24' },
      filters: { cli: '442079460001' },
      next_steps: [{ tool: 'searchCallLogs', args: { search: '442079460001' }, why: 'Failed attempts are in the call log.' }]
    })
  })

  it('names the parameter that is wrong', async () => {
    answer([])
    const cases: [Record<string, unknown>, string, string][] = [
      [{ start_date: '2026-11-24', end_date: '2026-11-20' }, 'end_date', 'end_date 2026-11-20 is before start_date 2026-11-24; give an end_date on or after start_date'],
      [{ start_date: '2026-01-01', end_date: '2026-03-01' }, 'start_date', 'the range 2026-01-01 to 2026-03-01 is 60 days; this tool takes at most 31 days: move start_date later or end_date earlier'],
      [{ min_duration: 60, max_duration: 10 }, 'max_duration', 'max_duration 10 is below min_duration 60'],
      [{ fields: 'callid,price' }, 'fields', expect.stringContaining('unknown: price') as unknown as string],
      [{ dest_prefix: '44-7' }, 'dest_prefix', 'dest_prefix must be digits only (a leading + is allowed), e.g. 447700900123; got the string "44-7".']
    ]
    for (const [args, parameter, message] of cases) {
      const { result, isError } = await runInNode(searchCdr, args)
      expect(isError).toBe(true)
      expect(result.error).toEqual({ type: 'invalid_argument', parameter, message })
    }
    expect(sent).toHaveLength(0)
  })
})

describe('searchCdr sorted (the top calls)', () => {
  const sw = testSwitch()
  const month = cdrRows(sw.data).filter(r => String(r.dt) >= '2026-11-01 00:00:00')
  const names = new Map(sw.data.customers.map(c => [c.id, c.name]))

  it('gives the period\'s most expensive calls first, with the customer\'s and the carrier\'s names, in Node and in QuickJS', async () => {
    // The switch's own CDR, ranked here: the five largest charges of November, as billed.
    const top = month.toSorted((a, b) => Number(b.customer_charge) - Number(a.customer_charge)).slice(0, 5)
    for (const runner of bothRunners(sw.api)) {
      const { result, isError } = await runner.call(searchCdr, { start_date: '2026-11-01', end_date: '2026-11-24', sort_by: 'charge', limit: 5 })
      expect(isError).toBe(false)
      expect(result.calls.map((c: { customer_charge: number }) => c.customer_charge)).toEqual(top.map(r => r.customer_charge))
      expect(result.calls[0].callid).toBe(top[0]!.callid)
      expect(result.calls[0]).toMatchObject({ customer_id: top[0]!.customer_id, customer_name: names.get(Number(top[0]!.customer_id)), carrier_name: sw.data.carriers.find(c => c.id === top[0]!.provider_id)!.name })
      expect(result.sorted).toEqual({ by: 'charge', order: 'desc' })
      expect(result.summary).toMatch(/^At least 5,000 calls for 2026-11-01 to 2026-11-24: .*\. Most charged first\. The API returns at most 5,000 rows: totals cover the most charged 5,000; narrow the range or add a filter\.$/)
      expect(result.notes).toEqual(['charges are compared as billed, each in its own currency (EUR, GBP, USD): not converted'])
      expect(result.next_steps[0]).toEqual({ tool: 'getSipTrace', args: { callid: top[0]!.callid }, why: 'SIP flow of the first call listed (traces are kept 7 days).' })
      expect(result.next_steps[1].args).toMatchObject({ sort_by: 'charge', order: 'desc', cursor: 'o5' })
    }
  })

  it('says first that names are missing when a list could not be read', async () => {
    const down: ApiBackend = async request => request.path.startsWith('customer') ? { status: 500, statusText: 'Internal Server Error', body: '{"error":"down"}' } : await sw.api(request)
    const { result, isError } = await nodeRunner(down).call(searchCdr, { start_date: '2026-11-24', sort_by: 'charge', limit: 3 })
    expect(isError).toBe(false)
    expect(result.summary).toMatch(/^Partial: the customer list could not be read \(The ConnexCS API \(GET customer\) .*\), so names are missing\. \S+ calls for 2026-11-24: /)
    expect(result.calls[0].customer_name).toBeUndefined()
    expect(typeof result.calls[0].carrier_name).toBe('string')
  })

  it('ranks by profit over every call of the period where the charge and the cost are in one currency, and by duration either way', async () => {
    const week = month.filter(r => String(r.dt) >= '2026-11-18 00:00:00')
    const profits = week.filter(r => r.customer_card_currency === r.provider_card_currency)
      .map(r => ({ callid: r.callid, profit: Math.round((Number(r.customer_charge) - Number(r.provider_charge)) * 1e6) / 1e6 }))
      .sort((a, b) => b.profit - a.profit)
    const { result } = await nodeRunner(sw.api).call(searchCdr, { start_date: '2026-11-18', end_date: '2026-11-24', sort_by: 'profit', limit: 3 })
    expect(result.calls.map((c: { profit: number }) => c.profit)).toEqual(profits.slice(0, 3).map(p => p.profit))
    expect(result.total).toBe(week.length)
    expect(result.notes).toEqual([`${(week.length - profits.length).toLocaleString('en')} calls billed and paid in different currencies have no profit without a rate, and are not ranked`])
    const shortest = await nodeRunner(sw.api).call(searchCdr, { start_date: '2026-11-18', end_date: '2026-11-24', sort_by: 'duration', order: 'asc', limit: 3, fields: 'callid,duration' })
    expect(shortest.result.calls.map((c: { duration: number }) => c.duration)).toEqual(week.map(r => Number(r.duration)).sort((a, b) => a - b).slice(0, 3))
    expect(shortest.result.summary).toMatch(/ Shortest first\.$/)
  })
})
