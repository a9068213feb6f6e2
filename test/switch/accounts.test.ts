import { describe, expect, it } from 'vitest'
import { NOW_MS, testSwitch } from '../helpers/platform'
import { switchClient } from '../helpers/switchApi'

/**
 * The accounts of the simulated switch hold together: balances, payments, packages, rate cards,
 * routing, and charges that follow the cards, with the traffic report agreeing with the CDR.
 * Everything is read through the API and checked against the switch's own records or against
 * arithmetic done here, never against the code under test.
 */

const sw = testSwitch()
const api = switchClient(sw)
const { data } = sw
const DAY = 86_400_000

const sqlTime = (ms: number): string => new Date(ms).toISOString().slice(0, 19).replace('T', ' ')
const round = (value: number, places: number): number => Math.round(value * 10 ** places) / 10 ** places
const customerNamed = (name: string) => data.customers.find(c => c.name === name)!

interface Rule { prefix: string, name: string, cost: number, mcd: number, pulse: number, connection_cost: number }

/** A card's active rules through the API. */
const rulesCache = new Map<string, Promise<Rule[]>>()
function activeRules (cardId: string): Promise<Rule[]> {
  let rules = rulesCache.get(cardId)
  if (rules === undefined) {
    rules = (async () => {
      const card = await api.get(`card/${encodeURIComponent(cardId)}`)
      return api.get(`card/${encodeURIComponent(cardId)}/rev/${card.active_rev}/rule?limit=10000&offset=0`)
    })()
    rulesCache.set(cardId, rules)
  }
  return rules
}

/** Longest prefix by brute force: every rule, the longest that the number starts with. */
function longest (rules: Rule[], number: string): Rule | undefined {
  let best: Rule | undefined
  for (const rule of rules) if (number.startsWith(rule.prefix) && (best === undefined || rule.prefix.length > best.prefix.length)) best = rule
  return best
}

/** Billed seconds: the minimum, then whole increments. */
const billed = (seconds: number, mcd: number, pulse: number): number => seconds <= 0 ? 0 : seconds <= mcd ? mcd : mcd + Math.ceil((seconds - mcd) / pulse) * pulse

/** The CDR of the last 30 days through the API, a day per query (each under the 5,000-row cap). */
async function monthOfCdr (fields: string[]): Promise<Record<string, any>[]> {
  const rows: Record<string, any>[] = []
  for (let start = NOW_MS - 30 * DAY; start < NOW_MS; start += DAY) {
    const page = await api.post('cdr', {
      field: fields,
      where: { rules: [{ field: 'dt', condition: '>=', data: sqlTime(start) }, { field: 'dt', condition: '<', data: sqlTime(Math.min(start + DAY, NOW_MS)) }] },
      limit: 5000
    })
    expect(page.length).toBeLessThan(5000)
    rows.push(...page)
  }
  return rows
}

describe('customers and balances', () => {
  it('has names that collide partially, in different currencies', async () => {
    const acme = await api.get('customer?s=acme')
    expect(acme.map((c: any) => [c.name, c.currency])).toEqual([['Acme Telecom', 'USD'], ['Acme Voice', 'EUR']])
    expect(await api.get('customer?s=&name=ACME%20v')).toHaveLength(1)
    expect(new Set(data.customers.map(c => c.currency))).toEqual(new Set(['GBP', 'USD', 'EUR']))
    expect(new Set(data.carriers.map(c => c.currency))).toEqual(new Set(['GBP', 'USD', 'EUR']))
  })

  it('defines the available balance as credit + debit limit, and refuses with 403 the customer that has none', async () => {
    const juniper = customerNamed('Juniper Calling')
    const refused = new Set<number>()
    for (const customer of data.customers) {
      const record = await api.get(`customer/${customer.id}`)
      const available = round(record.credit + record.debit_limit, 2)
      if (available <= 0) refused.add(customer.id)
    }
    // Exactly one customer is out of balance: credit -14.62, no debit limit.
    expect([...refused]).toEqual([juniper.id])
    expect([juniper.credit, juniper.debit_limit]).toEqual([-14.62, 0])
    // Cobalt owes money but is within its debit limit: it still calls.
    const cobalt = customerNamed('Cobalt Communications')
    expect([cobalt.credit, cobalt.debit_limit, round(cobalt.credit + cobalt.debit_limit, 2)]).toEqual([-312.4, 1000, 687.6])
    expect(data.calls.some(c => c.customer_id === cobalt.id && c.sip_code === 200 && NOW_MS - c.start_ms < DAY)).toBe(true)
    // The switch refuses Juniper with 403 Insufficient Balance, as the call log shows, and nobody else.
    const insufficient = data.calls.filter(c => c.sip_reason === 'Insufficient Balance')
    expect(insufficient.length).toBe(3)
    expect(new Set(insufficient.map(c => c.customer_id))).toEqual(new Set([juniper.id]))
    expect(insufficient.every(c => c.sip_code === 403 && c.attempts.length === 0)).toBe(true)
    const [entry] = await api.get(`log?s=${encodeURIComponent(insufficient[0]!.callid)}`)
    expect(entry.routing.log.at(-1)).toBe('billing: credit -14.62 + debit limit 0.00 ≤ 0: 403 Insufficient Balance')
    // Nothing of Juniper's has been answered since its balance ran out.
    const lastRefusal = Math.min(...insufficient.map(c => c.start_ms))
    expect(data.calls.filter(c => c.customer_id === juniper.id && c.sip_code === 200 && c.start_ms >= lastRefusal - DAY)).toEqual([])
  })

  it('has no traffic from customers that are not active', () => {
    const idle = new Set(data.customers.filter(c => c.status !== 'Active').map(c => c.id))
    expect(idle.size).toBe(3)
    expect(data.calls.filter(c => idle.has(c.customer_id))).toEqual([])
    expect(data.packages.filter(p => idle.has(p.company_id) && p.minutes_used > 0)).toEqual([])
  })

  it('finds customers by SIP user, IPv4, IPv6 (any case) and CLI', async () => {
    const acmeVoice = customerNamed('Acme Voice')
    expect(acmeVoice.ips).toEqual(['203.0.113.110', '2001:db8:25::10', '2001:db8:25::11'])
    const v6 = await api.get('switch/ip?ip=2001:DB8:25::11&_limit=1000')
    expect(v6.map((r: any) => [r.ip, r.company_id])).toEqual([['2001:db8:25::11', acmeVoice.id]])
    expect((await api.get(`switch/ip?company_id=${acmeVoice.id}`)).map((r: any) => r.ip)).toEqual(acmeVoice.ips)
    const users = await api.get('switch/user?_limit=1000')
    expect(users.filter((u: any) => u.username.startsWith('acme')).map((u: any) => u.company_id)).toEqual([acmeVoice.id])
    const cli = data.clis.find(c => c.company_id === acmeVoice.id)!
    expect((await api.get(`cli?cli=%2B${cli.cli}`)).map((r: any) => r.company_id)).toEqual([acmeVoice.id])
  })
})

describe('payments and packages', () => {
  it('lists payments newest first; the last top-up is the newest completed payment with a positive total', async () => {
    let charges = 0
    for (const customer of data.customers) {
      const rows = await api.get(`payment?s=&company_id=${customer.id}&_startRow=0&_endRow=100&_pivotMode=false&_sortModel[0][sort]=desc&_sortModel[0][colId]=payment.payment_time`)
      const own = data.payments.filter(p => p.company_id === customer.id)
      expect(rows).toHaveLength(own.length)
      expect(rows.map((r: any) => r.payment_time)).toEqual(own.map(p => p.payment_time).toSorted().toReversed())
      expect(rows.every((r: any) => r.currency === customer.currency)).toBe(true)
      const topUps = own.filter(p => p.total > 0 && p.status === 'Completed')
      const newest = topUps.reduce<typeof topUps[number] | undefined>((a, p) => (a === undefined || p.payment_time > a.payment_time ? p : a), undefined)
      expect(rows.find((r: any) => r.total > 0 && r.status === 'Completed')?.id).toBe(newest?.id)
      charges += rows.filter((r: any) => r.total < 0).length
    }
    expect(charges).toBeGreaterThan(100)
  })

  it('charges each package fee as it falls due, in the customer\'s currency', async () => {
    const adam = customerNamed('Adam Communications')
    const packages = await api.get(`package?s=&company_id=${adam.id}`)
    expect(packages.map((p: any) => [p.name, p.type, p.minutes, p.minutes_used >= 0 && p.minutes_used <= p.minutes])).toEqual([
      ['UK Unlimited 3000', ['recurring', 'free-minutes'], 3000, true],
      ['International Saver 500', ['recurring', 'free-minutes'], 500, true],
      ['DID Rental', ['recurring'], 0, true],
      ['Account Setup', ['one-time'], 0, true]
    ])
    // Adam has used all of its international minutes.
    expect(packages[1].minutes_used).toBe(500)
    // The monthly fee falls on the start date's day (the month's last day when shorter), over the last 120 days.
    const start = Date.parse(`${packages[1].start_date}T00:05:00Z`)
    const due: string[] = []
    for (let n = 0; ; n++) {
      const d = new Date(start)
      const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n + 1, 0)).getUTCDate()
      const at = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, Math.min(d.getUTCDate(), last), 0, 5)
      if (at > NOW_MS) break
      if (at >= NOW_MS - 120 * DAY) due.push(sqlTime(at))
    }
    const fees = data.payments.filter(p => p.company_id === adam.id && p.description === 'Package fee: International Saver 500 (month)')
    expect(fees.map(p => [p.payment_time, p.total, p.currency, p.status])).toEqual(due.map(t => [t, -12, 'GBP', 'Completed']))
    expect(due.length).toBeGreaterThanOrEqual(3)
    expect(data.packages.every(p => p.currency === data.customers.find(c => c.id === p.company_id)!.currency)).toBe(true)
  })
})

describe('rate cards and routing', () => {
  it('routes each customer through routing rows: a numeric row id and an alphanumeric card id', async () => {
    const fenwick = customerNamed('Fenwick Voice')
    const rows = await api.get(`routing?s=&company_id=${fenwick.id}`)
    expect(rows.map((r: any) => [typeof r.id, r.card_id, r.name, r.priority])).toEqual([
      ['number', data.cards.find(c => c.name === 'NANP Termination')!.id, 'NANP Termination', 1],
      ['number', data.cards.find(c => c.name === 'Retail A-Z')!.id, 'Retail A-Z', 2]
    ])
    // A customer billed in GBP whose North American calls are rated in US dollars.
    expect(fenwick.currency).toBe('GBP')
    const currencies = new Set(data.calls.filter(c => c.customer_id === fenwick.id && c.answer_ms !== null).map(c => c.customer_rate!.currency))
    expect(currencies).toEqual(new Set(['GBP', 'USD']))
  })

  it('has several revisions per card, one active, and the newest not always active', async () => {
    for (const card of data.cards) {
      const record = await api.get(`card/${card.id}`)
      expect(record.revisions.length).toBeGreaterThanOrEqual(2)
      expect(record.revisions.map((r: any) => r.rev)).toContain(record.active_rev)
    }
    const atlas = await api.get(`card/${data.carriers.find(c => c.name === 'Atlas Voice Wholesale')!.card_id}`)
    expect(atlas.active_rev).toBe(atlas.max_rev - 1)
  })

  it('prices 4470 (personal numbers) apart from 447 (UK mobile), and one card has no 4470 rule at all', async () => {
    const retail = await activeRules(data.cards.find(c => c.name === 'Retail A-Z')!.id)
    const mobile = retail.find(r => r.prefix === '447')!
    const personal = retail.find(r => r.prefix === '4470')!
    expect([mobile.name, personal.name]).toEqual(['United Kingdom - Mobile', 'United Kingdom - Personal Numbering'])
    expect(personal.cost).toBeGreaterThan(mobile.cost * 20)
    expect(personal.connection_cost).toBeGreaterThan(0)
    // On Call Centre UK a 4470 number falls to the 447 rule: sold as a mobile, bought as a personal number.
    const callCentre = await activeRules(data.cards.find(c => c.name === 'Call Centre UK')!.id)
    expect(longest(callCentre, '447045123456')!.prefix).toBe('447')
    const northbridge = await activeRules(data.carriers.find(c => c.name === 'Northbridge Carrier Services')!.card_id)
    expect(longest(northbridge, '447045123456')!.name).toBe('United Kingdom - Personal Numbering')
  })

  it('has a route whose buy rate is above its sell rate, in the same currency, and it loses money on every answered call', async () => {
    const sell = await api.get(`card/${data.cards.find(c => c.name === 'South Asia Direct')!.id}`)
    const harbor = data.carriers.find(c => c.name === 'Harbor Telecom')!
    const buy = await api.get(`card/${harbor.card_id}`)
    expect([sell.currency, buy.currency]).toEqual(['USD', 'USD'])
    expect(sell.parent_card_ids).toContain(harbor.card_id)
    const sellRule = longest(await activeRules(sell.id), '923001234567')!
    const buyRule = longest(await activeRules(buy.id), '923001234567')!
    expect([sellRule.name, buyRule.name]).toEqual(['Pakistan - Mobile', 'Pakistan - Mobile'])
    expect(buyRule.cost).toBeGreaterThan(sellRule.cost)
    // The previous revision, which the sell card was built on, was cheaper than the sell rate.
    const previous = buy.revisions.at(-2).rev
    const before = longest(await api.get(`card/${buy.id}/rev/${previous}/rule?limit=10000`), '923001234567')!
    expect(before.cost).toBeLessThan(sellRule.cost)
    const rows = (await monthOfCdr(['customer_card_id', 'customer_card_dest_name', 'provider_id', 'customer_charge', 'provider_charge', 'duration']))
      .filter(r => r.customer_card_id === sell.id && r.customer_card_dest_name === 'Pakistan - Mobile' && r.duration > 0)
    expect(rows.length).toBeGreaterThan(10)
    expect(rows.every(r => r.provider_id === harbor.id && r.provider_charge > r.customer_charge)).toBe(true)
  })
})

describe('charges follow the cards', () => {
  it('rates every CDR row of the month by the longest prefix of its cards, billed by increment, plus the connection charge', async () => {
    const rows = await monthOfCdr(['callid', 'dest_number', 'duration', 'customer_card_id', 'customer_card_dest_code', 'customer_card_rate', 'customer_card_currency', 'customer_duration', 'customer_charge',
      'provider_id', 'provider_card_id', 'provider_card_dest_code', 'provider_card_rate', 'provider_card_currency', 'provider_duration', 'provider_charge'])
    expect(rows).toHaveLength(data.calls.filter(c => c.answer_ms !== null && c.start_ms >= NOW_MS - 30 * DAY).length)
    const cardCurrency = new Map(data.cards.map(c => [c.id, c.currency]))
    let connections = 0
    for (const row of rows) {
      const sell = longest(await activeRules(row.customer_card_id), row.dest_number)!
      expect([row.customer_card_dest_code, row.customer_card_rate, row.customer_card_currency]).toEqual([sell.prefix, sell.cost, cardCurrency.get(row.customer_card_id)])
      const seconds = billed(row.duration, sell.mcd, sell.pulse)
      expect(row.customer_duration).toBe(seconds)
      expect(row.customer_charge).toBe(seconds === 0 ? 0 : round(seconds / 60 * sell.cost + sell.connection_cost, 5))
      if (seconds > 0 && sell.connection_cost > 0) connections++
      if (row.provider_id === 0) {
        // Answered by a Class 5 app on the switch: nothing bought.
        expect([row.provider_card_id, row.provider_charge]).toEqual(['internal', 0])
        continue
      }
      const buy = longest(await activeRules(row.provider_card_id), row.dest_number)!
      expect([row.provider_card_dest_code, row.provider_card_rate, row.provider_card_currency]).toEqual([buy.prefix, buy.cost, cardCurrency.get(row.provider_card_id)])
      const bought = billed(row.duration, buy.mcd, buy.pulse)
      expect(row.provider_duration).toBe(bought)
      expect(row.provider_charge).toBe(bought === 0 ? 0 : round(bought / 60 * buy.cost + buy.connection_cost, 5))
    }
    expect(connections).toBeGreaterThan(5)
  })

  it('has the traffic report agree with the CDR per customer and currency over 30 days', async () => {
    const [from, to] = [sqlTime(NOW_MS - 30 * DAY), sqlTime(NOW_MS)]
    const report = await api.get('breakout-aggrid?s=&_startRow=0&_endRow=10000&_pivotMode=false&_rowGroupCols[0][field]=customer_id' +
      ['attempts', 'connected', 'duration', 'customer_charge', 'provider_charge'].map((v, i) => `&_valueCols[${i}][field]=${v}&_valueCols[${i}][aggFunc]=sum`).join('') +
      `&_filterModel[dt][type]=inRange&_filterModel[dt][filter]=${encodeURIComponent(from)}&_filterModel[dt][filterTo]=${encodeURIComponent(to)}`)
    const cdr = await monthOfCdr(['customer_id', 'duration', 'customer_charge', 'customer_card_currency', 'provider_charge', 'provider_card_currency'])
    const expected = new Map<number, { connected: number, duration: number, revenue: Record<string, number>, cost: Record<string, number> }>()
    for (const row of cdr) {
      const e = expected.get(row.customer_id) ?? { connected: 0, duration: 0, revenue: {}, cost: {} }
      e.connected++
      e.duration += row.duration
      e.revenue[row.customer_card_currency] = (e.revenue[row.customer_card_currency] ?? 0) + row.customer_charge
      if (row.provider_charge !== 0) e.cost[row.provider_card_currency] = (e.cost[row.provider_card_currency] ?? 0) + row.provider_charge
      expected.set(row.customer_id, e)
    }
    const close = (got: Record<string, number>, want: Record<string, number>): void => {
      // The report rounds each sum to 4 decimals; CDR rows carry 5.
      const keys = Object.keys(want).filter(k => Math.abs(want[k]!) >= 0.00005)
      expect(Object.keys(got).filter(k => got[k] !== 0).toSorted()).toEqual(keys.toSorted())
      for (const k of keys) expect(Math.abs(got[k]! - want[k]!)).toBeLessThan(0.0001)
    }
    let twoCurrencies = 0
    for (const row of report) {
      const e = expected.get(row.customer_id)
      if (e === undefined) {
        expect([row.connected, row.duration]).toEqual([0, 0])
        continue
      }
      expect([row.connected, row.duration]).toEqual([e.connected, e.duration])
      close(row.customer_charge, e.revenue)
      close(row.provider_charge, e.cost)
      if (Object.keys(row.customer_charge).length > 1) twoCurrencies++
    }
    expect(report.filter((r: any) => r.connected > 0)).toHaveLength(expected.size)
    // Fenwick's sales are in two currencies; every carrier-side figure spans all three.
    expect(twoCurrencies).toBe(1)
    expect(new Set(report.flatMap((r: any) => Object.keys(r.provider_charge)))).toEqual(new Set(['GBP', 'USD', 'EUR']))
  })
})

describe('ids reach only their own endpoint', () => {
  const card = data.cards[0]!
  const customer = data.customers[0]!
  const cases: [string, string][] = [
    ['a slash and ..', `customer/${encodeURIComponent(`${customer.id}/../payment`)}`],
    ['..', `customer/${encodeURIComponent('..')}`],
    ['a question mark', `customer/${encodeURIComponent(`${customer.id}?s=`)}`],
    ['a card id with its rules path', `card/${encodeURIComponent(`${card.id}/rev/${card.active_rev}/rule`)}`],
    ['a revision with a query', `card/${card.id}/rev/${encodeURIComponent(`${card.active_rev}?limit=1`)}/rule`],
    ['a revision ..', `card/${card.id}/rev/${encodeURIComponent('..')}/rule`],
    ['a carrier id with a slash', `carrier/${encodeURIComponent(`${data.carriers[0]!.id}/`)}`],
    ['bad percent-encoding', 'customer/%E0%A4%A']
  ]
  for (const [name, path] of cases) {
    it(`answers 404 for ${name}`, async () => {
      expect(await api.call('GET', path)).toMatchObject({ status: 404, body: { error: 'Record Not Found' } })
    })
  }

  it('lists carriers and cards by name like customers', async () => {
    expect((await api.get('carrier?s=voice')).map((c: any) => c.name)).toEqual(['Atlas Voice Wholesale', 'Polaris Global Voice', 'Evergreen Voice'])
    expect((await api.get(`carrier?id=${data.carriers[2]!.id}`)).map((c: any) => c.name)).toEqual(['Meridian Telecom'])
    expect((await api.get('card?s=retail')).map((c: any) => [c.name, c.provider_id])).toEqual([['Retail A-Z', null]])
  })
})
