import { isRateCardId } from '../analysis/accounts'
import { normaliseNumber } from '../analysis/numbers'
import { byRateWithinCurrency, RateDeck, rateTraps, ruleMargin, type CarrierRate, type RateTrap, type RuleMatch } from '../analysis/rates'
import type { Connexcs } from '../connexcs/client'
import { listCarriers, type CarrierAccount } from '../connexcs/customers'
import { getAllRules, getCard, listCards, listRouting, type CardRecord, type CardSummary } from '../connexcs/rateCards'
import { defineTool } from '../lib/defineTool'
import { invalidArgument, ToolError } from '../lib/errors'
import { plural } from '../lib/format'
import { part, unreadOf, valueOf, type Part } from '../lib/parts'
import { mainFailure, nextStep, notFound, partialAnswer, type NextStep, type ToolResult, type Unread } from '../lib/result'
import { customerIdParam } from '../lib/sharedParams'
import { accountName, resolveAccount } from './shared/accounts'
import { resolveCard } from './shared/cards'

/** Numbers one call prices; several come back one compact row each. */
const MAX_NUMBERS = 20
/** Failed carrier cards named one by one; more are named as one source. */
const MAX_NAMED_CARDS = 3

/** A card's active rules, ready for look-ups. */
interface Deck {
  card: CardSummary & Partial<CardRecord>
  deck: RateDeck
  /** False when the card has more rules than were read: a longer prefix may be missing. */
  complete: boolean
}

/** The numbers asked for, digits only (a tech prefix with #, and +, 00 or spaces dropped). */
function parseNumbers (text: string): { given: string, digits: string }[] {
  const parts = text.split(/[,;\n]/).map(p => p.trim()).filter(p => p !== '')
  if (parts.length === 0) throw invalidArgument('number', 'number must be a dialled number or prefix, e.g. 447700900123')
  if (parts.length > MAX_NUMBERS) throw invalidArgument('number', `number takes at most ${MAX_NUMBERS} numbers separated by commas; got ${parts.length}`)
  return parts.map(given => {
    if (!/^[+\d\s().#*-]+$/.test(given)) throw invalidArgument('number', `"${given}" is not a phone number: digits, optionally + or 00 first (and a tech prefix with #)`)
    const digits = normaliseNumber(given).digits
    if (!/^\d{1,20}$/.test(digits)) throw invalidArgument('number', `"${given}" has no digits to look up`)
    return { given, digits }
  })
}

/** Loads cards' active rules once per call, concurrently. */
function deckLoader (api: Connexcs, summaries: Map<string, CardSummary>) {
  const decks = new Map<string, Promise<Deck | undefined>>()
  return (cardId: string, record?: CardRecord): Promise<Deck | undefined> => {
    let deck = decks.get(cardId)
    if (deck === undefined) {
      deck = (async () => {
        const card = record ?? summaries.get(cardId) ?? await getCard(api, cardId)
        if (card === undefined || card.active_rev === undefined) return undefined
        const { rules, complete } = await getAllRules(api, card.id, card.active_rev)
        return { card, deck: new RateDeck(rules), complete }
      })()
      decks.set(cardId, deck)
    }
    return deck
  }
}

/** One carrier that could carry the number: its rule, and the margin against the sell rule. */
interface Route {
  carrier: CarrierAccount | undefined
  card_id: string
  currency: string
  match: RuleMatch
  label: string
}

function isActive (r: Route): boolean {
  return r.carrier?.status === undefined || r.carrier.status.toLowerCase() === 'active'
}

/** The carriers to quote first: active, with a rule for the destination sold (else any active one). */
function quoted (p: Priced): Route[] {
  const active = p.routes.filter(isActive)
  const same = active.filter(r => r.match.rule.name === p.sell?.match.rule.name)
  return same.length > 0 ? same : active
}

function routeRow (route: Route, sell: { match: RuleMatch, currency: string }) {
  const margin = ruleMargin({ rule: sell.match.rule, currency: sell.currency }, { rule: route.match.rule, currency: route.currency })
  const r = route.match.rule
  return {
    provider_id: route.carrier?.id ?? null,
    carrier: route.carrier?.name ?? null,
    card_id: route.card_id,
    prefix: route.match.prefix,
    destination: r.name,
    rate: r.cost,
    currency: route.currency,
    billing: `${r.mcd}/${r.pulse}`,
    ...(r.connection_cost === 0 ? {} : { connection: r.connection_cost }),
    margin_per_min: margin.per_minute,
    margin_pct: margin.pct,
    ...(margin.why === undefined ? {} : { margin_why: margin.why }),
    ...(r.name === sell.match.rule.name ? {} : { same_destination: false }),
    ...(route.carrier?.status !== undefined && route.carrier.status.toLowerCase() !== 'active' ? { carrier_status: route.carrier.status } : {})
  }
}

/** Traps in few lines: carriers billing in another currency are one line, not one each. */
function foldTraps (traps: RateTrap[]): { code: string, message: string }[] {
  const other = traps.filter(t => t.code === 'currency_differs')
  const rest = traps.filter(t => t.code !== 'currency_differs').map(t => ({ code: t.code, message: t.message }))
  if (other.length > 0) {
    rest.push({ code: 'currency_differs', message: `${plural(other.length, 'carrier')} bill in another currency than the sell card (${other.map(t => String(t.carrier_id)).join(', ')}): no margin without an exchange rate, and none is assumed.` })
  }
  return rest
}

/** What one number costs and earns. */
interface Priced {
  number: string
  digits: string
  sell?: { deck: Deck, match: RuleMatch, currency: string }
  /** The first card in priority order when none has a rule (for the no-rule trap). */
  first?: Deck
  routes: Route[]
  traps: RateTrap[]
  /** Cards with more rules than were read. */
  incomplete: string[]
  /** Carrier cards that could not be read: their carriers are left out. */
  unread: Unread[]
}

async function price (
  numbers: { given: string, digits: string }[],
  sellDecks: Deck[],
  load: ReturnType<typeof deckLoader>,
  carriers: Map<string, CarrierAccount>
): Promise<Priced[]> {
  return Promise.all(numbers.map(async ({ given, digits }) => {
    const hit = sellDecks.map(d => ({ d, match: d.deck.match(digits) })).find(x => x.match !== undefined)
    const incomplete = sellDecks.filter(d => !d.complete).map(d => `card ${d.card.id}: more rules than were read`)
    if (hit === undefined) {
      const first = sellDecks[0]!
      return { number: given, digits, first, routes: [], traps: rateTraps(digits, { deck: first.deck, match: undefined, currency: first.card.currency ?? '?' }, []), incomplete, unread: [] }
    }
    const sell = { deck: hit.d, match: hit.match!, currency: hit.d.card.currency ?? '?' }
    const parents = hit.d.card.parent_card_ids ?? []
    // A carrier card that cannot be read leaves that carrier out, and the answer says so.
    const decks = await Promise.all(parents.map(id => part(() => load(id))))
    const each = unreadOf(decks.map((d, i) => [`carrier card ${parents[i]!} (its carrier is left out)`, d] as const))
    // Many failed carrier cards are one source, so that the first sentence stays a sentence.
    const failedIds = parents.filter((_id, i) => !decks[i]!.ok)
    const unread: Unread[] = each.length <= MAX_NAMED_CARDS
      ? each
      : [{ source: `${each.length} carrier cards (${failedIds.slice(0, MAX_NAMED_CARDS).join(', ')}, …; their carriers are left out)`, error: mainFailure(each) }]
    const routes: Route[] = []
    decks.forEach((read, i) => {
      const cardId = parents[i]!
      const deck = valueOf(read)
      if (deck === undefined) {
        if (read.ok) incomplete.push(`carrier card ${cardId} was not found or has no active revision; its carrier is left out`)
        return
      }
      if (!deck.complete) incomplete.push(`carrier card ${cardId}: more rules than were read`)
      const match = deck.deck.match(digits)
      if (match === undefined) return
      const carrier = carriers.get(cardId)
      routes.push({ carrier, card_id: cardId, currency: deck.card.currency ?? '?', match, label: carrier === undefined ? cardId : `${carrier.name ?? ''} (${carrier.id})`.trim() })
    })
    const active = routes.filter(isActive)
    // Carriers whose rule names the destination sold come first; a catch-all of another destination (44 for a 447 number) after.
    const same = (r: Route): boolean => r.match.rule.name === sell.match.rule.name
    const ordered = [...byRateWithinCurrency(routes.filter(same)), ...byRateWithinCurrency(routes.filter(r => !same(r)))]
    const traps = rateTraps(digits, { deck: sell.deck.deck, match: sell.match, currency: sell.currency },
      active.map((r): CarrierRate => ({ carrier_id: r.label, currency: r.currency, match: r.match })))
    return { number: given, digits, sell, routes: ordered, traps, incomplete, unread }
  }))
}

function sellRow (p: Priced) {
  if (p.sell === undefined) return null
  const r = p.sell.match.rule
  return {
    card_id: p.sell.deck.card.id,
    card: p.sell.deck.card.name ?? null,
    prefix: p.sell.match.prefix,
    destination: r.name,
    rate: r.cost,
    currency: p.sell.currency,
    billing: `${r.mcd}/${r.pulse}`,
    min_duration_s: r.mcd,
    pulse_s: r.pulse,
    connection: r.connection_cost
  }
}

/** The cheapest carrier in each currency, for the compact rows of several numbers. */
function cheapest (p: Priced) {
  const best = new Map<string, Route>()
  for (const r of quoted(p)) if (!best.has(r.currency)) best.set(r.currency, r)
  return [...best.values()].map(r => {
    const sold = p.sell
    const m = sold === undefined
      ? undefined
      : ruleMargin({ rule: sold.match.rule, currency: sold.currency }, { rule: r.match.rule, currency: r.currency })
    return {
      provider_id: r.carrier?.id ?? null,
      carrier: r.carrier?.name ?? null,
      prefix: r.match.prefix,
      rate: r.match.rule.cost,
      currency: r.currency,
      margin_pct: m?.pct ?? null
    }
  })
}

/** `lookupRate`: the sell rate, the carriers' buy rates and the margin of a dialled number. */
export const lookupRate = defineTool({
  name: 'lookupRate',
  title: 'Rate lookup',
  description: 'What a dialled number sells for and costs: the customer\'s rule (longest prefix, with connection charge, ' +
    'minimum duration, pulse), each carrier\'s buy rate, the margin per minute and in %, and traps (4470 vs 447, no rule, ' +
    'below cost). Same-currency margins only. Up to 20 numbers, comma-separated.',
  example: 'What do we charge Acme Telecom for 447700900123, and what does it cost us?',
  readOnly: true,
  selfTest: {
    needs: 'customer',
    args: ({ customer }) => ({ customer_id: customer.customer_id, number: '447700900123' }),
    expect: { numbers: 'array' },
    mayFindNothing: true
  },
  params: {
    number: { type: 'string', description: 'Dialled number or prefix (digits; +, 00, spaces and a tech prefix with # are fine); up to 20, comma-separated.', required: true, maxLength: 600 },
    customer_id: customerIdParam,
    card_id: { type: 'string', description: 'A sell rate card (id or name) instead of a customer.', maxLength: 100 }
  },
  async handler (args, ctx): Promise<ToolResult> {
    if ((args.customer_id === undefined) === (args.card_id === undefined)) {
      throw invalidArgument(args.customer_id === undefined ? 'customer_id' : 'card_id', 'give customer_id (the customer whose rates apply) or card_id (a sell card), one of the two')
    }
    const api = ctx.api
    // The carriers only name the carrier cards: without them the price is still whole.
    const [summaries, carrierList] = await Promise.all([listCards(api), part(() => listCarriers(api))])
    const byId = new Map(summaries.map(c => [c.id, c]))
    const carriers = new Map((valueOf(carrierList) ?? []).filter(c => c.card_id !== undefined).map(c => [c.card_id!, c]))
    const load = deckLoader(api, byId)
    // What the price itself depends on (the sell cards), and what only completes it (carriers).
    const sellUnread: Unread[] = []

    let who: { id: number, name?: string } | undefined
    let sellCards: CardRecord[]
    if (args.customer_id !== undefined) {
      const found = await resolveAccount(api, 'customer', args.customer_id, { parameter: 'customer_id', retry: { tool: 'lookupRate', args }, checkId: true })
      if (!found.ok) return found.answer
      who = found.account
      const rows = (await listRouting(api, who.id)).filter(r => isRateCardId(r.card_id) && (r.status === undefined || r.status.toLowerCase() === 'enabled'))
      const records = await Promise.all(rows.map(r => part(() => getCard(api, r.card_id))))
      sellUnread.push(...unreadOf(records.map((r, i) => [`its rate card ${rows[i]!.card_id}`, r] as const)))
      sellCards = records.map(r => valueOf(r)).filter((c): c is CardRecord => c !== undefined)
      if (sellCards.length === 0) {
        if (sellUnread.length > 0) throw mainFailure(sellUnread)
        return notFound(`${accountName(who)} has no rate card to price a number with.`, 'none of its routing rows names a rate card (internal or IP routes only, or none)',
          [nextStep('getCustomer', { customer_id: who.id }, 'Its routing rows and account.')], { customer: { id: who.id, name: who.name ?? null } })
      }
    } else {
      const found = await resolveCard(api, args.card_id!, { tool: 'lookupRate', args, parameter: 'card_id' })
      if (!found.ok) return found.answer
      sellCards = [found.card]
    }
    const numbers = parseNumbers(args.number)
    const loaded: Part<Deck | undefined>[] = await Promise.all(sellCards.map(c => part(() => load(c.id, c))))
    const failedSell = unreadOf(loaded.map((d, i) => [`the rules of ${sellCards[i]!.name ?? sellCards[i]!.id}`, d] as const))
    const sellDecks = loaded.map(d => valueOf(d)).filter((d): d is Deck => d !== undefined)
    // Without a sell card's rules there is no price to give.
    if (sellDecks.length === 0 && failedSell.length > 0) throw mainFailure(failedSell)
    if (sellDecks.length === 0) throw new ToolError('upstream', `the rules of ${sellCards.map(c => c.id).join(', ')} could not be read: the cards have no active revision`)
    sellUnread.push(...failedSell)
    const priced = await price(numbers, sellDecks, load, carriers)
    const forWhom = who === undefined ? `card ${sellCards[0]!.name ?? sellCards[0]!.id}` : accountName(who)
    const answer = priced.length === 1 ? one(priced[0]!, forWhom, who, sellDecks) : many(priced, forWhom, who)
    // "No rule" depends on the sell cards only; a price on the carriers too. Each source once, however many numbers needed it.
    const unread = answer.found === false ? sellUnread : [...sellUnread, ...unreadOf([['the carrier list (carrier names)', carrierList]]), ...priced.flatMap(p => p.unread)]
    return partialAnswer(answer, [...new Map(unread.map(u => [u.source, u])).values()])
  }
})

function one (p: Priced, forWhom: string, who: { id: number } | undefined, sellDecks: Deck[]): ToolResult {
  const sell = sellRow(p)
  const traps = foldTraps(p.traps)
  const routes = p.sell === undefined ? [] : p.routes.map(r => routeRow(r, p.sell!))
  const steps: NextStep[] = []
  if (p.sell !== undefined) steps.push(nextStep('getRateCard', { card_id: p.sell.deck.card.id, prefix: p.sell.match.prefix }, 'The rule and the longer prefixes inside it.'))
  if (who !== undefined) steps.push(nextStep('getProfitability', { customer_id: who.id, group_by: 'destination' }, 'What its traffic actually earned, by destination.'))
  if (p.sell === undefined) {
    return notFound(`${p.number}: no rule on ${sellDecks.map(d => d.card.name ?? d.card.id).join(', ')} for ${forWhom}; the switch refuses the call (503 No Routes Available (Pre)).`,
      traps[0]?.message ?? 'no rule matches', [nextStep('getRateCard', { card_id: sellDecks[0]!.card.id, prefix: p.digits.slice(0, 2) }, 'The rules nearest to the number.')],
      { number: p.number, digits: p.digits, numbers: [], traps, ...(p.incomplete.length === 0 ? {} : { incomplete: p.incomplete }) })
  }
  const r = p.sell.match.rule
  const best = quoted(p).find(x => x.currency === p.sell!.currency)
  const sameDestination = p.routes.filter(x => x.match.rule.name === r.name).length
  const marginText = best === undefined
    ? 'no carrier bills in the same currency, so no margin is given'
    : (() => {
        const m = ruleMargin({ rule: r, currency: p.sell!.currency }, { rule: best.match.rule, currency: best.currency })
        return `cheapest in ${best.currency}: ${best.label} at ${best.match.rule.cost}/min, margin ${m.per_minute}/min (${m.pct} %)`
      })()
  return {
    summary: `${p.number} for ${forWhom}: sold at ${r.cost} ${p.sell.currency}/min on ${p.sell.deck.card.name ?? p.sell.deck.card.id} (${p.sell.match.prefix} ${r.name}, billing ${r.mcd}/${r.pulse}` +
      `${r.connection_cost === 0 ? '' : `, connection ${r.connection_cost}`}). ${plural(sameDestination, 'carrier')} price it as ${r.name}` +
      `${p.routes.length > sameDestination ? ` (${p.routes.length - sameDestination} more as another destination)` : ''}; ${marginText}.` +
      `${traps.length === 0 ? '' : ` Traps: ${[...new Set(traps.map(t => t.code.replace(/_/g, ' ')))].join(', ')}.`}` +
      `${p.incomplete.length === 0 ? '' : ` Not whole: ${p.incomplete.length} card(s) could not be read in full (see incomplete).`}`,
    numbers: [{ number: p.number, digits: p.digits, sell, carriers: routes }],
    traps,
    ...(p.incomplete.length === 0 ? {} : { incomplete: p.incomplete }),
    notes: 'Carriers are ordered by rate within each currency; rates in different currencies are never compared or added. Margins are per minute, before increments and connection charges.',
    next_steps: steps
  }
}

function many (priced: Priced[], forWhom: string, who: { id: number } | undefined): ToolResult {
  const rows = priced.map(p => ({
    number: p.number,
    ...(p.sell === undefined
      ? { sell: null }
      : {
          card_id: p.sell.deck.card.id,
          prefix: p.sell.match.prefix,
          destination: p.sell.match.rule.name,
          rate: p.sell.match.rule.cost,
          currency: p.sell.currency
        }),
    carriers: p.routes.length,
    cheapest: cheapest(p),
    traps: [...new Set(p.traps.map(t => t.code))]
  }))
  const trapped = rows.filter(r => r.traps.some(t => t !== 'currency_differs'))
  const byCode = new Map<string, string[]>()
  for (const r of trapped) for (const code of r.traps.filter(t => t !== 'currency_differs')) byCode.set(code, [...(byCode.get(code) ?? []), r.number])
  const trapText = [...byCode].map(([code, numbers]) => `${code.replace(/_/g, ' ')} on ${numbers.length === 1 ? numbers[0] : `${numbers.length} (${numbers.slice(0, 2).join(', ')}${numbers.length > 2 ? ', …' : ''})`}`)
  const incomplete = [...new Set(priced.flatMap(p => p.incomplete))]
  return {
    summary: `${plural(priced.length, 'number')} for ${forWhom}: ${priced.filter(p => p.sell !== undefined).length} priced, ${priced.filter(p => p.sell === undefined).length} without a rule; ` +
      `${trapped.length === 0 ? 'no traps' : `traps: ${trapText.join('; ')}`}.` +
      `${incomplete.length === 0 ? '' : ` Not whole: ${incomplete.length} card(s) could not be read in full (see incomplete).`}`,
    numbers: rows,
    ...(incomplete.length === 0 ? {} : { incomplete }),
    notes: 'cheapest: the cheapest carrier in each currency, with its margin where it bills in the sell currency. Ask one number for every carrier and the traps in words.',
    next_steps: [
      ...(trapped[0] === undefined ? [] : [nextStep('lookupRate', { ...(who === undefined ? {} : { customer_id: who.id }), ...(who === undefined && priced[0]?.sell !== undefined ? { card_id: priced[0].sell.deck.card.id } : {}), number: trapped[0].number }, 'The traps of that number in words.')])
    ]
  }
}
