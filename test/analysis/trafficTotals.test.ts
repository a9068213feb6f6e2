import { describe, expect, it } from 'vitest'
import { carrierHealth, change, comparePeriods, marginPct, rankGroups, sumTraffic, type TrafficRow } from '../../src/analysis/trafficTotals'

const rows: (TrafficRow & { key: string })[] = [
  { key: 'a', attempts: 100, connected: 50, duration_s: 6000, customer_charge: { GBP: 10 }, provider_charge: { USD: 8 }, account_profit: 3.7 },
  { key: 'b', attempts: 10, connected: 1, duration_s: 30, customer_charge: { EUR: 0.5 }, provider_charge: { USD: 0.4 }, account_profit: 0.1 },
  { key: 'a', attempts: 20, connected: 0, refused: 20 }
]

describe('sumTraffic', () => {
  it('weights ratios by their population (not a mean of the rows\' ratios) and keeps money per currency', () => {
    const t = sumTraffic(rows)
    // Rows' ASRs 50 %, 10 %, 0 % average 20 %; the calls say 51 of 130.
    expect(t).toEqual({
      attempts: 130, connected: 51, failed: 79, asr_pct: 39.23, acd_s: 118.2, minutes: 100.5, customer_minutes: 0, provider_minutes: 0,
      revenue: { EUR: 0.5, GBP: 10 }, cost: { USD: 8.4 }, account_profit: 3.8, refused: 20, refused_pct: 15.38
    })
    expect(sumTraffic([])).toMatchObject({ attempts: 0, asr_pct: null, acd_s: null, account_profit: null, revenue: {} })
  })

  it('gives a margin only when all revenue is in the account\'s currency', () => {
    expect(marginPct(sumTraffic(rows), 'GBP')).toBeNull()
    expect(marginPct(sumTraffic([rows[0]!]), 'GBP')).toBe(37)
    expect(marginPct(sumTraffic([rows[0]!]), 'USD')).toBeNull()
  })
})

describe('rankGroups', () => {
  it('ranks groups by a count or one currency\'s revenue, keeps the top and sums the rest', () => {
    const byAttempts = rankGroups(rows, r => r.key, 'attempts', 1)
    expect(byAttempts.top.map(g => [g.key, g.totals.attempts, g.totals.asr_pct])).toEqual([['a', 120, 41.67]])
    expect(byAttempts.rest).toMatchObject({ groups: 1, attempts: 10, connected: 1 })
    expect(rankGroups(rows, r => r.key, 'revenue:EUR', 2).top.map(g => g.key)).toEqual(['b', 'a'])
    expect(rankGroups(rows, r => r.key, 'failed', 5).top.map(g => [g.key, g.totals.failed])).toEqual([['a', 70], ['b', 9]])
  })
})

describe('comparePeriods', () => {
  it('gives ratios in points and counts and money in percent', () => {
    const now = sumTraffic([{ attempts: 120, connected: 48, duration_s: 4800, customer_charge: { GBP: 12 } }])
    const before = sumTraffic([{ attempts: 100, connected: 50, duration_s: 6000, customer_charge: { GBP: 10, USD: 2 } }])
    const c = comparePeriods(now, before)
    expect(c.attempts).toEqual({ current: 120, previous: 100, change: 20, unit: 'percent' })
    expect(c.asr_pct).toEqual({ current: 40, previous: 50, change: -10, unit: 'points' })
    expect(c.acd_s).toEqual({ current: 100, previous: 120, change: -16.67, unit: 'percent' })
    expect(c.revenue).toEqual({ GBP: { current: 12, previous: 10, change: 20, unit: 'percent' }, USD: { current: 0, previous: 2, change: -100, unit: 'percent' } })
    expect(c.account_profit).toEqual({ current: null, previous: null, change: null, unit: 'percent' })
    expect(change(5, 0, 'percent').change).toBeNull()
  })
})

describe('carrierHealth', () => {
  it('ranks carriers by their ASR against the account\'s on the same destinations, worst first', () => {
    const health = carrierHealth([
      // UK answers 50 %, Cuba 20 %: carrier 2 carries Cuba, so its low raw ASR is expected.
      { provider_id: 1, destination: 'UK', attempts: 100, connected: 60 },
      { provider_id: 3, destination: 'UK', attempts: 100, connected: 40 },
      { provider_id: 2, destination: 'Cuba', attempts: 50, connected: 10 },
      { provider_id: 4, destination: 'UK', attempts: 10, connected: 0 },
      { provider_id: 0, destination: 'UK', attempts: 500, connected: 0 }
    ], {
      pdd_ms: { 3: [3000, 1000, 2000] },
      codes: { 3: [{ code: 200, count: 40 }, { code: 486, count: 10 }, { code: 503, reason: 'Service Unavailable', count: 45 }, { code: 408, reason: 'Request Timeout', count: 5 }] }
    })
    expect(health.map(h => [h.provider_id, h.asr_pct, h.expected_asr_pct, h.asr_gap_points, h.enough_data])).toEqual([
      [3, 40, 47.62, -7.62, true],
      [2, 20, 20, 0, true],
      [1, 60, 47.62, 12.38, true],
      [4, 0, 47.62, -47.62, false]
    ])
    expect(health[0]).toMatchObject({ pdd_p50_ms: 2000, pdd_samples: 3, ner_pct: 50, ner_attempts: 100, failure_codes: [{ code: 503, reason: 'Service Unavailable', count: 45 }, { code: 408, reason: 'Request Timeout', count: 5 }] })
  })
})
