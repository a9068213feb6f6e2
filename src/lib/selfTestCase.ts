/**
 * How the on-platform self-test (src/selfTest.ts) exercises one tool: part of each tool's
 * metadata record, so that a tool cannot be added without one.
 */

/** A call seen in the log within the trace retention. */
export interface KnownCall {
  callid: string
  callidb?: string
  cli?: string
  dest_number?: string
  customer_id?: number
  /** Unix seconds. */
  start_time?: number
}

/** A customer, with one of its rate cards when it has any. */
export interface KnownCustomer {
  customer_id: number
  name?: string
  card_id?: string
}

/** What a case's arguments are made from: identifiers found on the account, and dates. */
export interface Fixtures {
  call: KnownCall
  customer: KnownCustomer
  /** `YYYY-MM-DD`, UTC. */
  today: string
  /** `YYYY-MM-DD`, UTC, seven days before today. */
  weekAgo: string
  /** A recent call with a transcript, when one was looked for and found (else the case uses `call`). */
  transcribedCall?: KnownCall
  /** A recent call an AI agent handled, when one was looked for and found (else the case uses `call`). */
  aiAgentCall?: KnownCall
}

/** A JSON type an answer's field must have. */
export type JsonType = 'array' | 'object' | 'string' | 'number' | 'boolean'

/** How to self-test one tool. */
export interface SelfTestCase {
  /**
   * What the tool needs from the account. When discovery finds no call or customer, the case runs
   * with a made-up identifier and the tool must give its "not found" answer (`found: false`)
   * instead; when it finds no call with a transcript or an AI agent's log, the tool is reported
   * "not exercised" (neither passed nor failed).
   */
  needs?: 'call' | 'customer' | 'transcribedCall' | 'aiAgentCall'
  args (fixtures: Fixtures): Record<string, unknown>
  /** Fields a found answer must carry, with their JSON type. */
  expect: Record<string, JsonType>
  /**
   * A real identifier may still have nothing to show (no transcript, no RTCP for this call):
   * then a "not found" answer passes too, its shape checked.
   */
  mayFindNothing?: boolean
}
