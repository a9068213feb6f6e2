import { describe, expect, it } from 'vitest'
import { billedSeconds, byRateWithinCurrency, callCharge, callMargin, RateDeck, rateTraps, ruleMargin, type Rule } from '../../src/analysis/rates'
import { parseRule } from '../../src/connexcs/rateCards'

const rule = (prefix: string, name: string, cost: number, mcd = 1, pulse = 1, connection_cost = 0): Rule => ({ prefix, name, cost, mcd, pulse, connection_cost })

/** A small deterministic generator (mulberry32), so the random cases are the same on every run. */
function seeded (seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

describe('RateDeck: longest prefix', () => {
  const deck = new RateDeck([rule('44', 'UK - Fixed', 0.004), rule('447', 'UK - Mobile', 0.009), rule('4470', 'UK - Personal Numbering', 0.28, 60, 60, 0.05), rule('447624', 'Isle of Man - Mobile', 0.095, 60, 60)])

  it('finds the longest prefix, and nothing for a number no rule starts', () => {
    expect(deck.match('447700900123')?.prefix).toBe('447')
    expect(deck.match('447045123456')?.rule.name).toBe('UK - Personal Numbering')
    expect(deck.match('447624123456')?.prefix).toBe('447624')
    expect(deck.match('442079460000')?.prefix).toBe('44')
    expect(deck.match('33123456789')).toBeUndefined()
    expect(deck.match('4')).toBeUndefined()
  })

  it('names what the match shadows and the ranges inside it', () => {
    expect(deck.shorter('447045123456', '4470').map(r => r.prefix)).toEqual(['447', '44'])
    expect(deck.inside('447').map(r => r.prefix)).toEqual(['4470', '447624'])
  })

  it('agrees with a brute-force search over every rule for 1,000 random numbers (fixed seed)', () => {
    const random = seeded(20261124)
    const digits = (n: number): string => Array.from({ length: n }, () => String(Math.floor(random() * 10))).join('')
    // Nested prefixes on purpose: short roots and longer ranges inside them.
    const roots = Array.from({ length: 40 }, () => digits(1 + Math.floor(random() * 3)))
    const rules = Array.from({ length: 400 }, (_, i) => {
      const root = roots[i % roots.length]!
      return rule(root + digits(Math.floor(random() * 5)), `D${i}`, Math.round(random() * 10_000) / 10_000)
    })
    const randomDeck = new RateDeck(rules)
    for (let i = 0; i < 1000; i++) {
      const number = (random() < 0.8 ? roots[Math.floor(random() * roots.length)]! : '') + digits(8 + Math.floor(random() * 5))
      let best: Rule | undefined
      for (const r of rules) if (number.startsWith(r.prefix) && (best === undefined || r.prefix.length > best.prefix.length)) best = r
      // Of two rules with one prefix, both keep the first.
      expect(randomDeck.match(number)?.rule).toBe(best)
    }
  })
})

describe('parseRule', () => {
  it('reads numbers sent as text and defaults what is missing', () => {
    expect(parseRule({ prefix: '447', name: 'UK - Mobile', cost: '0.0085', mcd: '30', pulse: 6, connection_cost: '0.01' })).toEqual(rule('447', 'UK - Mobile', 0.0085, 30, 6, 0.01))
    expect(parseRule({ prefix: '+44 7', cost: 0.01 })).toEqual(rule('447', '', 0.01))
    expect([parseRule({ prefix: '', cost: 1 }), parseRule({ prefix: '44' }), parseRule(null), parseRule('44')]).toEqual([undefined, undefined, undefined, undefined])
  })
})

describe('billing', () => {
  it('bills the minimum, then whole increments, plus the connection charge', () => {
    expect([billedSeconds(0, 30, 6), billedSeconds(1, 30, 6), billedSeconds(30, 30, 6), billedSeconds(31, 30, 6), billedSeconds(37, 30, 6)]).toEqual([0, 30, 30, 36, 42])
    expect([billedSeconds(61, 60, 60), billedSeconds(95, 1, 1)]).toEqual([120, 95])
    // 95 s at 0.0085/min, 1/1: 0.0134583… → 0.01346; with a 0.01 connection charge 0.02346.
    expect(callCharge(95, rule('447', 'm', 0.0085))).toBe(0.01346)
    expect(callCharge(95, rule('447', 'm', 0.0085, 1, 1, 0.01))).toBe(0.02346)
    expect(callCharge(0, rule('447', 'm', 0.0085, 1, 1, 0.01))).toBe(0)
    expect(callCharge(61, rule('4470', 'p', 0.28, 60, 60, 0.05))).toBe(0.61)
  })
})

describe('margins', () => {
  it('compares a sell rule with a buy rule in one currency only', () => {
    expect(ruleMargin({ rule: rule('447', 'm', 0.0112), currency: 'GBP' }, { rule: rule('447', 'm', 0.0084), currency: 'GBP' })).toEqual({ per_minute: 0.0028, pct: 25, currency: 'GBP', below_cost: false })
    expect(ruleMargin({ rule: rule('923', 'pk', 0.0758), currency: 'USD' }, { rule: rule('923', 'pk', 0.09869), currency: 'USD' })).toEqual({ per_minute: -0.02289, pct: -30.2, currency: 'USD', below_cost: true })
    expect(ruleMargin({ rule: rule('447', 'm', 0.0112), currency: 'GBP' }, { rule: rule('447', 'm', 0.0114), currency: 'USD' }))
      .toEqual({ per_minute: null, pct: null, currency: null, below_cost: false, why: 'sell in GBP, buy in USD: not comparable without an exchange rate' })
  })

  it('prices one call with both sides\' increments', () => {
    // Sold 1/1 at 0.02, bought 60/60 at 0.015: a 10 s call sells for 0.00333 and costs 0.015.
    expect(callMargin({ rule: rule('1', 'us', 0.02), currency: 'USD' }, { rule: rule('1', 'us', 0.015, 60, 60), currency: 'USD' }, 10)).toBe(-0.01167)
    expect(callMargin({ rule: rule('1', 'us', 0.02), currency: 'USD' }, { rule: rule('1', 'us', 0.015), currency: 'EUR' }, 10)).toBeNull()
  })

  it('orders carriers by rate within each currency, never across', () => {
    const c = (id: number, currency: string, cost: number) => ({ carrier_id: id, currency, match: { prefix: '447', rule: rule('447', 'm', cost) } })
    expect(byRateWithinCurrency([c(1, 'USD', 0.01), c(2, 'GBP', 0.02), c(3, 'USD', 0.005), c(4, 'GBP', 0.001)]).map(x => x.carrier_id)).toEqual([4, 2, 3, 1])
  })
})

describe('rateTraps', () => {
  const callCentre = new RateDeck([rule('44', 'United Kingdom - Fixed', 0.0034, 60, 60), rule('447', 'United Kingdom - Mobile', 0.0098, 60, 60)])
  const retail = new RateDeck([rule('447', 'United Kingdom - Mobile', 0.0093), rule('4470', 'United Kingdom - Personal Numbering', 0.2673, 60, 60, 0.0468)])

  it('finds a 4470 number sold as a UK mobile while the carrier bills it as a personal number', () => {
    const number = '447045123456'
    const traps = rateTraps(number, { deck: callCentre, match: callCentre.match(number), currency: 'GBP' }, [
      { carrier_id: 318, currency: 'GBP', match: { prefix: '4470', rule: rule('4470', 'United Kingdom - Personal Numbering', 0.2128, 60, 60, 0.0374) } }
    ])
    expect(traps.map(t => t.code)).toEqual(['destination_mismatch', 'below_cost', 'connection_not_covered'])
    expect(traps[0]!.message).toBe('Sold as United Kingdom - Mobile (447) but carrier 318 bills it as United Kingdom - Personal Numbering (4470) at 0.2128/min GBP: the sell card has no rule for 4470.')
  })

  it('warns that a dearer range sits inside the prefix a number matched', () => {
    const number = '447700900123'
    const traps = rateTraps(number, { deck: retail, match: retail.match(number), currency: 'GBP' }, [{ carrier_id: 311, currency: 'GBP', match: { prefix: '447', rule: rule('447', 'United Kingdom - Mobile', 0.0075) } }])
    expect(traps).toEqual([{ code: 'dearer_range_inside', prefix: '4470', message: '447700900123 matched 447 (United Kingdom - Mobile, 0.0093/min), but 4470 (United Kingdom - Personal Numbering) inside it costs 0.2673/min, 28.7× more: check the number\'s digits.' }])
  })

  it('names a number with no rule, no route, coarser buy increments and currencies it cannot compare', () => {
    expect(rateTraps('33123456789', { deck: retail, match: undefined, currency: 'GBP' }, []).map(t => t.code)).toEqual(['no_rule'])
    expect(rateTraps('442079460000', { deck: callCentre, match: callCentre.match('442079460000'), currency: 'GBP' }, []).map(t => t.code)).toEqual(['no_route'])
    const sold = new RateDeck([rule('1', 'USA', 0.02)])
    const traps = rateTraps('12125550100', { deck: sold, match: sold.match('12125550100'), currency: 'USD' }, [
      { carrier_id: 'A', currency: 'USD', match: { prefix: '1', rule: rule('1', 'USA', 0.015, 6, 6) } },
      { carrier_id: 'B', currency: 'EUR', match: { prefix: '1', rule: rule('1', 'USA', 0.004) } }
    ])
    expect(traps.map(t => [t.code, t.carrier_id])).toEqual([['coarser_buy_increment', 'A'], ['currency_differs', 'B']])
  })
})
