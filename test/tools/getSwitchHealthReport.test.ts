import DOMPurify from 'dompurify'
import mermaid from 'mermaid'
import { describe, expect, it } from 'vitest'
import type { ApiBackend, ApiRequest } from '../../platform/backend'
import { cdrRows } from '../../platform/switch/cdr'
import { createSwitch } from '../../platform/switch/index'
import { HARD_CAP_BYTES } from '../../src/lib/bounded'
import { getSwitchHealthReport } from '../../src/tools/getSwitchHealthReport'
import { installBridge, nodeContext, NOW_MS, runInNode, SEED, testSwitch } from '../helpers/platform'
import { scenario } from '../helpers/switchApi'
import { bothRunners, nodeRunner } from './runners'

// Mermaid's parser needs no DOM, but its sanitiser does: identity stand-ins (as in test/analysis/xyChart.test.ts).
Object.assign(DOMPurify, { addHook () {}, removeHook () {}, removeHooks () {}, removeAllHooks () {}, sanitize: (text: string) => text })

const sw = testSwitch()
const quiet = createSwitch({ seed: SEED, nowMs: NOW_MS, scenarios: [] })

/** A backend that counts the requests it answers. */
function counted (backend: ApiBackend, sent: ApiRequest[]): ApiBackend {
  return async request => {
    sent.push(request)
    return await backend(request)
  }
}

/** The switch's own CDR over the last 30 days (2026-10-26 to the clock), summed here. */
function cdrTotals (data: typeof sw.data): { answered: number, minutes: number, revenue: Record<string, number> } {
  const rows = cdrRows(data).filter(r => String(r.dt) >= '2026-10-26 00:00:00' && String(r.dt) <= '2026-11-24 23:59:59')
  const revenue: Record<string, number> = {}
  let seconds = 0
  for (const r of rows) {
    seconds += Number(r.duration)
    const currency = String(r.customer_card_currency)
    revenue[currency] = (revenue[currency] ?? 0) + Number(r.customer_charge)
  }
  return { answered: rows.length, minutes: Math.round(seconds / 60 * 100) / 100, revenue: Object.fromEntries(Object.entries(revenue).sort().map(([c, v]) => [c, Math.round(v * 100) / 100])) }
}

type Finding = { severity: string, code: string, title: string, action: string, evidence: Record<string, unknown>, example_callid?: string, about?: string, window?: unknown }

describe.each(bothRunners(sw.api).map((r, i) => [r.name, i] as [string, number]))('getSwitchHealthReport for the last 30 days (%s)', (_name, index) => {
  it('totals the CDR\'s answered calls, minutes and revenue per currency, and finds every problem of the month with its evidence and fix', async () => {
    const sent: ApiRequest[] = []
    const { result, isError, bytes } = await bothRunners(counted(sw.api, sent))[index]!.call(getSwitchHealthReport, { period: 'last_30_days' })
    expect(isError).toBe(false)
    expect(bytes).toBeLessThan(HARD_CAP_BYTES)
    expect(result.truncated).toBeUndefined()
    const cdr = cdrTotals(sw.data)
    expect(cdr.answered).toBe(12_608)
    expect(result.totals).toMatchObject({ answered: cdr.answered, minutes: cdr.minutes, revenue: cdr.revenue, active_customers: 47, active_carriers: 12 })
    // Profit and margin per currency from the CDR's calls sold and bought in one currency, summed here.
    const rows = cdrRows(sw.data).filter(r => String(r.dt) >= '2026-10-26 00:00:00' && String(r.dt) <= '2026-11-24 23:59:59')
    const same = rows.filter(r => r.customer_card_currency === r.provider_card_currency)
    const marginRows = [...new Set(same.map(r => String(r.customer_card_currency)))].sort().map(c => {
      const of = same.filter(r => r.customer_card_currency === c)
      const [revenue, cost] = [of.reduce((s, r) => s + Number(r.customer_charge), 0), of.reduce((s, r) => s + Number(r.provider_charge), 0)]
      const r2 = (v: number): number => Math.round(v * 100) / 100
      return [c, of.length, r2(revenue), r2(cost), r2(revenue - cost), Math.round((revenue - cost) / revenue * 10_000) / 100]
    })
    expect(result.totals.margin_by_currency).toEqual({
      of: `calls sold and bought in one currency (${same.length.toLocaleString('en')} of 12,608 answered); ` +
        `the ${(rows.length - same.length).toLocaleString('en')} others are in profit only (the platform converts them)`,
      columns: ['currency', 'calls', 'revenue', 'cost', 'profit', 'margin_pct'],
      rows: marginRows
    })
    expect(marginRows.map(r => r[0])).toEqual(['EUR', 'GBP', 'USD'])
    expect(result.period).toMatchObject({ start_date: '2026-10-26', end_date: '2026-11-24', days: 30, previous: { start_date: '2026-09-26', end_date: '2026-10-25' } })
    expect(result.summary).toMatch(/^Switch health, 2026-10-26 to 2026-11-24 \(30 days, to 12:00 UTC\): 12,608 answered calls of 26,925 carrier attempts \(ASR 46\.83 %\), 31,104 minutes/)
    expect(result.summary).toContain(`; revenue EUR 58.46, GBP 104.15, USD 218.86 (margin ${marginRows.map(r => `${r[0]} ${r[5]} %`).join(', ')} on calls sold and bought in one currency);`)
    // Titles carry names: the analysis says "Carrier 376", the report the switch's name for it.
    const outageCarrier = sw.data.carriers.find(c => c.id === 376)!.name
    expect(result.summary).toContain(`11 findings, 3 critical: Carrier ${outageCarrier} (376) connected 0 of 18 attempts`)

    const findings = result.findings as Finding[]
    const find = (code: string, test: (f: Finding) => boolean = () => true): Finding => {
      const found = findings.find(f => f.code === code && test(f))
      expect(found, code).toBeDefined()
      expect(found!.action.length, code).toBeGreaterThan(40)
      expect(Object.keys(found!.evidence).length, code).toBeGreaterThan(0)
      return found!
    }
    const outage = scenario(sw, 'carrier_outage')
    expect(find('carrier_outage')).toMatchObject({ severity: 'critical', about: `carrier Crown Fixed Lines (${outage.provider_id})`, evidence: { attempts: outage.facts.attempts, connected: 0 }, window: outage.window })
    const gap = find('routing_gap')
    expect(gap).toMatchObject({ severity: 'critical', about: 'Cuba', evidence: { count: 30, routed_attempts: 0 } })
    expect(scenario(sw, 'routing_gap').calls.map(c => c.callid)).toContain(gap.example_callid)
    const zero = scenario(sw, 'zero_duration')
    expect(find('zero_duration_calls', f => f.about!.includes(`(${zero.customer_id})`)).evidence).toMatchObject({ count: (zero.facts.count as number) + 1 })
    const duplication = scenario(sw, 'prefix_duplication')
    const dup = find('malformed_numbers', f => f.evidence.kind === 'duplicated_country_code')
    expect(dup.about).toContain(`(${duplication.customer_id})`)
    expect(dup.evidence.count).toBe(3)
    const dupName = sw.data.customers.find(c => c.id === duplication.customer_id)!.name
    expect(dup.title).toMatch(new RegExp(`^Customer ${dupName} \\(${duplication.customer_id}\\): 3 calls`))
    expect(duplication.calls.map(c => c.callid)).toContain(dup.example_callid)
    const auth = find('auth_failure_burst')
    expect(auth).toMatchObject({ about: `customer Maple Leaf Telecom (${scenario(sw, 'auth_failures').customer_id}), user mapleleaf-old`, evidence: { count: 12, user_exists: false } })
    expect(scenario(sw, 'auth_failures').calls.map(c => c.callid)).toContain(auth.example_callid)
    // The scanner's calls, counted on the switch: every call from its address in the period (the call log holds them all: 5 days ago).
    const scanner = sw.data.calls.filter(c => c.customer_ip === '192.0.2.201' && c.start_ms >= Date.UTC(2026, 9, 26) && c.start_ms <= NOW_MS)
    expect(scanner.length).toBe(40)
    expect(scanner.every(c => c.customer_id === 0)).toBe(true)
    const named = find('unauthorised_ip', f => f.about === '192.0.2.201')
    expect(named).toMatchObject({
      title: `${scanner.length} calls from 192.0.2.201, which matches no customer (401 IP Not Authorised): a SIP scanner (User-Agent "friendly-scanner"), ${scanner.length} different numbers`,
      action: expect.stringMatching(/^Block 192\.0\.2\.201 at the firewall or in the switch's ACL/),
      evidence: { count: scanner.length, kind: 'scanner', user_agents: ['friendly-scanner'], distinct_numbers: new Set(scanner.map(c => c.dest_number)).size }
    })
    expect(scanner.map(c => c.callid)).toContain(named.example_callid)
    // The traffic report's count of callers matched to no customer in that hour is explained by it, not reported again; the moved PBX's 3 calls
    // (Kingfisher's, from 203.0.113.250) were met by no search: the finding says the address is unknown, and how to find it.
    const unknown = findings.filter(f => f.code === 'unauthorised_ip' && f.about === undefined)
    expect(unknown.map(f => [f.title, f.evidence.address])).toEqual([[
      '3 calls from callers that match no customer between 2026-11-24T05:00:00Z and 2026-11-24T07:00:00Z, none connected; address unknown',
      'unknown'
    ]])
    expect(unknown[0]!.action).toMatch(/^Find the address in Logging \(ConnexCS control panel\): the calls of this window refused 401 IP Not Authorised; or search the call log by a number/)
    expect(scenario(sw, 'ip_not_authorised').calls.map(c => [c.customer_id, c.time.slice(0, 13)])).toEqual([[0, '2026-11-24T06'], [0, '2026-11-24T06'], [0, '2026-11-24T05']])
    expect(findings.map(f => f.code)).toEqual(['carrier_outage', 'routing_gap', 'high_cost_burst', 'repeated_no_route', 'zero_duration_calls', 'malformed_numbers',
      'malformed_numbers', 'traffic_spike', 'auth_failure_burst', 'unauthorised_ip', 'unauthorised_ip'])

    for (const chart of Object.values(result.charts as Record<string, string>)) {
      expect(await mermaid.parse(chart)).toMatchObject({ diagramType: 'xychart' })
      expect(chart.split('\n')[2]!.match(/"\d\d-\d\d"/g)).toHaveLength(30)
    }
    expect(result.carrier_health.rows[0]).toEqual(expect.arrayContaining([outage.provider_id, 'Crown Fixed Lines', 'carrier_outage']))
    expect(result.top.customers.by_minutes).toHaveLength(5)
    expect(result.summary).toMatch(/ Partial figures \(see partial\): call-log findings; unknown addresses; NER\.$/)
    expect(result.partial).toEqual([
      expect.stringMatching(/^call-log findings: no route per prefix, .* come from 11 searches of the call log \([\d,]+ attempts of the period\), not every attempt: the log is searched by number or IP only/),
      'unknown addresses: 3 calls matching no customer, 2026-11-24T05:00:00Z to 2026-11-24T07:00:00Z: the traffic report counts them without their address, ' +
      'and none of the 11 call-log searches met them (the log is searched by number, Call-ID or IP, not by time)',
      'NER: not given for the period: it needs every attempt\'s final SIP code, which the traffic report lacks and only the call log has (searched, not listed); ' +
      'carrier_health gives each searched carrier\'s NER over its newest tries in the call log'
    ])
    expect(result.next_steps[0]).toEqual({ tool: 'getCallAnalytics', args: { provider_id: outage.provider_id, start_date: '2026-11-23', group_by: 'hour' }, why: 'The carrier hour by hour on the day of the outage.' })
    // The reports, CDR pages and lists (3 at a time), then the call-log searches they point to, then the address those met refused.
    expect(sent.filter(r => r.path.startsWith('log?')).map(r => r.path).at(-1)).toBe('log?s=192.0.2.201')
    expect(sent.filter(r => r.path.startsWith('log?')).length).toBe(11)
    expect(sent.length).toBe(27)
  })
})

describe.each(bothRunners(quiet.api).map((r, i) => [r.name, i] as [string, number]))('getSwitchHealthReport on the scenario-free account (%s)', (_name, index) => {
  it('finds nothing, searches no address (no caller matched no customer), and its totals are still the CDR\'s', async () => {
    const sent: ApiRequest[] = []
    const { result } = await bothRunners(counted(quiet.api, sent))[index]!.call(getSwitchHealthReport, { period: 'last_30_days' })
    expect(quiet.data.calls.filter(c => c.customer_id === 0)).toEqual([])
    expect(sent.filter(r => r.path.startsWith('log?')).length).toBe(result.sources[2].split(', ').length)
    expect(result.findings).toEqual([])
    expect(result.totals).toMatchObject({ answered: cdrTotals(quiet.data).answered, revenue: cdrTotals(quiet.data).revenue })
    expect(result.summary).toContain('No findings: no detector found anything unusual.')
    expect(result.detectors).toEqual({ ran: 11 })
    expect(result.sources[2]).toBe('call log (GET log): 4444, 440, 9191, 192.0.2.80, 192.0.2.130')
    expect(sent.length).toBe(21)
  })
})

describe('getSwitchHealthReport with the clock off the hour', () => {
  // At 15:27 the outage scenario's hour (30 to 29 hours before the clock) runs from 09:27 to 10:27:
  // the report's hours from 09:00 and from 10:00 each hold part of it, and neither failed whole.
  const now = Date.UTC(2026, 10, 24, 15, 27)
  const offHour = createSwitch({ seed: SEED, nowMs: now })
  const HOUR = 3_600_000

  it('finds the outage across the hour boundary, with the switch\'s own counts of the hours that hold it', async () => {
    installBridge(offHour.api)
    process.env.API_USERNAME = 'test@example.com'
    const { result } = await runInNode(getSwitchHealthReport, { period: 'last_30_days' }, nodeContext(now))
    const outage = scenario(offHour, 'carrier_outage')
    expect(outage.window).toEqual({ start: '2026-11-23T09:27:00Z', end: '2026-11-23T10:27:00Z' })
    const crown = outage.provider_id!
    // Every carrier try of the switch's calls, by the hour its call began, as the traffic report counts them.
    const tries = offHour.data.calls.flatMap(c => c.attempts.map(a => ({ start: c.start_ms, provider: a.provider_id, answered: a.result === 'answered' })))
    const inHour = (h: number) => tries.filter(t => t.start >= h && t.start < h + HOUR)
    const hours = [Date.UTC(2026, 10, 23, 9), Date.UTC(2026, 10, 23, 10)]
    const crownTries = hours.map(h => inHour(h).filter(t => t.provider === crown))
    const answered = crownTries.map(ts => ts.filter(t => t.answered).length)
    // Crown failed every try inside the outage, and answered about half of the others in those hours.
    expect(crownTries.flat().filter(t => t.start >= Date.parse(outage.window!.start) && t.start < Date.parse(outage.window!.end)).map(t => t.answered).includes(true)).toBe(false)
    expect(crownTries.map(ts => [ts.length, ts.filter(t => t.answered).length])).toEqual([[35, 8], [29, 6]])
    const month = tries.filter(t => t.provider === crown && t.start >= Date.UTC(2026, 9, 26))
    const usual = Math.round(month.filter(t => t.answered).length / month.length * 10_000) / 100
    // The other carriers: not Crown, and not provider 0 (calls the switch's own Class 5 apps answered).
    const others = hours.flatMap(h => inHour(h).filter(t => t.provider !== crown && t.provider !== 0))
    const othersAsr = Math.round(others.filter(t => t.answered).length / others.length * 10_000) / 100

    const found = (result.findings as Finding[]).filter(f => f.code === 'carrier_outage')
    expect(found).toHaveLength(1)
    expect(found[0]).toMatchObject({
      severity: 'critical',
      about: `carrier Crown Fixed Lines (${crown})`,
      window: { start: '2026-11-23T09:00:00Z', end: '2026-11-23T11:00:00Z' },
      evidence: { attempts: 64, connected: 14, hour_attempts: [35, 29], hour_connected: answered, partial: true, others_attempts: others.length, usual_asr_pct: usual, others_asr_pct: othersAsr }
    })
    expect(found[0]!.title).toBe(`Carrier Crown Fixed Lines (${crown}) had an outage in part of 2026-11-23T09:00:00Z to 2026-11-23T11:00:00Z, ` +
      `connecting 8 of 35 attempts in the hour from 09:00 and 6 of 29 in the hour from 10:00 (usually ${usual} % of its attempts), ` +
      `while the other carriers connected ${othersAsr} % of theirs; the report counts by hour, so its exact start and end are not known`)
    // The summary shows a title's first 170 characters: the outage and its hours come first.
    expect(result.summary).toContain(`3 critical: ${found[0]!.title.slice(0, 169)}…; `)
    expect(result.next_steps[0]).toEqual({ tool: 'getCallAnalytics', args: { provider_id: crown, start_date: '2026-11-23', group_by: 'hour' }, why: 'The carrier hour by hour on the day of the outage.' })
  })
})

describe('getSwitchHealthReport', () => {
  it('compares with the previous period as long, and finds the carrier drifting against it', async () => {
    const { result, bytes } = await nodeRunner(sw.api).call(getSwitchHealthReport, { start_date: '2026-11-17', end_date: '2026-11-24' })
    expect(bytes).toBeLessThan(HARD_CAP_BYTES)
    expect(result.period.previous).toEqual({ start_date: '2026-11-09', end_date: '2026-11-16', to: '2026-11-16 12:00:00' })
    // The switch's own calls of the previous 8 days (to the same hour): every carrier try, and a call refused before any carrier once.
    const before = sw.data.calls.filter(c => c.start_ms >= Date.UTC(2026, 10, 9) && Math.floor(c.start_ms / 1000) * 1000 <= Date.UTC(2026, 10, 16, 12))
    expect(result.compared_with_previous.attempts).toMatchObject({ previous: before.reduce((s, c) => s + Math.max(1, c.attempts.length), 0) })
    expect(result.compared_with_previous.asr_pct.change).toMatch(/^[+-]\d+(\.\d+)? points$/)
    expect(result.summary).toMatch(/; ASR [+-][\d.]+ points and minutes [+-][\d.]+ % on the previous 8 days\. /)
    const drift = scenario(sw, 'carrier_drift')
    expect((result.findings as Finding[]).find(f => f.code === 'carrier_drift')).toMatchObject({ about: `carrier Northbridge Carrier Services (${drift.provider_id})` })
  })

  it('covers the last full calendar month by default, and this month when asked, stopping at the clock', async () => {
    const runner = nodeRunner(sw.api)
    const month = await runner.call(getSwitchHealthReport, {})
    expect(month.result.period).toMatchObject({ start_date: '2026-10-01', end_date: '2026-10-31', days: 31, to: '2026-10-31 23:59:59', previous: { start_date: '2026-08-31', end_date: '2026-09-30' } })
    // The account's traffic starts on 2026-10-25: the call log (14 days) holds nothing of October.
    expect(month.result.partial[0]).toMatch(/^call-log findings: none of no route per prefix, .*: the call log keeps 14 days and the period ended before them$/)
    // October before the account's traffic is no one's usual day: no customer's first week is a spike; the month's one finding is the Cuba gap.
    const cuba = scenario(sw, 'routing_gap').calls.filter(c => c.time < '2026-11')
    expect(month.result.findings.map((f: Finding) => [f.code, f.evidence.count])).toEqual([['routing_gap', cuba.length]])
    const now = await runner.call(getSwitchHealthReport, { period: 'this_month' })
    expect([month.bytes, now.bytes].every(b => b < HARD_CAP_BYTES)).toBe(true)
    expect(now.result.period).toMatchObject({ start_date: '2026-11-01', end_date: '2026-11-24', days: 24, to: '2026-11-24 12:00:00' })
    // The previous 24 days (2026-10-08 to 10-31 12:00) hold the account's first days only: the comparison says so.
    const before = new Set(sw.data.calls.filter(c => c.start_ms >= Date.UTC(2026, 9, 8) && c.start_ms <= Date.UTC(2026, 9, 31, 12)).map(c => new Date(c.start_ms).toISOString().slice(0, 10)))
    expect(now.result.compared_with_previous.note).toBe(`the previous period had traffic on ${before.size} of its 24 days (from ${[...before].sort()[0]}): ` +
      'the changes in counts, minutes and money are not like for like; ASR and ACD are')
    expect(now.result.summary).toContain(` on the previous 24 days (only ${before.size} of which had traffic).`)
    const none = await runner.call(getSwitchHealthReport, { start_date: '2026-09-01', end_date: '2026-09-30' })
    expect(none.result).toMatchObject({ found: false, summary: 'No traffic on the switch in 2026-09-01 to 2026-09-30 (30 days).' })
  })

  it('names the parameter that is wrong', async () => {
    const runner = nodeRunner(sw.api)
    const cases: [Record<string, unknown>, string, string][] = [
      [{ period: 'last_30_days', start_date: '2026-11-01' }, 'period', 'give either period (\'last_30_days\') or start_date/end_date, not both'],
      [{ start_date: '2026-10-01', end_date: '2026-11-24' }, 'start_date', 'the range 2026-10-01 to 2026-11-24 is 55 days; this tool takes at most 31 days: move start_date later or end_date earlier'],
      [{ start_date: '2026-12-01' }, 'start_date', 'start_date 2026-12-01 is after today (2026-11-24 UTC): there is no traffic yet'],
      [{ period: 'last_week' }, 'period', 'period must be one of \'last_month\', \'this_month\', \'last_30_days\'; got the string "last_week".']
    ]
    for (const [args, parameter, message] of cases) {
      const { result, isError } = await runner.call(getSwitchHealthReport, args)
      expect(isError).toBe(true)
      expect(result.error).toEqual({ type: 'invalid_argument', parameter, message })
    }
  })

  it('fails as a typed error when a report it rests on fails, and says which part is missing when a list fails', async () => {
    const down = (prefix: string): ApiBackend => async request => request.path.startsWith(prefix)
      ? { status: 500, statusText: 'Internal Server Error', body: '{"error":"ClickHouse down"}' }
      : await sw.api(request)
    const failed = await nodeRunner(down('cdr')).call(getSwitchHealthReport, { period: 'last_30_days' })
    expect(failed.isError).toBe(true)
    expect(failed.result.error).toMatchObject({ type: 'upstream', status: 500 })
    const noNames = await nodeRunner(down('customer')).call(getSwitchHealthReport, { period: 'last_30_days' })
    expect(noNames.isError).toBe(false)
    expect(noNames.result.partial[0]).toMatch(/^the customer list: could not be read \(The ConnexCS API \(GET customer\) .*500.*\): customer names and the addresses to search the call log by are missing$/)
    expect(noNames.result.summary).toMatch(/^Partial: the customer list could not be read \(The ConnexCS API \(GET customer\) [^)]*500/)
    expect(noNames.result.summary).toMatch(/ Switch health, 2026-10-26 to 2026-11-24 /)
  })
})
