import { describe, expect, it } from 'vitest'
import { addMoney, currenciesOf, formatMoney, isZeroMoney, marginOf, moneyFrom, roundMoney, roundTo, singleCurrency, subtractMoney, sumMoney, toNumber, UNKNOWN_CURRENCY } from '../../src/analysis/money'

describe('money per currency', () => {
  it('reads the report\'s currency maps, text numbers and bare numbers', () => {
    expect(moneyFrom({ GBP: 11.74, usd: '3.5', EUR: 0 })).toEqual({ GBP: 11.74, USD: 3.5 })
    expect(moneyFrom(2.5, 'gbp')).toEqual({ GBP: 2.5 })
    expect(moneyFrom('2.5')).toEqual({ [UNKNOWN_CURRENCY]: 2.5 })
    expect([moneyFrom(null), moneyFrom(undefined), moneyFrom('x'), moneyFrom([1, 2])]).toEqual([{}, {}, {}, {}])
    expect([toNumber('7'), toNumber(' '), toNumber(Number.NaN), toNumber(Infinity), toNumber(null)]).toEqual([7, undefined, undefined, undefined, undefined])
  })

  it('adds per currency and never across currencies', () => {
    const total = sumMoney([{ GBP: 10, USD: 2 }, { GBP: 0.5 }, { EUR: 4 }, {}])
    expect(total).toEqual({ GBP: 10.5, USD: 2, EUR: 4 })
    expect(addMoney({ GBP: 1 }, 'GBP', 0)).toEqual({ GBP: 1 })
    expect(subtractMoney({ GBP: 10 }, { GBP: 4, USD: 3 })).toEqual({ GBP: 6, USD: -3 })
    expect(currenciesOf({ USD: 1, GBP: 2, EUR: 0 })).toEqual(['GBP', 'USD'])
    expect([singleCurrency({ GBP: 1, USD: 0 }), singleCurrency({ GBP: 1, USD: 1 }), singleCurrency({})]).toEqual(['GBP', undefined, undefined])
    expect([isZeroMoney({ GBP: 0 }), isZeroMoney({ GBP: 0.01 })]).toEqual([true, false])
  })

  it('rounds half away from zero, drops zeros and writes each currency apart', () => {
    expect([roundTo(1.005, 2), roundTo(-1.005, 2), roundTo(-0.00001, 2), roundTo(2.675, 2)]).toEqual([1.01, -1.01, 0, 2.68])
    expect(roundMoney({ USD: 0.123456, GBP: 0.00001, EUR: -2.00005 })).toEqual({ EUR: -2.0001, USD: 0.1235 })
    expect(Object.keys(roundMoney({ USD: 1, EUR: 1, GBP: 1 }))).toEqual(['EUR', 'GBP', 'USD'])
    expect(formatMoney({ USD: 4.05, GBP: 12.3 })).toBe('GBP 12.30, USD 4.05')
    expect(formatMoney({})).toBe('0')
  })

  it('gives a profit and a margin only when revenue and cost are in one currency', () => {
    expect(marginOf({ GBP: 100 }, { GBP: 80 })).toEqual({ net: { GBP: 20 }, currency: 'GBP', profit: 20, margin_pct: 20 })
    expect(marginOf({ USD: 50 }, { USD: 60 })).toEqual({ net: { USD: -10 }, currency: 'USD', profit: -10, margin_pct: -20 })
    expect(marginOf({ GBP: 10 }, {})).toEqual({ net: { GBP: 10 }, currency: 'GBP', profit: 10, margin_pct: 100 })
    expect(marginOf({}, { EUR: 3 })).toEqual({ net: { EUR: -3 }, currency: 'EUR', profit: -3, margin_pct: null, why: 'no revenue' })
    expect(marginOf({}, {})).toEqual({ net: {}, currency: null, profit: 0, margin_pct: null, why: 'no revenue and no cost' })
    // A customer billed in GBP, a carrier paid in USD: both shown, never added or divided.
    expect(marginOf({ GBP: 11.74 }, { USD: 14.62 })).toEqual({
      net: { GBP: 11.74, USD: -14.62 },
      currency: null,
      profit: null,
      margin_pct: null,
      why: 'revenue (GBP 11.74) and cost (USD 14.62) are in different currencies: compare them per currency'
    })
  })
})
