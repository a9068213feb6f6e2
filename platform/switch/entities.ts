import type {
  Account, Carrier, Class5App, CliRecord, Currency, Customer, CustomerPackage, CustomerProfile, Dataset, Did, PackageOffer, Payment,
  RateCard, RateRevision, RateRule, RoutingRow, RtpGroup, RtpServer, SwitchIp, SwitchUser
} from './model'
import { convert, destination, round } from './numbering'
import type { Random } from './random'
import { DAY_MS, sqlTime } from './time'

/**
 * The account's entities: carriers and their buy cards, customer sell cards, customers with
 * their routing, SIP users, IPs, CLIs, packages, payments, DIDs, and the media zones. Attributes
 * that scenarios rely on (who authenticates by digest, who is behind NAT) are set by position,
 * so every seed has them; everything else comes from the seed.
 */

/** The switch's own addresses (RFC 5737 documentation ranges). */
export const SWITCH = { signalling: '198.51.100.5', media: '198.51.100.6', class5: '198.51.100.7', server: 'lon1' }

/** Every entity of the account: the dataset without its traffic. */
export type Entities = Omit<Dataset, 'seed' | 'now_ms' | 'destinations' | 'calls' | 'scenarios'>

const UK_FIXED = ['United Kingdom - Fixed', 'United Kingdom - London', 'United Kingdom - Manchester', 'United Kingdom - Non-Geographic']
const UK = [...UK_FIXED, 'United Kingdom - Mobile']
const UK_ALL = [...UK, 'United Kingdom - Personal Numbering', 'Isle of Man - Mobile']
const NANP = ['USA', 'USA - Alaska', 'USA - Hawaii', 'Canada']
const CARIBBEAN = ['Jamaica', 'Dominican Republic']
const EUROPE_FIXED = ['Germany - Fixed', 'France - Fixed', 'Spain - Fixed', 'Italy - Fixed', 'Netherlands - Fixed', 'Ireland - Fixed']
const EUROPE_MOBILE = ['Germany - Mobile', 'France - Mobile', 'Spain - Mobile', 'Italy - Mobile', 'Netherlands - Mobile', 'Ireland - Mobile']
const SOUTH_ASIA = ['India - Fixed', 'India - Mobile', 'Pakistan - Fixed', 'Pakistan - Mobile', 'Bangladesh - Fixed', 'Bangladesh - Mobile']
const ASIA_PACIFIC = ['Philippines - Fixed', 'Philippines - Mobile', 'China', 'Australia - Fixed', 'Australia - Mobile']
const MIDDLE_EAST_AFRICA = ['UAE - Fixed', 'UAE - Mobile', 'Nigeria - Fixed', 'Nigeria - Mobile', 'Russia']
const LATAM = ['Mexico', 'Brazil']
/** Everything a customer may buy: no satellite, and Somalia only on the premium card. */
const A_Z = [...UK_ALL, ...NANP, ...CARIBBEAN, ...EUROPE_FIXED, ...EUROPE_MOBILE, ...SOUTH_ASIA, ...ASIA_PACIFIC, ...MIDDLE_EAST_AFRICA, ...LATAM, 'Cuba']

/**
 * The carriers. Sterling Interconnect is the only one that ever carried Cuba, and its active
 * revision dropped it (the routing gap); Budget Route is the cheapest and the poorest (the quality
 * scenario); Crown Fixed Lines is the cheapest for UK fixed (the outage scenario). Some
 * destinations have one route only: Pakistan (Harbor Telecom, G.711 only: the codec scenario),
 * Jamaica and the Dominican Republic (Meridian Telecom: the timeout scenario), Somalia (Polaris
 * Global Voice: the carrier-side 403).
 */
interface CarrierPlan {
  name: string
  currency: Currency
  covers: string[]
  /** Price level against the indicative cost. */
  price: number
  quality: number
  codecs: string[]
  ua: string
  /** Destinations whose price the newest revision raised, by this factor (the sell cards were not rebuilt). */
  raised?: Record<string, number>
}

const PAKISTAN = ['Pakistan - Fixed', 'Pakistan - Mobile']
const not = (names: string[], ...without: string[][]): string[] => names.filter(n => !without.some(list => list.includes(n)))

const CARRIERS: CarrierPlan[] = [
  { name: 'Northbridge Carrier Services', currency: 'GBP', covers: [...UK_ALL, ...EUROPE_MOBILE], price: 0.95, quality: 1.05, codecs: ['PCMA', 'PCMU', 'G729'], ua: 'Northbridge SBC' },
  { name: 'Atlas Voice Wholesale', currency: 'GBP', covers: [...UK, 'Ireland - Fixed', 'Ireland - Mobile', ...EUROPE_FIXED, ...NANP], price: 1.0, quality: 1.02, codecs: ['PCMA', 'PCMU', 'G729'], ua: 'Atlas-SBC/5.2' },
  { name: 'Meridian Telecom', currency: 'USD', covers: [...NANP, ...CARIBBEAN, ...LATAM], price: 0.92, quality: 1.0, codecs: ['PCMU', 'PCMA', 'G729'], ua: 'Meridian Sansay VSXi' },
  { name: 'Sterling Interconnect', currency: 'USD', covers: [...not(SOUTH_ASIA, PAKISTAN), ...MIDDLE_EAST_AFRICA, ...ASIA_PACIFIC, 'United Kingdom - Mobile', 'Cuba'], price: 1.0, quality: 0.97, codecs: ['PCMA', 'PCMU', 'G729'], ua: 'Sterling SBC 7' },
  { name: 'Polaris Global Voice', currency: 'EUR', covers: [...EUROPE_FIXED, ...EUROPE_MOBILE, 'Russia', 'Somalia'], price: 0.97, quality: 1.0, codecs: ['PCMA', 'G729'], ua: 'Polaris-Edge/3.1' },
  { name: 'Harbor Telecom', currency: 'USD', covers: [...SOUTH_ASIA, 'Philippines - Mobile', 'Nigeria - Mobile'], price: 0.9, quality: 0.98, codecs: ['PCMA', 'PCMU'], ua: 'Harbor Telecom SBC', raised: { 'Pakistan - Mobile': 1.45 } },
  { name: 'Bluewave Networks', currency: 'USD', covers: not(A_Z, ['Cuba'], CARIBBEAN, PAKISTAN), price: 1.08, quality: 1.0, codecs: ['PCMA', 'PCMU', 'G729'], ua: 'Bluewave Kamailio (5.7)' },
  { name: 'Evergreen Voice', currency: 'EUR', covers: [...EUROPE_FIXED, ...EUROPE_MOBILE, ...LATAM], price: 1.02, quality: 1.03, codecs: ['PCMA', 'G729'], ua: 'Evergreen OpenSIPS (3.4)' },
  { name: 'Pacific Crest Telecom', currency: 'USD', covers: [...ASIA_PACIFIC, 'India - Mobile'], price: 0.96, quality: 0.99, codecs: ['PCMU', 'PCMA', 'G729'], ua: 'PacificCrest SBC' },
  { name: 'Crown Fixed Lines', currency: 'GBP', covers: [...UK_FIXED, ...EUROPE_FIXED], price: 0.82, quality: 1.04, codecs: ['PCMA', 'PCMU'], ua: 'Crown-Ribbon-SBC' },
  { name: 'Sapphire Mobile Exchange', currency: 'EUR', covers: ['United Kingdom - Mobile', ...EUROPE_MOBILE, 'UAE - Mobile', 'Nigeria - Mobile', 'Philippines - Mobile', 'Australia - Mobile', 'Isle of Man - Mobile'], price: 1.04, quality: 1.01, codecs: ['PCMA', 'G729'], ua: 'Sapphire MX/2.0' },
  { name: 'Budget Route Ltd', currency: 'USD', covers: [...not(SOUTH_ASIA, PAKISTAN), ...NANP, ...MIDDLE_EAST_AFRICA], price: 0.75, quality: 0.88, codecs: ['G729', 'PCMA', 'PCMU'], ua: 'FreeSWITCH-mod_sofia/1.10.9' }
]

interface CustomerCardPlan {
  name: string
  currency: Currency
  covers: string[]
  markup: number
  /** Increments that differ from the destination's (the customer pays 60/60 where the carrier bills 1/1). */
  increment?: [number, number]
}

/** Connection charges the carriers bill on premium ranges, USD per connected call (scaled by each carrier's price level). */
const CONNECT_USD: Record<string, number> = { 'United Kingdom - Personal Numbering': 0.05, 'Isle of Man - Mobile': 0.02, Jamaica: 0.015, Cuba: 0.1, Somalia: 0.08 }

const CUSTOMER_CARDS: CustomerCardPlan[] = [
  { name: 'Retail A-Z', currency: 'GBP', covers: A_Z, markup: 1.25 },
  { name: 'Wholesale Premium', currency: 'USD', covers: [...A_Z, 'Somalia'], markup: 1.12 },
  { name: 'Wholesale Standard', currency: 'EUR', covers: A_Z.filter(n => !CARIBBEAN.includes(n)), markup: 1.08 },
  { name: 'UK LL and Mobile', currency: 'GBP', covers: UK_ALL, markup: 1.2 },
  { name: 'UK & Ireland', currency: 'GBP', covers: [...UK_ALL, 'Ireland - Fixed', 'Ireland - Mobile'], markup: 1.18 },
  { name: 'Call Centre UK', currency: 'GBP', covers: UK, markup: 1.3, increment: [60, 60] },
  { name: 'NANP Termination', currency: 'USD', covers: [...NANP, ...CARIBBEAN], markup: 1.1 },
  { name: 'Europe Direct', currency: 'EUR', covers: [...UK, ...EUROPE_FIXED, ...EUROPE_MOBILE], markup: 1.12 },
  { name: 'South Asia Direct', currency: 'USD', covers: [...SOUTH_ASIA, ...UK, 'UAE - Mobile'], markup: 1.1 }
]

/** What kind of business a customer is: its cards, destinations and call lengths. */
type Kind = 'uk_retail' | 'wholesale_usd' | 'wholesale_eur' | 'call_centre' | 'south_asia' | 'nanp' | 'europe'

const KIND_CARDS: Record<Kind, string[]> = {
  uk_retail: ['Retail A-Z'],
  wholesale_usd: ['Wholesale Premium'],
  wholesale_eur: ['Wholesale Standard'],
  call_centre: ['Call Centre UK'],
  south_asia: ['South Asia Direct'],
  nanp: ['NANP Termination'],
  europe: ['Europe Direct']
}

const KIND_TALK_S: Record<Kind, number> = { uk_retail: 95, wholesale_usd: 85, wholesale_eur: 85, call_centre: 35, south_asia: 210, nanp: 70, europe: 90 }

/** Destination weight multipliers per kind (unlisted: 1). */
const KIND_BOOST: Record<Kind, Record<string, number>> = {
  uk_retail: Object.fromEntries(UK_ALL.map(n => [n, 2])),
  wholesale_usd: {},
  wholesale_eur: Object.fromEntries([...EUROPE_FIXED, ...EUROPE_MOBILE].map(n => [n, 2])),
  call_centre: {},
  south_asia: Object.fromEntries(SOUTH_ASIA.map(n => [n, 8])),
  nanp: {},
  europe: Object.fromEntries([...EUROPE_FIXED, ...EUROPE_MOBILE].map(n => [n, 3]))
}

/**
 * The customers, in a fixed order: position decides the kind, the authentication (every fifth
 * uses SIP digest) and NAT (positions 8 and 27); the seed decides the rest.
 */
const CUSTOMERS: [string, Kind][] = [
  ['Adam Communications', 'uk_retail'], ['Acme Telecom', 'wholesale_usd'], ['Northwind Voice', 'uk_retail'], ['Bluebell Contact Centre', 'call_centre'],
  ['Harbour Networks', 'wholesale_eur'], ['Kestrel Dialling', 'call_centre'], ['Marlow Carrier Services', 'wholesale_usd'], ['Orchid Communications', 'south_asia'],
  ['Pinecrest VoIP', 'uk_retail'], ['Riverside Telecom', 'nanp'], ['Saffron Calling', 'south_asia'], ['Thistle Networks', 'uk_retail'],
  ['Granite Voice Solutions', 'wholesale_eur'], ['Lighthouse Connect', 'call_centre'], ['Maple Leaf Telecom', 'nanp'], ['Nimbus Cloud Voice', 'europe'],
  ['Oakfield Business Phones', 'uk_retail'], ['Puffin Telecom', 'uk_retail'], ['Quayside Communications', 'europe'], ['Redwood Carrier Group', 'wholesale_usd'],
  ['Silverline Voice', 'south_asia'], ['Tamarind Telecom', 'south_asia'], ['Upland Networks', 'uk_retail'], ['Vantage Dialler', 'call_centre'],
  ['Willow Phone Co', 'uk_retail'], ['Acme Voice', 'europe'], ['Zenith Wholesale', 'wholesale_eur'], ['Alder Street Telecom', 'uk_retail'],
  ['Beacon Hill Voice', 'nanp'], ['Cobalt Communications', 'wholesale_usd'], ['Driftwood Telecom', 'uk_retail'], ['Ember Networks', 'europe'],
  ['Fenwick Voice', 'uk_retail'], ['Glenmore Telecom', 'uk_retail'], ['Hazel Contact Solutions', 'call_centre'], ['Indigo Voice Exchange', 'wholesale_usd'],
  ['Juniper Calling', 'south_asia'], ['Kingfisher Telecom', 'uk_retail'], ['Lantern Communications', 'europe'], ['Marigold Voice', 'south_asia'],
  ['Nettle Networks', 'uk_retail'], ['Osprey Telecom', 'nanp'], ['Primrose Phones', 'uk_retail'], ['Quartz Voice', 'wholesale_eur'],
  ['Rowan Telecom', 'uk_retail'], ['Starling Contact Centre', 'call_centre'], ['Teal Networks', 'europe'], ['Umber Communications', 'uk_retail'],
  ['Vesper Voice', 'wholesale_usd'], ['Wren Telecom', 'uk_retail']
]

/** Cards ahead of a customer's own, in another currency: Fenwick Voice buys North America in US dollars. */
const EXTRA_CARDS: Record<string, string[]> = { 'Fenwick Voice': ['NANP Termination'] }
/** Balances set by hand: Cobalt owes money but is within its debit limit, so it still calls. */
const BALANCES: Record<string, [credit: number, debitLimit: number]> = { 'Cobalt Communications': [-312.4, 1000] }
/** Authorised IPv6 addresses (RFC 3849 documentation range, RFC 5952 form); no traffic comes from them yet. */
const IPV6: Record<string, string[]> = { 'Nimbus Cloud Voice': ['2001:db8:15::a'], 'Acme Voice': ['2001:db8:25::10', '2001:db8:25::11'], 'Teal Networks': ['2001:db8:46:1::5060'] }

/** The Class 5 apps the account runs, each behind one of the first DIDs. */
export const CLASS5_APPS: Class5App[] = ['ai_agent', 'ivr', 'voicemail', 'queue']

/** Customers that cannot call: closed accounts and one waiting for approval. */
const INACTIVE = new Set([41, 47])
const PENDING = new Set([49])
/** Customers behind NAT. */
const NATTED = new Set([8, 27])

const PBX_AGENTS = ['Asterisk PBX 18.20.0', 'FreeSWITCH-mod_sofia/1.10.11', '3CXPhoneSystem 18.0.9', 'Sippy Softswitch v2023', 'Yeastar P-Series 37.13', 'Grandstream UCM6304 1.0.23', 'Kamailio (5.7.4 (x86_64/linux))']
const FIRST_NAMES = ['Amelia', 'Oliver', 'Priya', 'Tom', 'Sofia', 'Jack', 'Fatima', 'Liam', 'Grace', 'Noah', 'Chloe', 'Arjun', 'Isla', 'Mateo', 'Hannah', 'Ravi']
const LAST_NAMES = ['Clarke', 'Patel', 'Hughes', 'Okafor', 'Morgan', 'Reid', 'Khan', 'Byrne', 'Fischer', 'Lopez', 'Evans', 'Singh']

function cardId (random: Random): string {
  const alnum = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
  const part = (): string => Array.from({ length: 4 }, () => alnum[random.int(0, alnum.length - 1)]).join('')
  return `${part()}-${part()}`
}

/** What one destination costs on a card: per minute and per connected call, in the card's currency. */
interface Price {
  cost: number
  connection: number
}

/** Rules for every prefix of the destinations, priced by `price(name)` (omitted when it gives undefined). */
function rules (names: string[], price: (name: string) => Price | undefined, increment?: [number, number]): RateRule[] {
  return names.flatMap(name => {
    const found = price(name)
    if (found === undefined) return []
    const dest = destination(name)
    return dest.prefixes.map(prefix => ({ prefix, name, cost: found.cost, mcd: increment?.[0] ?? dest.mcd, pulse: increment?.[1] ?? dest.pulse, connection_cost: found.connection }))
  })
}

/** Revisions `first..last`, the newest priced at `factor` 1 and older ones drifting a little. */
function revisions (random: Random, nowMs: number, count: number, build: (age: number) => RateRule[]): RateRevision[] {
  const first = random.int(3, 19)
  return Array.from({ length: count }, (_, i) => {
    const age = count - 1 - i
    return { rev: first + i, created: sqlTime(nowMs - (age * 23 + random.int(2, 12)) * DAY_MS - random.int(0, 86_399) * 1000), rules: build(age) }
  })
}

/** Generates the entities for `nowMs`. */
export function generateEntities (root: Random, nowMs: number): Entities {
  const account: Account = { id: 1042, name: 'Example Telecom Ltd', currency: 'GBP' }

  // Carriers and their buy cards.
  const buy = root.fork('carriers')
  const carriers: Carrier[] = []
  const cards: RateCard[] = []
  const plans = new Map<string, CarrierPlan>()
  CARRIERS.forEach((plan, i) => {
    const id = 311 + i * 7 + buy.int(0, 5)
    const card: RateCard = { id: cardId(buy), name: `${plan.name} - Termination`, currency: plan.currency, direction: 'Termination', kind: 'provider', provider_id: id, parents: [], active_rev: 0, revisions: [] }
    const level = new Map(plan.covers.map(name => [name, destination(name).cost_usd * plan.price * (0.94 + buy.next() * 0.12)]))
    const count = buy.int(3, 5)
    card.revisions = revisions(buy, nowMs, count, age => rules(plan.covers, name => {
      // Sterling's newest revision no longer carries Cuba: customer cards built on it are stale.
      if (name === 'Cuba' && age === 0) return undefined
      const raise = age === 0 ? plan.raised?.[name] ?? 1 : 1
      return {
        cost: round(convert(level.get(name)! * (1 + age * 0.012) * raise, 'USD', plan.currency), 5),
        connection: round(convert((CONNECT_USD[name] ?? 0) * plan.price, 'USD', plan.currency), 4)
      }
    }))
    // Atlas has uploaded a revision that is not active yet.
    card.active_rev = card.revisions.at(i === 1 ? -2 : -1)!.rev
    cards.push(card)
    plans.set(card.id, plan)
    carriers.push({
      id,
      name: plan.name,
      status: 'Active',
      currency: plan.currency,
      ips: [`192.0.2.${20 + i * 10}`, ...(i % 3 === 0 ? [`192.0.2.${21 + i * 10}`] : [])],
      card_id: card.id,
      channels: buy.pick([120, 240, 480, 960]),
      cps: buy.pick([10, 20, 30, 50]),
      codecs: plan.codecs,
      tech_prefix: i % 4 === 2 ? `${buy.int(10, 99)}#` : '',
      quality: plan.quality,
      user_agent: plan.ua
    })
  })

  // Customer sell cards: cheapest active parent rule, marked up.
  const sell = root.fork('cards')
  const activeRules = (card: RateCard): RateRule[] => card.revisions.find(r => r.rev === card.active_rev)!.rules
  // The rules a sell card was built from: a price raised in the carrier's newest revision is not in
  // them (the sell cards were not rebuilt), so that route now costs more than it sells for.
  const builtFrom = (card: RateCard, name: string): RateRule[] => {
    const raised = plans.get(card.id)?.raised?.[name] !== undefined
    const at = card.revisions.findIndex(r => r.rev === card.active_rev)
    return card.revisions[raised ? Math.max(0, at - 1) : at]!.rules.filter(r => r.name === name)
  }
  for (const plan of CUSTOMER_CARDS) {
    // Parents: every carrier card that sells (or, for Cuba, once sold) one of the card's destinations.
    const parents = cards.filter(c => c.kind === 'provider' &&
      (activeRules(c).some(r => plan.covers.includes(r.name)) || (plan.covers.includes('Cuba') && c.revisions.some(r => r.rules.some(x => x.name === 'Cuba')))))
    const lowest = (name: string): Price => {
      const offers = parents.flatMap(p => builtFrom(p, name).map(r => ({ cost: convert(r.cost, p.currency, 'USD'), connection: convert(r.connection_cost, p.currency, 'USD') })))
      // A destination no parent carries any more keeps the price it was built with.
      if (offers.length === 0) return { cost: destination(name).cost_usd, connection: CONNECT_USD[name] ?? 0 }
      return offers.reduce((best, o) => (o.cost < best.cost ? o : best))
    }
    const card: RateCard = { id: cardId(sell), name: plan.name, currency: plan.currency, direction: 'Termination', kind: 'customer', provider_id: null, parents: parents.map(p => p.id), active_rev: 0, revisions: [] }
    card.revisions = revisions(sell, nowMs, sell.int(2, 4), age => rules(plan.covers, name => {
      const base = lowest(name)
      return {
        cost: round(convert(base.cost * plan.markup * (1 + age * 0.02), 'USD', plan.currency), 4),
        connection: round(convert(base.connection * plan.markup, 'USD', plan.currency), 4)
      }
    }, plan.increment))
    card.active_rev = card.revisions.at(-1)!.rev
    cards.push(card)
  }
  const cardByName = (name: string): RateCard => cards.find(c => c.name === name)!

  // Customers, their routing, SIP users, IPs and CLIs.
  const people = root.fork('customers')
  const customers: Customer[] = []
  const profiles: CustomerProfile[] = []
  const routing: RoutingRow[] = []
  const switchUsers: SwitchUser[] = []
  const switchIps: SwitchIp[] = []
  const clis: CliRecord[] = []
  let nextId = 105_000 + people.int(0, 400)
  let routingId = 4100 + people.int(0, 50)
  CUSTOMERS.forEach(([name, kind], i) => {
    nextId += people.int(3, 40)
    const id = nextId
    const cardNames = [...EXTRA_CARDS[name] ?? [], ...KIND_CARDS[kind], ...(kind === 'uk_retail' && i % 3 === 0 ? ['UK & Ireland'] : [])]
    const customerCards = cardNames.map(cardByName)
    const currency = cardByName(KIND_CARDS[kind][0]!).currency
    const status = INACTIVE.has(i) ? 'Inactive' : PENDING.has(i) ? 'Pending Approval' : 'Active'
    const digest = i % 5 === 4
    const slug = name.split(' ')[0]!.toLowerCase()
    const ips = [`203.0.113.${10 + i * 4}`, ...(people.chance(0.3) ? [`203.0.113.${11 + i * 4}`] : [])]
    const users = digest || people.chance(0.2) ? [`${slug}${people.int(100, 999)}`, ...(people.chance(0.4) ? [`${slug}-pbx${people.int(1, 9)}`] : [])] : []
    const uk = kind === 'uk_retail' || kind === 'call_centre' || kind === 'south_asia' || kind === 'europe'
    const customerClis = Array.from({ length: people.int(1, 3) }, () => uk
      ? people.pick(['442079460', '441614960', '441214960']) + String(people.int(0, 999)).padStart(3, '0')
      : people.pick(['121255501', '141555501', '131255501']) + String(people.int(0, 99)).padStart(2, '0'))
    // What it dials comes from its own cards (an extra card only re-prices some of it).
    const mix = customerCards.slice(EXTRA_CARDS[name]?.length ?? 0).flatMap(card => activeRules(card).map(r => r.name))
      .filter((n, k, all) => all.indexOf(n) === k)
      .map(n => ({ destination: n, weight: destination(n).weight * (KIND_BOOST[kind][n] ?? (kind === 'uk_retail' ? 0.5 : 1)) }))
      .filter(m => m.weight > 0)
    const rows = customerCards.map((card, k) => ({
      id: routingId++,
      company_id: id,
      card_id: card.id,
      name: card.name,
      tech_prefix: kind.startsWith('wholesale') ? `${people.int(1000, 9999)}#` : '',
      priority: k + 1,
      status: 'Enabled' as const,
      capacity: 0
    }))
    // Adam also dials the class 5 apps on the switch: an internal route, which is not a rate card.
    if (i === 0) rows.push({ id: routingId++, company_id: id, card_id: 'internal', name: 'Internal (Class 5 apps)', tech_prefix: '', priority: 3, status: 'Enabled', capacity: 0 })
    routing.push(...rows)
    const credit = round(people.logNormal(kind.startsWith('wholesale') ? 2500 : 450, 0.9), 2)
    const debitLimit = people.pick([0, 0, 50, 100, 250, 500])
    const ipv6 = digest ? [] : IPV6[name] ?? []
    customers.push({
      id,
      name,
      status,
      currency,
      credit: BALANCES[name]?.[0] ?? credit,
      debit_limit: BALANCES[name]?.[1] ?? debitLimit,
      ips: digest ? [] : [...ips, ...ipv6],
      sip_users: users,
      cards: rows.map(r => r.card_id),
      contact_name: [`${people.pick(FIRST_NAMES)} ${people.pick(LAST_NAMES)}`],
      tags: [kind.replace('_', '-'), ...(people.chance(0.15) ? ['vip'] : [])],
      channels: people.pick([30, 60, 100, 200, 500]),
      cps: people.pick([5, 10, 20]),
      account_manager_id: people.pick([7, 12, 19]),
      cx_referal: '',
      s3_size: people.int(0, 5_000_000),
      created: sqlTime(nowMs - people.int(60, 1400) * DAY_MS),
      last_call: null
    })
    profiles.push({
      customer_id: id,
      auth: digest ? 'digest' : 'ip',
      source_ips: ips,
      private_ip: NATTED.has(i) ? `192.168.${people.int(0, 20)}.${people.int(10, 250)}` : null,
      source_port: NATTED.has(i) ? people.int(20_000, 65_000) : 5060,
      volume: status === 'Active' ? people.logNormal(1, 0.9) : 0,
      mix,
      talk_median_s: KIND_TALK_S[kind],
      user_agent: people.pick(PBX_AGENTS),
      clis: customerClis
    })
    for (const username of users) switchUsers.push({ id: 9000 + switchUsers.length * 3, username, company_id: id, channels: 30, status: 'Active' })
    if (!digest) for (const ip of [...ips, ...ipv6]) switchIps.push({ id: 7000 + switchIps.length * 2, ip, company_id: id, channels: 0, direction: 'Ingress', status: 'Active' })
    for (const cli of customerClis) clis.push({ id: 12_000 + clis.length, cli, company_id: id, forced: false })
  })

  // Packages.
  const offers: PackageOffer[] = [
    { id: 1, name: 'UK Unlimited 3000', type: ['recurring', 'free-minutes'], retail: 25, setup_retail: null, frequency: 'month', minutes: 3000, currency: 'GBP' },
    { id: 2, name: 'International Saver 500', type: ['recurring', 'free-minutes'], retail: 12, setup_retail: null, frequency: 'month', minutes: 500, currency: 'GBP' },
    { id: 3, name: 'DID Rental', type: ['recurring'], retail: 1.5, setup_retail: null, frequency: 'month', minutes: 0, currency: 'GBP' },
    { id: 4, name: 'Account Setup', type: ['one-time'], retail: null, setup_retail: 50, frequency: null, minutes: 0, currency: 'GBP' },
    { id: 5, name: 'Call Recording', type: ['recurring'], retail: 8, setup_retail: 20, frequency: 'month', minutes: 0, currency: 'GBP' },
    { id: 6, name: 'Wholesale Port Fee', type: ['recurring'], retail: 150, setup_retail: 250, frequency: 'month', minutes: 0, currency: 'USD' },
    { id: 7, name: 'Weekend Bundle 1000', type: ['recurring', 'free-minutes'], retail: 5, setup_retail: null, frequency: 'week', minutes: 1000, currency: 'EUR' },
    { id: 8, name: 'AI Agent Minutes 200', type: ['one-time', 'free-minutes'], retail: null, setup_retail: 30, frequency: null, minutes: 200, currency: 'GBP' }
  ]
  const bundles = root.fork('packages')
  const packages: CustomerPackage[] = []
  customers.forEach((customer, i) => {
    const taken = new Set<number>()
    const count = i === 0 ? 4 : bundles.int(0, 3)
    for (let k = 0; k < count; k++) {
      const offer = i === 0 ? offers[k]! : bundles.pick(offers)
      if (taken.has(offer.id)) continue
      taken.add(offer.id)
      packages.push({
        id: 30_000 + packages.length * 7 + bundles.int(0, 6),
        package_id: offer.id,
        company_id: customer.id,
        name: offer.name,
        type: offer.type,
        qty: offer.id === 3 ? bundles.int(1, 12) : 1,
        // Priced in the customer's currency, which is what it is billed in.
        retail: inCurrency(offer.retail, offer.currency, customer.currency),
        setup_retail: inCurrency(offer.setup_retail, offer.currency, customer.currency),
        frequency: offer.frequency,
        minutes: offer.minutes,
        minutes_used: offer.minutes === 0 ? 0 : bundles.int(0, offer.minutes),
        currency: customer.currency,
        start_date: sqlTime(nowMs - bundles.int(5, 400) * DAY_MS).slice(0, 10)
      })
      const added = packages.at(-1)!
      // A customer that cannot call uses no minutes; Adam has used all of its international ones.
      if (customer.status !== 'Active') added.minutes_used = 0
      if (i === 0 && offer.id === 2) added.minutes_used = added.minutes
    }
  })

  // Payments: top-ups over the last four months, newest last in the list.
  const money = root.fork('payments')
  const payments: Payment[] = []
  for (const customer of customers) {
    const count = customer.status === 'Active' ? money.int(2, 9) : money.int(0, 2)
    const times = Array.from({ length: count }, () => nowMs - money.int(1, 120) * DAY_MS - money.int(0, 86_399) * 1000).sort((a, b) => a - b)
    for (const time of times) {
      const amount = round(money.pick([50, 100, 100, 250, 500, 1000, 2500]) * (customer.tags.includes('wholesale-usd') || customer.tags.includes('wholesale-eur') ? 4 : 1), 2)
      const status = money.chance(0.05) ? 'Failed' : money.chance(0.03) ? 'Pending' : 'Completed'
      payments.push({
        id: 50_000 + payments.length * 3 + money.int(0, 2),
        company_id: customer.id,
        amount,
        total: amount,
        currency: customer.currency,
        payment_time: sqlTime(time),
        method: money.pick(['Card', 'Card', 'Bank Transfer', 'PayPal', 'Manual'] as const),
        status,
        description: status === 'Completed' ? 'Account top-up' : `Account top-up (${status.toLowerCase()})`
      })
    }
  }
  // Charges (negative totals): package fees as they fall due, over the same four months.
  const since = nowMs - 120 * DAY_MS
  for (const pkg of packages) {
    const start = Date.parse(`${pkg.start_date}T00:05:00Z`)
    const charge = (time: number, total: number, description: string): void => {
      payments.push({ id: 50_000 + payments.length * 3 + 1, company_id: pkg.company_id, amount: total, total, currency: pkg.currency, payment_time: sqlTime(time), method: 'Manual', status: 'Completed', description })
    }
    if (pkg.setup_retail !== null && start >= since) charge(start, -round(pkg.setup_retail * pkg.qty, 2), `Setup fee: ${pkg.name}`)
    if (pkg.retail === null || pkg.frequency === null) continue
    for (let n = 0, due = start; due <= nowMs; due = nextDue(start, pkg.frequency, ++n)) {
      if (due >= since) charge(due, -round(pkg.retail * pkg.qty, 2), `Package fee: ${pkg.name} (${pkg.qty > 1 ? `${pkg.qty} × ` : ''}${pkg.frequency})`)
    }
  }

  // DIDs: London numbers for UK customers, a few unassigned.
  const numbers = root.fork('dids')
  const didCarriers = carriers.filter(c => c.currency === 'GBP')
  const dids: Did[] = Array.from({ length: 60 }, (_, k) => {
    const owner = k < CLASS5_APPS.length ? customers[0] : numbers.chance(0.8) ? numbers.pick(customers.filter(c => c.status === 'Active')) : undefined
    return {
      id: 20_000 + k * 3 + numbers.int(0, 2),
      did: k < 45 ? `442079460${String(500 + k * 11).padStart(3, '0').slice(-3)}` : `141555501${String(k).padStart(2, '0')}`,
      customer_id: owner?.id ?? null,
      provider_id: numbers.pick(didCarriers).id,
      // The first four are the account's Class 5 apps.
      destination: k < CLASS5_APPS.length ? `class5:${CLASS5_APPS[k]}` : owner === undefined ? '' : `sip:${owner.ips[0] ?? 'registered'}`,
      retail: round(1 + numbers.next() * 2, 2),
      wholesale: round(0.3 + numbers.next() * 0.5, 2),
      channels: numbers.pick([2, 4, 10, 30]),
      status: 'Active'
    }
  })

  const { rtpGroups, rtpServers } = mediaZones(root.fork('media'))
  return { account, customers, profiles, carriers, cards, routing, switchUsers, switchIps, clis, packageOffers: offers, packages, payments, dids, rtpGroups, rtpServers }
}

/** A catalogue price in another currency, to the penny. */
function inCurrency (amount: number | null, from: Currency, to: Currency): number | null {
  return amount === null ? null : round(convert(amount, from, to), 2)
}

/** When the `n`-th fee of a package that started at `start` falls due (same day of the month for monthly ones). */
function nextDue (start: number, frequency: NonNullable<CustomerPackage['frequency']>, n: number): number {
  if (frequency === 'day') return start + n * DAY_MS
  if (frequency === 'week') return start + n * 7 * DAY_MS
  const date = new Date(start)
  const months = frequency === 'year' ? 12 * n : n
  // Day 29-31 falls on the month's last day where the month is shorter.
  const last = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + months + 1, 0)).getUTCDate()
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + months, Math.min(date.getUTCDate(), last), date.getUTCHours(), date.getUTCMinutes())
}

const ZONES: [string, string][] = [
  ['UK (London)', 'lon'], ['Netherlands (Amsterdam)', 'ams'], ['USA East (New York)', 'nyc'], ['USA West (San Francisco)', 'sfo'],
  ['Germany (Frankfurt)', 'fra'], ['Germany 2 (Frankfurt High Capacity)', 'fra'], ['Singapore', 'sgp'], ['India (Bangalore)', 'blr'],
  ['Australia (Sydney)', 'syd'], ['Canada (Toronto)', 'tor'], ['Brazil (Sao Paulo)', 'gru']
]

/** The media zones: Toronto is down; London fails over to Amsterdam, Frankfurt to Frankfurt 2. */
function mediaZones (media: Random): { rtpGroups: RtpGroup[], rtpServers: RtpServer[] } {
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
  return { rtpGroups, rtpServers }
}
