import { describe, expect, it } from 'vitest'
import { balanceOf, isRateCardId, lastTopUp, packageFacts, paymentKind } from '../../src/analysis/accounts'

describe('balanceOf', () => {
  it('is credit + debit limit, and the switch refuses calls at 0 or below', () => {
    expect(balanceOf({ credit: -14.62, debit_limit: 0, status: 'Active', currency: 'USD' })).toEqual({
      credit: -14.62, debit_limit: 0, available: -14.62, currency: 'USD', can_call: false,
      why: 'credit -14.62 USD + debit limit 0.00 USD = -14.62 USD ≤ 0: the switch refuses its calls (403 Insufficient Balance) until it tops up or gets a debit limit'
    })
    expect(balanceOf({ credit: '-312.40', debit_limit: '1000', status: 'Active', currency: 'USD' })).toMatchObject({ available: 687.6, can_call: true, why: 'credit -312.40 USD + debit limit 1000.00 USD = 687.60 USD: in debt, but within its debit limit' })
    expect(balanceOf({ credit: 0.1, debit_limit: 0.2 })).toMatchObject({ available: 0.3, currency: null, can_call: true, why: 'credit 0.10 + debit limit 0.20 = 0.30' })
    expect(balanceOf({ credit: 0, debit_limit: 0, status: 'Active' })).toMatchObject({ available: 0, can_call: false })
  })

  it('takes the real status: an inactive account cannot call whatever its balance', () => {
    expect(balanceOf({ credit: 500, debit_limit: 0, status: 'Inactive', currency: 'GBP' })).toMatchObject({ available: 500, can_call: false, why: 'the account is Inactive' })
    expect(balanceOf({ credit: 500, debit_limit: 0, status: 'Pending Approval' })).toMatchObject({ can_call: false, why: 'the account is Pending Approval' })
  })
})

describe('payments', () => {
  const payments = [
    { id: 1, total: 250, status: 'Completed', payment_time: '2026-11-17 17:41:37' },
    { id: 2, total: -15.24, status: 'Completed', payment_time: '2026-11-20 00:05:00' },
    { id: 3, total: 500, status: 'Failed', payment_time: '2026-11-21 09:00:00' },
    { id: 4, total: '100', status: 'Pending', payment_time: '2026-11-22 09:00:00' },
    { id: 5, amount: '50', payment_time: '2026-10-01 10:00:00' }
  ]

  it('tells top-ups from charges, pending and failed payments', () => {
    expect(payments.map(paymentKind)).toEqual(['top_up', 'charge', 'failed', 'pending', 'top_up'])
  })

  it('takes the last top-up as the newest completed positive payment, in any order', () => {
    expect(lastTopUp(payments)?.id).toBe(1)
    expect(lastTopUp(payments.toReversed())?.id).toBe(1)
    expect(lastTopUp(payments.slice(1, 4))).toBeUndefined()
  })
})

describe('packageFacts', () => {
  it('classifies recurring, one-time and free-minute packages, and what is left', () => {
    expect(packageFacts({ type: ['recurring', 'free-minutes'], retail: 25, frequency: 'month', minutes: 3000, minutes_used: 1200 }))
      .toEqual({ recurring: true, one_time: false, free_minutes: true, minutes_left: 1800, used_up: false })
    expect(packageFacts({ type: ['recurring', 'free-minutes'], retail: 12, frequency: 'month', minutes: 500, minutes_used: 500 })).toMatchObject({ minutes_left: 0, used_up: true })
    expect(packageFacts({ type: ['one-time'], setup_retail: 50, frequency: null, minutes: 0 })).toEqual({ recurring: false, one_time: true, free_minutes: false, minutes_left: null, used_up: false })
    // Both a setup price and a monthly fee: recurring, not one-time (the prior art put it in both).
    expect(packageFacts({ type: ['recurring'], retail: 8, setup_retail: 20, frequency: 'month' })).toMatchObject({ recurring: true, one_time: false })
    expect(packageFacts({ type: 'one-time,free-minutes', setup_retail: 30, minutes: 200, minutes_used: 250 })).toMatchObject({ one_time: true, free_minutes: true, minutes_left: 0, used_up: true })
  })
})

describe('isRateCardId', () => {
  it('accepts card ids and refuses the routing values that are not cards', () => {
    expect(['GjjS-E0FO', 'internal', 'ip:203.0.113.10', 'a:b', '', '  ', 42, null].map(isRateCardId)).toEqual([true, false, false, false, false, false, false, false])
  })
})
