import { balanceOf, isRateCardId, lastTopUp, packageFacts, paymentKind } from '../analysis/accounts'
import { toNumber } from '../analysis/money'
import type { Connexcs } from '../connexcs/client'
import { getCustomerAccount, listSwitchIps, listSwitchUsers, type CustomerAccount } from '../connexcs/customers'
import { listPackages, listPayments, type PackageRecord, type PaymentRecord } from '../connexcs/payments'
import { listCards, listRouting, type CardSummary, type RoutingRecord } from '../connexcs/rateCards'
import { dayOf } from '../lib/dates'
import { defineTool } from '../lib/defineTool'
import { formatAmount, plural } from '../lib/format'
import type { ToolError } from '../lib/errors'
import { part, unreadOf, valueOf } from '../lib/parts'
import { clip } from '../lib/records'
import { nextStep, partialAnswer, type NextStep, type ToolResult } from '../lib/result'
import { requiredCustomerParam } from '../lib/sharedParams'
import { accountName, resolveAccount } from './shared/accounts'

/** Payments read per page, and pages at most, looking for the last top-up. */
const PAYMENT_PAGE = 100
const PAYMENT_PAGES = 5
/** Payments, SIP users and IPs shown. */
const RECENT_PAYMENTS = 5
const FIRST_FEW = 5
const DAY_MS = 86_400_000

/**
 * Payments newest first, page after page until one holds a top-up (or the pages run out). A page
 * after the first that fails ends the reading with what came before, and its error (`older`).
 */
async function paymentsToTopUp (api: Connexcs, id: number): Promise<{ rows: PaymentRecord[], complete: boolean, older?: ToolError }> {
  const rows: PaymentRecord[] = []
  for (let page = 0; page < PAYMENT_PAGES; page++) {
    const query = { startRow: page * PAYMENT_PAGE, endRow: (page + 1) * PAYMENT_PAGE }
    const read = page === 0 ? { ok: true as const, value: await listPayments(api, id, query) } : await part(() => listPayments(api, id, query))
    if (!read.ok) return { rows, complete: false, older: read.error }
    const got = read.value
    rows.push(...got)
    if (got.length < PAYMENT_PAGE) return { rows, complete: true }
    if (lastTopUp(got) !== undefined) return { rows, complete: false }
  }
  return { rows, complete: false }
}

/**
 * Everything about one customer, each part fetched at once and allowed to fail alone; the record
 * only when the resolver did not read `customer/<id>` already (`known`).
 */
async function fetchAccount (api: Connexcs, id: number, known: CustomerAccount | undefined) {
  const record = known === undefined ? part(() => getCustomerAccount(api, id)) : Promise.resolve({ ok: true as const, value: known })
  const payments = part(() => paymentsToTopUp(api, id))
  const packages = part(() => listPackages(api, id))
  const routing = part(() => listRouting(api, id))
  const cards = part(() => listCards(api))
  const users = part(() => listSwitchUsers(api, { company_id: id }))
  const ips = part(() => listSwitchIps(api, { company_id: id }))
  return {
    record: await record, payments: await payments, packages: await packages, routing: await routing,
    cards: await cards, users: await users, ips: await ips
  }
}

const money = (value: unknown, currency: string | null | undefined): string =>
  `${formatAmount(toNumber(value) ?? 0)}${currency === null || currency === undefined || currency === '' ? '' : ` ${currency}`}`

function paymentLine (p: PaymentRecord) {
  return {
    id: p.id,
    time: p.payment_time ?? null,
    kind: paymentKind(p),
    total: toNumber(p.total) ?? toNumber(p.amount) ?? null,
    currency: p.currency ?? null,
    method: p.method ?? null,
    status: p.status ?? null,
    ...(p.description === undefined || p.description === '' ? {} : { description: clip(p.description, 80) })
  }
}

function packageLine (p: PackageRecord) {
  const facts = packageFacts(p)
  const kinds = [facts.recurring ? 'recurring' : '', facts.one_time ? 'one-time' : '', facts.free_minutes ? 'free-minutes' : ''].filter(k => k !== '')
  const retail = toNumber(p.retail)
  const setup = toNumber(p.setup_retail)
  const price = [
    retail === undefined ? '' : `${money(retail, p.currency)} per ${p.frequency ?? 'period'}`,
    setup === undefined ? '' : `${money(setup, p.currency)} once`
  ].filter(t => t !== '').join(' + ')
  return {
    name: p.name ?? `package ${p.id}`,
    kinds,
    ...(price === '' ? {} : { price }),
    ...(p.qty === undefined || p.qty === 1 ? {} : { qty: p.qty }),
    ...(facts.free_minutes ? { minutes: toNumber(p.minutes) ?? 0, minutes_left: facts.minutes_left, used_up: facts.used_up } : {}),
    ...(p.start_date === undefined ? {} : { since: p.start_date })
  }
}

function cardLine (row: RoutingRecord, cards: Map<string, CardSummary>) {
  if (!isRateCardId(row.card_id)) {
    return { card_id: row.card_id, name: row.name ?? null, priority: row.priority ?? null, rate_card: false, note: 'not a rate card: the switch handles these calls itself (Class 5 apps) or routes by IP' }
  }
  const card = cards.get(row.card_id)
  return {
    card_id: row.card_id,
    name: card?.name ?? row.name ?? null,
    priority: row.priority ?? null,
    ...(row.status === undefined ? {} : { status: row.status }),
    ...(card?.currency === undefined ? {} : { currency: card.currency }),
    active_rev: card?.active_rev ?? row.active_rev ?? null,
    ...(card?.count === undefined ? {} : { rules: card.count }),
    ...(row.tech_prefix === undefined || row.tech_prefix === '' ? {} : { tech_prefix: row.tech_prefix })
  }
}

function firstFew (values: string[]): { count: number, first: string[] } {
  return { count: values.length, first: values.slice(0, FIRST_FEW) }
}

/** `getCustomer`: one customer's account card. */
export const getCustomer = defineTool({
  name: 'getCustomer',
  title: 'Customer account',
  description: 'One customer\'s account, by name or id: status, currency, credit, debit limit, available balance and whether it ' +
    'can call, last top-up and recent payments (fees are negative), packages with free minutes left, rate cards (card_id, ' +
    'name, priority), SIP users and IPs.',
  example: 'What is Acme Telecom\'s balance, and when did they last top up?',
  readOnly: true,
  selfTest: {
    needs: 'customer',
    args: ({ customer }) => ({ customer_id: customer.customer_id }),
    expect: { balance: 'object', rate_cards: 'array', packages: 'array' }
  },
  params: {
    customer_id: requiredCustomerParam
  },
  async handler (args, ctx): Promise<ToolResult> {
    const who = await resolveAccount(ctx.api, 'customer', args.customer_id, { parameter: 'customer_id', retry: { tool: 'getCustomer', args }, checkId: true })
    if (!who.ok) return who.answer
    const id = who.account.id
    const parts = await fetchAccount(ctx.api, id, who.account.by === 'id' ? who.account.record : undefined)
    // The record is the account: without it there is nothing to give but the failure.
    if (!parts.record.ok) throw parts.record.error
    const customer: CustomerAccount = parts.record.value ?? who.account.record!
    const payments = valueOf(parts.payments)
    const packages = valueOf(parts.packages)
    const routing = valueOf(parts.routing)
    const cards = new Map((valueOf(parts.cards) ?? []).map(c => [c.id, c]))
    // The record lists its SIP users and IPs too: the fallback when their own lists fail.
    const users = valueOf(parts.users)?.map(u => u.username) ?? customer.sip_users
    const ips = valueOf(parts.ips)?.map(r => r.ip) ?? customer.ips
    const unread = unreadOf([
      ['the payments', parts.payments],
      ['the packages', parts.packages],
      ['the routing (its rate cards)', parts.routing],
      ['the rate card list (card names)', parts.cards],
      ['the SIP users', parts.users],
      ['the authorised IPs', parts.ips]
    ])
    if (payments?.older !== undefined) unread.push({ source: 'the older payments', error: payments.older })

    const balance = balanceOf(customer)
    const topUp = payments === undefined ? undefined : lastTopUp(payments.rows)
    const lastCharge = payments?.rows.find(p => paymentKind(p) === 'charge')
    const rateCards = (routing ?? []).map(r => cardLine(r, cards))
    const named = accountName({ id, ...(customer.name === undefined ? {} : { name: customer.name }) })
    const topUpText = payments === undefined
      ? 'Last top-up unknown (payments unread).'
      : topUp === undefined
        ? `No top-up ${payments.complete ? 'on record' : `in the newest ${payments.rows.length} payments`}.`
        : `Last top-up ${money(topUp.total ?? topUp.amount, topUp.currency)} on ${topUp.payment_time ?? '?'}${topUp.method === undefined ? '' : ` (${topUp.method})`}.`
    const cardNames = rateCards.filter(c => c.rate_card !== false).map(c => String(c.name ?? c.card_id))

    const steps: NextStep[] = []
    const firstCard = rateCards.find(c => c.rate_card !== false)
    if (firstCard !== undefined) steps.push(nextStep('getRateCard', { card_id: firstCard.card_id }, `The rules of ${firstCard.name ?? firstCard.card_id}.`))
    steps.push(nextStep('getProfitability', { customer_id: id, group_by: 'destination' }, 'Revenue, cost and margin of its traffic, by destination, over the last 30 days.'))
    steps.push(nextStep('searchCdr', { customer_id: id, start_date: dayOf(ctx.nowMs - 6 * DAY_MS), end_date: dayOf(ctx.nowMs), limit: 10 }, 'Its latest calls.'))
    if (!balance.can_call) steps.push(nextStep('getCallAnalytics', { customer_id: id }, 'How many of its calls were refused over the last 7 days.'))

    // Not a failure: the newest pages hold no top-up, and older ones were not asked for.
    const unavailable = payments?.complete === false && payments.older === undefined && topUp === undefined
      ? [{ part: 'last_top_up', why: `no top-up in the newest ${payments.rows.length} payments; older ones were not read` }]
      : []
    return partialAnswer({
      summary: `${named}: ${customer.status ?? 'status unknown'}, ${customer.currency ?? 'currency unknown'}. ` +
        `Available ${money(balance.available, balance.currency)} (credit ${money(balance.credit, null)} + debit limit ${money(balance.debit_limit, null)}): ` +
        `${balance.can_call ? 'it can call' : `it cannot call (${customer.status !== undefined && customer.status.toLowerCase() !== 'active' ? `the account is ${customer.status}` : '403 Insufficient Balance'})`}. ` +
        `${topUpText} ${routing === undefined ? 'Rate cards unknown' : plural(cardNames.length, 'rate card')}${cardNames.length === 0 ? '' : ` (${cardNames.join(', ')})`}, ` +
        `${packages === undefined ? 'packages unknown' : plural(packages.length, 'package')}, ${users === undefined ? 'SIP users unknown' : plural(users.length, 'SIP user')}, ${ips === undefined ? 'IPs unknown' : plural(ips.length, 'IP')}.`,
      customer: { id, name: customer.name ?? null, status: customer.status ?? null, currency: customer.currency ?? null, ...(who.account.by === 'id' ? {} : { matched_by: who.account.by }) },
      balance,
      last_top_up: topUp === undefined ? null : paymentLine(topUp),
      // Fees and other charges are negative payments: the newest one, apart from the top-up.
      last_charge: lastCharge === undefined ? null : paymentLine(lastCharge),
      recent_payments: (payments?.rows ?? []).slice(0, RECENT_PAYMENTS).map(paymentLine),
      packages: (packages ?? []).map(packageLine),
      rate_cards: rateCards,
      sip_users: firstFew(users ?? []),
      ips: firstFew(ips ?? []),
      ...(unavailable.length === 0 ? {} : { unavailable }),
      next_steps: steps
    }, unread)
  }
})
