import { asArray, type Connexcs } from './client'

/**
 * `POST cdr`: the structured CDR query (connected, billed calls). The body names the fields to
 * return, where-rules, order and a limit of 1..5000; the answer is an array of objects holding
 * only those fields.
 */

/** The most rows one `POST cdr` returns. */
export const CDR_MAX_ROWS = 5000

/** CDR fields the tools can ask for, and what each holds. */
export const CDR_FIELDS = {
  dt: 'time of the call (UTC)',
  callid: 'SIP Call-ID',
  dest_cli: 'CLI presented',
  dest_number: 'number dialled',
  duration: 'billed seconds',
  customer_id: 'customer id',
  customer_charge: 'charged to the customer',
  customer_card_currency: 'customer currency',
  customer_card_dest_name: 'destination name on the customer card',
  customer_card_dest_code: 'prefix of the customer card rule that matched',
  provider_id: 'carrier id',
  provider_charge: 'paid to the carrier',
  provider_card_currency: 'carrier currency',
  branch_idx: 'carriers tried before the one that answered (0: the first)',
  pdd_in: 'post-dial delay seen by the customer, ms',
  ring_duration: 'seconds of ringing before the answer',
  sip_code: 'SIP code',
  sip_reason: 'SIP reason',
  release_reason: 'who released the call'
} as const

/** A field of {@link CDR_FIELDS}. */
export type CdrField = keyof typeof CDR_FIELDS

/** One where-rule of the CDR query. */
export interface CdrRule {
  field: CdrField
  condition: '=' | '>=' | '<=' | '>' | '<'
  data: string | number
}

/** The body of `POST cdr`. */
export interface CdrQuery {
  field: CdrField[]
  where: { rules: CdrRule[] }
  limit: number
  order: { field: CdrField, direction: 'ASC' | 'DESC' }[]
}

/** One CDR row: the requested fields. */
export type CdrRow = Partial<Record<CdrField, string | number | null>>

/**
 * Rules matching numbers that start with `prefix`, using only the comparisons the API is known
 * to take: every digit string starting with the prefix sorts at or after it and before
 * `prefix + ':'` (`:` follows `9` in ASCII).
 */
export function prefixRules (field: CdrField, prefix: string): CdrRule[] {
  return [{ field, condition: '>=', data: prefix }, { field, condition: '<', data: `${prefix}:` }]
}

/** What rows charged the customers, by currency (rounded to 6 decimals; currencies are never added together). */
export function chargesByCurrency (rows: readonly CdrRow[]): Record<string, number> {
  const charges: Record<string, number> = {}
  for (const row of rows) {
    const amount = Number(row.customer_charge ?? 0)
    const currency = String(row.customer_card_currency ?? '?')
    if (amount !== 0 && Number.isFinite(amount)) charges[currency] = Math.round(((charges[currency] ?? 0) + amount) * 1e6) / 1e6
  }
  return charges
}

/** Runs a CDR query; never more rows than its limit, whatever the API sends. */
export async function queryCdr (api: Connexcs, query: CdrQuery): Promise<CdrRow[]> {
  return asArray<CdrRow>(await api.post('cdr', query)).slice(0, query.limit)
}
