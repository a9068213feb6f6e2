import { Random } from './random'

/**
 * The simulated ConnexCS account: entities and traffic, generated from a seed and a clock. The
 * same seed and clock always give the same data; SIP traces are built on demand from a call
 * (see `sip.ts`), so generating the account stays fast.
 */

/** A customer of the account (`GET customer`). */
export interface Customer {
  id: number
  name: string
  status: 'Active' | 'Inactive'
  currency: 'GBP' | 'USD' | 'EUR'
  credit: number
  debit_limit: number
  ips: string[]
  sip_users: string[]
  cards: string[]
  tags: string[]
  last_call: number | null
}

/** A carrier (provider) the switch routes calls to. */
export interface Carrier {
  id: number
  name: string
  ip: string
  card_id: string
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

/** What happened to a simulated call; each has its own SIP flow. */
export type Scenario = 'answered' | 'busy' | 'cancelled' | 'no_route'

/** One call through the switch. */
export interface SimCall {
  /** A-leg Call-ID (customer → switch). */
  callid: string
  /** ConnexCS internal id of the call. */
  callidb: string
  /** B-leg Call-ID (switch → carrier); absent when no carrier was tried. */
  egress_callid?: string
  scenario: Scenario
  /** Unix milliseconds of the first INVITE. */
  start_ms: number
  customer_id: number
  customer_ip: string
  cli: string
  dest_number: string
  carrier_id?: number
  sip_code: number
  sip_reason: string
  /** Post-dial delay: INVITE → 180/183. */
  pdd_ms: number
  /** Ringing before the answer, the cancel or the busy signal. */
  ring_ms: number
  /** Billed seconds (answered calls only). */
  duration_s: number
}

/** The whole simulated account. */
export interface Dataset {
  seed: number
  /** The clock the data was generated for, unix milliseconds. */
  now_ms: number
  customers: Customer[]
  carriers: Carrier[]
  rtpGroups: RtpGroup[]
  rtpServers: RtpServer[]
  /** Newest first. */
  calls: SimCall[]
}

/** The switch's own addresses (RFC 5737 documentation ranges). */
export const SWITCH = { signalling: '198.51.100.5', media: '198.51.100.6', server: 'lon1' }

const CUSTOMER_NAMES = ['Acme Telecom', 'Northwind Voice', 'Bluebell Contact Centre', 'Harbour Networks', 'Kestrel Dialling', 'Meridian Carrier Services', 'Orchid Communications', 'Pinecrest VoIP']
const CARRIER_NAMES = ['Vodafone Wholesale', 'BT Global', 'Lumen Voice', 'Tata Communications']

const ZONES: [string, string][] = [
  ['UK (London)', 'lon'], ['Netherlands (Amsterdam)', 'ams'], ['USA East (New York)', 'nyc'], ['USA West (San Francisco)', 'sfo'],
  ['Germany (Frankfurt)', 'fra'], ['Germany 2 (Frankfurt High Capacity)', 'fra'], ['Singapore', 'sgp'], ['India (Bangalore)', 'blr'],
  ['Australia (Sydney)', 'syd'], ['Canada (Toronto)', 'tor'], ['Brazil (Sao Paulo)', 'gru']
]

/** Number ranges reserved for drama/fiction (Ofcom, NANP 555-01xx), so no real subscriber is ever shown. */
function destination (random: Random): string {
  switch (random.int(0, 2)) {
    case 0: return `447700900${String(random.int(0, 999)).padStart(3, '0')}`
    case 1: return `44207946${String(random.int(0, 999)).padStart(4, '0')}`
    default: return `1${random.pick(['212', '415', '312'])}5550${random.int(100, 199)}`
  }
}

function cardId (random: Random): string {
  const alnum = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
  const part = (): string => Array.from({ length: 4 }, () => random.pick([...alnum])).join('')
  return `${part()}-${part()}`
}

const OUTCOMES: Record<Scenario, [number, string]> = {
  answered: [200, 'OK'],
  busy: [486, 'Busy Here'],
  cancelled: [487, 'Request Terminated'],
  no_route: [503, 'No Routes Available (Pre)']
}

/** Generates the account for `seed` at clock `nowMs`. */
export function generateDataset (seed: number, nowMs: number): Dataset {
  const root = new Random(seed)

  const people = root.fork('customers')
  const customers: Customer[] = CUSTOMER_NAMES.map((name, i) => ({
    id: 105900 + i * 37 + people.int(0, 30),
    name,
    status: i === CUSTOMER_NAMES.length - 1 ? 'Inactive' : 'Active',
    currency: people.pick(['GBP', 'USD', 'EUR'] as const),
    credit: Math.round(people.logNormal(400, 1) * 100) / 100,
    debit_limit: people.pick([0, 50, 100, 500]),
    ips: [`203.0.113.${10 + i * 4}`],
    sip_users: [`${name.split(' ')[0]!.toLowerCase()}${people.int(100, 999)}`],
    cards: [cardId(people)],
    tags: [],
    last_call: null
  }))

  const carrierRandom = root.fork('carriers')
  const carriers: Carrier[] = CARRIER_NAMES.map((name, i) => ({ id: 311 + i * 7, name, ip: `192.0.2.${20 + i * 10}`, card_id: cardId(carrierRandom) }))

  const media = root.fork('media')
  const rtpGroups: RtpGroup[] = ZONES.map(([name, location], i) => ({
    id: i + 1,
    name,
    status: i === 9 ? 0 : 1,
    alt: i === 0 ? 2 : i === 4 ? 6 : null,
    transcoding: i < 3 ? 1 : 0,
    location,
    elastic: i === 5 ? 1 : 0,
    max_server_per_sip: i === 6 ? 2 : 0
  }))
  const rtpServers: RtpServer[] = rtpGroups.flatMap(group => Array.from({ length: media.int(1, 3) }, (_, n) => ({
    id: group.id * 100 + n + 1,
    alias: `rtp-${group.location}${group.id}-${n + 1}.example.net`,
    zone: group.name,
    ip: `198.51.100.${100 + group.id * 3 + n}`,
    rtp_group_id: group.id
  })))

  const traffic = root.fork('traffic')
  const active = customers.filter(c => c.status === 'Active')
  const calls: SimCall[] = []
  // Ten days: enough to show the 7-day trace retention.
  const days = 10
  const perDay = 40
  for (let n = 0; n < days * perDay; n++) {
    // Spread over the last `days` days; the newest calls come first in the list.
    const start = nowMs - 60_000 - Math.floor((n / (days * perDay)) * days * 86_400_000) - traffic.int(0, 20_000)
    // The four newest calls are one of each scenario, so every scenario is always present.
    const scenario: Scenario = n < 4
      ? (['answered', 'busy', 'cancelled', 'no_route'] as const)[n]!
      : traffic.weighted({ answered: 50, busy: 10, cancelled: 15, no_route: 6 })
    const customer = traffic.pick(active)
    const carrier = scenario === 'no_route' ? undefined : traffic.pick(carriers)
    const [code, reason] = OUTCOMES[scenario]
    const idStyle = traffic.chance(0.5)
    calls.push({
      callid: idStyle ? traffic.hex(32) : `${traffic.int(1e8, 999999999)}-${traffic.int(1e8, 999999999)}-${traffic.int(1e9, 2147483647)}`,
      callidb: `CNX${traffic.int(1000, 9999)}_${traffic.token(28)}-`,
      ...(carrier === undefined ? {} : { egress_callid: traffic.hex(32), carrier_id: carrier.id }),
      scenario,
      start_ms: start,
      customer_id: customer.id,
      customer_ip: customer.ips[0]!,
      cli: `44207946${String(traffic.int(0, 999)).padStart(4, '0')}`,
      dest_number: destination(traffic),
      sip_code: code,
      sip_reason: reason,
      pdd_ms: Math.round(Math.min(Math.max(traffic.logNormal(2500, 0.4), 300), 12_000)),
      ring_ms: traffic.int(4_000, 25_000),
      duration_s: scenario === 'answered' ? Math.max(1, Math.round(traffic.logNormal(90, 1))) : 0
    })
  }
  calls.sort((a, b) => b.start_ms - a.start_ms)
  for (const customer of customers) {
    const last = calls.find(c => c.customer_id === customer.id)
    customer.last_call = last === undefined ? null : Math.floor(last.start_ms / 1000)
  }

  return { seed, now_ms: nowMs, customers, carriers, rtpGroups, rtpServers, calls }
}
