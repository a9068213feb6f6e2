/**
 * Money kept per currency. An amount is always a currency map (`{ GBP: 11.74, USD: 3.2 }`), as the
 * traffic report gives charges; amounts in different currencies are never added, and a ratio of two
 * amounts (a margin) exists only when both are in the one same currency.
 */

/** Amounts by ISO 4217 code. */
export type Money = Record<string, number>

/** The key an amount without a known currency is kept under (a bare number from the API). */
export const UNKNOWN_CURRENCY = '???'

/** Rounds to `places` decimals (half away from zero, so -0.005 → -0.01 like 0.005 → 0.01). */
export function roundTo (value: number, places: number): number {
  const f = 10 ** places
  const r = Math.round(Math.abs(value) * f + 1e-9) / f
  return value < 0 && r !== 0 ? -r : r
}

/** A number from the API, which sometimes sends numbers as text; `undefined` when it is not one. */
export function toNumber (value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value)
    return Number.isFinite(n) ? n : undefined
  }
  return undefined
}

/**
 * An amount as the API gives it: a currency map (`{ "GBP": 1.2 }`, values maybe text), or a bare
 * number, kept under `currency` when the caller knows it, else under {@link UNKNOWN_CURRENCY}.
 * Anything else (null, absent) is no money: `{}`.
 */
export function moneyFrom (value: unknown, currency?: string): Money {
  const out: Money = {}
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [code, amount] of Object.entries(value)) {
      const n = toNumber(amount)
      if (n !== undefined && n !== 0) out[code.toUpperCase()] = (out[code.toUpperCase()] ?? 0) + n
    }
    return out
  }
  const n = toNumber(value)
  if (n !== undefined && n !== 0) out[currency === undefined || currency === '' ? UNKNOWN_CURRENCY : currency.toUpperCase()] = n
  return out
}

/** Adds `amount` in `currency` to `into` (changed in place, and returned). */
export function addMoney (into: Money, currency: string, amount: number): Money {
  if (amount !== 0) into[currency] = (into[currency] ?? 0) + amount
  return into
}

/** The per-currency sum of several amounts. */
export function sumMoney (amounts: Iterable<Money>): Money {
  const out: Money = {}
  for (const m of amounts) for (const [code, amount] of Object.entries(m)) addMoney(out, code, amount)
  return out
}

/** `a − b`, per currency: every currency of either side (a currency only `b` has comes out negative). */
export function subtractMoney (a: Money, b: Money): Money {
  const out: Money = { ...a }
  for (const [code, amount] of Object.entries(b)) out[code] = (out[code] ?? 0) - amount
  return out
}

/** Each amount rounded (default 4 decimals, as the API rounds charges), currencies in code order, zeros dropped. */
export function roundMoney (m: Money, places = 4): Money {
  const out: Money = {}
  for (const code of Object.keys(m).sort()) {
    const r = roundTo(m[code]!, places)
    if (r !== 0) out[code] = r
  }
  return out
}

/** The currencies of an amount that are not zero, in code order. */
export function currenciesOf (m: Money): string[] {
  return Object.keys(m).filter(code => m[code] !== 0).sort()
}

/** Whether an amount has no money in any currency. */
export function isZeroMoney (m: Money): boolean {
  return currenciesOf(m).length === 0
}

/** The one currency of an amount, or `undefined` when it has none or several. */
export function singleCurrency (m: Money): string | undefined {
  const codes = currenciesOf(m)
  return codes.length === 1 ? codes[0] : undefined
}

/** An amount as text, each currency apart: `GBP 12.30, USD 4.05` (`0` when empty). */
export function formatMoney (m: Money, places = 2): string {
  const codes = currenciesOf(m)
  if (codes.length === 0) return '0'
  return codes.map(code => `${code} ${roundTo(m[code]!, places).toFixed(places)}`).join(', ')
}

/** Profit and margin of a revenue against a cost. */
export interface Margin {
  /** Revenue − cost per currency (always given: it is what was kept in each currency). */
  net: Money
  /** The currency revenue and cost are both in, when there is exactly one; `null` otherwise. */
  currency: string | null
  /** Revenue − cost in that currency; `null` when revenue and cost are not in one same currency. */
  profit: number | null
  /** Profit / revenue × 100, 2 decimals; `null` when not one currency or no revenue. */
  margin_pct: number | null
  /** Why profit or margin is missing. */
  why?: string
}

/**
 * Profit and margin of `revenue` against `cost`. Net money per currency is always given; a single
 * profit figure and a margin only when both sides are in one same currency (a cost-free revenue
 * counts as that currency), since nothing here converts currencies.
 */
export function marginOf (revenue: Money, cost: Money, places = 4): Margin {
  const net = roundMoney(subtractMoney(revenue, cost), places)
  const codes = [...new Set([...currenciesOf(revenue), ...currenciesOf(cost)])].sort()
  if (codes.length === 0) return { net, currency: null, profit: 0, margin_pct: null, why: 'no revenue and no cost' }
  if (codes.length > 1) {
    return { net, currency: null, profit: null, margin_pct: null, why: `revenue (${formatMoney(revenue)}) and cost (${formatMoney(cost)}) are in different currencies: compare them per currency` }
  }
  const code = codes[0]!
  const r = revenue[code] ?? 0
  const profit = roundTo(r - (cost[code] ?? 0), places)
  return r === 0
    ? { net, currency: code, profit, margin_pct: null, why: 'no revenue' }
    : { net, currency: code, profit, margin_pct: roundTo(profit / r * 100, 2) }
}
