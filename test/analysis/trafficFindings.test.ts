import { describe, expect, it } from 'vitest'
import { callAnalytics, countedKpis } from '../../src/analysis/callAnalytics'
import { trafficFindings } from '../../src/analysis/trafficFindings'

const T0 = Date.UTC(2026, 10, 23) / 1000

describe('countedKpis', () => {
  it('adds up the rows of a period and gives ASR and ACD per period and in total', () => {
    const kpis = countedKpis([
      { period: '2026-11-23', attempts: 10, connected: 4, duration_s: 400, refused: 0 },
      { period: '2026-11-22', attempts: 5, connected: 0, duration_s: 0, refused: 5 },
      { period: '2026-11-23', attempts: 2, connected: 2, duration_s: 20, refused: 0 }
    ])
    expect(kpis).toEqual({
      totals: { attempts: 17, answered: 6, asr_pct: 35.29, acd_s: 70, refused: 5, refused_pct: 29.41 },
      buckets: [
        { key: '2026-11-22', attempts: 5, answered: 0, asr_pct: 0, acd_s: null },
        { key: '2026-11-23', attempts: 12, answered: 6, asr_pct: 50, acd_s: 70 }
      ]
    })
    expect(countedKpis([]).totals).toEqual({ attempts: 0, answered: 0, asr_pct: null, acd_s: null, refused: 0, refused_pct: null })
  })
})

describe('trafficFindings', () => {
  it('explains a failure code that ends a fifth of the attempts or more, switch refusals by their reason', () => {
    const records = [
      ...Array.from({ length: 14 }, (_, i) => ({ time: T0 + i, sip_code: 503, sip_reason: 'No Routes Available (U)' })),
      ...Array.from({ length: 4 }, (_, i) => ({ time: T0 + i, sip_code: 486, sip_reason: 'Busy Here' })),
      ...Array.from({ length: 2 }, (_, i) => ({ time: T0 + i, sip_code: 200, duration_s: 60 }))
    ]
    const { totals, failure_codes: codes } = callAnalytics(records)
    const findings = trafficFindings({ scope: 'prefix 537', attempts: { attempts: totals.attempts, answered: totals.answered, failure_codes: codes } })
    // Busy is the called party's choice: not a finding, however frequent.
    expect(findings.map(f => [f.code, f.severity, f.title])).toEqual([['no_route', 'critical', '14 of 20 attempts for prefix 537 (70 %) ended 503 No Routes Available (U)']])
    expect(findings[0]!.fix).toMatch(/^Check that a carrier card has a rule for the prefix: find a carrier for the destination, or stop selling it on the customer cards\./)
    const carrier = trafficFindings({ scope: 'carrier 9', attempts: { attempts: 10, answered: 6, failure_codes: [{ code: 503, reason: 'Service Unavailable', kind: 'network', count: 4, pct_of_failures: 100, pct_of_attempts: 40 }] } })
    expect(carrier.map(f => [f.code, f.title])).toEqual([['carrier_unavailable', '4 of 10 attempts for carrier 9 (40 %) ended 503 Service Unavailable']])
  })

  it('calls attempts refused before any carrier a routing gap, critical when nothing connected', () => {
    expect(trafficFindings({ scope: 'Cuba', counted: { attempts: 30, answered: 0, refused: 30 } }).map(f => [f.code, f.severity, f.title])).toEqual([
      ['no_route', 'critical', '30 of 30 attempts for Cuba were refused by the switch before any carrier was tried; none connected']
    ])
    expect(trafficFindings({ scope: 'x', counted: { attempts: 30, answered: 10, refused: 16 } })[0]!.severity).toBe('warning')
    expect(trafficFindings({ scope: 'x', counted: { attempts: 30, answered: 10, refused: 14 } })).toEqual([])
    expect(trafficFindings({ scope: 'x', counted: { attempts: 2, answered: 0, refused: 2 } })).toEqual([])
  })

  it('flags answered calls that last no time', () => {
    const [f] = trafficFindings({ scope: 'customer 106143', answered: { calls: 26, zero_duration: 25, short_calls: 25, short_call_s: 6 } })
    expect([f!.code, f!.severity, f!.title]).toEqual(['short_calls', 'critical', '25 of 26 answered calls for customer 106143 (96.2 %) lasted 1 s or less'])
    expect(trafficFindings({ scope: 'c', answered: { calls: 100, zero_duration: 2, short_calls: 31, short_call_s: 6 } }).map(f => [f.severity, f.title])).toEqual([['warning', '31 of 100 answered calls for c (31 %) lasted under 6 s']])
    expect(trafficFindings({ scope: 'c', answered: { calls: 100, zero_duration: 4, short_calls: 20, short_call_s: 6 } })).toEqual([])
  })

  it('finds an hour without answers between busy ones, with the chance of it on a working route', () => {
    const hours = [1, 3, 0, 4, 14, 0, 0, 2, 0, 9].map((calls, i) => ({ hour: `2026-11-23T${String(i + 4).padStart(2, '0')}:00Z`, calls }))
    const findings = trafficFindings({ scope: 'carrier 376', hourly_answered: hours })
    // 06:00 between 3 and 4: e^-3.5 = 3.0 %. 09:00–11:00 is followed by 2 calls, 12:00 preceded by 2: not busy enough to judge.
    expect(findings.map(f => f.title)).toEqual(['No call for carrier 376 was answered from 2026-11-23T06:00Z to 2026-11-23T07:00Z, with 3 and 4 in the hours around it'])
    expect(findings[0]!.meaning).toMatch(/^At about 3\.5 answered calls an hour, an hour without any would happen by chance 3 % of the time: /)
    const twoHours = trafficFindings({ scope: 'r', hourly_answered: [5, 0, 0, 5].map((calls, i) => ({ hour: `h${i}`, calls })) })
    expect(twoHours.map(f => [f.code, f.title])).toEqual([['outage', 'No call for r was answered from h1 to h3, with 5 and 5 in the hours around it']])
    expect(twoHours[0]!.meaning).toMatch(/2 hours without any would happen by chance 0 % of the time/)
    // At 1 call an hour, a silent hour is ordinary.
    expect(trafficFindings({ scope: 'r', hourly_answered: [1, 0, 1].map((calls, i) => ({ hour: `h${i}`, calls })) })).toEqual([])
  })
})
