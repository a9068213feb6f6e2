import { roundTo, toNumber } from './money'

/**
 * A customer's account as ConnexCS defines it: the available balance (credit + debit limit) and
 * whether it can call, which payments are top-ups, what its packages are and how many free
 * minutes are left, and which routing rows name a rate card that can be fetched.
 */

/** The balance of a customer record (`GET customer/<id>`). */
export interface Balance {
  credit: number
  debit_limit: number
  /** Credit + debit limit, 2 decimals. */
  available: number
  currency: string | null
  /** Active and available > 0: the switch accepts its calls. */
  can_call: boolean
  /** Why it can or cannot call, in plain words. */
  why: string
}

/**
 * The available balance and call capability of a customer, from its own status and balance:
 * the switch refuses calls (403) when credit + debit limit ≤ 0, and any call of an account that is
 * not Active. Credit and debit limit may arrive as text; a missing one counts as 0.
 */
export function balanceOf (customer: { credit?: unknown, debit_limit?: unknown, status?: unknown, currency?: unknown }): Balance {
  const credit = toNumber(customer.credit) ?? 0
  const debitLimit = toNumber(customer.debit_limit) ?? 0
  const available = roundTo(credit + debitLimit, 2)
  const currency = typeof customer.currency === 'string' && customer.currency !== '' ? customer.currency : null
  const status = typeof customer.status === 'string' ? customer.status : ''
  const money = (n: number): string => `${n.toFixed(2)}${currency === null ? '' : ` ${currency}`}`
  const sum = `credit ${money(credit)} + debit limit ${money(debitLimit)} = ${money(available)}`
  if (status !== '' && status.toLowerCase() !== 'active') return { credit, debit_limit: debitLimit, available, currency, can_call: false, why: `the account is ${status}` }
  if (available <= 0) return { credit, debit_limit: debitLimit, available, currency, can_call: false, why: `${sum} ≤ 0: the switch refuses its calls (403 Insufficient Balance) until it tops up or gets a debit limit` }
  return { credit, debit_limit: debitLimit, available, currency, can_call: true, why: credit < 0 ? `${sum}: in debt, but within its debit limit` : sum }
}

/** What one ledger entry of `GET payment` is. */
export type PaymentKind = 'top_up' | 'charge' | 'pending' | 'failed'

/** A payment row, as far as these rules read it. */
export interface PaymentLike {
  total?: unknown
  amount?: unknown
  status?: unknown
  payment_time?: unknown
}

/**
 * What a payment is: a completed positive entry is a top-up, a completed negative one a charge
 * (package fees, adjustments), anything not completed is pending or failed. A row without a
 * status counts as completed.
 */
export function paymentKind (payment: PaymentLike): PaymentKind {
  const status = typeof payment.status === 'string' ? payment.status.toLowerCase() : 'completed'
  if (status === 'failed' || status === 'declined' || status === 'cancelled') return 'failed'
  if (status !== 'completed' && status !== 'complete' && status !== 'paid') return 'pending'
  return (toNumber(payment.total) ?? toNumber(payment.amount) ?? 0) < 0 ? 'charge' : 'top_up'
}

/** The newest top-up of a list of payments (in any order), or `undefined` when there is none. */
export function lastTopUp<T extends PaymentLike> (payments: readonly T[]): T | undefined {
  let newest: T | undefined
  for (const p of payments) {
    if (paymentKind(p) !== 'top_up') continue
    if (newest === undefined || String(p.payment_time ?? '') > String(newest.payment_time ?? '')) newest = p
  }
  return newest
}

/** A package row, as far as these rules read it (`GET package?company_id=`). */
export interface PackageLike {
  type?: unknown
  retail?: unknown
  setup_retail?: unknown
  frequency?: unknown
  minutes?: unknown
  minutes_used?: unknown
}

/** What a package is and what is left of it. */
export interface PackageFacts {
  recurring: boolean
  one_time: boolean
  free_minutes: boolean
  /** Free minutes left (0 when used up), or `null` for a package without minutes. */
  minutes_left: number | null
  used_up: boolean
}

/**
 * The kinds of a package: recurring when it has a billing frequency (or says so in `type`),
 * one-time when it has a setup price and no frequency (or says so), free minutes when it carries
 * minutes (or says so); a package can be several at once.
 */
export function packageFacts (pkg: PackageLike): PackageFacts {
  const types = (Array.isArray(pkg.type) ? pkg.type : typeof pkg.type === 'string' ? pkg.type.split(',') : []).map(t => String(t).trim().toLowerCase())
  const frequency = typeof pkg.frequency === 'string' && pkg.frequency !== '' ? pkg.frequency : null
  const minutes = toNumber(pkg.minutes) ?? 0
  const used = toNumber(pkg.minutes_used) ?? 0
  const freeMinutes = types.includes('free-minutes') || minutes > 0
  const left = freeMinutes ? Math.max(0, minutes - used) : null
  return {
    recurring: types.includes('recurring') || (frequency !== null && toNumber(pkg.retail) !== undefined),
    one_time: types.includes('one-time') || (frequency === null && toNumber(pkg.setup_retail) !== undefined),
    free_minutes: freeMinutes,
    minutes_left: left,
    used_up: left === 0 && minutes > 0
  }
}

/**
 * Whether a routing row's `card_id` names a rate card `card/<id>` can fetch: not the internal
 * route, not `ip:…` or anything else with a colon, not empty.
 */
export function isRateCardId (cardId: unknown): cardId is string {
  return typeof cardId === 'string' && cardId.trim() !== '' && cardId !== 'internal' && !cardId.includes(':')
}
