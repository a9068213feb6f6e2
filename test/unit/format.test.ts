import { describe, expect, it } from 'vitest'
import { countList, formatAmount, formatCount, formatMoney, humanDuration, isoFromUnix, plural } from '../../src/lib/format'

describe('format', () => {
  it('writes durations in the unit a person reads', () => {
    expect([850, 2_140, 59_949, 60_000, 245_000, 3_599_000, 3_600_000, 9_902_000].map(humanDuration))
      .toEqual(['850 ms', '2.1 s', '59.9 s', '1 min 00 s', '4 min 05 s', '59 min 59 s', '1 h 00 min', '2 h 45 min'])
  })

  it('counts, pluralises and sums money without Intl', () => {
    expect([0, 7, 1234, 1234567, -9876].map(formatCount)).toEqual(['0', '7', '1,234', '1,234,567', '-9,876'])
    expect([plural(1, 'call'), plural(2, 'call'), plural(3, 'reply', 'replies')]).toEqual(['1 call', '2 calls', '3 replies'])
    expect(formatMoney({ USD: 4, GBP: 12.3 })).toBe('GBP 12.30, USD 4.00')
    expect(formatMoney({})).toBe('none')
    expect([7292.81, -14.62, 0.005, -0.004, 1234567.5, 0].map(n => formatAmount(n))).toEqual(['7,292.81', '-14.62', '0.01', '0.00', '1,234,567.50', '0.00'])
    expect(formatAmount(0.12345, 4)).toBe('0.1235')
  })

  it('ranks a tally and writes unix times in ISO', () => {
    expect(countList(['503', '486', '503', '404', '487', '503', '486'])).toBe('3× 503, 2× 486, 1× 404, 1 other')
    expect(isoFromUnix(1767348904)).toBe('2026-01-02T10:15:04Z')
  })
})
