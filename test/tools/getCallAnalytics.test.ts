import { describe, expect, it } from 'vitest'
import type { ApiBackend, ApiRequest } from '../../platform/backend'
import { HARD_CAP_BYTES } from '../../src/lib/bounded'
import { createSwitch } from '../../platform/switch/index'
import { getCallAnalytics } from '../../src/tools/getCallAnalytics'
import { installBridge, nodeContext, runInNode, SEED, testSwitch } from '../helpers/platform'
import { scenario } from '../helpers/switchApi'
import { bothRunners, nodeRunner, type Runner } from './runners'

const sw = testSwitch()

/** Today and yesterday by the real clock, for backends whose data the tool must find inside the call log's days. */
const TODAY = new Date().toISOString().slice(0, 10)
const DAY_START = Date.parse(`${TODAY}T00:00:00Z`) / 1000

interface Fake {
  log?: (term: string) => unknown[]
  cdr?: unknown[]
  breakout?: unknown[]
  customer?: unknown
}

/** A backend with the answers a test gives, recording what was asked. */
function fake (answers: Fake, sent: ApiRequest[] = []): ApiBackend {
  return async request => {
    sent.push(request)
    const [path, query = ''] = request.path.split('?') as [string, string?]
    const ok = (body: unknown) => ({ status: 200, statusText: 'OK', body: JSON.stringify(body) })
    if (path === 'log') return ok(answers.log?.(decodeURIComponent(/(?:^|&)s=([^&]*)/.exec(query)?.[1] ?? '')) ?? [])
    // As the API does, at most the query's limit.
    if (path === 'cdr') return ok((answers.cdr ?? []).slice(0, (request.body as { limit: number }).limit))
    if (path === 'breakout-aggrid') return ok(answers.breakout ?? [])
    if (path.startsWith('customer/') && answers.customer !== undefined) return ok(answers.customer)
    return { status: 404, statusText: 'Not Found', body: '{"error":"Record Not Found"}' }
  }
}

/** A call of the log: `i` seconds into today, with its final code. */
const logCall = (i: number, code: number, extra: Record<string, unknown> = {}) => ({
  routing: { callid: `c${i}`, cli: '442079460001', dest_number: `4477009001${String(i % 100).padStart(2, '0')}`, sip_code: code, sip_reason: code === 200 ? 'OK' : code === 486 ? 'Busy Here' : 'Service Unavailable', start_time: DAY_START + 60 + i, account_id: 105979, egress_routing: [{ provider_id: 311, sip_code: code }], ...(code === 200 ? { ok: { duration: 30 } } : {}), ...extra }
})
const cdrRow = (i: number, duration = 60) => ({ dt: `${TODAY} 00:${String(i % 60).padStart(2, '0')}:00`, callid: `c${i}`, duration, pdd_in: 2000 + i, customer_card_dest_name: 'United Kingdom - Mobile' })

describe('getCallAnalytics on the simulated switch', () => {
  it('measures a customer\'s day from the call log (every attempt), the traffic report and the CDR, each named', async () => {
    const entry = scenario(sw, 'zero_duration')
    const { result, isError, bytes } = await nodeRunner(sw.api).call(getCallAnalytics, { customer_id: entry.customer_id, start_date: '2026-11-22' })
    expect(isError).toBe(false)
    expect(bytes).toBeLessThan(4000)
    expect(result.summary).toBe('Customer 106143, 2026-11-22: 28 attempts (call log), 26 answered, ASR 92.86 %, NER 100 %; 26 answered calls in the CDR, ACD 200 ms, PDD median 1.9 s. ' +
      'Top failures: 487 Request Terminated (1), 603 Decline (1). Finding: 25 of 26 answered calls for customer 106143 (96.2 %) lasted 1 s or less.')
    expect(result.attempts).toEqual({ source: 'call log', counts: 'calls as placed (a call tried on two carriers counts once)', complete: true, attempts: 28, answered: 26, failed: 2, asr_pct: 92.86, ner_pct: 100, isa_pct: 0 })
    expect(result.answered_calls).toMatchObject({ source: 'CDR', complete: true, calls: 26, zero_duration: 25, short_calls: 26, short_call_pct: 100 })
    expect(result.failure_codes).toEqual({
      source: 'call log',
      complete: true,
      codes: [
        { code: 487, reason: 'Request Terminated', count: 1, pct_of_attempts: 3.57, example_callid: 'f4a5a8b242e6fd05eaa50f2faea5d163' },
        { code: 603, reason: 'Decline', count: 1, pct_of_attempts: 3.57, example_callid: '616090752-464971929-1188502054' }
      ]
    })
    // 25 calls billed nothing; the one that lasted longer was charged.
    expect(result.answered_calls.charges).toEqual({ GBP: 0.0029 })
    expect(result.findings.map((f: { code: string, severity: string }) => [f.code, f.severity])).toEqual([['short_calls', 'critical']])
    expect(result.by_day).toEqual([{ period: '2026-11-22', attempts: 28, answered: 26, asr_pct: 92.86, cdr_calls: 26, acd_s: 0.2, pdd_p50_ms: 1859 }])
    expect(result.sources).toEqual([
      'call log: 28 attempts with their SIP codes: every attempt of the period',
      'traffic report: 28 carrier tries, 26 connected (not used for the ratios: the call log has every attempt)',
      'CDR: 26 answered calls (ACD, PDD, short calls), every one of the period'
    ])
    expect(result.next_steps[0]).toEqual({ tool: 'investigateCall', args: { callid: expect.stringMatching(/^\S+$/) }, why: 'Who hung up one of the short calls, and how its audio was.' })
  })

  it('lists every hour of a carrier\'s day, the silent one included, and finds the outage in it', async () => {
    const entry = scenario(sw, 'carrier_outage')
    for (const runner of bothRunners(sw.api)) {
      const { result, bytes } = await runner.call(getCallAnalytics, { provider_id: entry.provider_id, start_date: '2026-11-23', group_by: 'hour' })
      expect(bytes).toBeLessThan(8000)
      expect(result.by_hour).toHaveLength(24)
      expect(result.by_hour.slice(5, 8).map((h: { period: string, cdr_calls: number }) => [h.period, h.cdr_calls])).toEqual([['2026-11-23T05:00Z', 3], ['2026-11-23T06:00Z', 0], ['2026-11-23T07:00Z', 4]])
      // The traffic report by hour: the outage hour's attempts, none connected.
      expect(result.by_hour[6]).toEqual({ period: '2026-11-23T06:00Z', attempts: 18, answered: 0, asr_pct: 0, cdr_calls: 0 })
      expect(result.by_hour.reduce((s: number, h: { attempts: number }) => s + h.attempts, 0)).toBe(432)
      expect(result.attempts).toMatchObject({ source: 'traffic report', attempts: 432, answered: 212, asr_pct: 49.07, refused_before_carrier: 0 })
      expect(result.findings[0]).toMatchObject({ code: 'outage', severity: 'critical' })
      expect(result.findings[0].title).toMatch(/^Carrier 376 connected 0 of 18 attempts from 2026-11-23T06:00:00Z to 2026-11-23T07:00:00Z \(usually /)
      // Today's hours stop at the clock (12:00 UTC): no empty hours to come.
      const today = (await runner.call(getCallAnalytics, { provider_id: entry.provider_id, start_date: '2026-11-24', group_by: 'hour' })).result.by_hour
      expect([today.length, today.at(-1).period]).toEqual([13, '2026-11-24T12:00Z'])
      expect(today.every((h: { attempts?: number }) => typeof h.attempts === 'number')).toBe(true)
    }
  })

  it('says when nothing matched, and what the filters mean', async () => {
    const { result } = await nodeRunner(sw.api).call(getCallAnalytics, { customer_id: 999_999, start_date: '2026-11-20', end_date: '2026-11-24' })
    expect(result).toMatchObject({ summary: 'No calls for customer 999999 in 2026-11-20 to 2026-11-24.', found: false, range: { start_date: '2026-11-20', end_date: '2026-11-24' }, filters: { customer_id: 999_999 } })
    expect(result.why).toMatch(/^No attempt in the traffic report or the call log and no answered call in the CDR matched\. .* Some sources failed: The ConnexCS API \(GET customer\/999999\) found nothing \(HTTP 404\)/)
  })
})

describe('getCallAnalytics with the clock off the hour', () => {
  // At 15:27 the outage scenario's hour runs from 09:27 to 10:27 on 2026-11-23, across the report's hours.
  const now = Date.UTC(2026, 10, 24, 15, 27)
  const offHour = createSwitch({ seed: SEED, nowMs: now })

  it('ranks the carrier with the outage worst, by name, with the two hours that hold part of it', async () => {
    installBridge(offHour.api)
    process.env.API_USERNAME = 'test@example.com'
    const outage = scenario(offHour, 'carrier_outage')
    expect(outage.window).toEqual({ start: '2026-11-23T09:27:00Z', end: '2026-11-23T10:27:00Z' })
    const { result } = await runInNode(getCallAnalytics, { start_date: '2026-11-23', group_by: 'carrier', top: 3 }, nodeContext(now))
    // Crown's tries on the switch: every carrier attempt of a call begun in the day, or in an hour of it.
    const tries = (from: number, to: number) => offHour.data.calls.filter(c => c.start_ms >= from && c.start_ms < to).flatMap(c => c.attempts)
      .filter(a => a.provider_id === outage.provider_id)
    const day = tries(Date.UTC(2026, 10, 23), Date.UTC(2026, 10, 24))
    const [nine, ten] = [9, 10].map(h => tries(Date.UTC(2026, 10, 23, h), Date.UTC(2026, 10, 23, h + 1))).map(t => [t.filter(a => a.result === 'answered').length, t.length])
    expect(result.groups.top[0]).toMatchObject({
      provider_id: outage.provider_id,
      name: 'Crown Fixed Lines',
      attempts: day.length,
      answered: day.filter(a => a.result === 'answered').length,
      outage: { start: '2026-11-23T09:00:00Z', end: '2026-11-23T11:00:00Z' }
    })
    expect(result.summary).toMatch(new RegExp(`Worst carrier: Crown Fixed Lines \\(${outage.provider_id}\\), ASR [\\d.]+ % against [\\d.]+ % for the same destinations, ` +
      'outage from 2026-11-23T09:00:00Z to 2026-11-23T11:00:00Z\\.'))
    const outages = result.findings.filter((f: { code: string }) => f.code === 'outage')
    expect(outages).toHaveLength(1)
    expect(outages[0].title).toMatch(new RegExp(`^Carrier ${outage.provider_id} had an outage in part of 2026-11-23T09:00:00Z to 2026-11-23T11:00:00Z, ` +
      `connecting ${nine![0]} of ${nine![1]} attempts in the hour from 09:00 and ${ten![0]} of ${ten![1]} in the hour from 10:00 \\(usually [\\d.]+ % of its attempts\\)`))
    expect([nine, ten]).toEqual([[8, 35], [6, 29]])
  })
})

describe('getCallAnalytics grouped, and by prefix', () => {
  it('groups a day by carrier and ranks the carrier with the outage worst, in Node and in QuickJS', async () => {
    const outage = scenario(sw, 'carrier_outage')
    for (const runner of bothRunners(sw.api)) {
      const { result, bytes } = await runner.call(getCallAnalytics, { start_date: '2026-11-23', group_by: 'carrier', top: 3 })
      expect(bytes).toBeLessThan(8000)
      expect(result.groups.by).toBe('carrier')
      expect(result.groups.top[0]).toMatchObject({ provider_id: outage.provider_id, name: 'Crown Fixed Lines', attempts: 432, answered: 212, outage: outage.window })
      expect(result.groups.top).toHaveLength(3)
      // Top 3 and the rest summed: every carrier try of the day.
      const carried = result.groups.top.reduce((s: number, g: { attempts: number }) => s + g.attempts, 0) + result.groups.rest.attempts
      expect(carried + result.groups.refused_before_carrier + result.groups.answered_on_switch).toBe(result.attempts.attempts)
      expect(result.summary).toContain(`Worst carrier: Crown Fixed Lines (${outage.provider_id}), ASR 49.07 % against 48.69 % for the same destinations, outage from 2026-11-23T06:00:00Z to 2026-11-23T07:00:00Z.`)
      expect(result.next_steps).toContainEqual({ tool: 'getCallAnalytics', args: { start_date: '2026-11-23', end_date: '2026-11-23', group_by: 'hour', top: 3, provider_id: outage.provider_id }, why: 'The worst carrier on its own, over time.' })
    }
  })

  it('groups by destination, top N and the rest summed, from the traffic report', async () => {
    const { result } = await nodeRunner(sw.api).call(getCallAnalytics, { start_date: '2026-11-18', end_date: '2026-11-24', group_by: 'destination', top: 3 })
    expect(result.groups.top.map((g: { destination: string }) => g.destination)).toEqual(['United Kingdom - Mobile', 'United Kingdom - London', 'United Kingdom - Fixed'])
    expect(result.groups.top.reduce((s: number, g: { attempts: number }) => s + g.attempts, 0) + result.groups.rest.attempts).toBe(result.attempts.attempts)
    // The switch's own calls: every carrier try of the week, and a refused call once.
    const week = sw.data.calls.filter(c => c.start_ms >= Date.UTC(2026, 10, 18))
    expect(result.attempts.attempts).toBe(week.reduce((s, c) => s + Math.max(1, c.attempts.length), 0))
    expect(result.by_day).toBeUndefined()
  })

  it('answers a prefix of any length through the destinations the customer cards give it: 53 is Cuba\'s 30 refused attempts', async () => {
    const cuba = scenario(sw, 'routing_gap')
    for (const runner of bothRunners(sw.api)) {
      const { result } = await runner.call(getCallAnalytics, { start_date: '2026-10-26', end_date: '2026-11-24', dest_prefix: '53' })
      expect(result.attempts).toMatchObject({ source: 'traffic report', complete: true, attempts: cuba.facts.attempts, answered: 0, refused_before_carrier: 30 })
      expect(result.summary).toBe('Numbers 53…, 2026-10-26 to 2026-11-24: 30 attempts (traffic report), 0 answered, ASR 0 %; 0 answered calls in the CDR. ' +
        'Finding: 30 of 30 attempts for numbers 53… were refused by the switch before any carrier was tried; none connected.')
      expect(result.sources[1]).toBe('traffic report: 30 carrier tries, 0 connected of Cuba (the destinations whose numbers all start 53); ' +
        'by day, not by hour: a slice by destination over more than 7 days is read by day')
    }
    const uk = await nodeRunner(sw.api).call(getCallAnalytics, { start_date: '2026-11-24', dest_prefix: '44' })
    const today = sw.data.calls.filter(c => c.start_ms >= Date.UTC(2026, 10, 24) && c.dest_number.startsWith('44') && c.customer_rate !== null)
    expect(uk.result.attempts).toMatchObject({ source: 'traffic report', attempts: today.reduce((s, c) => s + Math.max(1, c.attempts.length), 0) })
    expect(uk.result.summary).toMatch(/^Numbers 44…, 2026-11-24: [\d,]+ attempts \(traffic report\), [\d,]+ answered, ASR [\d.]+ %; [\d,]+ answered calls in the CDR, ACD /)
  })

  it('raises no outage on a handful of attempts, however quiet the hours around them (prior-art bug: 5 attempts, 1.8 % by chance)', async () => {
    // Carrier 390 answers half its calls, 20 an hour, but at 14:00 it had 5 attempts and none connected.
    const hours = Array.from({ length: 24 }, (_, h) => ({ hour: `2026-11-23 ${String(h).padStart(2, '0')}:00:00`, provider_id: 390, attempts: h === 14 ? 5 : 20, connected: h === 14 ? 0 : 10, duration: 600 }))
    const cdr = hours.flatMap((h, i) => Array.from({ length: h.connected }, (_, k) => ({ dt: `${h.hour.slice(0, 14)}${String(k * 5).padStart(2, '0')}:00`, callid: `a${i}-${k}`, duration: 60, pdd_in: 2000 })))
    const backend = fake({ breakout: hours, cdr })
    const { result } = await nodeRunner(backend).call(getCallAnalytics, { provider_id: 390, start_date: '2026-11-23', group_by: 'hour' })
    expect(result.by_hour[14]).toMatchObject({ attempts: 5, answered: 0, cdr_calls: 0 })
    expect(result.findings).toEqual([])
  })
})

describe.each(bothRunners(sw.api).map((r, i) => [r.name, i] as [string, number]))('getCallAnalytics never mixes populations (%s)', (_name, index) => {
  const runner = (backend: ApiBackend): Runner => bothRunners(backend)[index]!

  it('takes ASR from one population: more CDR rows than log attempts give no negative failures and no ASR above 100 % (prior-art bug)', async () => {
    // The prior art took attempts from a fuzzy log search and answers from an exact CDR query.
    const backend = fake({ log: () => [logCall(1, 200), logCall(2, 486), logCall(3, 503)], cdr: Array.from({ length: 10 }, (_, i) => cdrRow(i)) })
    const { result } = await runner(backend).call(getCallAnalytics, { cli: '442079460001', start_date: TODAY })
    expect(result.attempts).toEqual({ source: 'call log', counts: 'calls as placed (a call tried on two carriers counts once)', complete: true, attempts: 3, answered: 1, failed: 2, asr_pct: 33.33, ner_pct: 66.67, isa_pct: 33.33 })
    expect(result.answered_calls).toMatchObject({ source: 'CDR', calls: 10 })
    expect(result.sources[1]).toBe('traffic report: not used: it cannot filter by CLI')
  })

  it('counts a call found by two searches once (prior-art bug: double counting)', async () => {
    const backend = fake({ customer: { id: 105979, name: 'Adam', ips: ['203.0.113.10', '203.0.113.11'] }, log: () => [logCall(1, 200), logCall(2, 503)], breakout: [] })
    const { result } = await runner(backend).call(getCallAnalytics, { customer_id: 105979, start_date: TODAY })
    expect(result.attempts).toMatchObject({ source: 'call log', complete: true, attempts: 2, answered: 1 })
  })

  it('calls a capped log search a lower bound, says why, and uses the traffic report for the ratios', async () => {
    const backend = fake({
      log: () => Array.from({ length: 200 }, (_, i) => logCall(i + 100, i % 2 === 0 ? 200 : 503)),
      breakout: [{ dt: TODAY, provider_id: 311, attempts: 900, connected: 420, duration: 25_200 }, { dt: TODAY, provider_id: 0, attempts: 12, connected: 0, duration: 0 }],
      customer: { id: 105979, ips: ['203.0.113.10'] }
    })
    const { result } = await runner(backend).call(getCallAnalytics, { customer_id: 105979, start_date: TODAY, end_date: TODAY })
    expect(result.attempts).toEqual({
      source: 'traffic report',
      counts: 'tries of a carrier: a call tried on two carriers counts twice; a call refused before any carrier counts once',
      complete: true,
      attempts: 912,
      answered: 420,
      failed: 492,
      asr_pct: 46.05,
      refused_before_carrier: 12
    })
    expect(result.failure_codes.complete).toBe(false)
    expect(result.sources[0]).toBe(`call log: 200 attempts with their SIP codes (failure codes only): a lower bound: the search for 203.0.113.10 stopped at the log's 200 newest matches, which reach back to ${new Date((DAY_START + 160) * 1000).toISOString().replace('.000Z', 'Z')}`)
    expect(result.summary).toMatch(/^Customer 105979, \S+: 912 attempts \(traffic report\), 420 answered, ASR 46\.05 %; .* Top failures \(in 200 attempts of the call log\): 503 Service Unavailable \(100\)\./)
  })

  it('reads the CDR to the end, stops at 50,000 rows saying so, and stays under the cap', async () => {
    // 100,000 answered calls, one every 26 s through October; the fake pages them as the API does (dt >= / <=, ordered, at most the limit).
    const start = Date.parse('2026-10-01T00:00:00Z')
    const rows = Array.from({ length: 100_000 }, (_, i) => ({ ...cdrRow(i, i % 7 * 20), dt: new Date(start + i * 26_000).toISOString().replace('T', ' ').slice(0, 19) }))
    const paged: ApiBackend = async request => {
      if (request.path !== 'cdr') return await fake({ breakout: Array.from({ length: 31 }, (_, d) => ({ dt: `2026-10-${String(d + 1).padStart(2, '0')}`, provider_id: 311, attempts: 3000, connected: 1400, duration: 84_000 })) })(request)
      const body = request.body as { where: { rules: { field: string, condition: string, data: string }[] }, limit: number }
      const from = body.where.rules.find(r => r.field === 'dt' && r.condition === '>=')!.data
      const to = body.where.rules.find(r => r.field === 'dt' && r.condition === '<=')!.data
      return { status: 200, statusText: 'OK', body: JSON.stringify(rows.filter(r => r.dt >= from && r.dt <= to).slice(0, body.limit)) }
    }
    const sent: ApiRequest[] = []
    const backend: ApiBackend = async request => {
      sent.push(request)
      return await paged(request)
    }
    const { result, bytes } = await runner(backend).call(getCallAnalytics, { start_date: '2026-10-01', end_date: '2026-10-31' })
    expect(bytes).toBeLessThan(HARD_CAP_BYTES)
    expect(result.truncated).toBeUndefined()
    expect(result.answered_calls).toMatchObject({ complete: false, calls: 50_000 })
    expect(result.by_day).toHaveLength(31)
    expect(result.sources[2]).toBe('CDR: 50,000 answered calls (ACD, PDD, short calls): read in part (stopped at 50000 rows); narrow the range or add a filter')
    expect(result.summary).toMatch(/^The account, 2026-10-01 to 2026-10-31: 93,000 attempts \(traffic report\), 43,400 answered, ASR 46\.67 %; 50,000\+ answered calls in the CDR/)
    // Each page starts at the last one's last second, whose rows already read are left out: 11 pages for 50,000 rows.
    expect(sent.filter(r => r.path === 'cdr').map(r => (r.body as { limit: number }).limit)).toEqual(Array(11).fill(5000))
    if (index === 0) {
      // An answer that ignores the limit is cut to the rows the tool reads all the same.
      const careless: ApiBackend = async request => request.path === 'cdr' ? { status: 200, statusText: 'OK', body: JSON.stringify(rows) } : await paged(request)
      expect((await runner(careless).call(getCallAnalytics, { start_date: '2026-10-01', end_date: '2026-10-31' })).result.answered_calls).toMatchObject({ complete: false, calls: 50_000 })
    }
  })
})

describe('getCallAnalytics: failures and bad input', () => {
  it('answers with the sources that worked, and fails only when none did', async () => {
    const cdrDown: ApiBackend = async request => request.path === 'cdr' ? { status: 500, statusText: 'Internal Server Error', body: '{"error":"ClickHouse down"}' } : await sw.api(request)
    const partial = await nodeRunner(cdrDown).call(getCallAnalytics, { provider_id: 376, start_date: '2026-11-23' })
    expect(partial.isError).toBe(false)
    expect(partial.result.summary).toMatch(/^Partial: the CDR could not be read \(The ConnexCS API \(POST cdr\) failed \(HTTP 500\).*\)\. Carrier 376, 2026-11-23: 432 attempts/)
    expect(partial.result.answered_calls).toBeUndefined()
    expect(partial.result.sources[2]).toBe('CDR: failed: The ConnexCS API (POST cdr) failed (HTTP 500): 500 Internal Server Error: ClickHouse down')
    for (const runner of bothRunners(async () => ({ status: 500, statusText: 'Internal Server Error', body: '{"error":"down"}' }))) {
      const { result, isError } = await runner.call(getCallAnalytics, { cli: '442079460001' })
      expect(isError).toBe(true)
      expect(result.error).toMatchObject({ type: 'upstream', status: 500 })
    }
  })

  it('never answers "no calls" when a source failed: the first sentence names the failure', async () => {
    const logDown: ApiBackend = async request => request.path.startsWith('log?') ? { status: 503, statusText: 'Service Unavailable', body: '{"error":"busy"}' } : await fake({})(request)
    for (const runner of bothRunners(logDown)) {
      const { result, isError } = await runner.call(getCallAnalytics, { cli: '442079460001', start_date: TODAY })
      expect(isError).toBe(false)
      expect(result.summary).toMatch(/^Partial: the call log could not be read \(The ConnexCS API \(GET log\) .*503.*\)\. The sources that answered have no calls for CLI 442079460001 in \S+\.$/)
      expect(result.why).toMatch(/^A source failed, so this is not "no calls"/)
      expect(result.found).toBeUndefined()
    }
  })

  it('names the parameter that is wrong', async () => {
    const runner = nodeRunner(sw.api)
    const cases: [Record<string, unknown>, string, string][] = [
      [{ start_date: '2026-11-20', end_date: '2026-11-23', group_by: 'hour' }, 'group_by', 'group_by \'hour\' takes periods of 2 days at most; 2026-11-20 to 2026-11-23 is 4 days: use group_by \'day\' or a shorter range'],
      [{ group_by: 'week' }, 'group_by', 'group_by must be one of \'day\', \'hour\', \'carrier\', \'customer\', \'destination\'; got the string "week".'],
      [{ group_by: 'carrier', top: 0 }, 'top', 'top must be between 1 and 50; got 0.'],
      [{ start_date: '2026-01-01', end_date: '2026-03-01' }, 'start_date', 'the range 2026-01-01 to 2026-03-01 is 60 days; this tool takes at most 31 days: move start_date later or end_date earlier'],
      [{ dest_prefix: '44-7' }, 'dest_prefix', 'dest_prefix must be digits only (a leading + is allowed), e.g. 447700900123; got the string "44-7".'],
      [{ customer_id: true }, 'customer_id', 'customer_id must be a name (string) or an id (number), got boolean true.']
    ]
    for (const [args, parameter, message] of cases) {
      const { result, isError } = await runner.call(getCallAnalytics, args)
      expect(isError).toBe(true)
      expect(result.error).toEqual({ type: 'invalid_argument', parameter, message })
    }
  })
})
