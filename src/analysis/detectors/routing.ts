/**
 * Routing failures across the account: destinations that are sold and attempted but reach no
 * carrier (routing gaps), and one customer refused "no route" again and again for one prefix.
 */
import { countryCodeOf } from '../numbers'
import { count, isoSeconds, type AccountFinding, type CallRecord } from './types'

/** Traffic-report attempts of one customer, destination (customer card name) and carrier; provider 0 = no carrier tried. */
export interface DestinationRow {
  customer_id: number
  provider_id: number
  /** The destination as the customer's card names it (`customer_card_dest_name`); empty when no card rule matched. */
  destination: string
  attempts: number
  connected: number
}

/** Options of {@link detectRoutingGaps}. */
export interface RoutingGapOptions {
  /** Refused attempts of a destination before it is a gap (default 3). */
  minAttempts?: number
  /** The customer cards that rated each destination, when the call log told (destination → card ids). */
  cards?: Readonly<Record<string, readonly string[]>>
  /** A Call-ID of a refused attempt per destination, when the call log told. */
  examples?: Readonly<Record<string, string>>
}

/**
 * Routing gaps. In the traffic report a call the switch refused before any carrier counts once
 * with provider 0; with a destination name, a customer card rated it, so it was sold, attempted and
 * found no carrier (503 No Routes Available (U)). Connected provider-0 attempts are Class 5 calls
 * answered on the switch, so the refused ones are the provider-0 attempts that did not connect.
 * A destination no carrier was tried for at all in the period is critical; one that others'
 * cards route is a gap on some cards only.
 */
export function detectRoutingGaps (rows: readonly DestinationRow[], options: RoutingGapOptions = {}): AccountFinding[] {
  const min = options.minAttempts ?? 3
  const byDest = new Map<string, { refused: number, routed: number, routedConnected: number, customers: Map<number, number> }>()
  for (const row of rows) {
    if (row.destination === '') continue
    const d = byDest.get(row.destination) ?? { refused: 0, routed: 0, routedConnected: 0, customers: new Map<number, number>() }
    if (row.provider_id === 0) {
      const refused = Math.max(0, row.attempts - row.connected)
      d.refused += refused
      if (refused > 0) d.customers.set(row.customer_id, (d.customers.get(row.customer_id) ?? 0) + refused)
    } else {
      d.routed += row.attempts
      d.routedConnected += row.connected
    }
    byDest.set(row.destination, d)
  }
  const out: AccountFinding[] = []
  for (const [destination, d] of [...byDest].sort((a, b) => b[1].refused - a[1].refused || (a[0] < b[0] ? -1 : 1))) {
    if (d.refused < min) continue
    const none = d.routed === 0
    const customers = [...d.customers].sort((a, b) => b[1] - a[1] || a[0] - b[0])
    const cards = options.cards?.[destination]
    const example = options.examples?.[destination]
    out.push({
      code: 'routing_gap',
      severity: none ? 'critical' : 'warning',
      title: `${destination}: ${count(d.refused, 'attempt')} from ${count(customers.length, 'customer')} found no carrier${none ? ', and no carrier was tried for it at all in the period' : ` (${count(d.routed, 'other attempt')} did reach a carrier)`}`,
      meaning: none
        ? 'The destination is on customer cards, so it is sold and customers dial it, but no carrier\'s active rate card has it any more: every call fails with 503 No Routes Available (U). Customer cards built on a carrier card that dropped it are stale.'
        : 'Some customers\' cards route the destination to a carrier and others do not: the cards of the customers listed have it priced but no carrier card among their parents has it.',
      action: none
        ? 'Find a carrier for the destination (add its prefixes to a carrier card that the customer cards use), or remove it from the customer cards so customers are not sold what cannot be delivered.'
        : 'Add a carrier that has the destination to the parents of those customers\' cards, or remove the destination from those cards.',
      threshold: `${min} or more refused attempts of a destination that a customer card prices: one can be a number priced by accident, ${min} is a destination in use.`,
      subject: { destination },
      evidence: {
        count: d.refused,
        refused_attempts: d.refused,
        routed_attempts: d.routed,
        customers: customers.slice(0, 10).map(([id]) => id),
        customers_count: customers.length,
        ...(cards === undefined ? {} : { card_ids: [...cards] })
      },
      ...(example === undefined ? {} : { example_callid: example })
    })
  }
  return out
}

/** A "no route" refusal: 503 or 580 whose reason says no route (the switch's Pre and U refusals, a carrier's 580). */
const NO_ROUTE = /no\s+routes?\s+available|no\s+route/i

/**
 * The number's country code and first national digit (`3538` of 353 85 …, `537` of 53 7 …), the
 * granularity at which plans split fixed from mobile; its first 4 digits when it has no country code.
 */
export function numberPrefix (digits: string): string {
  const cc = countryCodeOf(digits)
  return cc === undefined ? digits.slice(0, 4) : digits.slice(0, cc.length + 1)
}

/** Options of {@link detectRepeatedNoRoute}. */
export interface RepeatedNoRouteOptions {
  /** Refusals of one customer and prefix before they count as repeated (default 5). */
  minCount?: number
}

/**
 * One customer refused "no route" again and again for one prefix (country code + first digit),
 * from call-log records (failed calls are only there). Unidentified callers (customer 0) are
 * left out: they are the unauthorised-IP detector's.
 */
export function detectRepeatedNoRoute (records: readonly CallRecord[], options: RepeatedNoRouteOptions = {}): AccountFinding[] {
  const min = options.minCount ?? 5
  const groups = new Map<string, CallRecord[]>()
  for (const r of records) {
    if (r.customer_id === null || r.customer_id === 0) continue
    if ((r.sip_code !== 503 && r.sip_code !== 580) || !NO_ROUTE.test(r.sip_reason ?? '')) continue
    const digits = r.dest_number.replace(/\D/g, '')
    const key = `${r.customer_id}|${numberPrefix(digits)}`
    groups.set(key, [...(groups.get(key) ?? []), r])
  }
  const out: AccountFinding[] = []
  for (const [key, calls] of groups) {
    if (calls.length < min) continue
    const [customer, prefix] = key.split('|') as [string, string]
    const sorted = calls.toSorted((a, b) => a.time - b.time)
    const reasons = [...new Set(calls.map(c => `${c.sip_code} ${c.sip_reason ?? ''}`.trim()))].sort()
    const pre = calls.some(c => /\(pre\)/i.test(c.sip_reason ?? ''))
    const cards = [...new Set(calls.map(c => c.card_id).filter((c): c is string => typeof c === 'string' && c !== ''))].sort()
    const example = sorted.at(-1)!.callid
    out.push({
      code: 'repeated_no_route',
      severity: 'warning',
      title: `Customer ${customer}: ${count(calls.length, 'call')} to ${prefix}… refused as no route (${reasons.join(', ')}) between ${isoSeconds(sorted[0]!.time)} and ${isoSeconds(sorted.at(-1)!.time)}`,
      meaning: pre
        ? 'The customer\'s cards have no rule for these numbers (Pre): the switch refuses them before looking for a carrier. Repeated, it is not a typo: the customer needs the destination, or its dial plan sends numbers in a form the cards do not price.'
        : 'The customer\'s card prices these numbers but no carrier is found for them (U): a routing gap as this customer sees it.',
      action: pre
        ? 'Add the destination to one of the customer\'s cards (or assign a card that has it), or tell the customer it is not in its plan; check the number format if the destination is on its cards.'
        : 'Add a carrier for the prefix to the parents of the customer\'s card, or stop selling it on that card.',
      threshold: `${min} or more "no route" refusals of one customer for one prefix in the period: once is a mistyped number, ${min} times is a pattern someone keeps dialling.`,
      subject: { customer_id: Number(customer), prefix },
      evidence: {
        count: calls.length,
        reasons,
        first: isoSeconds(sorted[0]!.time),
        last: isoSeconds(sorted.at(-1)!.time),
        numbers: [...new Set(sorted.map(c => c.dest_number))].slice(-3),
        ...(cards.length === 0 ? {} : { card_ids: cards })
      },
      ...(typeof example === 'string' ? { example_callid: example } : {})
    })
  }
  return out.sort((a, b) => (b.evidence.count as number) - (a.evidence.count as number) || (a.subject.customer_id! - b.subject.customer_id!))
}
