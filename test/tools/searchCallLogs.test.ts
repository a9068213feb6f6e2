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
