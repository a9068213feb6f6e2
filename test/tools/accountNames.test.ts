import { describe, expect, it } from 'vitest'
import type { ApiRequest } from '../../platform/backend'
import { connexcs } from '../../src/connexcs/client'
import { createMcpServer, handleMessage } from '../../src/mcp'
import { resolveAccount } from '../../src/tools/shared/accounts'
import { getCallAnalytics } from '../../src/tools/getCallAnalytics'
import { searchCdr } from '../../src/tools/searchCdr'
import { bundleClient, installBridge, NOW_MS, nodeContext, testSwitch } from '../helpers/platform'
import { bothRunners } from './runners'

/**
 * One resolver for every customer and carrier parameter: the older tools take names too, and the
 * prior art's eleven account tools answer through aliases with their old parameter names.
 */

const sw = testSwitch()
const { data } = sw
const runners = bothRunners(sw.api)
const [telecom, voice] = [data.customers.find(c => c.name === 'Acme Telecom')!, data.customers.find(c => c.name === 'Acme Voice')!]
const DAY = 86_400_000

/** Answered calls of a customer (or carrier) on whole UTC days, from the switch's own calls. */
function answered (from: string, to: string, match: (call: typeof data.calls[number]) => boolean): number {
  const [start, end] = [Date.parse(`${from}T00:00:00Z`), Date.parse(`${to}T00:00:00Z`) + DAY]
  return data.calls.filter(c => c.answer_ms !== null && c.start_ms >= start && c.start_ms < end && c.start_ms <= NOW_MS && match(c)).length
}

describe('the resolver', () => {
  it('uses an id as given with no request, checks it when asked, and finds a name in one request (two on a miss)', async () => {
    const sent: ApiRequest[] = []
    installBridge(request => {
      sent.push(request)
      return sw.api(request)
    })
    process.env.API_USERNAME = 'test@example.com'
    const retry = { tool: 'getCustomer', args: {} }
    const ask = async (given: string, checkId = false) => {
      sent.length = 0
      const found = await resolveAccount(connexcs(), 'customer', given, { parameter: 'customer_id', retry, checkId })
      return { found, paths: sent.map(r => r.path) }
    }
    expect(await ask(String(telecom.id))).toEqual({ found: { ok: true, account: { id: telecom.id, by: 'id' } }, paths: [] })
    const checked = await ask(String(telecom.id), true)
    expect([checked.found.ok && checked.found.account.name, checked.paths]).toEqual(['Acme Telecom', [`customer/${telecom.id}`]])
    const named = await ask('Acme Telecom')
    expect([named.found.ok && named.found.account.id, named.paths]).toEqual([telecom.id, ['customer?s=&name=Acme%20Telecom&_startRow=0&_endRow=1000']])
    const words = await ask('acme tel')
    expect([words.found.ok && words.found.account.id, words.paths.length]).toEqual([telecom.id, 1])
    const typo = await ask('Acme Telekom')
    expect([typo.found.ok, typo.paths.length]).toEqual([false, 2])
    const carrier = await resolveAccount(connexcs(), 'carrier', 'harbor', { parameter: 'provider_id', retry: { tool: 'searchCdr', args: {} } })
    expect(carrier.ok && [carrier.account.id, carrier.account.name]).toEqual([data.carriers.find(c => c.name === 'Harbor Telecom')!.id, 'Harbor Telecom'])
  })
})

describe('customer_id and provider_id take a name in searchCdr and getCallAnalytics', () => {
  it('searchCdr answers for "Acme Telecom", names it, and lists both Acme customers for "Acme"', async () => {
    const calls = answered('2026-11-20', '2026-11-24', c => c.customer_id === telecom.id)
    for (const runner of runners) {
      const { result } = await runner.call(searchCdr, { customer_id: 'Acme Telecom', start_date: '2026-11-20', end_date: '2026-11-24', limit: 50 })
      expect([result.filters, result.total]).toEqual([{ customer_id: telecom.id }, calls])
      expect(result.summary).toMatch(new RegExp(`^${calls} calls for 2026-11-20 to 2026-11-24 \\(customer Acme Telecom \\(${telecom.id}\\)\\): `))
      expect(result.calls.every((c: any) => c.customer_id === telecom.id)).toBe(true)
      // Old callers send numbers: the same answer, the id as given.
      const byNumber = (await runner.call(searchCdr, { customer_id: telecom.id, start_date: '2026-11-20', end_date: '2026-11-24', limit: 50 })).result
      expect([byNumber.total, byNumber.summary.includes(`(customer_id ${telecom.id})`)]).toEqual([calls, true])
      const acme = (await runner.call(searchCdr, { customer_id: 'Acme', start_date: '2026-11-20' })).result
      expect([acme.found, acme.ambiguous, acme.candidates.map((c: any) => c.name)]).toEqual([false, true, ['Acme Telecom', 'Acme Voice']])
      expect(acme.next_steps.slice(0, 2).map((s: any) => [s.tool, s.args])).toEqual([
        ['searchCdr', { customer_id: telecom.id, start_date: '2026-11-20', limit: 25 }],
        ['searchCdr', { customer_id: voice.id, start_date: '2026-11-20', limit: 25 }]
      ])
      const none = (await runner.call(searchCdr, { customer_id: 'Acme Telekom' })).result
      expect([none.found, none.suggestions.map((s: any) => s.name)]).toEqual([false, ['Acme Telecom']])
    }
  })

  it('searchCdr takes a carrier by name', async () => {
    const harbor = data.carriers.find(c => c.name === 'Harbor Telecom')!
    const calls = answered('2026-11-23', '2026-11-24', c => c.answer_ms !== null && c.attempts.at(-1)?.provider_id === harbor.id)
    const { result } = await runners[1]!.call(searchCdr, { provider_id: 'harbor', start_date: '2026-11-23', end_date: '2026-11-24' })
    expect([result.filters, result.total]).toEqual([{ provider_id: harbor.id }, calls])
    expect(result.summary).toContain(`(carrier Harbor Telecom (${harbor.id}))`)
  })

  it('getCallAnalytics answers for "Acme Telecom", named, and lists both for "Acme"', async () => {
    const calls = answered('2026-11-18', '2026-11-24', c => c.customer_id === telecom.id)
    for (const runner of runners) {
      const { result } = await runner.call(getCallAnalytics, { customer_id: 'Acme Telecom' })
      expect(result.filters).toEqual({ customer_id: telecom.id, customer_name: 'Acme Telecom' })
      expect(result.summary).toMatch(new RegExp(`^Customer Acme Telecom \\(${telecom.id}\\), 2026-11-18 to 2026-11-24: `))
      expect(result.answered_calls.calls).toBe(calls)
      const acme = (await runner.call(getCallAnalytics, { customer_id: 'acme' })).result
      expect(acme.summary).toBe(`"acme" matches 2 customers: Acme Telecom (${telecom.id}, Active, USD), Acme Voice (${voice.id}, Active, EUR). Which one? Call again with customer_id set to its id or its full name.`)
      expect(acme.next_steps.map((s: any) => s.tool)).toEqual(['getCallAnalytics', 'getCallAnalytics', 'searchCustomers'])
    }
  })
})

describe('the prior art\'s eleven account tools, with their old parameter names', () => {
  const adam = data.customers.find(c => c.name === 'Adam Communications')!
  const retail = data.cards.find(c => c.name === 'Retail A-Z')!
  const older = retail.revisions[0]!
  const newestTopUp = (id: number) => data.payments.filter(p => p.company_id === id && p.status === 'Completed' && p.total > 0)
    .toSorted((a, b) => (a.payment_time < b.payment_time ? 1 : -1))[0]!.id
  const dates = { start_date: '2026-11-01T00:00:00Z', end_date: '2026-11-24' }

  /** Old name, old arguments, and what the answer must hold. */
  const calls: [string, Record<string, unknown>, (result: Record<string, any>) => void][] = [
    ['searchCustomers', { query: '203.0.113.110', search_type: 'ips', limit: 100 }, r => expect(r.customers.map((c: any) => c.id)).toEqual([voice.id])],
    ['getCustomerBalance', { customer_id: String(adam.id) }, r => expect(r.balance.available).toBe(Math.round((adam.credit + adam.debit_limit) * 100) / 100)],
    ['getLastTopup', { customer_id: String(telecom.id) }, r => expect(r.last_top_up.id).toBe(newestTopUp(telecom.id))],
    ['getCustomerPackages', { customerId: String(adam.id), type: 'free-minutes' }, r => expect(r.packages).toHaveLength(data.packages.filter(p => p.company_id === adam.id).length)],
    ['getCustomerRateCards', { customerId: String(adam.id) }, r => expect(r.rate_cards.map((c: any) => c.card_id)).toEqual(data.routing.filter(x => x.company_id === adam.id).map(x => x.card_id))],
    ['getRateCardDetails', { rateCardId: retail.id }, r => expect([r.card.id, r.card.active_rev]).toEqual([retail.id, retail.active_rev])],
    ['getRateCardRules', { rateCardId: retail.id, activeRev: String(older.rev), include_prefixes: true, prefix_limit: 1000, offset: 10 },
      r => expect(r.rules.map((x: any) => x.prefix)).toEqual(older.rules.slice(10, 110).map(x => x.prefix))],
    ['getCustomerProfitability', { customer_id: String(adam.id), ...dates, group_by: 'month' },
      r => expect([r.group_by, r.filters, r.range]).toEqual(['day', { customer_id: adam.id }, { start_date: '2026-11-01', end_date: '2026-11-24' }])],
    ['listCustomersByProfitability', { ...dates, sort_by: 'total_revenue', sort_order: 'asc', limit: 5, offset: 5, min_profit: 0 },
      r => expect([r.group_by, r.ranked, r.groups.length, r.from_rank]).toEqual(['customer', 'by revenue in GBP, lowest first', 5, 6])],
    ['getCustomerCallStatistics', { company_id: String(adam.id), ...dates }, r => expect([r.group_by, r.groups.length]).toEqual(['day', 24])],
    ['getCustomerDestinationStatistics', { customer_id: 'all', ...dates, limit: 20 }, r => {
      expect([r.group_by, r.ranked, r.filters, r.groups.length]).toEqual(['destination', 'by attempts', undefined, 20])
    }]
  ]

  it('answers each through the bundle in QuickJS', async () => {
    const client = bundleClient(sw.api)
    for (const [name, args, check] of calls) {
      const { result, isError } = await client.callTool(name, args)
      expect(isError, `${name}: ${JSON.stringify(result.error ?? result.summary)}`).toBe(false)
      expect(result.found, name).not.toBe(false)
      check(result)
    }
    expect(calls).toHaveLength(11)
  })

  it('answers each in Node through the same front', async () => {
    installBridge(sw.api)
    process.env.API_USERNAME = 'test@example.com'
    const server = createMcpServer(() => nodeContext())
    let id = 0
    for (const [name, args, check] of calls) {
      const response = await handleMessage(server, { jsonrpc: '2.0', id: ++id, method: 'tools/call', params: { name, arguments: args } }) as any
      const result = JSON.parse(response.result.content[0].text)
      expect(response.result.isError ?? false, `${name}: ${JSON.stringify(result.error ?? result.summary)}`).toBe(false)
      check(result)
    }
    // An old argument that means nothing now is dropped, not refused; one that never existed still is.
    const wrong = await handleMessage(server, { jsonrpc: '2.0', id: id + 1, method: 'tools/call', params: { name: 'getLastTopup', arguments: { customer_id: String(adam.id), colour: 'red' } } }) as any
    expect(JSON.parse(wrong.result.content[0].text).error).toMatchObject({ type: 'invalid_argument', parameter: 'colour' })
  })
})
