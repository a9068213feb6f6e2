import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ApiBackend, ApiRequest } from '../../platform/backend'
import { logEntry } from '../../platform/switch/api'
import { cdrRows } from '../../platform/switch/cdr'
import { connexcs } from '../../src/connexcs/client'
import { daysOf, scanAccount } from '../../src/connexcs/accountScan'
import {
  callProfit, cdrCallRecord, cdrToEnd, fetchHourlyReport, fetchTrafficReport, logCallRecord, moneyMap, nameText, topCdr, topCdrByProfit, type Period
} from '../../src/connexcs/reports'
import { installBridge, testSwitch } from '../helpers/platform'

/** The report fetchers against the simulated switch: whole periods, paged, counted in round trips. */

const sw = testSwitch()
const DAY = 86_400_000
const sql = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').slice(0, 19)
const FIRST = Math.floor((sw.data.now_ms - 30 * DAY) / DAY) * DAY
const MONTH: Period = { from: sql(FIRST), to: sql(FIRST + 31 * DAY - 1000) }
let requests: ApiRequest[] = []

/** Points the client at `backend`, recording every request. */
function use (backend: ApiBackend): void {
  requests = []
  installBridge(request => {
    requests.push(request)
    return backend(request)
  })
}

beforeAll(() => {
  process.env.API_USERNAME = 'test@example.com'
})
afterAll(() => {
  delete process.env.API_USERNAME
})

describe('fetchTrafficReport', () => {
  it('reads every money column per currency and pages to the last row', async () => {
    use(sw.api)
    const whole = await fetchTrafficReport(connexcs(), { period: MONTH, groupBy: ['customer_id', 'provider_id'] })
    expect([whole.complete, whole.round_trips]).toEqual([true, 1])
    const paged = await fetchTrafficReport(connexcs(), { period: MONTH, groupBy: ['customer_id', 'provider_id'], pageRows: 50, maxPages: 20 })
    expect(paged.rows).toEqual(whole.rows)
    expect(paged.round_trips).toBe(Math.floor(whole.rows.length / 50) + 1)
    const cut = await fetchTrafficReport(connexcs(), { period: MONTH, groupBy: ['customer_id', 'provider_id'], pageRows: 50, maxPages: 2 })
    expect([cut.rows.length, cut.complete, cut.round_trips]).toEqual([100, false, 2])
    const answered = cdrRows(sw.data).filter(r => String(r.dt) >= MONTH.from)
    expect(whole.rows.reduce((s, r) => s + r.connected, 0)).toBe(answered.length)
    const usd = answered.filter(r => r.customer_card_currency === 'USD').reduce((s, r) => s + (r.customer_charge as number), 0)
    expect(whole.rows.reduce((s, r) => s + (r.customer_charge.USD ?? 0), 0)).toBeCloseTo(usd, 2)
    const refused = whole.rows.filter(r => r.provider_id === 0)
    expect(refused.every(r => r.refused === r.attempts - r.connected)).toBe(true)
    expect(whole.rows.filter(r => r.provider_id !== 0).every(r => r.refused === 0)).toBe(true)
  })

  it('reads the API\'s shapes: currency maps, nested name arrays', () => {
    expect(moneyMap({ GBP: 11.74, USD: '2.5', EUR: 0 })).toEqual({ GBP: 11.74, USD: 2.5 })
    expect([moneyMap(3), moneyMap(null), moneyMap('')]).toEqual([{ '?': 3 }, {}, {}])
    expect([nameText([['', 'UK - Mobile']]), nameText([['A'], ['B', 'A']]), nameText('Cuba'), nameText(null)]).toEqual(['UK - Mobile', 'A, B', 'Cuba', ''])
  })
})

describe('fetchHourlyReport', () => {
  it('groups by hour on the simulated switch', async () => {
    use(sw.api)
    const hourly = await fetchHourlyReport(connexcs(), { period: { from: '2026-11-23 00:00:00', to: '2026-11-23 23:59:59' }, groupBy: ['provider_id'] })
    expect(hourly.available).toBe(true)
    if (!hourly.available) return
    const crown = sw.data.scenarios.find(s => s.id === 'carrier_outage')!
    expect(hourly.rows.find(r => r.provider_id === crown.provider_id && r.hour === '2026-11-23 06:00:00')).toMatchObject({ attempts: crown.facts.attempts, connected: 0 })
  })

  it('says when an API refuses the hour, or answers without it, instead of passing other groups off as hours', async () => {
    use(async () => ({ status: 400, statusText: 'Bad Request', body: JSON.stringify({ error: 'Invalid _rowGroupCols field: hour' }) }))
    const refused = await fetchHourlyReport(connexcs(), { period: MONTH, groupBy: ['provider_id'] })
    expect(refused).toMatchObject({ available: false, why: expect.stringMatching(/^the traffic report refused to group by hour \(.*400.*Invalid _rowGroupCols field: hour/) })
    use(async () => ({ status: 200, statusText: 'OK', body: JSON.stringify([{ provider_id: 311, attempts: 10, connected: 5 }]) }))
    expect(await fetchHourlyReport(connexcs(), { period: MONTH, groupBy: ['provider_id'] })).toEqual({ available: false, why: 'the traffic report answered without an hour column: it does not group by hour', round_trips: 1 })
  })
})

describe('cdrToEnd', () => {
  it('pages a month of CDR by time, every row once, with only >= and <= on dt', async () => {
    use(sw.api)
    const pages = await cdrToEnd(connexcs(), { period: MONTH, fields: ['duration'] })
    const expected = cdrRows(sw.data).filter(r => String(r.dt) >= MONTH.from)
    expect(expected.length).toBeGreaterThan(10_000)
    expect([pages.complete, pages.round_trips]).toEqual([true, Math.ceil(expected.length / 5000)])
    expect(pages.rows.map(r => r.callid).toSorted()).toEqual(expected.map(r => r.callid).toSorted())
    expect(requests.every(r => JSON.stringify((r.body as any).where.rules.map((x: any) => x.condition)) === '[">=","<="]')).toBe(true)
    expect(requests.every(r => (r.body as any).limit === 5000 && (r.body as any).order[0].field === 'dt')).toBe(true)
  })

  it('leaves out the rows of the boundary second it already read, and stops at maxRows saying so', async () => {
    // A fake CDR: 7,000 calls, 3 a second, so every page ends inside a second.
    const rows = Array.from({ length: 7000 }, (_, i) => ({ callid: `c${i}`, dt: sql(FIRST + Math.floor(i / 3) * 1000) }))
    use(async request => {
      const rules = (request.body as any).where.rules
      const from = rules.find((r: any) => r.condition === '>=').data
      return { status: 200, statusText: 'OK', body: JSON.stringify(rows.filter(r => r.dt >= from).slice(0, 5000)) }
    })
    const pages = await cdrToEnd(connexcs(), { period: MONTH, fields: [] })
    expect([pages.rows.length, new Set(pages.rows.map(r => r.callid)).size, pages.complete, pages.round_trips]).toEqual([7000, 7000, true, 2])
    const capped = await cdrToEnd(connexcs(), { period: MONTH, fields: [], maxRows: 6000 })
    expect([capped.rows.length, capped.complete, capped.why]).toEqual([6000, false, 'stopped at 6000 rows'])
  })
})

describe('topCdr and topCdrByProfit', () => {
  it('gives the period\'s most expensive calls first, in one round trip', async () => {
    use(sw.api)
    const rows = await topCdr(connexcs(), { period: MONTH, fields: ['callid', 'customer_card_currency'], sortBy: 'customer_charge', limit: 5 })
    expect(requests).toHaveLength(1)
    const expected = cdrRows(sw.data).filter(r => String(r.dt) >= MONTH.from).toSorted((a, b) => (b.customer_charge as number) - (a.customer_charge as number)).slice(0, 5)
    expect(rows.map(r => r.customer_charge)).toEqual(expected.map(r => r.customer_charge))
    const longest = await topCdr(connexcs(), { period: MONTH, fields: ['callid'], sortBy: 'duration', limit: 3 })
    expect(longest.map(r => r.duration)).toEqual(cdrRows(sw.data).map(r => r.duration as number).toSorted((a, b) => b - a).slice(0, 3))
  })

  it('ranks by profit where a call is billed and paid in one currency, and counts the others', async () => {
    expect(callProfit({ customer_charge: 1.2, customer_card_currency: 'GBP', provider_charge: 0.7, provider_card_currency: 'GBP' })).toEqual({ currency: 'GBP', profit: 0.5 })
    expect(callProfit({ customer_charge: 1.2, customer_card_currency: 'GBP', provider_charge: 0.7, provider_card_currency: 'USD' })).toBeUndefined()
    use(sw.api)
    const top = await topCdrByProfit(connexcs(), { period: MONTH, fields: ['callid'], limit: 3 })
    const same = cdrRows(sw.data).filter(r => String(r.dt) >= MONTH.from && r.customer_card_currency === r.provider_card_currency)
    const best = same.map(r => Math.round(((r.customer_charge as number) - (r.provider_charge as number)) * 1e6) / 1e6).toSorted((a, b) => b - a).slice(0, 3)
    expect(top.rows.map(r => r.profit)).toEqual(best)
    expect(top.mixed_currency).toBe(cdrRows(sw.data).filter(r => String(r.dt) >= MONTH.from).length - same.length)
  })
})

describe('records for the detectors', () => {
  it('reads a CDR row and a call-log entry', () => {
    expect(cdrCallRecord({ callid: 'x', dt: '2026-11-23 06:12:13', customer_id: '105001', dest_cli: '442079460001', dest_number: '18765550123', duration: 7, customer_card_rate: 0.1632, customer_card_dest_name: 'Jamaica' })).toEqual({
      callid: 'x', time: Date.UTC(2026, 10, 23, 6, 12, 13) / 1000, customer_id: 105_001, cli: '442079460001', dest_number: '18765550123', sip_code: 200, duration_s: 7, rate: 0.1632, destination: 'Jamaica'
    })
    const auth = sw.data.calls.find(c => c.scenario === 'auth_failures')!
    const record = logCallRecord((logEntry(auth, sw.data, new Map(sw.data.carriers.map(c => [c.id, c]))) as any).routing)
    expect(record).toEqual({
      callid: auth.callid, time: Math.floor(auth.start_ms / 1000), customer_id: auth.customer_id, cli: auth.cli, dest_number: auth.dest_number,
      sip_code: 503, sip_reason: 'Unknown User', duration_s: null, source_ip: auth.customer_ip, auth_user: 'mapleleaf-old', user_agent: auth.user_agent, card_id: null
    })
  })
})

describe('scanAccount', () => {
  it('fetches the detectors\' input in a few concurrent round trips and names what is partial', async () => {
    use(sw.api)
    const scan = await scanAccount(connexcs(), { period: MONTH })
    // Three traffic reports and two CDR queries; no previous period, so no drift figures.
    expect(scan.round_trips).toBe(5)
    expect(requests).toHaveLength(5)
    expect(scan.partial).toEqual(['no route, malformed and sequential numbers, authentication failures and unknown addresses: no call-log records (the call log is searched by number, Call-ID or IP only)'])
    expect(scan.input.days).toEqual(daysOf(MONTH))
    expect(scan.input.days).toHaveLength(31)
    expect(scan.input.zeroDurationCalls!.length).toBe(cdrRows(sw.data).filter(r => String(r.dt) >= MONTH.from && (r.duration as number) <= 1).length)
    expect(scan.input.carriers).toBeUndefined()
    const week: Period = { from: sql(sw.data.now_ms - 7 * DAY), to: sql(sw.data.now_ms) }
    const withDrift = await scanAccount(connexcs(), { period: week, previous: { from: sql(sw.data.now_ms - 14 * DAY), to: sql(sw.data.now_ms - 7 * DAY - 1000) } })
    expect(withDrift.input.carriers!.current.find(c => c.provider_id === 316)).toMatchObject({ attempts: 951, connected: 349 })
    expect(withDrift.input.carriers!.current.find(c => c.provider_id === 316)!.pdd_ms).toHaveLength(349)
  })
})
