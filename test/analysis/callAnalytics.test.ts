import { describe, expect, it } from 'vitest'
import { callAnalytics, type AttemptRecord } from '../../src/analysis/callAnalytics'
import { percentile } from '../../src/analysis/stats'

const D1 = Date.UTC(2026, 0, 1) / 1000
const D2 = D1 + 86_400

const RECORDS: AttemptRecord[] = [
  { time: D1 + 3600, sip_code: 200, duration_s: 120, pdd_ms: 2000, provider: 'p1' },
  { time: D1 + 3700, sip_code: 200, duration_s: 1, pdd_ms: 1500, provider: 'p1' },
  { time: D1 + 3800, sip_code: 200, duration_s: 5, pdd_ms: 3000, provider: 'p1' },
  { time: D1 + 7200, sip_code: 486, sip_reason: 'Busy Here', pdd_ms: 2500, provider: 'p1' },
  { time: D1 + 7300, sip_code: 503, sip_reason: 'Service Unavailable', pdd_ms: null, provider: 'p1' },
  { time: D1 + 7400, sip_code: 503, sip_reason: 'No Routes Available (Pre)', provider: 'p1' },
  { time: D2 + 100, sip_code: 200, duration_s: 300, pdd_ms: 4000, provider: 'p2' },
  { time: D2 + 200, sip_code: 487, sip_reason: 'Request Terminated', pdd_ms: 6000, provider: 'p2' },
  { time: D2 + 300, sip_code: 408, sip_reason: 'Request Timeout', pdd_ms: 0, provider: 'p2' },
  { time: D2 + 400, sip_code: 404, sip_reason: '', provider: null }
]

describe('callAnalytics', () => {
  it('computes ASR, ACD, NER, ISA, PDD percentiles, short and zero-duration calls exactly', () => {
    const result = callAnalytics(RECORDS)
    expect(result.totals).toEqual({
      attempts: 10,
      answered: 4,
      failed: 6,
      asr_pct: 40, // 4 / 10
      acd_s: 106.5, // (120 + 1 + 5 + 300) / 4
      ner_pct: 60, // (4 answered + 486 + 487) / 10
      isa_pct: 30, // 503, 503, 408
      minutes: 7.1, // 426 s
      pdd_ms: { samples: 6, avg: 3167, p50: 2500, p95: 6000 }, // the 0 and the missing ones are not measured
      zero_duration: 1,
      short_calls: 2,
      short_call_pct: 50
    })
  })

  it('ranks failure codes with their most frequent reason, the table name when none was given', () => {
    const result = callAnalytics(RECORDS, { maxFailureCodes: 3 })
    expect(result.failure_codes).toEqual([
      { code: 503, reason: 'No Routes Available (Pre)', kind: 'network', count: 2, pct_of_failures: 33.33, pct_of_attempts: 20 },
      { code: 404, reason: 'Not Found', kind: 'number', count: 1, pct_of_failures: 16.67, pct_of_attempts: 10 },
      { code: 408, reason: 'Request Timeout', kind: 'network', count: 1, pct_of_failures: 16.67, pct_of_attempts: 10 }
    ])
    expect(result.failure_codes_omitted).toBe(2)
  })

  it('names the newest attempt of each failure code as its example, when the records carry Call-IDs', () => {
    const result = callAnalytics([
      { callid: 'old', time: D1, sip_code: 503 }, { callid: 'new', time: D2, sip_code: 503 }, { time: D2 + 1, sip_code: 503 }, { time: D1, sip_code: 404 }
    ])
    expect(result.failure_codes.map(f => [f.code, f.count, f.example_callid])).toEqual([[503, 3, 'new'], [404, 1, undefined]])
  })

  it('buckets by day or hour (UTC) and groups by provider', () => {
    expect(callAnalytics(RECORDS).buckets).toEqual([
      { key: '2026-01-01', attempts: 6, answered: 3, asr_pct: 50, acd_s: 42, ner_pct: 66.67, pdd_p50_ms: 2000 },
      { key: '2026-01-02', attempts: 4, answered: 1, asr_pct: 25, acd_s: 300, ner_pct: 50, pdd_p50_ms: 4000 }
    ])
    const hourly = callAnalytics(RECORDS, { bucket: 'hour', groupBy: 'provider', maxBuckets: 2 })
    expect(hourly.buckets.map(b => [b.key, b.attempts])).toEqual([['2026-01-01T01:00Z', 3], ['2026-01-01T02:00Z', 3]])
    expect(hourly.buckets_omitted).toBe(1)
    expect(hourly.groups.map(g => [g.key, g.attempts, g.answered, g.asr_pct])).toEqual([['p1', 6, 3, 50], ['p2', 3, 1, 33.33], ['unknown', 1, 0, 0]])
    expect(callAnalytics(RECORDS, { bucket: 'none' }).buckets).toEqual([])
  })

  it('handles no attempts, no answers and the short-call threshold', () => {
    const none = callAnalytics([])
    expect(none.totals).toMatchObject({ attempts: 0, asr_pct: null, acd_s: null, ner_pct: null, pdd_ms: null, short_call_pct: null })
    expect(none.failure_codes).toEqual([])
    expect(callAnalytics(RECORDS, { shortCallS: 2 }).totals.short_calls).toBe(1)
    expect(callAnalytics(RECORDS, { shortCallS: 2 }).definitions.short_calls).toBe('answered calls shorter than 2 s (zero-duration included)')
    expect(callAnalytics([{ time: Number.NaN, sip_code: Number.NaN }]).buckets).toEqual([{ key: 'unknown', attempts: 1, answered: 0, asr_pct: 0, acd_s: null, ner_pct: 0, pdd_p50_ms: null }])
  })

  it('takes percentiles by nearest rank', () => {
    expect([percentile([1, 2, 3, 4], 50), percentile([1, 2, 3, 4], 95), percentile([7], 99), percentile([], 50)]).toEqual([2, 4, 7, null])
  })
})
