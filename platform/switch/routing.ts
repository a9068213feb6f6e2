import type { Entities } from './entities'
import type { Carrier, CustomerRate, RateCard, RateRule } from './model'
import { convert, PrefixTable } from './numbering'

/** A carrier that can take a call, with the rule of its card that matched. */
export interface Route {
  carrier: Carrier
  card: RateCard
  prefix: string
  rule: RateRule
  /** The rule's price in USD, what least-cost routing compares. */
  cost_usd: number
}

/** The rules of a card's active revision. */
export function activeRules (card: RateCard): RateRule[] {
  return card.revisions.find(r => r.rev === card.active_rev)!.rules
}

/**
 * How the switch routes a call, as ConnexCS does: the customer's ingress routing rows in priority
 * order pick the first sell card with a rule for the number (longest prefix); the carriers are
 * the card's parents whose buy card has a rule for the same destination, cheapest first (LCR).
 */
export class Router {
  private readonly tables = new Map<string, PrefixTable<RateRule>>()
  private readonly rowsByCustomer = new Map<number, string[]>()
  private readonly cards: Map<string, RateCard>
  private readonly carriers: Map<string, Carrier>
  /** Routing depends on the number's first digits only: remember it per card and leading digits. */
  private readonly memo = new Map<string, Route[]>()
  private readonly rateMemo = new Map<string, CustomerRate | null>()
  private readonly digits: number

  constructor (entities: Pick<Entities, 'cards' | 'routing' | 'carriers'>) {
    this.cards = new Map(entities.cards.map(c => [c.id, c]))
    this.carriers = new Map(entities.carriers.map(c => [c.card_id, c]))
    for (const card of entities.cards) this.tables.set(card.id, new PrefixTable(activeRules(card).map(r => [r.prefix, r])))
    this.digits = Math.max(...entities.cards.flatMap(c => activeRules(c).map(r => r.prefix.length)))
    for (const row of entities.routing.toSorted((a, b) => a.priority - b.priority)) {
      if (row.status !== 'Enabled' || !this.cards.has(row.card_id)) continue
      this.rowsByCustomer.set(row.company_id, [...(this.rowsByCustomer.get(row.company_id) ?? []), row.card_id])
    }
  }

  /** The customer-side rule for `number`, or null when none of its cards has one. */
  rate (customerId: number, number: string): CustomerRate | null {
    const key = `${customerId}:${number.slice(0, this.digits)}`
    let rate = this.rateMemo.get(key)
    if (rate === undefined) this.rateMemo.set(key, (rate = this.findRate(customerId, number)))
    return rate
  }

  private findRate (customerId: number, number: string): CustomerRate | null {
    for (const cardId of this.rowsByCustomer.get(customerId) ?? []) {
      const match = this.tables.get(cardId)!.match(number)
      if (match === undefined) continue
      const card = this.cards.get(cardId)!
      const rule = match.value
      return { card_id: card.id, rev: card.active_rev, prefix: match.prefix, name: rule.name, rate: rule.cost, mcd: rule.mcd, pulse: rule.pulse, connection_cost: rule.connection_cost, currency: card.currency }
    }
    return null
  }

  /** Carriers for a call rated with `rate`, cheapest first. */
  routes (rate: CustomerRate, number: string): Route[] {
    const key = `${rate.card_id}:${number.slice(0, this.digits)}`
    let routes = this.memo.get(key)
    if (routes === undefined) this.memo.set(key, (routes = this.findRoutes(rate, number)))
    return routes
  }

  private findRoutes (rate: CustomerRate, number: string): Route[] {
    const routes: Route[] = []
    for (const parentId of this.cards.get(rate.card_id)!.parents) {
      const carrier = this.carriers.get(parentId)
      const match = this.tables.get(parentId)!.match(number)
      // Only a rule for the same destination counts: a carrier's catch-all (44 for UK fixed) is
      // not a route for a number the customer was sold as another destination (UK mobile).
      if (carrier === undefined || carrier.status !== 'Active' || match === undefined || match.value.name !== rate.name) continue
      const card = this.cards.get(parentId)!
      routes.push({ carrier, card, prefix: match.prefix, rule: match.value, cost_usd: convert(match.value.cost, card.currency, 'USD') })
    }
    return routes.sort((a, b) => a.cost_usd - b.cost_usd || a.carrier.id - b.carrier.id)
  }
}
