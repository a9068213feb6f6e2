import { describe, expect, it } from 'vitest'
import type { ApiBackend, ApiRequest } from '../../platform/backend'
import { HARD_CAP_BYTES } from '../../src/lib/bounded'
import { getCallAnalytics } from '../../src/tools/getCallAnalytics'
import { testSwitch } from '../helpers/platform'
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
      'CDR: 26 answered calls (ACD, PDD, short calls)'
    ])
    expect(result.next_steps[0]).toEqual({ tool: 'investigateCall', args: { callid: expect.stringMatching(/^\S+$/) }, why: 'Who hung up one of the short calls, and how its audio was.' })
  })

  it('lists every hour of a carrier\'s day, the silent one included, and finds the outage in it', async () => {
    const entry = scenario(sw, 'carrier_outage')
    for (const runner of bothRunners(sw.api)) {
      const { result, bytes } = await runner.call(getCallAnalytics, { provider_id: entry.provider_id, start_date: '2026-11-23', bucket: 'hour' })
      expect(bytes).toBeLessThan(8000)
      expect(result.by_hour).toHaveLength(24)
      expect(result.by_hour.slice(5, 8).map((h: { period: string, cdr_calls: number }) => [h.period, h.cdr_calls])).toEqual([['2026-11-23T05:00Z', 3], ['2026-11-23T06:00Z', 0], ['2026-11-23T07:00Z', 4]])
      // The traffic report counts by day only: the hours carry the CDR's answered calls alone.
      expect(result.by_hour[6]).toEqual({ period: '2026-11-23T06:00Z', cdr_calls: 0 })
      expect(result.attempts).toMatchObject({ source: 'traffic report', attempts: 432, answered: 212, asr_pct: 49.07, refused_before_carrier: 0 })
      expect(result.findings[0].title).toBe('No call for carrier 376 was answered from 2026-11-23T06:00Z to 2026-11-23T07:00Z, with 3 and 4 in the hours around it')
    }
  })

  it('says when nothing matched, and what the filters mean', async () => {
    const { result } = await nodeRunner(sw.api).call(getCallAnalytics, { customer_id: 999_999, start_date: '2026-11-20', end_date: '2026-11-24' })
    expect(result).toMatchObject({ summary: 'No calls for customer 999999 in 2026-11-20 to 2026-11-24.', found: false, range: { start_date: '2026-11-20', end_date: '2026-11-24' }, filters: { customer_id: 999_999 } })
    expect(result.why).toMatch(/^No attempt in the traffic report or the call log and no answered call in the CDR matched\. .* Some sources failed: The ConnexCS API \(GET customer\/999999\) found nothing \(HTTP 404\)/)
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
    expect(result.sources[1]).toBe('traffic report: not used: it cannot filter by CLI or number prefix')
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

  it('stays under the cap with 100,000 CDR rows, and says the CDR numbers are a lower bound and how to narrow', async () => {
    const rows = Array.from({ length: 100_000 }, (_, i) => ({ ...cdrRow(i, i % 7 * 20), dt: `2026-10-${String(31 - Math.floor(i / 3226)).padStart(2, '0')} 12:00:00` }))
    const sent: ApiRequest[] = []
    const backend = fake({ cdr: rows, breakout: Array.from({ length: 31 }, (_, d) => ({ dt: `2026-10-${String(d + 1).padStart(2, '0')}`, provider_id: 311, attempts: 3000, connected: 1400, duration: 84_000 })) }, sent)
    const { result, bytes } = await runner(backend).call(getCallAnalytics, { start_date: '2026-10-01', end_date: '2026-10-31' })
    expect(bytes).toBeLessThan(HARD_CAP_BYTES)
    expect(result.truncated).toBeUndefined()
    expect(result.answered_calls).toMatchObject({ complete: false, calls: 5000 })
    expect(result.by_day).toHaveLength(31)
    expect(result.sources[2]).toBe('CDR: 5,000 answered calls (ACD, PDD, short calls): the API returns at most 5,000 rows, so these are the newest 5,000 only (a lower bound); narrow the range or add a filter')
    expect(result.summary).toMatch(/^The account, 2026-10-01 to 2026-10-31: 93,000 attempts \(traffic report\), 43,400 answered, ASR 46\.67 %; 5,000\+ answered calls in the CDR/)
    expect(sent.find(r => r.path === 'cdr')!.body).toMatchObject({ limit: 5000 })
    if (index === 0) {
      // An answer that ignores the limit is cut to it all the same.
      const careless: ApiBackend = async request => request.path === 'cdr' ? { status: 200, statusText: 'OK', body: JSON.stringify(rows) } : await backend(request)
      expect((await runner(careless).call(getCallAnalytics, { start_date: '2026-10-01', end_date: '2026-10-31' })).result.answered_calls).toMatchObject({ complete: false, calls: 5000 })
    }
  })
})

describe('getCallAnalytics: failures and bad input', () => {
  it('answers with the sources that worked, and fails only when none did', async () => {
    const cdrDown: ApiBackend = async request => request.path === 'cdr' ? { status: 500, statusText: 'Internal Server Error', body: '{"error":"ClickHouse down"}' } : await sw.api(request)
    const partial = await nodeRunner(cdrDown).call(getCallAnalytics, { provider_id: 376, start_date: '2026-11-23' })
    expect(partial.isError).toBe(false)
    expect(partial.result.answered_calls).toBeUndefined()
    expect(partial.result.sources[2]).toBe('CDR: failed: The ConnexCS API (POST cdr) failed (HTTP 500): 500 Internal Server Error: ClickHouse down')
    for (const runner of bothRunners(async () => ({ status: 500, statusText: 'Internal Server Error', body: '{"error":"down"}' }))) {
      const { result, isError } = await runner.call(getCallAnalytics, { cli: '442079460001' })
      expect(isError).toBe(true)
      expect(result.error).toMatchObject({ type: 'upstream', status: 500 })
    }
  })

  it('names the parameter that is wrong', async () => {
    const runner = nodeRunner(sw.api)
    const cases: [Record<string, unknown>, string, string][] = [
      [{ start_date: '2026-11-20', end_date: '2026-11-23', bucket: 'hour' }, 'bucket', 'bucket \'hour\' takes periods of 2 days at most; 2026-11-20 to 2026-11-23 is 4 days: use bucket \'day\' or a shorter range'],
      [{ bucket: 'week' }, 'bucket', 'bucket must be one of \'day\', \'hour\'; got the string "week".'],
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
