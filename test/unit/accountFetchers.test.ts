import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ApiRequest } from '../../platform/backend'
import { RateDeck, type Rule } from '../../src/analysis/rates'
import { canonicalIp, cliDigits } from '../../src/analysis/resolve'
import { connexcs } from '../../src/connexcs/client'
import { getCarrierAccount, getCustomerAccount, listCarriers, listClis, listCustomers, listSwitchIps, listSwitchUsers } from '../../src/connexcs/customers'
import { listPackages, listPayments, paymentParams } from '../../src/connexcs/payments'
import { getAllRules, getCard, getRules, listCards, listRouting } from '../../src/connexcs/rateCards'
import { ToolError } from '../../src/lib/errors'
import { installBridge, testSwitch } from '../helpers/platform'

const sw = testSwitch()
const { data } = sw
let sent: ApiRequest[] = []
const customer = (name: string) => data.customers.find(c => c.name === name)!
const activeRules = (name: string) => {
  const card = data.cards.find(c => c.name === name)!
  return { card, rules: card.revisions.find(r => r.rev === card.active_rev)!.rules }
}

beforeEach(() => {
  process.env.API_USERNAME = 'dev@example.com'
  sent = []
  installBridge(request => {
    sent.push(request)
    return sw.api(request)
  })
})

afterEach(() => {
  delete process.env.API_USERNAME
})

describe('customers and carriers', () => {
  it('lists and searches customers, and reads one by id', async () => {
    const api = connexcs()
    expect(await listCustomers(api)).toHaveLength(50)
    expect((await listCustomers(api, { s: 'acme' })).map(c => c.name)).toEqual(['Acme Telecom', 'Acme Voice'])
    expect((await listCustomers(api, { status: 'inactive' })).map(c => c.name)).toEqual(['Osprey Telecom', 'Umber Communications'])
    expect(sent[1]!.path).toBe('customer?s=acme&_startRow=0&_endRow=1000')
    const juniper = customer('Juniper Calling')
    expect(await getCustomerAccount(api, juniper.id)).toMatchObject({ id: juniper.id, name: 'Juniper Calling', credit: -14.62, debit_limit: 0 })
    expect(await getCustomerAccount(api, 999_999)).toBeUndefined()
  })

  it('encodes ids, so that one with /, .. or ? reaches no other endpoint and finds nothing', async () => {
    const api = connexcs()
    const id = customer('Adam Communications').id
    for (const bad of [`${id}/../payment`, '..', `${id}?s=`]) expect(await getCustomerAccount(api, bad)).toBeUndefined()
    expect(await getCarrierAccount(api, `${data.carriers[0]!.id}/`)).toBeUndefined()
    expect(sent.map(r => r.path)).toEqual([`customer/${id}%2F..%2Fpayment`, 'customer/%2E%2E', `customer/${id}%3Fs%3D`, `carrier/${data.carriers[0]!.id}%2F`])
    const card = data.cards[0]!
    expect(await getCard(api, `${card.id}/rev/${card.active_rev}/rule`)).toBeUndefined()
    await expect(getRules(api, card.id, `${card.active_rev}?limit=1`)).rejects.toMatchObject({ type: 'not_found' })
  })

  it('fails loudly on anything but a 404', async () => {
    installBridge(async () => ({ status: 500, statusText: 'Internal Server Error', body: '{"error":"database down"}' }))
    const failure = await getCustomerAccount(connexcs(), 1).catch((e: unknown) => e)
    expect(failure).toBeInstanceOf(ToolError)
    expect((failure as ToolError).type).toBe('upstream')
  })

  it('lists carriers by name and reads one', async () => {
    const api = connexcs()
    expect((await listCarriers(api, { s: 'voice' })).map(c => c.name)).toEqual(['Atlas Voice Wholesale', 'Polaris Global Voice', 'Evergreen Voice'])
    const harbor = data.carriers.find(c => c.name === 'Harbor Telecom')!
    expect(await getCarrierAccount(api, harbor.id)).toMatchObject({ id: harbor.id, currency: 'USD', card_id: harbor.card_id })
    expect(await getCarrierAccount(api, 1)).toBeUndefined()
  })

  it('finds the owners of SIP users, IPs (IPv6 in any form) and CLIs', async () => {
    const api = connexcs()
    const acme = customer('Acme Voice')
    expect((await listSwitchUsers(api)).length).toBe(data.switchUsers.length)
    expect((await listSwitchUsers(api, { company_id: acme.id })).map(u => u.username)).toEqual(acme.sip_users)
    expect((await listSwitchIps(api, { ip: canonicalIp('2001:0DB8:0025:0:0:0:0:0011') })).map(r => r.company_id)).toEqual([acme.id])
    expect((await listSwitchIps(api, { company_id: acme.id })).map(r => r.ip)).toEqual(acme.ips)
    const cli = data.clis.find(c => c.company_id === acme.id)!.cli
    expect((await listClis(api, { cli: cliDigits(`+${cli.slice(0, 2)} ${cli.slice(2)}`) })).map(r => r.company_id)).toEqual([acme.id])
  })
})

describe('payments and packages', () => {
  it('reads payments newest first, as the UI asks, optionally within dates', async () => {
    const api = connexcs()
    const adam = customer('Adam Communications')
    expect(paymentParams(adam.id)).toEqual({ s: '', company_id: adam.id, _startRow: 0, _endRow: 100, _pivotMode: 'false', '_sortModel[0][sort]': 'desc', '_sortModel[0][colId]': 'payment.payment_time' })
    const all = await listPayments(api, adam.id)
    expect(all.map(p => p.id)).toEqual(data.payments.filter(p => p.company_id === adam.id).toSorted((a, b) => (a.payment_time < b.payment_time ? 1 : -1)).map(p => p.id))
    const november = await listPayments(api, adam.id, { from: '2026-11-01 00:00:00', to: '2026-11-30 23:59:59' })
    expect(november.map(p => p.id)).toEqual(all.filter(p => p.payment_time! >= '2026-11-01').map(p => p.id))
    expect((await listPayments(api, adam.id, { startRow: 1, endRow: 2 })).map(p => p.id)).toEqual([all[1]!.id])
    expect((await listPackages(api, adam.id)).map(p => p.name)).toEqual(['UK Unlimited 3000', 'International Saver 500', 'DID Rental', 'Account Setup'])
  })
})

describe('rate cards', () => {
  it('lists a customer\'s routing rows by priority, and cards by name', async () => {
    const api = connexcs()
    const fenwick = customer('Fenwick Voice')
    expect((await listRouting(api, fenwick.id)).map(r => [r.name, r.card_id])).toEqual(data.routing.filter(r => r.company_id === fenwick.id).map(r => [r.name, r.card_id]))
    expect((await listCards(api, 'retail')).map(c => c.name)).toEqual(['Retail A-Z'])
    const retail = activeRules('Retail A-Z').card
    expect(await getCard(api, retail.id)).toMatchObject({ id: retail.id, active_rev: retail.active_rev, currency: 'GBP', parent_card_ids: retail.parents })
  })

  it('reads every rule of a revision page by page, and says when it stopped at the cap', async () => {
    const api = connexcs()
    const { card, rules } = activeRules('Wholesale Premium')
    const all = await getAllRules(api, card.id, card.active_rev)
    expect(all).toEqual({ rules, complete: true })
    sent = []
    const capped = await getAllRules(api, card.id, card.active_rev, 25)
    expect([capped.rules.length, capped.complete]).toEqual([25, false])
    expect((await getRules(api, card.id, card.active_rev, { limit: 10, offset: 5 })).rules).toEqual(rules.slice(5, 15))
    expect(sent[0]!.path).toBe(`card/${card.id}/rev/${card.active_rev}/rule?limit=25&offset=0`)
  })

  it('prices 1,000 random numbers as a brute-force longest-prefix search over the card\'s rules does (fixed seed)', async () => {
    const { card } = activeRules('Retail A-Z')
    const { rules } = await getAllRules(connexcs(), card.id, card.active_rev)
    const deck = new RateDeck(rules)
    let seed = 42
    const random = (): number => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648)
    const starts = [...rules.map(r => r.prefix), '870', '999', '4470', '44762', '1876']
    let matched = 0
    for (let i = 0; i < 1000; i++) {
      const start = starts[Math.floor(random() * starts.length)]!
      const number = start + Array.from({ length: 6 + Math.floor(random() * 6) }, () => String(Math.floor(random() * 10))).join('')
      let best: Rule | undefined
      for (const r of rules) if (number.startsWith(r.prefix) && (best === undefined || r.prefix.length > best.prefix.length)) best = r
      expect(deck.match(number)?.rule).toBe(best)
      if (best !== undefined) matched++
    }
    expect(matched).toBeGreaterThan(900)
  })
})
