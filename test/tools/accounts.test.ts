import { describe, expect, it } from 'vitest'
import type { ApiBackend, ApiRequest } from '../../platform/backend'
import { HARD_CAP_BYTES } from '../../src/lib/bounded'
import { getCustomer } from '../../src/tools/getCustomer'
import { getProfitability } from '../../src/tools/getProfitability'
import { getRateCard } from '../../src/tools/getRateCard'
import { lookupRate } from '../../src/tools/lookupRate'
import { searchCarriers } from '../../src/tools/searchCarriers'
import { searchCustomers } from '../../src/tools/searchCustomers'
import { NOW_MS, testSwitch } from '../helpers/platform'
import { switchClient } from '../helpers/switchApi'
import { bothRunners, nodeRunner } from './runners'

/**
 * The account tools on the simulated switch, in Node and through the bundle in QuickJS. Every
 * expectation comes from the switch's own records (its API, or `data`), never from the tools'
 * arithmetic. The bundle must be built (`npm run build`) before these run.
 */

const sw = testSwitch()
const api = switchClient(sw)
const { data } = sw
const DAY = 86_400_000
const runners = bothRunners(sw.api)

interface Rule { prefix: string, name: string, cost: number, mcd: number, pulse: number, connection_cost: number }

const customerNamed = (name: string) => data.customers.find(c => c.name === name)!
const cardNamed = (name: string) => data.cards.find(c => c.name === name)!
const sqlTime = (ms: number): string => new Date(ms).toISOString().slice(0, 19).replace('T', ' ')

/** A card's active rules, through the API. */
async function activeRules (cardId: string): Promise<Rule[]> {
  const card = await api.get(`card/${encodeURIComponent(cardId)}`)
  return api.get(`card/${encodeURIComponent(cardId)}/rev/${card.active_rev}/rule?limit=10000&offset=0`)
}

/** Longest prefix by brute force: every rule, the longest that the number starts with. */
function longest (rules: Rule[], number: string): Rule | undefined {
  let best: Rule | undefined
  for (const rule of rules) if (number.startsWith(rule.prefix) && (best === undefined || rule.prefix.length > best.prefix.length)) best = rule
  return best
}

/** A recording backend over the switch. */
function recording (sent: ApiRequest[], fail?: (request: ApiRequest) => boolean): ApiBackend {
  return async request => {
    sent.push(request)
    if (fail?.(request) === true) return { status: 500, statusText: 'Internal Server Error', body: '{"error":"database down"}' }
    return sw.api(request)
  }
}

describe('getCustomer', () => {
  it('gives every customer\'s available balance as credit + debit limit of customer/<id>, and its newest top-up', async () => {
    for (const runner of runners) {
      for (const customer of data.customers) {
        const record = await api.get(`customer/${customer.id}`)
        const { result, isError } = await runner.call(getCustomer, { customer_id: customer.id })
        expect(isError, `${runner.name} ${customer.name}`).toBe(false)
        expect(result.balance.available).toBe(Math.round((record.credit + record.debit_limit) * 100) / 100)
        expect(result.balance.can_call).toBe(record.status === 'Active' && record.credit + record.debit_limit > 0)
        const topUps = data.payments.filter(p => p.company_id === customer.id && p.status === 'Completed' && p.total > 0)
        const newest = topUps.reduce<typeof topUps[number] | undefined>((a, p) => (a === undefined || p.payment_time > a.payment_time ? p : a), undefined)
        expect(result.last_top_up?.id ?? null, `${runner.name} ${customer.name}`).toBe(newest?.id ?? null)
        expect(result.rate_cards.map((c: any) => c.card_id)).toEqual(data.routing.filter(r => r.company_id === customer.id).toSorted((a, b) => a.priority - b.priority).map(r => r.card_id))
      }
    }
  }, 120_000)

  it('reads one account whole: balance, top-up and fees, packages with minutes left, real card ids, SIP users and IPs', async () => {
    const adam = customerNamed('Adam Communications')
    for (const runner of runners) {
      const { result, bytes } = await runner.call(getCustomer, { customer_id: 'adam communications' })
      expect(bytes).toBeLessThan(5000)
      expect(result.customer).toEqual({ id: adam.id, name: 'Adam Communications', status: 'Active', currency: 'GBP', matched_by: 'exact_name' })
      expect(result.packages.map((p: any) => [p.name, p.kinds, p.minutes_left ?? null, p.used_up ?? null])).toEqual(data.packages.filter(p => p.company_id === adam.id).map(p => [
        p.name, p.type, p.minutes > 0 ? p.minutes - p.minutes_used : null, p.minutes > 0 ? p.minutes_used === p.minutes : null
      ]))
      // A routing row's card_id is the card; `internal` is not one, and says so.
      expect(result.rate_cards.map((c: any) => [c.card_id, c.name, c.rate_card ?? true])).toEqual([
        [cardNamed('Retail A-Z').id, 'Retail A-Z', true], [cardNamed('UK & Ireland').id, 'UK & Ireland', true], ['internal', 'Internal (Class 5 apps)', false]
      ])
      const fees = data.payments.filter(p => p.company_id === adam.id && p.total < 0 && p.status === 'Completed').toSorted((a, b) => (a.payment_time < b.payment_time ? 1 : -1))
      expect(result.last_charge).toMatchObject({ id: fees[0]!.id, kind: 'charge', total: fees[0]!.total })
      expect(result.ips).toEqual({ count: adam.ips.length, first: adam.ips.slice(0, 5) })
      expect(result.sip_users.count).toBe(data.switchUsers.filter(u => u.company_id === adam.id).length)
    }
  })

  it('says why the out-of-balance customer cannot call', async () => {
    const juniper = customerNamed('Juniper Calling')
    const { result } = await nodeRunner(sw.api).call(getCustomer, { customer_id: juniper.id })
    expect(result.balance).toEqual({
      credit: -14.62, debit_limit: 0, available: -14.62, currency: 'USD', can_call: false,
      why: 'credit -14.62 USD + debit limit 0.00 USD = -14.62 USD ≤ 0: the switch refuses its calls (403 Insufficient Balance) until it tops up or gets a debit limit'
    })
    expect(result.summary).toMatch(/^Juniper Calling \(105935\): Active, USD\. Available -14\.62 USD \(credit -14\.62 \+ debit limit 0\.00\): it cannot call \(403 Insufficient Balance\)\. Last top-up /)
    expect(result.next_steps.map((s: any) => s.tool)).toEqual(['getRateCard', 'getProfitability', 'searchCdr', 'getCallAnalytics'])
  })

  it('answers an ambiguous name with both candidates, an unknown one with suggestions, an unknown id with found: false', async () => {
    const [telecom, voice] = [customerNamed('Acme Telecom'), customerNamed('Acme Voice')]
    for (const runner of runners) {
      const acme = (await runner.call(getCustomer, { customer_id: 'Acme' })).result
      expect(acme.summary).toBe(`"Acme" matches 2 customers: Acme Telecom (${telecom.id}, Active, USD), Acme Voice (${voice.id}, Active, EUR). Which one? Call again with customer_id set to its id or its full name.`)
      expect([acme.found, acme.ambiguous, acme.candidates.map((c: any) => c.id)]).toEqual([false, true, [telecom.id, voice.id]])
      expect(acme.next_steps.slice(0, 2)).toEqual([
        { tool: 'getCustomer', args: { customer_id: telecom.id }, why: 'If you meant Acme Telecom.' },
        { tool: 'getCustomer', args: { customer_id: voice.id }, why: 'If you meant Acme Voice.' }
      ])
      const typo = (await runner.call(getCustomer, { customer_id: 'Acme Telekom' })).result
      expect([typo.found, typo.summary, typo.suggestions.map((s: any) => s.id)]).toEqual([false, `No customer matches "Acme Telekom". Did you mean Acme Telecom (${telecom.id}, Active, USD)?`, [telecom.id]])
      const none = await runner.call(getCustomer, { customer_id: 999_999 })
      expect([none.isError, none.result.found, none.result.why]).toEqual([false, false, 'no record has id 999999; customer_id takes a customer\'s numeric id or its name (or part of it)'])
    }
  })

  it('gives a labelled partial answer when one part fails, and an error when the customer cannot be read', async () => {
    const adam = customerNamed('Adam Communications')
    const sent: ApiRequest[] = []
    const partial = await nodeRunner(recording(sent, r => r.path.startsWith('payment'))).call(getCustomer, { customer_id: adam.id })
    expect(partial.isError).toBe(false)
    expect(partial.result.unread).toEqual([{ source: 'the payments', type: 'upstream', status: 500, message: expect.stringMatching(/^The ConnexCS API \(GET payment\) failed \(HTTP 500\)/) as unknown as string }])
    expect(partial.result.summary).toMatch(/^Could not read the payments \(HTTP 500\), so this answer may be incomplete\. Adam Communications \(\d+\): Active, GBP\. .* Last top-up unknown \(payments unread\)\. /)
    expect([partial.result.partial, partial.result.last_top_up, partial.result.unavailable]).toEqual([true, null, undefined])
    // The record read to check the id is the account: not read twice.
    expect(sent.filter(r => r.path === `customer/${adam.id}`)).toHaveLength(1)
    const failed = await nodeRunner(recording([], r => r.path.startsWith('customer/'))).call(getCustomer, { customer_id: adam.id })
    expect([failed.isError, failed.result.error.type, failed.result.error.status]).toEqual([true, 'upstream', 500])
  })
})

describe('searchCustomers and searchCarriers', () => {
  it('finds customers by partial name, id, SIP user, IPv6 in any form and CLI, resolving owners in one pass', async () => {
    const voice = customerNamed('Acme Voice')
    const cli = data.clis.find(c => c.company_id === voice.id)!.cli
    for (const runner of runners) {
      const sent: ApiRequest[] = []
      const call = async (args: Record<string, unknown>) => (await bothRunners(recording(sent))[runners.indexOf(runner)]!.call(searchCustomers, args)).result
      expect((await call({ query: 'acme' })).customers.map((c: any) => c.name)).toEqual(['Acme Telecom', 'Acme Voice'])
      expect((await call({ query: String(voice.id) })).customers.map((c: any) => c.id)).toEqual([voice.id])
      sent.length = 0
      const byIp = await call({ query: '2001:0DB8:0025::0011' })
      expect([byIp.search_type, byIp.customers.map((c: any) => [c.id, c.matched])]).toEqual(['ip', [[voice.id, 'IP 2001:db8:25::11']]])
      // The address and the customers: two requests, none per match.
      expect(sent.map(r => r.path.split('?')[0])).toEqual(['switch/ip', 'customer'])
      expect((await call({ query: 'acme205' })).customers.map((c: any) => [c.id, c.matched])).toEqual([[voice.id, 'SIP user acme205']])
      expect((await call({ query: `+${cli}` })).customers.map((c: any) => c.id)).toEqual([voice.id])
      const miss = await call({ query: 'Nortwind' })
      expect([miss.found, miss.suggestions.map((s: any) => s.name)]).toEqual([false, ['Northwind Voice']])
      const row = (await call({ query: 'Juniper' })).customers[0]
      expect(row).toEqual({ id: customerNamed('Juniper Calling').id, name: 'Juniper Calling', status: 'Active', currency: 'USD', available: -14.62, can_call: false })
    }
  })

  it('finds carriers by name, id and IP, and shows the one found with its card', async () => {
    const harbor = data.carriers.find(c => c.name === 'Harbor Telecom')!
    for (const runner of runners) {
      const byName = (await runner.call(searchCarriers, { query: 'harbor' })).result
      expect(byName.carriers).toEqual([{ id: harbor.id, name: 'Harbor Telecom', status: harbor.status, currency: 'USD', card_id: harbor.card_id, ips: harbor.ips.slice(0, 3) }])
      expect(byName.card).toMatchObject({ id: harbor.card_id, currency: 'USD', active_rev: cardNamed('Harbor Telecom - Termination').active_rev })
      expect((await runner.call(searchCarriers, { query: harbor.ips[0] })).result.carriers.map((c: any) => c.id)).toEqual([harbor.id])
      expect((await runner.call(searchCarriers, {})).result.total).toBe(data.carriers.length)
      expect((await runner.call(searchCarriers, { query: 'voice' })).result.carriers.map((c: any) => c.name)).toEqual(['Atlas Voice Wholesale', 'Evergreen Voice', 'Polaris Global Voice'])
    }
  })
})

describe('getRateCard', () => {
  it('finds a card by name, explains the longest prefix and lists the ranges inside it', async () => {
    const retail = cardNamed('Retail A-Z')
    const rules = await activeRules(retail.id)
    for (const runner of runners) {
      const { result, bytes } = await runner.call(getRateCard, { card_id: 'retail a-z', prefix: '447' })
      expect(bytes).toBeLessThan(3000)
      expect(result.card).toMatchObject({ id: retail.id, name: 'Retail A-Z', currency: 'GBP', active_rev: retail.active_rev })
      const inside = rules.filter(r => r.prefix.startsWith('447')).toSorted((a, b) => a.prefix.length - b.prefix.length || (a.prefix < b.prefix ? -1 : 1))
      expect(result.rules.map((r: any) => [r.prefix, r.name, r.rate])).toEqual(inside.map(r => [r.prefix, r.name, r.cost]))
      expect(result.applies).toMatchObject({ prefix: '447', name: 'United Kingdom - Mobile' })
      expect(result.summary).toContain('Numbers starting 447 are priced by 447 United Kingdom - Mobile at')
      expect(result.summary).toContain('4470 United Kingdom - Personal Numbering')
      const mobile = (await runner.call(getRateCard, { card_id: retail.id, destination: 'mobile', limit: 100 })).result
      expect(mobile.rules.map((r: any) => r.prefix)).toEqual(rules.filter(r => r.name.toLowerCase().includes('mobile')).map(r => r.prefix))
      // A short prefix is covered by a shorter rule: the rule that applies comes first.
      const longer = (await runner.call(getRateCard, { card_id: retail.id, prefix: '4477' })).result
      expect(longer.applies.prefix).toBe(longest(rules, '4477')!.prefix)
    }
  })

  it('reads an older revision and pages; names what a routing row id is; suggests a close name', async () => {
    const retail = cardNamed('Retail A-Z')
    const older = retail.revisions[0]!
    const runner = runners[1]!
    const page = (await runner.call(getRateCard, { card_id: retail.id, rev: older.rev, limit: 10 })).result
    expect([page.total, page.rules.length, page.next_cursor]).toEqual([older.rules.length, 10, 'o10'])
    expect(page.rules.map((r: any) => r.prefix)).toEqual(older.rules.slice(0, 10).map(r => r.prefix))
    const next = (await runner.call(getRateCard, { card_id: retail.id, rev: older.rev, limit: 10, cursor: 'o10' })).result
    expect(next.rules.map((r: any) => r.prefix)).toEqual(older.rules.slice(10, 20).map(r => r.prefix))
    const row = data.routing[0]!
    const numeric = (await runner.call(getRateCard, { card_id: String(row.id) })).result
    expect([numeric.found, numeric.why]).toEqual([false, `card ids are alphanumeric (e.g. fU4g-dkiF); ${row.id} looks like a routing row's numeric id, which is not a card: getCustomer lists a customer's card_id values`])
    const typo = (await runner.call(getRateCard, { card_id: 'Retial A-Z' })).result
    expect([typo.found, typo.suggestions]).toEqual([false, [{ id: retail.id, name: 'Retail A-Z' }]])
  })
})

/** The ids a request must never escape from: with /, .. and ? each is one segment of its own endpoint. */
describe('bad ids reach only their own endpoint', () => {
  const card = cardNamed('Retail A-Z')
  const adam = customerNamed('Adam Communications')
  const cases: [string, typeof getCustomer | typeof getRateCard | typeof lookupRate, Record<string, unknown>][] = [
    ['a customer id with a path', getCustomer, { customer_id: `${adam.id}/../payment` }],
    ['a customer id with a query', getCustomer, { customer_id: `${adam.id}?s=` }],
    ['a card id with its rules path', getRateCard, { card_id: `${card.id}/rev/${card.active_rev}/rule` }],
    ['a card id that is ..', getRateCard, { card_id: '..' }],
    ['a revision that is ..', getRateCard, { card_id: card.id, rev: '..' }],
    ['a revision with a query', getRateCard, { card_id: card.id, rev: `${card.active_rev}?limit=1` }],
    ['a revision with a path', getRateCard, { card_id: card.id, rev: '../../customer' }],
    ['a sell card with a path', lookupRate, { card_id: `../${card.id}`, number: '447700900123' }]
  ]
  for (const [name, tool, args] of cases) {
    it(`keeps ${name} inside its endpoint, and answers found: false`, async () => {
      const sent: ApiRequest[] = []
      const { result, isError } = await nodeRunner(recording(sent)).call(tool, args)
      expect([isError, result.found]).toEqual([false, false])
      for (const request of sent) {
        const path = request.path.split('?')[0]!
        expect(path, request.path).toMatch(/^(customer|card|carrier|routing|payment|package|switch\/user|switch\/ip)(\/[^/]+(\/rev\/[^/]+\/rule)?)?$/)
        expect(path.split('/').some(s => s === '..' || s === '.'), request.path).toBe(false)
        if (path.startsWith('customer/')) expect(path).not.toBe(`customer/${adam.id}`)
      }
    })
  }
})

describe('lookupRate', () => {
  it('prices 1,000 random numbers as a brute-force longest-prefix search over the cards\' rules does (fixed seed)', async () => {
    const retail = cardNamed('Retail A-Z')
    const rules = await activeRules(retail.id)
    const parents = await Promise.all(retail.parents.map(async id => ({ id, rules: await activeRules(id) })))
    let seed = 7
    const random = (): number => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648)
    const starts = [...rules.map(r => r.prefix), '870', '999', '4470', '44762', '1876', '35']
    const numbers = Array.from({ length: 1000 }, () => {
      const start = starts[Math.floor(random() * starts.length)]!
      return start + Array.from({ length: 5 + Math.floor(random() * 6) }, () => String(Math.floor(random() * 10))).join('')
    })
    for (const runner of runners) {
      let priced = 0
      for (let i = 0; i < numbers.length; i += 20) {
        const batch = numbers.slice(i, i + 20)
        const { result, isError, bytes } = await runner.call(lookupRate, { card_id: retail.id, number: batch.join(',') })
        expect(isError).toBe(false)
        expect(bytes).toBeLessThan(HARD_CAP_BYTES)
        expect(result.numbers.map((n: any) => n.number)).toEqual(batch)
        result.numbers.forEach((row: any, k: number) => {
          const number = batch[k]!
          const sold = longest(rules, number)
          expect(row.sell === null ? null : [row.prefix, row.destination, row.rate], number).toEqual(sold === undefined ? null : [sold.prefix, sold.name, sold.cost])
          if (sold === undefined) {
            expect(row.traps).toEqual(['no_rule'])
            return
          }
          priced++
          expect(row.carriers, number).toBe(parents.filter(p => longest(p.rules, number) !== undefined).length)
          for (const best of row.cheapest) {
            const card = data.carriers.find(c => c.id === best.provider_id)!.card_id
            expect([best.prefix, best.rate], number).toEqual([longest(parents.find(p => p.id === card)!.rules, number)!.prefix, longest(parents.find(p => p.id === card)!.rules, number)!.cost])
          }
        })
      }
      expect(priced).toBeGreaterThan(900)
    }
  }, 120_000)

  it('reports the 447/4470 trap: a personal number sold as a UK mobile, bought as a personal number', async () => {
    // Call Centre UK has no 4470 rule: 447045… falls to 447.
    const customer = data.customers.find(c => data.routing.some(r => r.company_id === c.id && r.card_id === cardNamed('Call Centre UK').id))!
    const northbridge = data.carriers.find(c => c.name === 'Northbridge Carrier Services')!
    for (const runner of runners) {
      const { result, bytes } = await runner.call(lookupRate, { customer_id: customer.name, number: '+44 7045 123456' })
      expect(bytes).toBeLessThan(6000)
      expect(result.numbers[0].sell).toMatchObject({ card: 'Call Centre UK', prefix: '447', destination: 'United Kingdom - Mobile' })
      const bought = longest(await activeRules(northbridge.card_id), '447045123456')!
      expect(result.traps[0]).toEqual({
        code: 'destination_mismatch',
        message: `Sold as United Kingdom - Mobile (447) but carrier Northbridge Carrier Services (${northbridge.id}) bills it as United Kingdom - Personal Numbering (4470) at ${bought.cost}/min GBP: the sell card has no rule for 4470.`
      })
      expect(result.traps.map((t: any) => t.code)).toContain('below_cost')
      // On Retail A-Z, 447… is a mobile with a dearer range inside it.
      const retail = (await runner.call(lookupRate, { card_id: 'Retail A-Z', number: '447700900123' })).result
      expect(retail.traps.find((t: any) => t.code === 'dearer_range_inside').message).toMatch(/^447700900123 matched 447 \(United Kingdom - Mobile, [\d.]+\/min\), but 4470 \(United Kingdom - Personal Numbering\) inside it costs/)
    }
  })

  it('reports the route sold below cost, with the margin per minute and in percent, in one currency', async () => {
    const harbor = data.carriers.find(c => c.name === 'Harbor Telecom')!
    const sell = longest(await activeRules(cardNamed('South Asia Direct').id), '923001234567')!
    const buy = longest(await activeRules(harbor.card_id), '923001234567')!
    const customer = data.customers.find(c => data.routing.some(r => r.company_id === c.id && r.card_id === cardNamed('South Asia Direct').id) && c.status === 'Active')!
    const perMinute = Math.round((sell.cost - buy.cost) * 1e6) / 1e6
    for (const runner of runners) {
      const { result } = await runner.call(lookupRate, { customer_id: customer.id, number: '923001234567' })
      const route = result.numbers[0].carriers.find((c: any) => c.provider_id === harbor.id)
      expect(route).toMatchObject({ prefix: buy.prefix, rate: buy.cost, currency: 'USD', margin_per_min: perMinute, margin_pct: Math.round(perMinute / sell.cost * 10_000) / 100 })
      expect(result.traps).toContainEqual({
        code: 'below_cost',
        message: `Below cost on carrier Harbor Telecom (${harbor.id}): sold at ${sell.cost}/min, bought at ${buy.cost}/min USD (${perMinute}/min, ${Math.round(perMinute / sell.cost * 10_000) / 100} %).`
      })
    }
  })

  it('never adds or compares currencies: a GBP card\'s USD and EUR carriers have no margin', async () => {
    const { result } = await nodeRunner(sw.api).call(lookupRate, { card_id: 'Retail A-Z', number: '447700900123' })
    for (const route of result.numbers[0].carriers) {
      if (route.currency === 'GBP') expect(typeof route.margin_pct).toBe('number')
      else expect([route.margin_per_min, route.margin_pct, route.margin_why]).toEqual([null, null, `sell in GBP, buy in ${route.currency}: not comparable without an exchange rate`])
    }
    expect(result.traps.filter((t: any) => t.code === 'currency_differs')).toHaveLength(1)
  })

  it('leaves out a carrier whose card cannot be read, and says so; fails when the sell card cannot be read', async () => {
    const retail = cardNamed('Retail A-Z')
    const broken = retail.parents[0]!
    const sent: ApiRequest[] = []
    for (const runner of bothRunners(recording(sent, r => r.path.startsWith(`card/${broken}/rev/`)))) {
      const { result, isError } = await runner.call(lookupRate, { card_id: retail.id, number: '447700900123' })
      expect(isError).toBe(false)
      expect(result.unread).toEqual([{ source: `carrier card ${broken} (its carrier is left out)`, type: 'upstream', status: 500, message: expect.stringMatching(new RegExp(`^The ConnexCS API \\(GET card/${broken}/rev/\\d+/rule\\) failed \\(HTTP 500\\)`)) as unknown as string }])
      expect(result.summary).toMatch(new RegExp(`^Could not read carrier card ${broken} \\(its carrier is left out\\) \\(HTTP 500\\), so this answer may be incomplete\\. 447700900123 for card Retail A-Z: sold at `))
      expect(result.incomplete).toBeUndefined()
      expect(result.numbers[0].carriers.some((c: any) => c.card_id === broken)).toBe(false)
    }
    const failed = await nodeRunner(recording([], r => r.path.startsWith(`card/${retail.id}/rev/`))).call(lookupRate, { card_id: retail.id, number: '447700900123' })
    expect([failed.isError, failed.result.error.type]).toEqual([true, 'upstream'])
  })

  it('says when a number has no rule, and when neither or both of customer_id and card_id are given', async () => {
    const runner = nodeRunner(sw.api)
    const none = (await runner.call(lookupRate, { card_id: 'Call Centre UK', number: '5511987654321' })).result
    expect([none.found, none.summary]).toEqual([false, '5511987654321: no rule on Call Centre UK for card Call Centre UK; the switch refuses the call (503 No Routes Available (Pre)).'])
    for (const args of [{ number: '447700900123' }, { number: '447700900123', customer_id: 1, card_id: 'x' }]) {
      const { isError, result } = await runner.call(lookupRate, args)
      expect([isError, result.error.type]).toEqual([true, 'invalid_argument'])
    }
    const bad = await runner.call(lookupRate, { card_id: 'Retail A-Z', number: '44 77 abc' })
    expect(bad.result.error).toEqual({ type: 'invalid_argument', parameter: 'number', message: '"44 77 abc" is not a phone number: digits, optionally + or 00 first (and a tech prefix with #)' })
  })
})

describe('getProfitability', () => {
  /** The switch's own CDR for a period, a day per query (each under the 5,000-row cap). */
  async function cdrOf (fromMs: number, toMs: number, fields: string[]): Promise<Record<string, any>[]> {
    const rows: Record<string, any>[] = []
    for (let start = fromMs; start < toMs; start += DAY) {
      const page = await api.post('cdr', {
        field: fields,
        where: { rules: [{ field: 'dt', condition: '>=', data: sqlTime(start) }, { field: 'dt', condition: '<', data: sqlTime(Math.min(start + DAY, toMs)) }] },
        limit: 5000
      })
      expect(page.length).toBeLessThan(5000)
      rows.push(...page)
    }
    return rows
  }

  /** Per-currency amounts alike within what the report's rounding of each sum to 4 decimals allows (`sums` of them). */
  const close = (got: Record<string, number>, want: Record<string, number>, what: string, sums = 1): void => {
    const keys = Object.keys(want).filter(k => Math.abs(want[k]!) >= 0.00005).toSorted()
    expect(Object.keys(got).toSorted(), what).toEqual(keys)
    for (const k of keys) expect(Math.abs(got[k]! - want[k]!), `${what} ${k}`).toBeLessThanOrEqual(0.00005 * sums + 1e-9)
  }

  it('by customer over 30 days equals the CDR\'s per-currency sums, with weighted ASR from every attempt', async () => {
    const from = Date.UTC(2026, 9, 26)
    const to = Date.UTC(2026, 10, 25)
    const cdr = await cdrOf(from, to, ['customer_id', 'duration', 'customer_charge', 'customer_card_currency', 'provider_charge', 'provider_card_currency'])
    const want = new Map<number, { connected: number, seconds: number, revenue: Record<string, number>, cost: Record<string, number> }>()
    for (const row of cdr) {
      const e = want.get(row.customer_id) ?? { connected: 0, seconds: 0, revenue: {}, cost: {} }
      e.connected++
      e.seconds += row.duration
      if (row.customer_charge !== 0) e.revenue[row.customer_card_currency] = (e.revenue[row.customer_card_currency] ?? 0) + row.customer_charge
      if (row.provider_charge !== 0) e.cost[row.provider_card_currency] = (e.cost[row.provider_card_currency] ?? 0) + row.provider_charge
      want.set(row.customer_id, e)
    }
    // Attempts: each carrier try, and each call refused before any carrier, as the switch placed them.
    const attempts = new Map<number, number>()
    for (const call of data.calls) if (call.start_ms >= from && call.start_ms < to) attempts.set(call.customer_id, (attempts.get(call.customer_id) ?? 0) + Math.max(1, call.attempts.length))
    for (const runner of runners) {
      const { result, isError, bytes } = await runner.call(getProfitability, { start_date: '2026-10-26', end_date: '2026-11-24', limit: 50 })
      expect(isError).toBe(false)
      expect(bytes).toBeLessThan(HARD_CAP_BYTES)
      expect([result.complete, result.rest, result.group_by, result.profit_currency]).toEqual([true, null, 'customer', 'GBP'])
      expect(result.groups.map((g: any) => g.customer_id).toSorted()).toEqual([...attempts.keys()].toSorted())
      for (const g of result.groups) {
        const e = want.get(g.customer_id) ?? { connected: 0, seconds: 0, revenue: {}, cost: {} }
        const what = `${runner.name} customer ${g.customer_id}`
        expect([g.attempts, g.connected, g.minutes], what).toEqual([attempts.get(g.customer_id), e.connected, Math.round(e.seconds / 60 * 100) / 100])
        expect(g.asr_pct, what).toBe(Math.round(e.connected / attempts.get(g.customer_id)! * 10_000) / 100)
        close(g.revenue, e.revenue, `${what} revenue`)
        close(g.cost, e.cost, `${what} cost`)
        if (g.customer_id !== 0) expect(g.name).toBe(data.customers.find(c => c.id === g.customer_id)!.name)
      }
      const revenue: Record<string, number> = {}
      for (const e of want.values()) for (const [c, v] of Object.entries(e.revenue)) revenue[c] = (revenue[c] ?? 0) + v
      close(result.totals.revenue, revenue, 'total revenue', result.groups.length)
      expect(result.totals.connected).toBe(cdr.length)
      // Fenwick sells in GBP and USD: two amounts, never one.
      expect(Object.keys(result.groups.find((g: any) => g.customer_id === customerNamed('Fenwick Voice').id).revenue)).toEqual(['GBP', 'USD'])
    }
  }, 60_000)

  it('ranks the top N by profit and sums the rest, so that top and rest make the totals', async () => {
    for (const runner of runners) {
      const { result } = await runner.call(getProfitability, { start_date: '2026-10-26', end_date: '2026-11-24', limit: 5 })
      expect(result.groups).toHaveLength(5)
      const profits = result.groups.map((g: any) => g.profit)
      expect(profits).toEqual(profits.toSorted((a: number, b: number) => b - a))
      expect(result.rest.groups).toBe(result.totals.groups - 5)
      expect(result.groups.reduce((s: number, g: any) => s + g.attempts, 0) + result.rest.attempts).toBe(result.totals.attempts)
      expect(result.next_cursor).toBe('o5')
      const next = (await runner.call(getProfitability, { start_date: '2026-10-26', end_date: '2026-11-24', limit: 5, cursor: 'o5' })).result
      expect(next.groups[0].profit).toBeLessThanOrEqual(profits[4])
      expect(next.from_rank).toBe(6)
    }
  })

  it('by destination for one customer given by name, with the below-cost route losing money', async () => {
    const customer = data.customers.find(c => data.routing.some(r => r.company_id === c.id && r.card_id === cardNamed('South Asia Direct').id) && c.status === 'Active')!
    const cdr = (await cdrOf(NOW_MS - 30 * DAY, NOW_MS, ['customer_id', 'customer_card_dest_name', 'customer_charge', 'provider_charge']))
      .filter(r => r.customer_id === customer.id && r.customer_card_dest_name === 'Pakistan - Mobile')
    for (const runner of runners) {
      const { result } = await runner.call(getProfitability, { customer_id: customer.name, group_by: 'destination', destination: 'Pakistan - Mobile' })
      expect(result.filters).toEqual({ customer_id: customer.id, destination: 'Pakistan - Mobile' })
      expect(result.summary).toContain(`for customer ${customer.name} (${customer.id}), destinations "Pakistan - Mobile"`)
      const group = result.groups[0]
      expect(group.connected).toBe(cdr.length)
      expect(group.margin_currency).toBe('USD')
      expect(group.margin_pct).toBeLessThan(0)
      close(group.net, { USD: cdr.reduce((s, r) => s + r.customer_charge - r.provider_charge, 0) }, 'net')
    }
  })

  it('groups by day in date order and by carrier with names; fails loudly when the report fails', async () => {
    const runner = runners[1]!
    const days = (await runner.call(getProfitability, { start_date: '2026-11-18', end_date: '2026-11-24', group_by: 'day' })).result
    expect(days.groups.map((g: any) => g.dt)).toEqual(['2026-11-18', '2026-11-19', '2026-11-20', '2026-11-21', '2026-11-22', '2026-11-23', '2026-11-24'])
    const carriers = (await runner.call(getProfitability, { group_by: 'carrier', sort_by: 'minutes', limit: 3 })).result
    expect(carriers.groups.map((g: any) => g.minutes)).toEqual(carriers.groups.map((g: any) => g.minutes).toSorted((a: number, b: number) => b - a))
    expect(carriers.groups.every((g: any) => g.name === data.carriers.find(c => c.id === g.provider_id)?.name)).toBe(true)
    for (const r of bothRunners(recording([], request => request.path.startsWith('breakout-aggrid')))) {
      const { isError, result } = await r.call(getProfitability, {})
      expect([isError, result.error.type, result.error.status]).toEqual([true, 'upstream', 500])
    }
  })
})
