import { describe, expect, it } from 'vitest'
import { getCallAnalytics } from '../../src/tools/getCallAnalytics'
import { searchCdr } from '../../src/tools/searchCdr'
import { NOW_MS, testSwitch } from '../helpers/platform'
import { nodeRunner } from './runners'

// One definition of "answered" and of a zero-duration call (src/lib/callOutcome.ts), issue 13:
// the CDR tools and the analytics count the same period the same way, as the switch's own calls say.
const sw = testSwitch()
const runner = nodeRunner(sw.api)
const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10)
const START = day(NOW_MS - 6 * 86_400_000)
const END = day(NOW_MS)
const inPeriod = (ms: number): boolean => day(ms) >= START && day(ms) <= END

/** The switch's own connected calls of the period: every one is answered; zero-duration is at most 1 s. */
const connected = sw.data.calls.filter(c => c.answer_ms !== null && inPeriod(c.start_ms))
/** The customer with the most zero-duration calls in the period (the dialler of the zero_duration scenario). */
const customerId = (() => {
  const zero = new Map<number, number>()
  for (const c of connected) if (c.duration_s <= 1) zero.set(c.customer_id, (zero.get(c.customer_id) ?? 0) + 1)
  return [...zero].sort((a, b) => b[1] - a[1])[0]![0]
})()
const own = connected.filter(c => c.customer_id === customerId)
const ownZero = own.filter(c => c.duration_s <= 1)

describe('answered and zero-duration: one definition, every tool', () => {
  it('the switch has answered calls of 0 and 1 s in the period, so the definitions matter', () => {
    expect(ownZero.length).toBeGreaterThanOrEqual(20)
    expect(ownZero.some(c => c.duration_s === 0)).toBe(true)
    expect(own.length).toBeGreaterThan(ownZero.length)
  })

  it('searchCdr and getCallAnalytics count the same answered and zero-duration calls for the same period', async () => {
    const period = { start_date: START, end_date: END, customer_id: customerId }
    const cdr = await runner.call(searchCdr, { ...period, limit: 1 })
    const analytics = await runner.call(getCallAnalytics, period)
    expect([cdr.isError, analytics.isError]).toEqual([false, false])
    expect(cdr.result.totals).toMatchObject({ answered: own.length, zero_duration: ownZero.length })
    expect(analytics.result.answered_calls).toMatchObject({ source: 'CDR', complete: true, calls: own.length, zero_duration: ownZero.length })
    expect(cdr.result.total).toBe(own.length)
  })

  it('searchCdr {max_duration: 1}: every call listed is answered, and every one is zero-duration', async () => {
    const { result } = await runner.call(searchCdr, { start_date: START, end_date: END, max_duration: 1, limit: 1 })
    const zero = connected.filter(c => c.duration_s <= 1)
    expect(result.total).toBe(zero.length)
    expect(result.totals).toMatchObject({ answered: zero.length, zero_duration: zero.length })
    expect(result.summary).toMatch(new RegExp(`^${zero.length} calls for ${START} to ${END} \\(max_duration 1\\): .*; ${zero.length} of at most 1 s \\(zero-duration\\)\\.$`))
  })
})
