/**
 * The shapes of the simulated ConnexCS account: what the generator produces and the REST routes
 * serve. Field names follow the API (snake_case, as `GET customer` etc. return them); fields that
 * only the simulation needs say so.
 */

/** ISO 4217 codes the account bills in. */
export type Currency = 'GBP' | 'USD' | 'EUR'

/** The company that owns the account (`GET setup/account`). */
export interface Account {
  id: number
  name: string
  currency: Currency
}

/** A destination of the numbering plan: one name, one or more prefixes (longest prefix wins). */
export interface Destination {
  name: string
  prefixes: string[]
  /** Indicative wholesale cost, USD per minute. */
  cost_usd: number
  /** Minimum charged duration and billing increment, seconds (60/60, 6/6, 1/1…). */
  mcd: number
  pulse: number
  /** Share of the traffic (relative weight; 0 = only scenarios dial it). */
  weight: number
  /** Base answer ratio of the destination. */
  asr: number
  /** Median post-dial delay, ms. */
  pdd_ms: number
  /** How numbers of the destination are made: a fixed start and that many random digits. */
  numbers: [string, number][]
}

/** One rule of a rate card revision (`GET card/<id>/rev/<rev>/rule`). */
export interface RateRule {
  prefix: string
  name: string
  /** Price per minute in the card's currency. */
  cost: number
  /** Minimum charged duration, seconds. */
  mcd: number
  /** Billing increment after the minimum, seconds. */
  pulse: number
  /** Connection charge: once per connected call that is billed, in the card's currency. */
  connection_cost: number
}

/** One revision of a rate card. */
export interface RateRevision {
  rev: number
  /** When it was uploaded, `YYYY-MM-DD HH:MM:SS` UTC. */
  created: string
  rules: RateRule[]
}

/** A rate card: a customer (sell) card or a carrier (buy) card. */
export interface RateCard {
  /** Alphanumeric `XXXX-XXXX`, as on ConnexCS. */
  id: string
  name: string
  currency: Currency
  direction: 'Termination'
  /** `customer` cards are sold; `provider` cards are bought from one carrier. */
  kind: 'customer' | 'provider'
  /** Provider cards: the carrier. */
  provider_id: number | null
  /** Customer cards: the provider cards it may route to. */
  parents: string[]
  active_rev: number
  revisions: RateRevision[]
}

/** A carrier (provider) the switch sends calls to. */
export interface Carrier {
  id: number
  name: string
  status: 'Active' | 'Inactive'
  currency: Currency
  ips: string[]
  card_id: string
  channels: number
  cps: number
  /** Codecs the carrier accepts, by name. */
  codecs: string[]
  tech_prefix: string
  /** How often it answers, relative to the destination's norm (simulation only). */
  quality: number
  user_agent: string
}

/** A customer (`GET customer`). */
export interface Customer {
  id: number
  name: string
  status: 'Active' | 'Inactive' | 'Pending Approval'
  currency: Currency
  credit: number
  debit_limit: number
  ips: string[]
  sip_users: string[]
  cards: string[]
  contact_name: string[]
  tags: string[]
  channels: number
  cps: number
  account_manager_id: number
  cx_referal: string
  s3_size: number
  created: string
  last_call: number | null
}

/** What the simulation knows about a customer beyond the API record. */
export interface CustomerProfile {
  customer_id: number
  /** How calls authenticate: by source IP or by SIP digest. */
  auth: 'ip' | 'digest'
  /** Where its calls come from (digest customers too, though they are not authorised by IP). */
  source_ips: string[]
  /** Behind NAT: the private address in its Via/Contact/SDP, and the port its NAT maps to. */
  private_ip: string | null
  source_port: number
  /** Relative traffic volume. */
  volume: number
  /** Destinations it dials, with weights. */
  mix: { destination: string, weight: number }[]
  /** Median talk time of its answered calls, seconds. */
  talk_median_s: number
  user_agent: string
  /** CLIs it presents. */
  clis: string[]
  /** No calls are accepted from it after this time (unix ms). */
  blocked_after_ms?: number
}

/** An ingress routing row (`GET routing?company_id=`): numeric `id`, alphanumeric `card_id`. */
export interface RoutingRow {
  id: number
  company_id: number
  card_id: string
  name: string
  tech_prefix: string
  priority: number
  status: 'Enabled' | 'Disabled'
  capacity: number
}

/** A SIP user of a customer (`GET switch/user`). */
export interface SwitchUser {
  id: number
  username: string
  company_id: number
  channels: number
  status: 'Active' | 'Inactive'
}

/** An authorised customer IP (`GET switch/ip`). */
export interface SwitchIp {
  id: number
  ip: string
  company_id: number
  channels: number
  direction: 'Ingress'
  status: 'Active' | 'Inactive'
}

/** A CLI registered to a customer (`GET cli`). */
export interface CliRecord {
  id: number
  cli: string
  company_id: number
  forced: boolean
}

/** A package of the catalogue (`GET setup/package`). */
export interface PackageOffer {
  id: number
  name: string
  type: string[]
  retail: number | null
  setup_retail: number | null
  frequency: 'month' | 'week' | 'day' | 'year' | null
  minutes: number
  currency: Currency
}

/** A package assigned to a customer (`GET package?company_id=`). */
export interface CustomerPackage {
  id: number
  package_id: number
  company_id: number
  name: string
  type: string[]
  qty: number
  retail: number | null
  setup_retail: number | null
  frequency: PackageOffer['frequency']
  minutes: number
  minutes_used: number
  currency: Currency
  start_date: string
}

/** A payment or top-up (`GET payment?company_id=`). */
export interface Payment {
  id: number
  company_id: number
  amount: number
  total: number
  currency: Currency
  payment_time: string
  method: 'Card' | 'Bank Transfer' | 'PayPal' | 'Manual'
  status: 'Completed' | 'Pending' | 'Failed'
  description: string
}

/** A DID (`GET did`). */
export interface Did {
  id: number
  did: string
  customer_id: number | null
  provider_id: number
  destination: string
  retail: number
  wholesale: number
  channels: number
  status: 'Active' | 'Inactive'
}

/** A media zone (`GET setup/server/rtp-group`). */
export interface RtpGroup {
  id: number
  name: string
  status: number
  alt: number | null
  transcoding: number
  location: string
  elastic: number
  max_server_per_sip: number
}

/** One media server (`GET setup/rtp`). */
export interface RtpServer {
  id: number
  alias: string
  zone: string
  ip: string
  rtp_group_id: number
}

/** How one egress attempt ended. */
export type AttemptResult = 'answered' | 'busy' | 'cancelled' | 'rejected' | 'timeout'

/** One carrier tried for a call; times are ms after the call's first INVITE. */
export interface EgressAttempt {
  provider_id: number
  card_id: string
  /** B-leg Call-ID (topology hiding: never the A leg's). */
  callid: string
  /** The carrier address the INVITE went to. */
  ip: string
  result: AttemptResult
  /** Final response on the B leg; 408 for a local timeout (nothing came back). */
  sip_code: number
  sip_reason: string
  /** Price per minute on the carrier's card, in its currency, and the rule that matched. */
  rate: number
  prefix: string
  dest_name: string
  /** The carrier rule's billing: minimum and increment, seconds, and its charge per connected call. */
  mcd: number
  pulse: number
  connection_cost: number
  at_ms: number
  /** First 18x on this leg, if any. */
  ring_at_ms: number | null
  /** Final response (200 for an answered one). */
  final_at_ms: number
}

/** Class 5 application that answered a call. */
export type Class5App = 'ivr' | 'voicemail' | 'queue' | 'ai_agent'

/** RTCP profile of an answered call. */
export type MediaQuality = 'good' | 'poor' | 'one_way'

/** The customer-side rule a call was rated with. */
export interface CustomerRate {
  card_id: string
  rev: number
  prefix: string
  name: string
  rate: number
  mcd: number
  pulse: number
  /** Charged once per connected call, in `currency`. */
  connection_cost: number
  currency: Currency
}

/** One call through the switch. Times are ms after `start_ms` unless named otherwise. */
export interface SimCall {
  /** A-leg Call-ID (customer → switch). */
  callid: string
  /** ConnexCS internal id of the call. */
  callidb: string
  /** Unix ms of the first INVITE. */
  start_ms: number
  /** 0 when the switch could not tell who the caller is. */
  customer_id: number
  customer_ip: string
  customer_port: number
  /** How the A leg authenticated; `digest_failed` = credentials refused, `ip_unknown` = 401. */
  auth: 'ip' | 'digest' | 'digest_failed' | 'ip_unknown'
  /** When the INVITE with credentials came, after the 407 (digest calls only). */
  auth_ms: number | null
  /** The digest user (digest calls only). */
  auth_user: string | null
  /** Behind NAT: the private address its Via/Contact/SDP carry. */
  private_ip: string | null
  cli: string
  dest_number: string
  /** Absent when the customer's cards have no rule for the number. */
  customer_rate: CustomerRate | null
  attempts: EgressAttempt[]
  /** Answered by a Class 5 application on the switch instead of a carrier. */
  class5: Class5App | null
  /** What the customer got. */
  sip_code: number
  sip_reason: string
  /** First 18x sent to the customer (null: none). */
  pdd_ms: number | null
  /** 200 OK sent to the customer (null: not answered). */
  answer_ms: number | null
  /** Final response sent to the customer (= answer_ms for answered calls). */
  final_ms: number
  /** Answer → BYE, ms; `duration_s` is it in whole seconds, as billed. */
  talk_ms: number
  duration_s: number
  /** Who ended an answered call. */
  hangup: 'caller' | 'callee' | 'switch' | null
  release_reason: string
  /** The customer never ACKs the 200 OK (the switch hangs up after 32 s). */
  ack_lost: boolean
  /** What the A leg offered. */
  codecs: 'g711' | 'g729'
  rtcp: MediaQuality | null
  user_agent: string
  /** The catalog scenario that placed the call; absent for background traffic. */
  scenario?: string
}

/** What a scenario placed in the data, for tests and developers (`GET sim/scenarios`). */
export interface ScenarioEntry {
  id: string
  title: string
  /** What happened, in plain words. */
  description: string
  /** The calls it placed (or the ones it affected), newest first. */
  calls: {
    callid: string
    callidb: string
    egress_callids: string[]
    time: string
    customer_id: number
    provider_ids: number[]
    dest_number: string
    sip_code: number
    sip_reason: string
  }[]
  customer_id: number | null
  provider_id: number | null
  /** For scenarios that span a period. */
  window: { start: string, end: string } | null
  /** What a correct diagnosis must find, in plain words. */
  diagnosis: string[]
  /** The same, as facts a test can compare. */
  facts: Record<string, unknown>
}

/** The whole simulated account. */
export interface Dataset {
  seed: number
  /** The clock the data was generated for, unix ms. */
  now_ms: number
  account: Account
  destinations: Destination[]
  customers: Customer[]
  profiles: CustomerProfile[]
  carriers: Carrier[]
  cards: RateCard[]
  routing: RoutingRow[]
  switchUsers: SwitchUser[]
  switchIps: SwitchIp[]
  clis: CliRecord[]
  packageOffers: PackageOffer[]
  packages: CustomerPackage[]
  payments: Payment[]
  dids: Did[]
  rtpGroups: RtpGroup[]
  rtpServers: RtpServer[]
  /** Newest first. */
  calls: SimCall[]
  scenarios: ScenarioEntry[]
}
