/**
 * One call, from the call log (every attempt, with its final code) or from the CDR (answered calls
 * only: `sip_code` 200): as the API layer fills it (src/connexcs/reports.ts) and the account-wide
 * detectors read it (src/analysis/detectors). In src/lib, because those layers may not import each other.
 */
export interface CallRecord {
  callid?: string | null
  /** Start, unix seconds. */
  time: number
  /** 0 or null: the switch could not tell who called. */
  customer_id: number | null
  cli?: string | null
  dest_number: string
  /** The final response the customer got; 200 for an answered call. */
  sip_code: number
  sip_reason?: string | null
  /** Billed seconds of an answered call. */
  duration_s?: number | null
  /** The caller's signalling address. */
  source_ip?: string | null
  /** The digest username the caller sent, if any. */
  auth_user?: string | null
  user_agent?: string | null
  /** The destination the customer's card rated it as, when known. */
  destination?: string | null
  /** The customer's price per minute, in its card's currency, when known (CDR). */
  rate?: number | null
  /** The customer card that rated it, when known (call log). */
  card_id?: string | null
}
