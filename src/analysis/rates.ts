import { roundTo } from './money'
import { PrefixIndex } from './numbers'

/**
 * Rate cards: the rule that prices a dialled number (longest matching prefix), what a call costs
 * under a rule (minimum duration, increment, connection charge), the margin between a sell rule and
 * a buy rule, and the traps a rate lookup must name (4470 sold as 447, no rule, below cost, a buy
 * increment coarser than the sell one). Numbers are digits in international form; normalise first.
 */

/** One rule of a card revision, numbers parsed (`GET card/<id>/rev/<rev>/rule`). */
export interface Rule {
  prefix: string
  /** Destination name, e.g. "United Kingdom - Mobile". */
  name: string
  /** Price per minute, in the card's currency. */
  cost: number
  /** Minimum charged duration, seconds (1 when absent). */
  mcd: number
  /** Billing increment after the minimum, seconds (1 when absent). */
  pulse: number
  /** Charged once per connected call (0 when absent). */
  connection_cost: number
}

/** A rule that matched a number, and which prefix. */
export interface RuleMatch {
  rule: Rule
  prefix: string
}

/** A card's rules indexed for longest-prefix look-ups (build once, look up many numbers). */
export class RateDeck {
  private readonly index: PrefixIndex<Rule>
  readonly rules: readonly Rule[]

  /** @param rules the revision's rules; of two with the same prefix, the first is kept. */
  constructor (rules: readonly Rule[]) {
    this.rules = rules
    this.index = new PrefixIndex(rules, r => r.prefix)
  }

  /** The rule with the longest prefix of `number`, or `undefined` when none matches. */
  match (number: string): RuleMatch | undefined {
    const found = this.index.match(number)
    return found === undefined ? undefined : { rule: found.item, prefix: found.prefix }
  }

  /** Rules whose prefix is a shorter prefix of `number` than `than` (what the match shadows), longest first. */
  shorter (number: string, than: string): Rule[] {
    return this.rules.filter(r => r.prefix.length < than.length && number.startsWith(r.prefix)).sort((a, b) => b.prefix.length - a.prefix.length)
  }

  /** Rules whose prefix extends `prefix` (more specific ranges inside it), shortest first. */
  inside (prefix: string): Rule[] {
    return this.rules.filter(r => r.prefix.length > prefix.length && r.prefix.startsWith(prefix))
      .sort((a, b) => a.prefix.length - b.prefix.length || (a.prefix < b.prefix ? -1 : 1))
  }
}

/** Billed seconds of a call that lasted `seconds`: the minimum, then whole increments (0 when it lasted 0). */
export function billedSeconds (seconds: number, mcd: number, pulse: number): number {
  if (seconds <= 0) return 0
  if (seconds <= mcd) return mcd
  return mcd + Math.ceil((seconds - mcd) / pulse) * pulse
}

/**
 * What a call of `seconds` costs under a rule: billed minutes at the rate plus the connection
 * charge, 5 decimals as the CDR has it; a call too short to bill (0 s) costs nothing.
 */
export function callCharge (seconds: number, rule: Pick<Rule, 'cost' | 'mcd' | 'pulse' | 'connection_cost'>): number {
  const billed = billedSeconds(seconds, rule.mcd, rule.pulse)
  return billed === 0 ? 0 : roundTo(billed / 60 * rule.cost + rule.connection_cost, 5)
}

/** A rule with the currency of its card. */
export interface PricedRule {
  rule: Rule
  currency: string
}

/** The margin of selling under one rule and buying under another. */
export interface RuleMargin {
  /** Sell − buy per minute, in the common currency; `null` when the currencies differ. */
  per_minute: number | null
  /** (sell − buy) / sell × 100, 2 decimals; `null` when the currencies differ or the sell rate is 0. */
  pct: number | null
  currency: string | null
  /** The sell rate is lower than the buy rate (same currency). */
  below_cost: boolean
  why?: string
}

/** The per-minute margin of `sell` against `buy`: same currency only; nothing is converted. */
export function ruleMargin (sell: PricedRule, buy: PricedRule): RuleMargin {
  if (sell.currency !== buy.currency) {
    return { per_minute: null, pct: null, currency: null, below_cost: false, why: `sell in ${sell.currency}, buy in ${buy.currency}: not comparable without an exchange rate` }
  }
  const perMinute = roundTo(sell.rule.cost - buy.rule.cost, 6)
  return {
    per_minute: perMinute,
    pct: sell.rule.cost === 0 ? null : roundTo(perMinute / sell.rule.cost * 100, 2),
    currency: sell.currency,
    below_cost: perMinute < 0
  }
}

/** The margin of one call of `seconds` (billing, increments and connection charges included), same currency only. */
export function callMargin (sell: PricedRule, buy: PricedRule, seconds: number): number | null {
  return sell.currency === buy.currency ? roundTo(callCharge(seconds, sell.rule) - callCharge(seconds, buy.rule), 5) : null
}

/** A carrier that may carry a number: its card's matching rule. */
export interface CarrierRate {
  /** Whatever identifies the carrier for the caller (id, name, card id). */
  carrier_id: number | string
  currency: string
  match: RuleMatch
}

/** The kinds of trap a rate lookup reports. */
export type RateTrapCode =
  | 'no_rule'
  | 'no_route'
  | 'below_cost'
  | 'destination_mismatch'
  | 'dearer_range_inside'
  | 'coarser_buy_increment'
  | 'connection_not_covered'
  | 'currency_differs'

/** One trap found on the way to a rate. */
export interface RateTrap {
  code: RateTrapCode
  /** In plain words, with the figures. */
  message: string
  carrier_id?: number | string
  prefix?: string
}

/** A price jump inside a prefix that counts as a trap (4470 is about 30 times 447). */
const DEARER_FACTOR = 3

/**
 * The traps of selling `number` under `sell` (its card's match, or `undefined`) and buying it from
 * `carriers`: no sell rule; no carrier; a carrier that prices the number as another destination
 * with a longer prefix (4470 personal numbering sold as 447 mobile); a dearer range inside the
 * matched prefix (the number is 447…, but 4470… costs 30 times more: check the digits); a buy
 * rate above the sell rate; a buy increment or minimum coarser than the sell one; a connection
 * charge the sell rule does not cover; currencies that cannot be compared.
 */
export function rateTraps (
  number: string,
  sell: { deck: RateDeck, match: RuleMatch | undefined, currency: string },
  carriers: readonly CarrierRate[]
): RateTrap[] {
  const traps: RateTrap[] = []
  const { match } = sell
  if (match === undefined) {
    return [{ code: 'no_rule', message: `No rule on the sell card matches ${number}: the switch refuses the call (503 No Routes Available (Pre)).` }]
  }
  const sold = match.rule
  const dearer = sell.deck.inside(match.prefix).filter(r => sold.cost > 0 && r.cost >= sold.cost * DEARER_FACTOR)
  if (dearer.length > 0) {
    const r = dearer[0]!
    traps.push({ code: 'dearer_range_inside', prefix: r.prefix, message: `${number} matched ${match.prefix} (${sold.name}, ${sold.cost}/min), but ${r.prefix} (${r.name}) inside it costs ${r.cost}/min, ${roundTo(r.cost / sold.cost, 1)}× more: check the number's digits.` })
  }
  if (carriers.length === 0) traps.push({ code: 'no_route', message: `No carrier's card has a rule for ${number}: the switch cannot route it (503 No Routes Available (U)).` })
  for (const c of carriers) {
    const bought = c.match.rule
    if (c.match.prefix.length > match.prefix.length && bought.name !== sold.name) {
      traps.push({ code: 'destination_mismatch', carrier_id: c.carrier_id, prefix: c.match.prefix, message: `Sold as ${sold.name} (${match.prefix}) but carrier ${c.carrier_id} bills it as ${bought.name} (${c.match.prefix}) at ${bought.cost}/min ${c.currency}: the sell card has no rule for ${c.match.prefix}.` })
    }
    const margin = ruleMargin({ rule: sold, currency: sell.currency }, { rule: bought, currency: c.currency })
    if (margin.per_minute === null) {
      traps.push({ code: 'currency_differs', carrier_id: c.carrier_id, message: `Carrier ${c.carrier_id} bills in ${c.currency}, the sell card is in ${sell.currency}: their margin needs an exchange rate.` })
    } else if (margin.below_cost) {
      traps.push({ code: 'below_cost', carrier_id: c.carrier_id, prefix: c.match.prefix, message: `Below cost on carrier ${c.carrier_id}: sold at ${sold.cost}/min, bought at ${bought.cost}/min ${c.currency} (${margin.per_minute}/min, ${margin.pct} %).` })
    }
    if (bought.mcd > sold.mcd || bought.pulse > sold.pulse) {
      traps.push({ code: 'coarser_buy_increment', carrier_id: c.carrier_id, message: `Carrier ${c.carrier_id} bills ${bought.mcd}/${bought.pulse} s but the customer pays ${sold.mcd}/${sold.pulse} s: short calls can cost more than they sell for.` })
    }
    if (c.currency === sell.currency && bought.connection_cost > sold.connection_cost) {
      traps.push({ code: 'connection_not_covered', carrier_id: c.carrier_id, message: `Carrier ${c.carrier_id} charges ${bought.connection_cost} per connected call; the customer pays ${sold.connection_cost}.` })
    }
  }
  return traps
}

/**
 * Carriers in the order to present them: by rate within each currency, cheapest first, currencies
 * in code order (rates in different currencies are not compared; the switch orders those by its
 * own exchange rates, which the API does not give).
 */
export function byRateWithinCurrency<T extends { currency: string, match: RuleMatch }> (carriers: readonly T[]): T[] {
  return carriers.toSorted((a, b) => (a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : a.match.rule.cost - b.match.rule.cost))
}
