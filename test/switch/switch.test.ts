import { describe, expect, it } from 'vitest'
import { createSwitch, SCENARIO_IDS } from '../../platform/switch/index'
import { NOW_MS, testSwitch } from '../helpers/platform'
import { switchClient } from '../helpers/switchApi'

const DAY = 86_400_000
const sw = testSwitch()
const api = switchClient(sw)

describe('simulated switch: determinism', () => {
  it('is byte-identical for the same seed and clock, and differs for another seed', async () => {
    const a = createSwitch({ seed: 7, nowMs: NOW_MS })
    const b = createSwitch({ seed: 7, nowMs: NOW_MS })
    const c = createSwitch({ seed: 8, nowMs: NOW_MS })
    expect(JSON.stringify(a.data)).toBe(JSON.stringify(b.data))
    expect(JSON.stringify(a.data)).not.toBe(JSON.stringify(c.data))
    // What is built on demand is seeded too.
    const answered = a.data.calls.find(call => call.rtcp !== null && NOW_MS - call.start_ms < 7 * DAY)!
    for (const path of [`log/trace?callid=${answered.callid}`, `log/rtcp?callid=${answered.callid}`, `log?s=${answered.callid}`]) {
      expect((await a.api({ user: 'u', method: 'GET', path })).body).toBe((await b.api({ user: 'u', method: 'GET', path })).body)
    }
  })

  it('places only the scenarios asked for, without moving the rest of the data', () => {
    const none = createSwitch({ seed: 1, nowMs: NOW_MS, scenarios: [] })
    const one = createSwitch({ seed: 1, nowMs: NOW_MS, scenarios: ['busy'] })
    expect(none.data.scenarios).toEqual([])
    expect(one.data.scenarios.map(s => s.id)).toEqual(['busy'])
    expect(one.data.calls.filter(c => c.scenario === undefined)).toEqual(none.data.calls)
    expect(sw.data.calls.filter(c => c.scenario === 'busy')).toEqual(one.data.calls.filter(c => c.scenario === 'busy'))
    expect(() => createSwitch({ seed: 1, nowMs: NOW_MS, scenarios: ['busy', 'nope'] })).toThrow(`Unknown scenario: nope. The scenarios are: ${SCENARIO_IDS.join(', ')}`)
  })
})

describe('simulated switch: a small operator\'s account', () => {
  const { data } = sw

  it('has the entities of a small wholesale/retail operator', () => {
    expect([data.customers.length, data.carriers.length, data.destinations.length, data.cards.length]).toEqual([50, 12, 46, 21])
    expect(data.customers.filter(c => c.status !== 'Active').map(c => `${c.name}: ${c.status}`)).toEqual(['Osprey Telecom: Inactive', 'Umber Communications: Inactive', 'Wren Telecom: Pending Approval'])
    expect(new Set(data.customers.map(c => c.currency))).toEqual(new Set(['GBP', 'USD', 'EUR']))
    expect(data.customers.every(c => /^\d{6}$/.test(String(c.id)))).toBe(true)
    expect(data.cards.every(c => /^[A-Za-z0-9]{4}-[A-Za-z0-9]{4}$/.test(c.id))).toBe(true)
    // Routing rows have a numeric id and an alphanumeric card id; one is not a card at all.
    expect(data.routing.every(r => Number.isInteger(r.id) && typeof r.card_id === 'string')).toBe(true)
    expect(data.routing.filter(r => r.card_id === 'internal')).toHaveLength(1)
  })

  it('prices 4470 (personal numbers) apart from 447 (UK mobile) on every card that sells both', () => {
    for (const card of data.cards) {
      const rules = card.revisions.find(r => r.rev === card.active_rev)!.rules
      const personal = rules.find(r => r.prefix === '4470')
      const mobile = rules.find(r => r.prefix === '447')
      if (personal === undefined || mobile === undefined) continue
      expect(personal.name).toBe('United Kingdom - Personal Numbering')
      expect(personal.cost).toBeGreaterThan(mobile.cost * 10)
    }
  })

  it('has 30 days of traffic with a daily shape and realistic outcomes', () => {
    const { calls } = data
    expect(NOW_MS - calls.at(-1)!.start_ms).toBeLessThan(30 * DAY)
    expect(NOW_MS - calls.at(-1)!.start_ms).toBeGreaterThan(29 * DAY)
    expect(calls.length).toBeGreaterThan(20_000)
    expect(calls.length).toBeLessThan(28_000)
    const hour = (h: number): number => calls.filter(c => new Date(c.start_ms).getUTCHours() === h).length
    expect(hour(14)).toBeGreaterThan(hour(3) * 10)
    const answered = calls.filter(c => c.sip_code === 200)
    const asr = answered.length / calls.length
    expect(asr).toBeGreaterThan(0.45)
    expect(asr).toBeLessThan(0.6)
    const short = answered.filter(c => c.duration_s < 6).length / answered.length
    expect(short).toBeGreaterThan(0.02)
    expect(short).toBeLessThan(0.1)
    const pdd = calls.flatMap(c => c.pdd_ms === null ? [] : [c.pdd_ms]).toSorted((x, y) => x - y)
    expect(pdd[Math.floor(pdd.length / 2)]).toBeGreaterThan(1500)
    expect(pdd[Math.floor(pdd.length / 2)]).toBeLessThan(4000)
    expect(calls.filter(c => c.attempts.length > 1).length / calls.length).toBeGreaterThan(0.03)
    expect(calls.filter(c => c.class5 !== null).length).toBeGreaterThan(100)
  })
})

describe('simulated switch: the call log', () => {
  it('finds calls by Call-ID (either leg), number and IP, newest first, from the last 14 days', async () => {
    const call = sw.data.calls.find(c => c.attempts.length === 2 && NOW_MS - c.start_ms < DAY)!
    for (const term of [call.callid, call.callidb, call.attempts[1]!.callid]) {
      expect((await api.get(`log?s=${encodeURIComponent(term)}`)).map((e: any) => e.routing.callid)).toEqual([call.callid])
    }
    const byNumber = await api.get(`log?s=%2B${call.dest_number}`)
    expect(byNumber.map((e: any) => e.routing.callid)).toEqual(sw.data.calls.filter(c => c.dest_number.includes(call.dest_number) || c.cli.includes(call.dest_number)).filter(c => NOW_MS - c.start_ms <= 14 * DAY).map(c => c.callid))
    const ip = sw.data.customers.find(c => c.name === 'Pinecrest VoIP')!.ips[0]!
    const byIp = await api.get(`log?s=${ip}`)
    expect(byIp.map((e: any) => e.routing.callid)).toEqual(sw.data.calls.filter(c => c.customer_ip === ip && NOW_MS - c.start_ms <= 14 * DAY).map(c => c.callid))
  })

  it('stops at 200 matches, and keeps traces 7 days', async () => {
    const counts = new Map<string, number>()
    for (const c of sw.data.calls) counts.set(c.customer_ip, (counts.get(c.customer_ip) ?? 0) + 1)
    const busiest = [...counts].toSorted((a, b) => b[1] - a[1])[0]![0]
    expect(await api.get(`log?s=${busiest}`)).toHaveLength(200)
    const old = sw.data.calls.find(c => NOW_MS - c.start_ms > 8 * DAY && NOW_MS - c.start_ms < 13 * DAY)!
    expect(await api.get(`log/trace?callid=${old.callid}`)).toEqual([])
    expect(await api.get(`log?s=${old.callid}`)).toHaveLength(1)
    const older = sw.data.calls.at(-1)!
    expect(await api.get(`log?s=${older.callid}`)).toEqual([])
  })

  it('answers unknown paths, wrong methods and bad queries like an API', async () => {
    expect(await api.call('GET', 'log/nothing')).toMatchObject({ status: 404, body: { error: 'Not Found: GET log/nothing' } })
    expect(await api.call('DELETE', 'customer')).toMatchObject({ status: 405, body: { error: 'Method DELETE not allowed on customer' } })
    expect(await api.call('GET', 'log')).toMatchObject({ status: 400, body: { error: 'Missing required query parameter: s' } })
    expect(await api.call('GET', 'customer/1')).toMatchObject({ status: 404, body: { error: 'Record Not Found' } })
    expect(await api.call('GET', 'log/ai-agent?callid=x&d=24-11-2026')).toMatchObject({ status: 400, body: { error: 'Invalid d: 24-11-2026 (the call\'s date, YYYY-MM-DD)' } })
    const row = sw.data.routing[0]!
    // The routing row's numeric id is not a card id.
    expect(await api.call('GET', `card/${row.id}`)).toMatchObject({ status: 404, body: { error: 'Record Not Found' } })
    expect(await api.call('GET', `card/${row.card_id}/rev/1/rule`)).toMatchObject({ status: 404, body: { error: 'Record Not Found' } })
    expect(await api.call('GET', 'switch/user?_limit=0')).toMatchObject({ status: 400, body: { error: 'Invalid _limit: 0 (a whole number from 1 to 10000)' } })
    expect(await api.call('GET', 'payment?company_id=abc')).toMatchObject({ status: 400, body: { error: 'Invalid company_id: abc (a customer\'s numeric id)' } })
    expect(await api.call('GET', 'docs/no/such/page')).toMatchObject({ status: 404, body: { error: 'Documentation not found' } })
  })

  it('writes payments and DID assignments', async () => {
    const fresh = createSwitch({ seed: 1, nowMs: NOW_MS })
    const client = switchClient(fresh)
    const customer = fresh.data.customers[5]!
    const before = customer.credit
    const payment = await client.post('payment', { company_id: customer.id, currency: customer.currency, description: 'Manual top-up', status: 'Completed', total: 25 })
    expect(payment).toMatchObject({ company_id: customer.id, total: 25, status: 'Completed', payment_time: '2026-11-24 12:00:00' })
    expect((await client.get(`payment?s=&company_id=${customer.id}&_startRow=0&_endRow=1&_pivotMode=false&_sortModel[0][sort]=desc&_sortModel[0][colId]=payment.payment_time`))[0].id).toBe(payment.id)
    expect((await client.get(`customer/${customer.id}`)).credit).toBe(Math.round((before + 25) * 100) / 100)
    expect(await client.call('POST', 'payment', { company_id: 1, total: 5 })).toMatchObject({ status: 400, body: { error: 'company_id 1 is not a customer' } })
    const did = fresh.data.dids.find(d => d.customer_id === null)!
    expect((await client.call('PUT', `did/${did.id}`, { customer_id: customer.id })).body).toEqual({ status: 'OK' })
    expect((await client.get(`did/${did.id}`)).customer_id).toBe(customer.id)
  })
})
