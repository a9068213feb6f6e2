import { describe, expect, it } from 'vitest'
import { addressSearchTerms, callLogTerms, carrierCodes, cdrMargins, cdrMoney, dailyTraffic, healthReport, rankings, type HealthRow } from '../../src/analysis/healthReport'
import type { CallRecord } from '../../src/analysis/detectors/types'
import { destinationsOfPrefix } from '../../src/analysis/prefixDestinations'

const row = (customer: number, provider: number, destination: string, attempts: number, connected: number, extra: Partial<HealthRow> = {}): HealthRow => ({
  customer_id: customer, provider_id: provider, destination, attempts, connected, duration_s: connected * 60, customer_charge: { GBP: connected * 0.01 }, ...extra
})

// Customer 1 (GBP) on carriers 11 and 12; customer 2 (USD) on carrier 12; customer 3 refused Cuba before any carrier; customer 0 unidentified.
const ROWS: HealthRow[] = [
  row(1, 11, 'UK - Mobile', 100, 50),
  row(1, 12, 'UK - Mobile', 100, 20),
  row(2, 12, 'India', 50, 25, { customer_charge: { USD: 2.5 } }),
  row(3, 0, 'Cuba', 6, 0, { customer_charge: {} }),
  row(0, 0, '', 40, 0, { customer_charge: {} })
]

describe('healthReport', () => {
  it('totals the period, ranks three ways without customer or carrier 0, and compares with the previous period', () => {
    const facts = healthReport({
      rows: ROWS,
      previous: [{ attempts: 200, connected: 100, duration_s: 6000 }],
      dayRows: [{ day: '2026-11-01', attempts: 200, connected: 70 }, { day: '2026-11-02 00:00:00', attempts: 96, connected: 25 }, { day: '2026-10-31', attempts: 5, connected: 1 }],
      days: ['2026-11-01', '2026-11-02', '2026-11-03'],
      pddInMs: [3000, 1000, 0, 2000, Number.NaN],
      accountCurrency: 'GBP',
      top: 2,
      topRevenue: 1
    })
    expect(facts.totals).toMatchObject({ attempts: 296, connected: 95, asr_pct: 32.09, minutes: 95, refused: 46, active_customers: 3, active_carriers: 2, pdd_p50_ms: 2000, pdd_samples: 3, revenue: { GBP: 0.7, USD: 2.5 }, margin_pct: null })
    expect(facts.change.asr_pct).toEqual({ current: 32.09, previous: 50, change: -17.91, unit: 'points' })
    expect(facts.change.attempts).toEqual({ current: 296, previous: 200, change: 48, unit: 'percent' })
    expect(facts.top.customers).toMatchObject({ by_minutes: [1, 2], by_revenue: { GBP: [1], USD: [2] }, by_failures: [1], groups: 3 })
    expect(facts.top.carriers.by_minutes).toEqual([11, 12])
    expect(facts.top.destinations.by_failures).toEqual(['UK - Mobile'])
    expect(facts.daily).toEqual([{ day: '2026-11-01', attempts: 200, connected: 70 }, { day: '2026-11-02', attempts: 96, connected: 25 }, { day: '2026-11-03', attempts: 0, connected: 0 }])
    // Carrier 12: 45 of 150 (30 %), where the account would answer 35 of its 100 UK - Mobile (70 of 200) and 25 of its 50 India: 40 %.
    expect(facts.carriers.map(c => [c.provider_id, c.asr_pct, c.expected_asr_pct, c.asr_gap_points])).toEqual([[12, 30, 40, -10], [11, 50, 35, 15]])
  })

  it('takes exact money from the CDR when given, and gives a margin only when all revenue is in the account\'s currency', () => {
    const money = cdrMoney([
      { customer_charge: 0.123_45, customer_card_currency: 'GBP', provider_charge: 0.1, provider_card_currency: 'USD' },
      { customer_charge: '0.5', customer_card_currency: 'GBP', provider_charge: 0.2, provider_card_currency: 'GBP' },
      { customer_charge: 0, customer_card_currency: 'EUR' }
    ])
    expect(money).toEqual({ revenue: { GBP: 0.6235 }, cost: { GBP: 0.2, USD: 0.1 } })
    // Profit and margin only where a call is sold and bought in one currency; the GBP-sold, USD-bought call stands apart.
    expect(cdrMargins([
      { customer_charge: 0.123_45, customer_card_currency: 'GBP', provider_charge: 0.1, provider_card_currency: 'USD' },
      { customer_charge: '0.5', customer_card_currency: 'GBP', provider_charge: 0.2, provider_card_currency: 'GBP' },
      { customer_charge: 0.3, customer_card_currency: 'GBP', provider_charge: 0.35, provider_card_currency: 'GBP' },
      { customer_charge: 0, customer_card_currency: 'EUR', provider_charge: 0, provider_card_currency: 'EUR' }
    ])).toEqual({
      currencies: [
        { currency: 'EUR', calls: 1, revenue: 0, cost: 0, profit: 0, margin_pct: null },
        { currency: 'GBP', calls: 2, revenue: 0.8, cost: 0.55, profit: 0.25, margin_pct: 31.25 }
      ],
      calls: 4,
      mixed_calls: 1
    })
    const gbp = healthReport({ rows: [row(1, 11, 'UK', 10, 5, { account_profit: 0.05 })], previous: [], dayRows: [], days: [], pddInMs: [], accountCurrency: 'GBP', money })
    expect(gbp.totals).toMatchObject({ revenue: { GBP: 0.6235 }, cost: { GBP: 0.2, USD: 0.1 }, margin_pct: 8.02 })
  })

  it('ranks with ties by key, and leaves out groups with nothing to rank by', () => {
    const ranked = rankings([row(1, 11, 'a', 10, 0), row(2, 11, 'b', 10, 0), row(3, 11, 'c', 10, 5)], r => r.customer_id, 2)
    expect(ranked).toMatchObject({ by_minutes: [3], by_failures: [1, 2], groups: 3 })
    expect(ranked.figures.map(f => f.key)).toEqual([3, 1, 2])
    expect(dailyTraffic([], ['2026-11-01'])).toEqual([{ day: '2026-11-01', attempts: 0, connected: 0 }])
  })
})

describe('callLogTerms', () => {
  it('searches the customers refused most (by address, else CLI), the commonest country code twice and with its national 0, then the worst carriers', () => {
    const terms = callLogTerms(ROWS, {
      customers: [{ id: 3, ips: [], clis: ['12125550137', '12125550138', '12125550139'] }, { id: 1, ips: ['203.0.113.10'] }],
      carriers: [{ id: 12, ips: ['192.0.2.20', '192.0.2.21'] }]
    }, ['447700900123', '447700900124', '3312345678', '5371234567', 'x'], [12, 99])
    expect(terms).toEqual([
      { term: '12125550137', why: 'refused_customer', customer_id: 3 },
      { term: '12125550138', why: 'refused_customer', customer_id: 3 },
      { term: '4444', why: 'malformed_numbers' },
      { term: '440', why: 'malformed_numbers' },
      { term: '3333', why: 'malformed_numbers' },
      { term: '192.0.2.20', why: 'worst_carrier', provider_id: 12 }
    ])
    expect(callLogTerms(ROWS, { customers: [], carriers: [] }, ['15551234567'], [], { max: 3 })).toEqual([])
  })

  it('searches next the addresses the first searches met refused or unidentified, that no customer or carrier owns, most calls first', () => {
    const at = (i: number, ip: string, extra: Partial<CallRecord> = {}): CallRecord =>
      ({ callid: `c${i}`, time: 1_763_900_000 + i, customer_id: 0, dest_number: '0097250000000', sip_code: 401, sip_reason: 'IP Not Authorised', source_ip: ip, ...extra })
    const records = [
      at(1, '198.51.100.9'), at(2, '192.0.2.201'), at(3, '192.0.2.201'), at(4, '203.0.113.250'), at(5, '203.0.113.10'), at(6, '192.0.2.99'),
      // Refused for another reason by a known customer, answered, or with no address: not a lead.
      at(7, '192.0.2.150', { customer_id: 105_001, sip_code: 503, sip_reason: 'No Routes Available (U)' }), at(8, '192.0.2.151', { customer_id: 0, sip_code: 200, sip_reason: 'OK' }),
      at(9, '', {}), at(10, '203.0.113.250', { customer_id: null, sip_code: 403, sip_reason: 'Forbidden' })
    ]
    expect(addressSearchTerms(records, ['203.0.113.10', '192.0.2.20'], ['192.0.2.99', '4444'])).toEqual([
      { term: '192.0.2.201', why: 'unknown_address' }, { term: '203.0.113.250', why: 'unknown_address' }, { term: '198.51.100.9', why: 'unknown_address' }
    ])
    expect(addressSearchTerms(records, [], [], 1)).toEqual([{ term: '192.0.2.201', why: 'unknown_address' }])
    expect(addressSearchTerms(records.slice(6, 9), [], [])).toEqual([])
  })

  it('counts the final codes of one carrier\'s tries', () => {
    expect(carrierCodes([
      { provider_id: 12, sip_code: 503, sip_reason: 'Service Unavailable' }, { provider_id: 12, sip_code: 200 }, { provider_id: 12, sip_code: 503 },
      { provider_id: 11, sip_code: 408 }, { provider_id: 12, sip_code: 0 }
    ], 12)).toEqual([{ code: 503, reason: 'Service Unavailable', count: 2 }, { code: 200, reason: '', count: 1 }])
  })
})

describe('destinationsOfPrefix', () => {
  const rules = [
    { prefix: '44', name: 'United Kingdom - Fixed' }, { prefix: '441', name: 'United Kingdom - Fixed' }, { prefix: '4420', name: 'United Kingdom - London' },
    { prefix: '447', name: 'United Kingdom - Mobile' }, { prefix: '447624', name: 'Isle of Man - Mobile' }, { prefix: '53', name: 'Cuba' },
    { prefix: '33', name: 'Europe' }, { prefix: '447', name: 'Europe' }
  ]

  it('names the destinations all of whose numbers start with the prefix, and those it cannot count', () => {
    expect(destinationsOfPrefix(rules, '53')).toEqual({ names: ['Cuba'], mixed: [], broader: [] })
    expect(destinationsOfPrefix(rules, '44')).toEqual({
      names: ['Isle of Man - Mobile', 'United Kingdom - Fixed', 'United Kingdom - London', 'United Kingdom - Mobile'], mixed: ['Europe'], broader: []
    })
    expect(destinationsOfPrefix(rules, '447')).toEqual({
      names: ['Isle of Man - Mobile', 'United Kingdom - Mobile'], mixed: ['Europe'], broader: [{ name: 'United Kingdom - Fixed', prefix: '44' }]
    })
    expect(destinationsOfPrefix(rules, '9')).toEqual({ names: [], mixed: [], broader: [] })
  })
})
