import { describe, expect, it } from 'vitest'
import { cdrCounts, isAnsweredCode, isZeroDuration, ZERO_DURATION_MAX_S } from '../../src/lib/callOutcome'

describe('the definitions of answered and zero-duration', () => {
  it('answers a call with a 2xx final code only', () => {
    expect([200, 202, 299].map(isAnsweredCode)).toEqual([true, true, true])
    expect([0, 180, 300, 486, 503, Number.NaN, null, undefined].map(isAnsweredCode)).toEqual([false, false, false, false, false, false, false, false])
  })

  it('calls an answered call of at most 1 s zero-duration; an unknown duration is not', () => {
    expect(ZERO_DURATION_MAX_S).toBe(1)
    expect([0, 0.4, 1].map(isZeroDuration)).toEqual([true, true, true])
    expect([1.01, 6, -1, Number.NaN, null, undefined].map(isZeroDuration)).toEqual([false, false, false, false, false, false])
  })

  it('counts every CDR row as answered, the ACD over the rows with a duration', () => {
    const rows = [{ duration: 0 }, { duration: 1 }, { duration: '1' }, { duration: 58 }, { duration: null }, {}]
    expect(cdrCounts(rows)).toEqual({ answered: 6, zero_duration: 3, billed_s: 60, acd_s: 15 })
    expect(cdrCounts([])).toEqual({ answered: 0, zero_duration: 0, billed_s: 0, acd_s: null })
  })
})
