import { describe, expect, it } from 'vitest'
import type { ApiBackend, ApiRequest } from '../../platform/backend'
import { searchCallLogs } from '../../src/tools/searchCallLogs'
import { testSwitch } from '../helpers/platform'
import { scenario } from '../helpers/switchApi'
import { bothRunners, nodeRunner, type Runner } from './runners'

const sw = testSwitch()

describe.each(bothRunners(sw.api).map(r => [r.name, r] as [string, Runner]))('searchCallLogs (%s)', (_name, runner) => {
  it('gives the route chosen after a failover, with the carrier\'s and the customer\'s names', async () => {
    const call = scenario(sw, 'carrier_outage').calls.find(c => c.provider_ids.length === 2 && c.sip_code === 200)!
    const { result } = await runner.call(searchCallLogs, { search: call.callid })
    expect(result.calls).toEqual([{
      callid: call.callid,
      callidb: call.callidb,
      time: call.time,
      customer_id: call.customer_id,
      customer_name: 'Kingfisher Telecom',
      cli: '442079460068',
      dest_number: call.dest_number,
      sip_code: 200,
      sip_reason: 'OK',
      duration_s: 127,
      route: { provider_id: call.provider_ids[1], provider_name: 'Northbridge Carrier Services', card_id: 'But9-OlQ5', carriers_tried: 2 }
    }])
  })

  it('says when the API\'s cap of 200 matches cut the list, and pages it', async () => {
    // Crown Fixed Lines' address: far more calls in the log's 14 days than one search returns.
    const { result, bytes } = await runner.call(searchCallLogs, { search: '192.0.2.110', limit: 50 })
    expect(bytes).toBeLessThan(20_000)
    expect(result.summary).toMatch(/^200\+ calls match "192\.0\.2\.110": /)
    expect(result.note).toBe('The API returns at most about 200 matches; older calls may be missing. Search a more specific term (a Call-ID, a full number).')
    expect([result.total, result.calls.length, result.next_cursor]).toEqual([200, 50, 'o50'])
    expect(result.next_steps.at(-1)).toEqual({ tool: 'searchCallLogs', args: { search: '192.0.2.110', limit: 50, cursor: 'o50' }, why: 'Next page.' })
  })
})

describe('searchCallLogs: customer names', () => {
  it('looks up each customer of the page once, at most five, and leaves a name out when its lookup fails', async () => {
    const sent: ApiRequest[] = []
    const entries = Array.from({ length: 8 }, (_, i) => ({ routing: { callid: `c${i}`, start_time: 1_000_000 - i, account_id: 100 + (i % 7), sip_code: 200 } }))
    const backend: ApiBackend = async request => {
      sent.push(request)
      if (request.path.startsWith('log')) return { status: 200, statusText: 'OK', body: JSON.stringify(entries) }
      const id = Number(request.path.split('/')[1])
      return id === 101 ? { status: 500, statusText: 'Internal Server Error', body: '{}' } : { status: 200, statusText: 'OK', body: JSON.stringify({ id, name: `Customer ${id}` }) }
    }
    const { result, isError } = await nodeRunner(backend).call(searchCallLogs, { search: '4477' })
    expect(isError).toBe(false)
    expect(sent.map(r => r.path).filter(p => p.startsWith('customer/')).toSorted()).toEqual(['customer/100', 'customer/101', 'customer/102', 'customer/103', 'customer/104'])
    expect(result.calls.map((c: { customer_id: number, customer_name?: string }) => [c.customer_id, c.customer_name ?? null])).toEqual([
      [100, 'Customer 100'], [101, null], [102, 'Customer 102'], [103, 'Customer 103'], [104, 'Customer 104'], [105, null], [106, null], [100, 'Customer 100']
    ])
  })
})

describe('searchCallLogs: a failed name lookup is said first', () => {
  it('leads with the customer whose name could not be read', async () => {
    const entries = [{ routing: { callid: 'c0', start_time: 1_000_000, account_id: 101, sip_code: 200 } }, { routing: { callid: 'c1', start_time: 999_999, account_id: 102, sip_code: 486 } }]
    const backend: ApiBackend = async request => {
      if (request.path.startsWith('log')) return { status: 200, statusText: 'OK', body: JSON.stringify(entries) }
      return request.path === 'customer/101'
        ? { status: 500, statusText: 'Internal Server Error', body: '{}' }
        : { status: 200, statusText: 'OK', body: JSON.stringify({ id: 102, name: 'Customer 102' }) }
    }
    const { result, isError } = await nodeRunner(backend).call(searchCallLogs, { search: '4477' })
    expect(isError).toBe(false)
    expect(result.summary).toBe('Could not read customer 101\'s name (HTTP 500), so this answer may be incomplete. 2 calls match "4477": 1 answered, 1 not answered (1× 486).')
    expect(result.unread).toEqual([{ source: 'customer 101\'s name', type: 'upstream', status: 500, message: expect.stringMatching(/^The ConnexCS API \(GET customer\/101\) failed \(HTTP 500\)/) }])
  })
})

describe('searchCallLogs: a search that finds nothing suggests something else, never the same search', () => {
  const call = (args: Record<string, unknown>) => nodeRunner(sw.api).call(searchCallLogs, args)
  const never = (steps: { tool: string, args: Record<string, unknown> }[], search: string) =>
    expect(steps.filter(s => s.tool === 'searchCallLogs' && s.args.search === search)).toEqual([])

  it('a name matching several customers: the candidates\' accounts and the customer search', async () => {
    const acme = sw.data.customers.filter(c => c.name.startsWith('Acme')).toSorted((a, b) => a.name < b.name ? -1 : 1)
    expect(acme.map(c => c.name)).toEqual(['Acme Telecom', 'Acme Voice'])
    // In QuickJS too: the name test uses Unicode property escapes.
    const [nodeRun, bundleRun] = bothRunners(sw.api)
    const { result } = await nodeRun!.call(searchCallLogs, { search: 'Acme' })
    expect((await bundleRun!.call(searchCallLogs, { search: 'Acme' })).result).toEqual(result)
    expect([result.found, result.summary]).toEqual([false, 'No calls match "Acme".'])
    expect(result.why).toBe('The call log is searched by a number (CLI or dialled, 3 digits or more), an IP address or a Call-ID, not by a name: "Acme" is a name. ' +
      'It matches several customers: pick one, then search by its IPs or numbers.')
    expect(result.next_steps.map((s: { tool: string, args: Record<string, unknown> }) => [s.tool, s.args])).toEqual([
      ...acme.map(c => ['getCustomer', { customer_id: c.id }]), ['searchCustomers', { query: 'Acme' }]
    ])
    never(result.next_steps, 'Acme')
  })

  it('a name matching one customer: its account (IPs, SIP users to search by) and its answered calls', async () => {
    const acme = sw.data.customers.find(c => c.name === 'Acme Telecom')!
    const { result } = await call({ search: 'Acme Telecom' })
    expect(result.why).toMatch(/ It names customer Acme Telecom \(\d+\): its account lists its IPs and numbers to search by; its answered calls are in the CDR\.$/)
    expect(result.next_steps.map((s: { tool: string, args: Record<string, unknown> }) => [s.tool, s.args])).toEqual([
      ['getCustomer', { customer_id: acme.id }],
      ['searchCdr', { customer_id: acme.id, start_date: '2026-11-18', end_date: '2026-11-24', limit: 10 }]
    ])
  })

  it('a name no customer has: how to search by number, and no step that repeats the search', async () => {
    const { result } = await call({ search: 'Quokka Holdings' })
    expect(result.why).toMatch(/ No customer has that name either; search by a phone number \(e\.g\. 447700900123, without \+ or 00\) or an IP\.$/)
    never(result.next_steps, 'Quokka Holdings')
  })

  it('a number: without + or 00, then its last 9 digits; a Call-ID: nothing to repeat', async () => {
    const plus = await call({ search: '+4479111199999' })
    expect(plus.result.next_steps).toEqual([{ tool: 'searchCallLogs', args: { search: '4479111199999' }, why: 'The number without + or 00, as the switch stores it.' }])
    const bare = await call({ search: '4479111199999' })
    expect(bare.result.next_steps.map((s: { args: Record<string, unknown> }) => s.args)).toEqual([{ search: '111199999' }])
    const callid = await call({ search: 'a84f0c2e9b7d4e55b1f0d3c6e2a91b07' })
    expect([callid.result.found, callid.result.next_steps]).toEqual([false, []])
  })
})
