import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { Random } from '../../platform/switch/random'
import {
  detectAuthFailureBursts, detectCarrierDrift, detectCarrierOutages, detectHighCostBursts, detectMalformedNumbers, detectRepeatedNoRoute,
  detectRoutingGaps, detectSequentialNumbers, detectTrafficSpikes, detectUnauthorisedIps, detectUnidentifiedCallers, detectZeroDurationCalls, numberMistakes, numberPrefix,
  rankAccountFindings, runDetectors, type CallRecord, type CarrierHourRow
} from '../../src/analysis/detectors/index'
import { binomialAtMost } from '../../src/analysis/significance'

const T0 = Date.UTC(2026, 10, 23) / 1000
const hour = (h: number): string => new Date((T0 + h * 3600) * 1000).toISOString().replace('T', ' ').slice(0, 19)
const call = (i: number, extra: Partial<CallRecord>): CallRecord => ({ callid: `c${i}`, time: T0 + i * 60, customer_id: 105_001, cli: '442079460001', dest_number: '447700900123', sip_code: 200, duration_s: 60, ...extra })

describe('detectCarrierOutages', () => {
  // Carrier 311 answers 20 of 40 an hour, except hour 10: 0 of 20. Carrier 312 answers 25 of 50 all day.
  const rows: CarrierHourRow[] = [
    ...Array.from({ length: 24 }, (_, h) => ({ provider_id: 311, hour: hour(h), attempts: h === 10 ? 20 : 40, connected: h === 10 ? 0 : 20 })),
    ...Array.from({ length: 24 }, (_, h) => ({ provider_id: 312, hour: hour(h), attempts: 50, connected: 25 })),
    { provider_id: 0, hour: hour(10), attempts: 30, connected: 0 }
  ]

  it('finds the hour a carrier failed everything, at its own rate and over every hour that could alarm', () => {
    const [f, ...more] = detectCarrierOutages(rows)
    expect(more).toEqual([])
    const usual = 460 / 940
    expect(f).toMatchObject({
      code: 'carrier_outage',
      severity: 'critical',
      title: 'Carrier 311 connected 0 of 20 attempts from 2026-11-23T10:00:00Z to 2026-11-23T11:00:00Z (usually 48.94 % of its attempts), while the other carriers connected 50 % of theirs',
      subject: { provider_id: 311 },
      evidence: { attempts: 20, connected: 0, usual_asr_pct: 48.94, others_attempts: 50, others_asr_pct: 50, hours: 1, hour_attempts: [20], hour_connected: [0], partial: false,
        p_value: Number(binomialAtMost(0, 20, usual).toPrecision(3)), hours_tested: 48, pairs_tested: 46, tests: 94 },
      window: { start: '2026-11-23T10:00:00Z', end: '2026-11-23T11:00:00Z' }
    })
    // 48 hours and 46 pairs of adjacent hours, every one able to reach 0.01 / 94.
    expect(f!.threshold).toMatch(/^An hour alarms when at most 20 % of its attempts connected and chance at the carrier's own rate is below 1\.1e-4 \(0\.01 over 94 tests, Tarone: the 48 carrier-hours and 46 pairs of adjacent hours that could reach it\)/)
  })

  it('never alarms on a handful of attempts, however many hours are tested', () => {
    // 5 attempts, none answered, on a carrier answering half: 1 time in 32 by chance.
    const quiet = [...rows.filter(r => r.provider_id === 312), { provider_id: 313, hour: hour(3), attempts: 5, connected: 0 },
      ...Array.from({ length: 23 }, (_, h) => ({ provider_id: 313, hour: hour(h === 3 ? 23 : h), attempts: 6, connected: 3 }))]
    expect(detectCarrierOutages(quiet)).toEqual([])
  })

  it('joins adjacent hours into one window and says when the other carriers failed too', () => {
    const twoHours = rows.map(r => r.provider_id === 311 && r.hour === hour(11) ? { ...r, attempts: 20, connected: 1 } : r.provider_id === 312 && (r.hour === hour(10) || r.hour === hour(11)) ? { ...r, connected: 2 } : r)
    const [f] = detectCarrierOutages(twoHours)
    expect(f!.window).toEqual({ start: '2026-11-23T10:00:00Z', end: '2026-11-23T12:00:00Z' })
    expect(f!.evidence).toMatchObject({ attempts: 40, connected: 1, hours: 2, others_attempts: 100, others_asr_pct: 4 })
    expect(f!.meaning).toMatch(/^The carrier failed, but the other carriers did badly in the same hours too/)
  })
})

describe('detectCarrierOutages, whatever the outage\'s phase against the hours', () => {
  // Two days a minute at a time: carrier 311 gets an attempt every minute and connects all but those
  // of minutes ending in 0 (9 in 10), and none while it is down; carrier 312 gets two a minute and
  // connects one. The detector sees only the hourly sums, as the traffic report gives them.
  const rowsWith = (down?: { from: number, to: number }): CarrierHourRow[] => Array.from({ length: 48 }, (_, h) => {
    let connected = 0
    for (let m = h * 60; m < h * 60 + 60; m++) if (m % 10 !== 0 && (down === undefined || m < down.from || m >= down.to)) connected++
    return [{ provider_id: 311, hour: hour(h), attempts: 60, connected }, { provider_id: 312, hour: hour(h), attempts: 120, connected: 60 }]
  }).flat()
  const iso = (h: number): string => `${hour(h).replace(' ', 'T')}Z`
  const cases = [0, 15, 27, 45].flatMap(minute => [30, 60, 90].map(length => [length, minute] as [number, number]))

  it.each(cases)('finds %i minutes down from 21:%i with the hours that hold them and their counts', (length, minute) => {
    const from = 21 * 60 + minute
    const to = from + length
    const rows = rowsWith({ from, to })
    // The hours the outage touches, as the minutes above fill them.
    const first = Math.floor(from / 60)
    const last = Math.floor((to - 1) / 60)
    const held = rows.filter(r => r.provider_id === 311 && r.hour >= hour(first) && r.hour <= hour(last))
    const [f, ...more] = detectCarrierOutages(rows)
    expect(more).toEqual([])
    expect(f).toMatchObject({
      code: 'carrier_outage',
      subject: { provider_id: 311 },
      window: { start: iso(first), end: iso(last + 1) },
      evidence: {
        attempts: 60 * held.length,
        connected: held.reduce((s, r) => s + r.connected, 0),
        hours: held.length,
        hour_attempts: held.map(r => r.attempts),
        hour_connected: held.map(r => r.connected),
        others_attempts: 120 * held.length,
        others_asr_pct: 50,
        // Whole when every hour held failed at least 80 % of its attempts: only the hour from 21:00 to 22:00.
        partial: !(length === 60 && minute === 0)
      }
    })
    expect(f!.title).toMatch(length === 60 && minute === 0
      ? /^Carrier 311 connected 0 of 60 attempts from /
      : new RegExp(`^Carrier 311 had an outage in part of ${iso(first)} to ${iso(last + 1)}, connecting .*; the report counts by hour, so its exact start and end are not known$`))
  })

  it('says what the hours show: counts by hour, the usual rate, and that only part of them was down', () => {
    const usual = (down: number): number => Math.round((48 * 54 - down) / 2880 * 10_000) / 100
    // 21:27 to 22:27: 33 minutes of the first hour (24 of its 27 healthy attempts connect), 27 of the second (30 of 33).
    const [straddling] = detectCarrierOutages(rowsWith({ from: 21 * 60 + 27, to: 22 * 60 + 27 }))
    expect(straddling!.title).toBe('Carrier 311 had an outage in part of 2026-11-23T21:00:00Z to 2026-11-23T23:00:00Z, connecting 24 of 60 attempts in the hour from 21:00 ' +
      `and 30 of 60 in the hour from 22:00 (usually ${usual(54)} % of its attempts), while the other carriers connected 50 % of theirs; ` +
      'the report counts by hour, so its exact start and end are not known')
    expect(straddling!.threshold).toMatch(/^An hour alarms when at most 20 % of its attempts connected or it lost at least 20 % of the answers the carrier's own rate gives it, and two adjacent hours pooled alarm alike when each fell short on its own \(chance at most 0\.01\)/)
    // 21:45 to 23:15: a quarter of the first hour (40 of its 45 healthy attempts connect) and of the last (41 of 45), the one between whole.
    const [three] = detectCarrierOutages(rowsWith({ from: 21 * 60 + 45, to: 23 * 60 + 15 }))
    expect(three!.title).toBe('Carrier 311 had an outage in part of 2026-11-23T21:00:00Z to 2026-11-24T00:00:00Z, connecting 40 of 60 attempts in the hour from 21:00, ' +
      `0 of 60 in the hour from 22:00 and 41 of 60 in the hour from 23:00 (usually ${usual(14 + 54 + 13)} % of its attempts), while the other carriers connected 50 % of theirs; ` +
      'the report counts by hour, so its exact start and end are not known')
    // 21:15 to 21:45, inside one hour.
    const [inside] = detectCarrierOutages(rowsWith({ from: 21 * 60 + 15, to: 21 * 60 + 45 }))
    expect(inside!.title).toMatch(/^Carrier 311 had an outage in part of 2026-11-23T21:00:00Z to 2026-11-23T22:00:00Z, connecting 27 of 60 attempts in the hour from 21:00 \(usually [\d.]+ % of its attempts\), while the other carriers connected 50 % of theirs; /)
    // On the hour, the words of a whole-hour outage.
    const [whole] = detectCarrierOutages(rowsWith({ from: 21 * 60, to: 22 * 60 }))
    expect(whole!.title).toBe(`Carrier 311 connected 0 of 60 attempts from 2026-11-23T21:00:00Z to 2026-11-23T22:00:00Z (usually ${usual(54)} % of its attempts), while the other carriers connected 50 % of theirs`)
    expect(whole!.evidence).toMatchObject({ partial: false, hours_tested: 96, pairs_tested: 94, tests: 190 })
  })

  it('finds an outage across the hour where neither hour is conclusive alone: the two pooled are', () => {
    // Carrier 314 gets an attempt every minute and a half and connects every other one (40 an hour, 20 connected), none from 21:27 to 22:27:
    // 9 of the 18 attempts before it connect, 11 of the 22 after.
    const rows = Array.from({ length: 48 }, (_, h) => {
      let connected = 0
      for (let i = 0; i < 40; i++) {
        const minute = h * 60 + Math.floor(i * 1.5)
        if (i % 2 === 0 && (minute < 21 * 60 + 27 || minute >= 22 * 60 + 27)) connected++
      }
      return { provider_id: 314, hour: hour(h), attempts: 40, connected }
    })
    const usual = 940 / 1920
    // Each hour short at 0.01, neither at 0.01 over the 95 tests (48 hours, 47 pairs).
    expect([binomialAtMost(9, 40, usual), binomialAtMost(11, 40, usual)].map(p => p > 0.01 / 95 && p <= 0.01)).toEqual([true, true])
    const [f, ...more] = detectCarrierOutages(rows)
    expect(more).toEqual([])
    expect(f).toMatchObject({
      title: 'Carrier 314 had an outage in part of 2026-11-23T21:00:00Z to 2026-11-23T23:00:00Z, connecting 9 of 40 attempts in the hour from 21:00 and 11 of 40 in the hour from 22:00 ' +
        '(usually 48.96 % of its attempts); the report counts by hour, so its exact start and end are not known',
      evidence: { attempts: 80, connected: 20, hour_attempts: [40, 40], hour_connected: [9, 11], partial: true, p_value: Number(binomialAtMost(20, 80, usual).toPrecision(3)), tests: 95 },
      window: { start: '2026-11-23T21:00:00Z', end: '2026-11-23T23:00:00Z' }
    })
  })

  it('leaves alone a busy hour a few points under the carrier\'s rate, and a bad hour of few attempts', () => {
    // 1,000 attempts an hour connecting 900; one hour 860 (far beyond chance, but 4 % of its answers lost) and one 8 of 14.
    const rows = Array.from({ length: 48 }, (_, h) => ({ provider_id: 313, hour: hour(h), attempts: h === 30 ? 14 : 1000, connected: h === 10 ? 860 : h === 30 ? 8 : 900 }))
    expect(binomialAtMost(860, 1000, 0.9)).toBeLessThan(1e-4)
    expect(detectCarrierOutages(rows)).toEqual([])
    // A quarter of the hour's answers lost is part of an hour down.
    const quarter = detectCarrierOutages(rows.map(r => r.hour === hour(10) ? { ...r, connected: 675 } : r))
    expect(quarter.map(f => [f.window, f.evidence.partial])).toEqual([[{ start: '2026-11-23T10:00:00Z', end: '2026-11-23T11:00:00Z' }, true]])
  })

  it('raises no outage on healthy carriers, whatever their rates and volumes, through binomial noise', () => {
    fc.assert(fc.property(
      fc.array(fc.record({ rate: fc.double({ min: 0.2, max: 0.95, noNaN: true }), volume: fc.integer({ min: 1, max: 300 }) }), { minLength: 1, maxLength: 4 }),
      fc.integer({ min: 24, max: 7 * 24 }),
      fc.integer(),
      (carriers, hours, seed) => {
        const random = new Random(seed)
        // Each hour between none and twice the carrier's volume, as a day's traffic rises and falls; each attempt connects at the carrier's rate.
        const rows = carriers.flatMap((c, i) => Array.from({ length: hours }, (_, h) => {
          const attempts = random.int(0, 2 * c.volume)
          let connected = 0
          for (let a = 0; a < attempts; a++) if (random.chance(c.rate)) connected++
          return { provider_id: 400 + i, hour: hour(h), attempts, connected }
        }))
        expect(detectCarrierOutages(rows)).toEqual([])
      }), { seed: 20_261_123, numRuns: 300 })
  })
})

describe('detectRoutingGaps', () => {
  it('names a destination sold and attempted with no carrier, its customers and card; Class 5 answers are not gaps', () => {
    const findings = detectRoutingGaps([
      { customer_id: 1, provider_id: 0, destination: 'Cuba', attempts: 8, connected: 0 },
      { customer_id: 2, provider_id: 0, destination: 'Cuba', attempts: 7, connected: 0 },
      { customer_id: 1, provider_id: 0, destination: 'United Kingdom - London', attempts: 40, connected: 40 },
      { customer_id: 1, provider_id: 376, destination: 'United Kingdom - London', attempts: 400, connected: 200 },
      { customer_id: 3, provider_id: 0, destination: 'Jamaica', attempts: 4, connected: 0 },
      { customer_id: 4, provider_id: 328, destination: 'Jamaica', attempts: 50, connected: 20 },
      { customer_id: 5, provider_id: 0, destination: 'Somalia', attempts: 2, connected: 0 },
      { customer_id: 6, provider_id: 0, destination: '', attempts: 90, connected: 0 }
    ], { cards: { Cuba: ['GjjS-E0FO'] }, examples: { Cuba: 'call-1' } })
    expect(findings.map(f => [f.code, f.severity, f.title])).toEqual([
      ['routing_gap', 'critical', 'Cuba: 15 attempts from 2 customers found no carrier, and no carrier was tried for it at all in the period'],
      ['routing_gap', 'warning', 'Jamaica: 4 attempts from 1 customer found no carrier (50 other attempts did reach a carrier)']
    ])
    expect(findings[0]).toMatchObject({ subject: { destination: 'Cuba' }, evidence: { count: 15, routed_attempts: 0, customers: [1, 2], card_ids: ['GjjS-E0FO'] }, example_callid: 'call-1' })
  })
})

describe('detectRepeatedNoRoute', () => {
  it('groups no-route refusals by customer and prefix (country code and first digit); five make a pattern', () => {
    const records = [
      ...Array.from({ length: 5 }, (_, i) => call(i, { dest_number: `35385${1_000_000 + i}`, sip_code: 503, sip_reason: 'No Routes Available (Pre)', card_id: 'AbCd-1234' })),
      ...Array.from({ length: 4 }, (_, i) => call(10 + i, { dest_number: `4915${1_000_000 + i}`, sip_code: 503, sip_reason: 'No Routes Available (Pre)' })),
      ...Array.from({ length: 6 }, (_, i) => call(20 + i, { dest_number: `35387${1_000_000 + i}`, sip_code: 503, sip_reason: 'Service Unavailable' })),
      ...Array.from({ length: 6 }, (_, i) => call(30 + i, { customer_id: 0, dest_number: `35385${1_000_000 + i}`, sip_code: 503, sip_reason: 'No Routes Available (U)' }))
    ]
    const [f, ...more] = detectRepeatedNoRoute(records)
    expect(more).toEqual([])
    expect(f).toMatchObject({
      code: 'repeated_no_route',
      title: 'Customer 105001: 5 calls to 3538… refused as no route (503 No Routes Available (Pre)) between 2026-11-23T00:00:00Z and 2026-11-23T00:04:00Z',
      subject: { customer_id: 105_001, prefix: '3538' },
      evidence: { count: 5, card_ids: ['AbCd-1234'], numbers: ['353851000002', '353851000003', '353851000004'] },
      example_callid: 'c4'
    })
    expect(f!.action).toMatch(/^Add the destination to one of the customer's cards/)
    expect([numberPrefix('5371234567'), numberPrefix('18765550123'), numberPrefix('0044')]).toEqual(['537', '18', '0044'])
  })
})

describe('detectZeroDurationCalls', () => {
  it('tests each customer and CLI against the account\'s share, conservatively over all the customer\'s answered calls', () => {
    const records = [
      ...Array.from({ length: 12 }, (_, i) => call(i, { duration_s: i % 2 })),
      ...Array.from({ length: 3 }, (_, i) => call(20 + i, { cli: '442079460002', duration_s: 0 })),
      ...Array.from({ length: 6 }, (_, i) => call(30 + i, { customer_id: 105_002, duration_s: 1 }))
    ]
    // 21 of 2,100 answered calls are zero-length (1 %); 12 of customer 105001's 100 is far above, 6 of 1,000 below.
    const findings = detectZeroDurationCalls(records, { answeredByCustomer: { 105_001: 100, 105_002: 1000, 105_003: 1000 } })
    expect(findings.map(f => f.title)).toEqual(['Customer 105001, CLI 442079460001: 12 answered calls of at most 1 s, of its 100 answered calls (12 %; 1 % across the account)'])
    expect(findings[0]).toMatchObject({ severity: 'warning', subject: { customer_id: 105_001, cli: '442079460001' }, evidence: { count: 12, customer_answered: 100, account_share_pct: 1 }, example_callid: 'c11' })
  })
})

describe('numberMistakes and detectMalformedNumbers', () => {
  it('finds the country code twice, the national 0 kept, and lengths a closed plan never has', () => {
    expect(numberMistakes('44442079460123').map(m => m.kind)).toEqual(['duplicated_country_code'])
    expect(numberMistakes('4402079460123').map(m => [m.kind, m.corrected])).toEqual([['trunk_prefix_left', '442079460123']])
    expect(numberMistakes('4420794').map(m => m.kind)).toEqual(['wrong_length'])
    expect(numberMistakes('1212555012')).toEqual([{ kind: 'wrong_length', detail: '9 digits after the country code 1; its numbers have 10' }])
    // Open plans (Germany) and good numbers are left alone.
    for (const n of ['493012345678', '4930123456', '442079460123', '12125550123', '353851234567', '5371234567']) expect(numberMistakes(n)).toEqual([])
  })

  it('reports a customer with the same mistake three times, not a single typo', () => {
    const records = [
      ...[1, 2, 3].map(i => call(i, { dest_number: `444420794601${i}0`, sip_code: 404 })),
      call(4, { customer_id: 105_002, dest_number: '4420794', sip_code: 484 }),
      ...[5, 6, 7].map(i => call(i, { customer_id: 0, dest_number: `444420794601${i}0`, sip_code: 401 }))
    ]
    const findings = detectMalformedNumbers(records)
    expect(findings.map(f => [f.severity, f.title])).toEqual([['warning', 'Customer 105001: 3 calls to numbers with the country code dialled twice (e.g. 44442079460110), 0 answered']])
    expect(findings[0]!.evidence).toMatchObject({ count: 3, kind: 'duplicated_country_code', corrected: ['442079460110', '442079460120', '442079460130'] })
  })
})

describe('detectSequentialNumbers', () => {
  it('finds numbers dialled in order, with the gaps answered-only records leave', () => {
    const steps = [0, 1, 2, 4, 5, 6, 8, 9, 10, 11]
    const records = [
      ...steps.map((s, i) => call(i, { dest_number: String(442_079_460_200 + s), sip_code: i % 3 === 0 ? 487 : 200 })),
      call(3.5, { dest_number: '447700900555' }),
      // Seven in order is not enough; random numbers of another customer never are.
      ...Array.from({ length: 7 }, (_, i) => call(50 + i, { customer_id: 105_002, dest_number: String(442_079_460_300 + i) })),
      ...[917, 12, 433, 434, 80, 81, 82, 990, 5].map((n, i) => call(80 + i, { customer_id: 105_003, dest_number: `447700900${String(n).padStart(3, '0')}` }))
    ]
    const findings = detectSequentialNumbers(records)
    expect(findings.map(f => f.title)).toEqual(['Customer 105001: 10 calls to consecutive numbers 442079460200 to 442079460211 in 9 min, 6 answered'])
    expect(findings[0]).toMatchObject({ subject: { customer_id: 105_001, prefix: '44207946' }, evidence: { count: 10, seconds: 540 }, example_callid: 'c9' })
  })
})

describe('detectHighCostBursts', () => {
  it('finds a burst to dear destinations against the customer\'s own rate, over every customer-hour', () => {
    const records = [
      ...Array.from({ length: 12 }, (_, i) => call(i, { time: T0 + 3600 + i * 120, dest_number: `1876555010${i % 10}`, destination: 'Jamaica', rate: 0.16, duration_s: 5 + i })),
      // A customer that calls Jamaica every day is not a burst; neither are cheap calls.
      ...Array.from({ length: 30 }, (_, i) => call(100 + i, { customer_id: 105_002, time: T0 + i * 86_400 / 2, destination: 'Jamaica', rate: 0.2 })),
      ...Array.from({ length: 30 }, (_, i) => call(200 + i, { customer_id: 105_003, time: T0 + i * 60, rate: 0.01 }))
    ]
    const findings = detectHighCostBursts(records, { periodHours: 30 * 24 })
    expect(findings.map(f => f.title)).toEqual(['Customer 105001: 12 calls to high-cost destinations (Jamaica) in 22 min, 12 answered, median 10 s; usually 0.033 a day'])
    expect(findings[0]).toMatchObject({ severity: 'critical', evidence: { count: 12, answered: 12, short_answered: 12 }, window: { start: '2026-11-23T01:00:00Z', end: '2026-11-23T01:22:00Z' } })
    expect(findings[0]!.meaning).toContain('of wangiri')
  })
})

describe('detectTrafficSpikes', () => {
  const days = Array.from({ length: 30 }, (_, i) => new Date((T0 + (i - 29) * 86_400) * 1000).toISOString().slice(0, 10))
  it('finds a day with many times the customer\'s median day, not a weekday after a weekend', () => {
    const rows = days.flatMap((day, i) => [
      { customer_id: 1, day, attempts: i === 27 ? 300 : 8 + (i % 3) },
      { customer_id: 2, day, attempts: i % 7 < 2 ? 60 : 120 },
      { customer_id: 3, day, attempts: i === 5 ? 45 : 2 }
    ])
    const findings = detectTrafficSpikes(rows, { days })
    expect(findings.map(f => f.title)).toEqual([`Customer 1: 300 attempts on ${days[27]}, 33 times its usual day (9 attempts)`])
    expect(findings[0]!.evidence).toMatchObject({ count: 300, usual_day: 9, day: days[27] })
  })

  it('counts only the days the account carried traffic: a month that starts before it is not a spike on every customer', () => {
    // The account's traffic begins on day 23: 7 ordinary days of 100 to 130 attempts, and a spike of 900 on day 28 for customer 1.
    const rows = days.slice(23).flatMap((day, i) => [
      { customer_id: 1, day, attempts: i === 5 ? 900 : 100 + 5 * i }, { customer_id: 2, day, attempts: 120 + (i % 2) * 10 }
    ])
    expect(detectTrafficSpikes(rows, { days }).map(f => [f.subject.customer_id, f.evidence.day, f.evidence.usual_day])).toEqual([[1, days[28], 110]])
    // Three days with traffic are too few to know a usual day.
    expect(detectTrafficSpikes(rows.filter(r => r.day >= days[27]!), { days })).toEqual([])
  })
})

describe('detectAuthFailureBursts', () => {
  it('names the username, its addresses and whether it exists; a couple of failures are not a burst', () => {
    const records = [
      ...Array.from({ length: 6 }, (_, i) => call(i * 3, { sip_code: 503, sip_reason: 'Unknown User', auth_user: 'mapleleaf-old', source_ip: '203.0.113.66' })),
      ...Array.from({ length: 2 }, (_, i) => call(40 + i, { sip_code: 503, sip_reason: 'Unknown User', auth_user: 'typo-user', source_ip: '203.0.113.70' })),
      ...Array.from({ length: 6 }, (_, i) => call(60 + i * 10, { sip_code: 503, sip_reason: 'Unknown User', auth_user: 'slow-user', source_ip: '203.0.113.71' })),
      ...Array.from({ length: 6 }, (_, i) => call(200 + i, { customer_id: 0, sip_code: 401, sip_reason: 'IP Not Authorised', source_ip: '192.0.2.201' }))
    ]
    const findings = detectAuthFailureBursts(records, { knownUsers: ['mapleleaf123'] })
    expect(findings.map(f => f.title)).toEqual(['6 failed authentications in 15 min for SIP user "mapleleaf-old" from 203.0.113.66 (customer 105001): 503 Unknown User'])
    expect(findings[0]).toMatchObject({ severity: 'warning', subject: { username: 'mapleleaf-old', customer_id: 105_001 }, evidence: { count: 6, user_exists: false }, example_callid: 'c15' })
    expect(findings[0]!.meaning).toMatch(/^"mapleleaf-old" is not a SIP user of the account/)
  })
})

describe('detectUnauthorisedIps', () => {
  it('tells a scanner from a customer\'s PBX on a new address', () => {
    const refused = { customer_id: 0, sip_code: 401, sip_reason: 'IP Not Authorised' }
    const records = [
      ...Array.from({ length: 12 }, (_, i) => call(i, { ...refused, source_ip: '192.0.2.201', user_agent: 'friendly-scanner', cli: String(100 + i), dest_number: `00972${5_000_000 + i}` })),
      ...Array.from({ length: 3 }, (_, i) => call(20 + i, { ...refused, source_ip: '203.0.113.250', cli: '442079460123' })),
      ...Array.from({ length: 2 }, (_, i) => call(30 + i, { ...refused, source_ip: '203.0.113.251' }))
    ]
    const findings = detectUnauthorisedIps(records, { cliOwners: { 442079460123: 105_777 } })
    expect(findings.map(f => [f.severity, f.title])).toEqual([
      ['warning', '12 calls from 192.0.2.201, which matches no customer (401 IP Not Authorised): a SIP scanner (User-Agent "friendly-scanner"), 12 different numbers'],
      ['critical', '3 calls from 203.0.113.250, which matches no customer (401 IP Not Authorised): the CLIs are customer 105777\'s']
    ])
    expect(findings[1]).toMatchObject({ subject: { source_ip: '203.0.113.250', customer_id: 105_777 }, evidence: { kind: 'customer_new_ip', cli_owner: 105_777, calls_with_owner_cli: 3 } })
    expect(findings[1]!.action).toBe('Confirm with customer 105777 that 203.0.113.250 is theirs, then add it to the customer\'s IP authentication (or let it authenticate with a SIP user).')
  })
})

describe('detectUnidentifiedCallers', () => {
  // Callers matched to no customer (customer 0 in the traffic report): 40 in hour 11, 1 in hour 5 and 2 in hour 6, 2 in hour 20.
  const hours = [
    { hour: hour(11), attempts: 40, connected: 0 }, { hour: hour(5), attempts: 1, connected: 0 }, { hour: hour(6), attempts: 2, connected: 0 },
    { hour: hour(20), attempts: 2, connected: 0 }
  ]
  const refused = (i: number, at: number): CallRecord => call(i, { time: T0 + at, customer_id: 0, sip_code: 401, sip_reason: 'IP Not Authorised', source_ip: '192.0.2.201' })

  it('reports windows of refused callers the report cannot name, an hour apart at most; two attempts are not a window', () => {
    const findings = detectUnidentifiedCallers(hours)
    expect(findings.map(f => [f.code, f.severity, f.title])).toEqual([
      ['unauthorised_ip', 'warning', '40 calls from callers that match no customer between 2026-11-23T11:00:00Z and 2026-11-23T12:00:00Z, none connected (40 in the hour from 2026-11-23T11:00:00Z); address unknown'],
      ['unauthorised_ip', 'warning', '3 calls from callers that match no customer between 2026-11-23T05:00:00Z and 2026-11-23T07:00:00Z, none connected; address unknown']
    ])
    expect(findings[1]).toMatchObject({
      subject: {},
      evidence: { count: 3, attempts: 3, connected: 0, explained_by_call_log: 0, address: 'unknown', hours: 2, busiest_hour: '2026-11-23T06:00:00Z' }
    })
    expect(findings[1]!.action).toBe('Find the address in Logging (ConnexCS control panel): the calls of this window refused 401 IP Not Authorised; or search the call log ' +
      'by a number one of them dialled or presented. Then block it at the firewall if no customer knows it, or add it to the customer whose PBX it is (its CLIs tell whose).')
    expect(findings[0]!.threshold).toMatch(/^3 or more attempts in a window from callers the switch matched to no customer/)
  })

  it('leaves out what the call log names by address, and gives the addresses it saw too seldom to name as leads', () => {
    const log = Array.from({ length: 38 }, (_, i) => refused(i, 11 * 3600 + i * 10))
    expect(detectUnidentifiedCallers(hours, log).map(f => f.evidence)).toEqual([
      { count: 3, attempts: 3, connected: 0, explained_by_call_log: 0, address: 'unknown', hours: 2, busiest_hour: '2026-11-23T06:00:00Z', busiest_hour_attempts: 2 }
    ])
    const run = runDetectors({ period: { start: '2026-11-23', end: '2026-11-24' }, unidentifiedHours: hours, callLog: [...log, refused(99, 11 * 3600 + 900)] })
    expect(run.findings.map(f => [f.code, f.subject.source_ip ?? '', f.evidence.count])).toEqual([['unauthorised_ip', '192.0.2.201', 39], ['unauthorised_ip', '', 3]])
    // One call met from an address: too few to name it (3 make a finding), so it explains nothing, and the window points at it.
    const once = runDetectors({ period: { start: '2026-11-23', end: '2026-11-24' }, unidentifiedHours: hours, callLog: [refused(1, 11 * 3600 + 60)] })
    expect(once.findings.map(f => f.title)).toEqual([
      '40 calls from callers that match no customer between 2026-11-23T11:00:00Z and 2026-11-23T12:00:00Z, none connected (40 in the hour from 2026-11-23T11:00:00Z); ' +
      'the call log shows some from 192.0.2.201',
      '3 calls from callers that match no customer between 2026-11-23T05:00:00Z and 2026-11-23T07:00:00Z, none connected; address unknown'
    ])
    expect(once.findings[0]).toMatchObject({ evidence: { count: 40, explained_by_call_log: 0, address: 'seen', addresses_in_call_log: ['192.0.2.201'] } })
    expect(once.findings[0]!.action).toMatch(/^Search the call log for 192\.0\.2\.201 to see all its calls, CLIs and User-Agent; then block it/)
  })

  it('says when the call log no longer holds a window, so its address cannot be found', () => {
    const findings = detectUnidentifiedCallers(hours, [], { named: [], callLogFrom: '2026-11-23 09:00:00' })
    expect(findings.map(f => [f.title, f.evidence.address])).toEqual([
      ['40 calls from callers that match no customer between 2026-11-23T11:00:00Z and 2026-11-23T12:00:00Z, none connected (40 in the hour from 2026-11-23T11:00:00Z); address unknown',
        'unknown'],
      ['3 calls from callers that match no customer between 2026-11-23T05:00:00Z and 2026-11-23T07:00:00Z, none connected; address unknown (older than the call log)',
        'unknown, older than the call log']
    ])
    expect(findings[1]!.action).toMatch(/^The call log no longer holds these calls \(it starts 2026-11-23T09:00:00Z\), so their address cannot be found now; /)
  })
})

describe('detectCarrierDrift', () => {
  const pdd = (median: number, n: number): number[] => Array.from({ length: n }, (_, i) => median - n / 2 + i)
  it('finds a carrier whose ASR fell and PDD rose against its previous period, beyond noise', () => {
    const findings = detectCarrierDrift([
      { provider_id: 316, attempts: 900, connected: 330, pdd_ms: pdd(4500, 300) },
      { provider_id: 319, attempts: 1000, connected: 480, pdd_ms: pdd(2050, 400) },
      { provider_id: 320, attempts: 50, connected: 5 }
    ], [
      { provider_id: 316, attempts: 650, connected: 318, pdd_ms: pdd(2000, 300) },
      { provider_id: 319, attempts: 1000, connected: 500, pdd_ms: pdd(2000, 400) },
      { provider_id: 320, attempts: 50, connected: 25 }
    ])
    expect(findings.map(f => f.title)).toEqual(['Carrier 316 against the previous period: ASR 36.67 % of 900 attempts, down 12.26 points from 48.92 %; median PDD 4.5 s of 300 answered calls, up from 2.0 s'])
    expect(findings[0]!.evidence).toMatchObject({ asr_pct: 36.67, previous_asr_pct: 48.92, change_points: -12.26, pdd_p50_ms: 4499, previous_pdd_p50_ms: 1999, pdd_samples: 300 })
    expect(findings[0]!.threshold).toContain('over 4 tests')
  })
})

describe('runDetectors', () => {
  it('runs what it has input for, says why the others did not run, and ranks critical first', () => {
    const run = runDetectors({
      period: { start: '2026-11-01', end: '2026-12-01' },
      destinations: [{ customer_id: 1, provider_id: 0, destination: 'Cuba', attempts: 5, connected: 0 }],
      callLog: Array.from({ length: 5 }, (_, i) => call(i, { dest_number: `5371234${i}`, sip_code: 503, sip_reason: 'No Routes Available (U)' }))
    })
    expect(run.findings.map(f => [f.code, f.severity])).toEqual([['routing_gap', 'critical'], ['repeated_no_route', 'warning']])
    expect(run.ran).toEqual(['routing_gap', 'repeated_no_route', 'malformed_numbers', 'sequential_numbers', 'auth_failure_burst', 'unauthorised_ip'])
    expect(run.skipped).toEqual([
      { code: 'carrier_outage', why: 'needs the traffic report by carrier and hour' },
      { code: 'zero_duration_calls', why: 'needs the CDR\'s calls of at most 1 s and answered calls by customer' },
      { code: 'high_cost_burst', why: 'needs the CDR\'s calls to high-cost destinations and the period' },
      { code: 'traffic_spike', why: 'needs the traffic report by customer and day' },
      { code: 'carrier_drift', why: 'needs each carrier\'s figures for this period and the previous one' }
    ])
    expect(rankAccountFindings([...run.findings].reverse())).toEqual(run.findings)
  })
})
