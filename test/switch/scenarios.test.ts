import { describe, expect, it } from 'vitest'
import { SCENARIO_IDS } from '../../platform/switch/index'
import type { ScenarioEntry } from '../../platform/switch/model'
import { NOW_MS, testSwitch } from '../helpers/platform'
import { flows, scenario, switchClient } from '../helpers/switchApi'

const sw = testSwitch()
const api = switchClient(sw)
const enc = encodeURIComponent

const trace = (callid: string): Promise<any[]> => api.get(`log/trace?callid=${enc(callid)}`)
const logOf = async (callid: string): Promise<any> => {
  const entries = await api.get(`log?s=${enc(callid)}`)
  expect(entries).toHaveLength(1)
  return entries[0].routing
}
const rtcp = (callid: string): Promise<any[]> => api.get(`log/rtcp?callid=${enc(callid)}`)
const cdrOf = async (callid: string): Promise<any[]> => api.post('cdr', {
  field: ['callid', 'duration', 'customer_id', 'provider_id', 'release_reason'],
  where: { rules: [{ field: 'dt', condition: '>=', data: '2026-10-01 00:00:00' }, { field: 'callid', condition: '=', data: callid }] }
})
const mean = (values: number[]): number => values.reduce((s, v) => s + v, 0) / values.length
const carrierId = (name: string): number => sw.data.carriers.find(c => c.name === name)!.id
const customerId = (name: string): number => sw.data.customers.find(c => c.name === name)!.id
const header = (msg: string, name: string): string | undefined => msg.split('\r\n').find(line => line.toLowerCase().startsWith(`${name.toLowerCase()}:`))
const ms = (p: { micro_ts: number }, from: { micro_ts: number }): number => Math.round((p.micro_ts - from.micro_ts) / 1000)

/** What each scenario must look like when fetched through the API. */
const checks: Record<string, (entry: ScenarioEntry) => Promise<void>> = {
  answered: async entry => {
    const [call] = entry.calls
    expect(flows(await trace(call!.callid))).toEqual(entry.facts.flows)
    const log = await logOf(call!.callid)
    expect([log.sip_code, log.ok.duration, log.ok.release_reason]).toEqual([200, 94, 'upstream BYE'])
    const samples = await rtcp(call!.callid)
    expect(samples.length).toBeGreaterThan(0)
    expect(Math.min(...samples.map(s => s.mos))).toBeGreaterThanOrEqual(4)
    expect(await cdrOf(call!.callid)).toEqual([{ callid: call!.callid, duration: 94, customer_id: customerId('Northwind Voice'), provider_id: call!.provider_ids[0], release_reason: 'upstream BYE' }])
  },

  busy: async entry => {
    const [call] = entry.calls
    const packets = await trace(call!.callid)
    expect(flows(packets)).toEqual(entry.facts.flows)
    expect(header(packets.find(p => p.method === '486' && p.callid === call!.callid).msg, 'Reason')).toBe('Reason: Q.850;cause=17')
    expect((await logOf(call!.callid)).egress_routing.map((r: any) => r.sip_code)).toEqual([486])
    expect(await cdrOf(call!.callid)).toEqual([])
  },

  no_answer_cancel: async entry => {
    const [call] = entry.calls
    const packets = await trace(call!.callid)
    expect(flows(packets)).toEqual(entry.facts.flows)
    // The 200 answers the CANCEL, not the INVITE: the call never connected.
    for (const ok of packets.filter(p => p.method === '200')) expect(header(ok.msg, 'CSeq')).toMatch(/ CANCEL$/)
    const a = packets.filter(p => p.callid === call!.callid)
    expect(ms(a.find(p => p.method === 'CANCEL'), a.find(p => p.method === '180'))).toBe(entry.facts.rang_ms)
    expect(entry.facts.rang_ms).toBeGreaterThan(27_900)
    expect(await cdrOf(call!.callid)).toEqual([])
  },

  no_route: async entry => {
    const [call] = entry.calls
    expect(flows(await trace(call!.callid))).toEqual(entry.facts.flows)
    const log = await logOf(call!.callid)
    expect([log.sip_code, log.sip_reason, log.egress_routing]).toEqual([503, 'No Routes Available (Pre)', []])
    const rows = await api.get(`routing?s=&company_id=${call!.customer_id}`)
    expect(rows.map((r: any) => r.card_id)).toEqual(entry.facts.customer_cards)
    for (const row of rows) {
      const card = await api.get(`card/${row.card_id}`)
      const rules = await api.get(`card/${row.card_id}/rev/${card.active_rev}/rule?limit=1000&offset=0`)
      expect(rules.some((r: any) => call!.dest_number.startsWith(r.prefix))).toBe(false)
    }
  },

  bad_number: async entry => {
    for (const expected of entry.facts.calls as any[]) {
      const packets = await trace(expected.callid)
      expect(flows(packets)).toEqual(expected.flows)
      expect(header(packets.find(p => p.method === String(expected.sip_code) && p.callid !== expected.callid).msg, 'Reason')).toBe(`Reason: Q.850;cause=${expected.q850}`)
    }
    expect(entry.calls.find(c => c.sip_code === 484)!.dest_number).toBe('4420794')
  },

  prefix_duplication: async entry => {
    expect(entry.calls).toHaveLength(3)
    for (const call of entry.calls) {
      expect(call.dest_number.startsWith('4444')).toBe(true)
      expect(call.sip_code).toBe(404)
      const log = await logOf(call.callid)
      expect(log.log[1]).toMatch(/^ingress: matched card \S+ rev \d+: 44 United Kingdom - Fixed @ /)
      expect(entry.facts.intended_numbers as string[]).toContain(call.dest_number.slice(2))
      expect(call.dest_number.slice(2)).toMatch(/^442079460\d{3}$/)
    }
  },

  forbidden_403: async entry => {
    const facts = entry.facts as any
    const customer = await api.get(`customer/${facts.balance.customer_id}`)
    expect(customer.credit + customer.debit_limit).toBe(-14.62)
    for (const callid of facts.balance.callids) {
      expect(flows(await trace(callid))).toEqual(facts.balance.flows)
      const log = await logOf(callid)
      expect([log.sip_code, log.sip_reason, log.log.at(-1)]).toEqual([403, 'Insufficient Balance', 'billing: credit -14.62 + debit limit 0.00 ≤ 0: 403 Insufficient Balance'])
    }
    const acl = facts.carrier_acl
    expect(flows(await trace(acl.callid))).toEqual(acl.flows)
    expect((await logOf(acl.callid)).egress_routing.map((r: any) => [r.provider_id, r.sip_code])).toEqual([[carrierId('Polaris Global Voice'), 403]])
    // Polaris is the only carrier with an active rule for Somalia.
    const withSomalia: number[] = []
    for (const carrier of await api.get('carrier')) {
      const card = await api.get(`card/${carrier.card_id}`)
      const rules = await api.get(`card/${carrier.card_id}/rev/${card.active_rev}/rule?limit=10000`)
      if (rules.some((r: any) => r.name === 'Somalia')) withSomalia.push(carrier.id)
    }
    expect(withSomalia).toEqual([acl.provider_id])
  },

  timeout_408: async entry => {
    const [call] = entry.calls
    const packets = await trace(call!.callid)
    expect(flows(packets)).toEqual(entry.facts.flows)
    const invites = packets.filter(p => p.callid === call!.egress_callids[0])
    expect(invites.map(p => ms(p, invites[0]))).toEqual([0, 500, 1500, 3500, 7500, 15_500, 31_500])
    expect(new Set(invites.map(p => p.msg)).size).toBe(1)
    expect(invites[0].destination_ip).toBe(entry.facts.carrier_ip)
    const final = packets.find(p => p.method === '408')
    expect(ms(final, invites[0])).toBeGreaterThanOrEqual(32_000)
  },

  auth_challenge: async entry => {
    const [call] = entry.calls
    const packets = await trace(call!.callid)
    expect(flows(packets)).toEqual(entry.facts.flows)
    const [first, second] = packets.filter(p => p.method === 'INVITE' && p.callid === call!.callid)
    expect(header(packets.find(p => p.method === '407').msg, 'Proxy-Authenticate')).toMatch(/^Proxy-Authenticate: Digest realm=/)
    expect(header(second.msg, 'Proxy-Authorization')).toContain(`username="${entry.facts.auth_user}"`)
    expect(header(second.msg, 'Via')).not.toBe(header(first.msg, 'Via'))
    const seq = (m: string): number => Number(/CSeq: (\d+)/.exec(m)![1])
    expect(seq(second.msg)).toBe(seq(first.msg) + 1)
    expect((await api.get(`switch/user?company_id=${call!.customer_id}`)).map((u: any) => u.username)).toContain(entry.facts.auth_user)
  },

  auth_failures: async entry => {
    expect(entry.calls).toHaveLength(12)
    const times = entry.calls.map(c => Date.parse(c.time))
    expect(Math.max(...times) - Math.min(...times)).toBeLessThanOrEqual(20 * 60_000)
    for (const call of entry.calls) {
      const packets = await trace(call.callid)
      expect(flows(packets)).toEqual(entry.facts.flows)
      expect(header(packets.filter(p => p.method === 'INVITE')[1].msg, 'Proxy-Authorization')).toContain('username="mapleleaf-old"')
    }
    const users = (await api.get(`switch/user?company_id=${entry.customer_id}`)).map((u: any) => u.username)
    expect(users).toEqual(entry.facts.known_users)
    expect(users).not.toContain('mapleleaf-old')
  },

  codec_488: async entry => {
    const [call] = entry.calls
    const packets = await trace(call!.callid)
    expect(flows(packets)).toEqual(entry.facts.flows)
    expect(packets[0].msg).toMatch(/\r\nm=audio \d+ RTP\/AVP 18 101\r\n/)
    expect(header(packets.find(p => p.method === '488' && p.callid !== call!.callid).msg, 'Warning')).toMatch(/^Warning: 304 /)
    const carrier = await api.get(`carrier/${entry.provider_id}`)
    expect(carrier.codecs).toEqual(['PCMA', 'PCMU'])
  },

  nat_one_way: async entry => {
    const [call] = entry.calls
    const facts = entry.facts as any
    const packets = await trace(call!.callid)
    expect(flows(packets)).toEqual(facts.flows)
    const invite = packets[0]
    expect([invite.source_ip, invite.source_port]).toEqual([facts.public_ip, facts.public_port])
    expect(header(invite.msg, 'Via')).toContain(`${facts.private_ip}:5060`)
    expect(header(invite.msg, 'Contact')).toContain(facts.private_ip)
    expect(invite.msg).toContain(`\r\nc=IN IP4 ${facts.private_ip}\r\n`)
    expect(facts.private_ip).toMatch(/^192\.168\./)
    expect(header(packets[1].msg, 'Via')).toContain(`received=${facts.public_ip};rport=${facts.public_port}`)
    expect(header(packets.find(p => p.callid === call!.egress_callids[0]).msg, 'X-CX-NAT')).toBe('X-CX-NAT: true')
    const samples = await rtcp(call!.callid)
    const toCaller = samples.filter(s => s.leg === 'A' && s.direction === 'outbound')
    expect(toCaller.length).toBeGreaterThan(0)
    expect(toCaller.every(s => s.packets === 0 && s.packet_loss === 100 && s.dst_ip === facts.private_ip)).toBe(true)
    expect(samples.filter(s => s !== undefined && !toCaller.includes(s)).every(s => s.packet_loss < 1 && s.packets > 0)).toBe(true)
  },

  ack_lost: async entry => {
    expect(entry.calls).toHaveLength(4)
    for (const call of entry.calls) {
      const packets = await trace(call.callid)
      expect(flows(packets)).toEqual(entry.facts.flows)
      const a = packets.filter(p => p.callid === call.callid)
      const oks = a.filter(p => p.method === '200' && header(p.msg, 'CSeq')!.endsWith('INVITE'))
      expect(oks.map(p => ms(p, oks[0]))).toEqual([0, 500, 1500, 3500, 7500, 11_500, 15_500, 19_500, 23_500, 27_500, 31_500])
      const bye = a.find(p => p.method === 'BYE')
      expect([bye.source_ip, ms(bye, oks[0])]).toEqual(['198.51.100.5', 32_000])
      expect(await cdrOf(call.callid)).toEqual([expect.objectContaining({ duration: 32, release_reason: 'ACK timeout' })])
    }
  },

  poor_quality: async entry => {
    expect(entry.provider_id).toBe(carrierId('Budget Route Ltd'))
    for (const call of entry.calls) {
      expect(call.provider_ids).toEqual([entry.provider_id])
      const samples = await rtcp(call.callid)
      expect(mean(samples.map(s => s.mos))).toBeLessThan(3.5)
      expect(mean(samples.map(s => s.jitter))).toBeGreaterThan(30)
      expect(mean(samples.map(s => s.packet_loss))).toBeGreaterThan(1)
      expect(mean(samples.map(s => s.rtt))).toBeGreaterThan(300)
    }
  },

  carrier_outage: async entry => {
    const crown = carrierId('Crown Fixed Lines')
    expect(entry.provider_id).toBe(crown)
    const { start, end } = entry.window!
    expect(Date.parse(end) - Date.parse(start)).toBe(3_600_000)
    expect(entry.calls.length).toBe(entry.facts.attempts)
    expect(entry.calls.length).toBeGreaterThanOrEqual(10)
    for (const call of entry.calls.slice(0, 5)) {
      const routing = await logOf(call.callid)
      expect(routing.egress_routing[0]).toMatchObject({ provider_id: crown, sip_code: 503, sip_reason: 'Service Unavailable' })
      expect(routing.egress_routing.length).toBeGreaterThan(1)
      const packets = await trace(call.callid)
      expect(flows(packets).B1).toBe('INVITE 503 ACK')
    }
    const day = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').slice(0, 19)
    const byCarrier = async (from: number, to: number): Promise<any> => (await api.get(`breakout-aggrid?_rowGroupCols[0][field]=provider_id&_valueCols[0][field]=attempts&_valueCols[0][aggFunc]=sum&_valueCols[1][field]=connected&_valueCols[1][aggFunc]=sum` +
      `&_filterModel[dt][type]=inRange&_filterModel[dt][filter]=${enc(day(from))}&_filterModel[dt][filterTo]=${enc(day(to - 1000))}&_filterModel[provider_id][type]=equals&_filterModel[provider_id][filter]=${crown}`))[0]
    expect(await byCarrier(Date.parse(start), Date.parse(end))).toEqual({ provider_id: crown, attempts: entry.facts.attempts, connected: 0 })
    const after = await byCarrier(Date.parse(end), Date.parse(end) + 24 * 3_600_000)
    expect(after.connected / after.attempts).toBeGreaterThan(0.35)
  },

  zero_duration: async entry => {
    const { start, end } = entry.window!
    const rows = await api.post('cdr', {
      field: ['callid', 'duration'],
      where: { rules: [{ field: 'dt', condition: '>=', data: start.replace('T', ' ').replace('Z', '') }, { field: 'dt', condition: '<=', data: end.replace('T', ' ').replace('Z', '') }, { field: 'customer_id', condition: '=', data: entry.customer_id }] },
      order: [{ field: 'dt', direction: 'DESC' }],
      limit: 100
    })
    expect(rows.map((r: any) => r.callid)).toEqual(entry.calls.map(c => c.callid))
    expect(rows.every((r: any) => r.duration === 0)).toBe(true)
    expect(rows).toHaveLength(25)
  },

  routing_gap: async entry => {
    const facts = entry.facts as any
    expect(entry.calls).toHaveLength(30)
    expect(entry.calls.every(c => c.dest_number.startsWith('53') && c.sip_code === 503 && c.provider_ids.length === 0)).toBe(true)
    const rows = await api.get('breakout-aggrid?_rowGroupCols[0][field]=customer_card_dest_name&_rowGroupCols[1][field]=provider_id&_valueCols[0][field]=attempts&_valueCols[0][aggFunc]=sum&_valueCols[1][field]=connected&_valueCols[1][aggFunc]=sum' +
      '&_filterModel[customer_card_dest_name][type]=equals&_filterModel[customer_card_dest_name][filter]=Cuba')
    expect(rows).toEqual([{ customer_card_dest_name: 'Cuba', provider_id: 0, attempts: 30, connected: 0 }])
    expect(facts.carriers_with_route).toEqual([])
    const card = await api.get(`card/${facts.dropped_by.card_id}`)
    expect(card.active_rev).toBe(facts.dropped_by.rev)
    const rule53 = async (rev: number): Promise<boolean> => (await api.get(`card/${card.id}/rev/${rev}/rule?limit=10000`)).some((r: any) => r.prefix === '53')
    expect([await rule53(facts.dropped_by.rev - 1), await rule53(facts.dropped_by.rev)]).toEqual([true, false])
  },

  trace_expired: async entry => {
    const [call] = entry.calls
    expect(NOW_MS - Date.parse(call!.time)).toBeGreaterThan(9 * 86_400_000 - 60_000)
    expect(await trace(call!.callid)).toEqual([])
    expect((await logOf(call!.callid)).ok.duration).toBe(185)
    expect(await cdrOf(call!.callid)).toHaveLength(1)
  },

  ip_not_authorised: async entry => {
    expect(entry.calls).toHaveLength(3)
    for (const call of entry.calls) {
      expect(flows(await trace(call.callid))).toEqual(entry.facts.flows)
      const log = await logOf(call.callid)
      expect([log.account_id, log.params.si, log.sip_code]).toEqual([0, '203.0.113.250', 401])
    }
    expect(await api.get('switch/ip?ip=203.0.113.250&_limit=1000')).toEqual([])
    const cli = (await logOf(entry.calls[0]!.callid)).cli
    expect((await api.get(`cli?cli=${cli}`)).map((r: any) => r.company_id)).toEqual([entry.customer_id])
  },

  repeated_no_route: async entry => {
    expect(entry.calls).toHaveLength(14)
    for (const call of entry.calls.slice(0, 3)) {
      const log = await logOf(call.callid)
      expect([log.account_id, log.sip_code, log.sip_reason, log.egress_routing, log.dest_number.slice(0, 4)]).toEqual([entry.customer_id, 503, 'No Routes Available (Pre)', [], '3538'])
    }
    const span = Date.parse(entry.calls[0]!.time) - Date.parse(entry.calls.at(-1)!.time)
    expect(span).toBeGreaterThan(2 * 86_400_000)
    for (const row of await api.get(`routing?s=&company_id=${entry.customer_id}`)) {
      const card = await api.get(`card/${row.card_id}`)
      const rules = await api.get(`card/${row.card_id}/rev/${card.active_rev}/rule?limit=1000&offset=0`)
      expect(rules.some((r: any) => '3538'.startsWith(r.prefix) || r.prefix.startsWith('353'))).toBe(false)
    }
  },

  trunk_prefix: async entry => {
    expect(entry.calls).toHaveLength(4)
    for (const call of entry.calls) {
      expect(call.dest_number).toMatch(/^4402079460\d{3}$/)
      const log = await logOf(call.callid)
      expect([log.account_id, log.sip_code, log.egress_routing.map((r: any) => r.sip_code)]).toEqual([entry.customer_id, 404, [404]])
      expect(await cdrOf(call.callid)).toEqual([])
    }
    expect((entry.facts.intended_numbers as string[]).toSorted()).toEqual(entry.calls.map(c => `44${c.dest_number.slice(3)}`).toSorted())
  },

  irsf_burst: async entry => {
    const { start, end } = entry.window!
    expect(Date.parse(end) - Date.parse(start)).toBeLessThan(40 * 60_000)
    const sql = (iso: string): string => iso.replace('T', ' ').replace('Z', '')
    const rows = await api.post('cdr', {
      field: ['callid', 'duration', 'customer_card_dest_name', 'customer_card_rate'],
      where: { rules: [{ field: 'dt', condition: '>=', data: sql(start) }, { field: 'dt', condition: '<=', data: sql(end) }, { field: 'customer_id', condition: '=', data: entry.customer_id }] },
      limit: 100
    })
    expect(rows).toHaveLength(entry.facts.answered as number)
    expect(rows.every((r: any) => r.duration >= 3 && r.duration <= 25 && r.customer_card_rate >= 0.15)).toBe(true)
    expect(new Set(rows.map((r: any) => r.customer_card_dest_name))).toEqual(new Set(entry.facts.destinations as string[]))
  },

  sequential_numbers: async entry => {
    const numbers = entry.calls.toSorted((a, b) => Date.parse(a.time) - Date.parse(b.time)).map(c => Number(c.dest_number))
    expect(numbers).toEqual(Array.from({ length: 30 }, (_, k) => 442_079_460_200 + k))
    expect(await logOf(entry.calls[0]!.callid)).toMatchObject({ account_id: entry.customer_id, dest_number: '442079460229' })
    expect(entry.facts.answered).toBeGreaterThan(5)
  },

  traffic_spike: async entry => {
    const rows = await api.get(`breakout-aggrid?_rowGroupCols[0][field]=dt&_valueCols[0][field]=attempts&_valueCols[0][aggFunc]=sum&_filterModel[customer_id][type]=equals&_filterModel[customer_id][filter]=${entry.customer_id}`)
    const day = rows.find((r: any) => r.dt === entry.facts.day)
    const others = rows.filter((r: any) => r.dt !== entry.facts.day).map((r: any) => r.attempts).toSorted((a: number, b: number) => a - b)
    expect(day.attempts).toBeGreaterThan(300)
    expect(others.at(-1)).toBeLessThan(day.attempts / 10)
    expect(entry.facts.usual_calls_per_day).toBeLessThan(20)
  },

  sip_scanner: async entry => {
    const entries = await api.get('log?s=192.0.2.201')
    expect(entries).toHaveLength(40)
    expect(new Set(entries.map((e: any) => [e.routing.account_id, e.routing.sip_code, e.routing.sip_reason, e.routing.params.userAgent].join(' ')))).toEqual(new Set(['0 401 IP Not Authorised friendly-scanner']))
    expect(new Set(entries.map((e: any) => e.routing.dest_number)).size).toBe(40)
    expect(await api.get('switch/ip?ip=192.0.2.201&_limit=1000')).toEqual([])
    expect(flows(await trace(entry.calls[0]!.callid))).toEqual({ A: 'INVITE 100 401 ACK' })
  },

  carrier_drift: async entry => {
    const facts = entry.facts as { current: Record<string, number>, previous: Record<string, number> }
    const sql = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').slice(0, 19)
    const week = async (from: number): Promise<any> => (await api.get('breakout-aggrid?_rowGroupCols[0][field]=provider_id&_valueCols[0][field]=attempts&_valueCols[0][aggFunc]=sum&_valueCols[1][field]=connected&_valueCols[1][aggFunc]=sum' +
      `&_filterModel[dt][type]=inRange&_filterModel[dt][filter]=${enc(sql(from))}&_filterModel[dt][filterTo]=${enc(sql(from + 7 * 86_400_000 - 1000))}&_filterModel[provider_id][type]=equals&_filterModel[provider_id][filter]=${entry.provider_id}`))[0]
    expect(await week(NOW_MS - 7 * 86_400_000)).toEqual({ provider_id: entry.provider_id, attempts: facts.current.attempts, connected: facts.current.connected })
    expect(await week(NOW_MS - 14 * 86_400_000)).toEqual({ provider_id: entry.provider_id, attempts: facts.previous.attempts, connected: facts.previous.connected })
    expect(facts.current.connected! / facts.current.attempts!).toBeLessThan(facts.previous.connected! / facts.previous.attempts! - 0.08)
    expect(facts.current.pdd_p50_ms! / facts.previous.pdd_p50_ms!).toBeGreaterThan(1.8)
    const pdds = (await api.post('cdr', {
      field: ['pdd_out'],
      where: { rules: [{ field: 'dt', condition: '>=', data: sql(NOW_MS - 7 * 86_400_000) }, { field: 'provider_id', condition: '=', data: entry.provider_id }] },
      limit: 5000
    })).map((r: any) => r.pdd_out).toSorted((a: number, b: number) => a - b)
    expect(pdds).toHaveLength(facts.current.connected!)
    expect(pdds[Math.ceil(pdds.length / 2) - 1]).toBe(facts.current.pdd_p50_ms)
  },

  ai_agent: async entry => {
    const [call] = entry.calls
    expect(flows(await trace(call!.callid))).toEqual(entry.facts.flows)
    const events = await api.get(`log/class5?callid=${enc(call!.callid)}`)
    expect(events.map((e: any) => e.event)).toEqual(['answer', 'agent_start', 'hangup'])
    const lines = await api.get(`transcribe?s=${enc(call!.callid)}`)
    expect(new Set(lines.map((l: any) => l.leg))).toEqual(new Set([0, 1]))
    const day = call!.time.slice(0, 10)
    const logs = await api.get(`log/ai-agent?callid=${enc(call!.callid)}&d=${day}`)
    expect(logs.some((l: any) => l.role === 'tool' && l.tool_name !== null)).toBe(true)
    expect(await api.get(`log/ai-agent?callid=${enc(call!.callid)}&d=2000-01-01`)).toEqual([])
    expect(Math.min(...(await rtcp(call!.callid)).map(s => s.mos))).toBeGreaterThanOrEqual(4)
  }
}

describe('the scenario catalog', () => {
  it('has a check for every scenario, and every scenario placed calls', () => {
    expect(Object.keys(checks).toSorted()).toEqual([...SCENARIO_IDS].toSorted())
    expect(sw.data.scenarios.map(s => s.id)).toEqual(SCENARIO_IDS)
    for (const entry of sw.data.scenarios) expect(entry.calls.length).toBeGreaterThan(0)
  })

  it('is served at sim/scenarios', async () => {
    expect(await api.get('sim/scenarios')).toEqual(JSON.parse(JSON.stringify(sw.data.scenarios)))
  })

  it('keeps every scenario call but trace_expired within the trace retention', () => {
    for (const entry of sw.data.scenarios.filter(s => s.id !== 'trace_expired' && s.id !== 'routing_gap')) {
      for (const call of entry.calls) expect(NOW_MS - Date.parse(call.time)).toBeLessThan(7 * 86_400_000)
    }
  })

  for (const id of SCENARIO_IDS) {
    it(`${id}: looks as described through the API`, () => checks[id]!(scenario(sw, id)))
  }
})
