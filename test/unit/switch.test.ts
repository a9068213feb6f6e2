import { describe, expect, it } from 'vitest'
import { createSwitch } from '../../platform/switch/index'
import { NOW_MS } from '../helpers/platform'

async function get (sw: ReturnType<typeof createSwitch>, path: string) {
  const response = await sw.api({ user: 'u', method: 'GET', path })
  return { status: response.status, body: JSON.parse(response.body) as unknown }
}

describe('simulated switch', () => {
  it('is byte-identical for the same seed and clock, and differs for another seed', async () => {
    const a = createSwitch({ seed: 7, nowMs: NOW_MS })
    const b = createSwitch({ seed: 7, nowMs: NOW_MS })
    const c = createSwitch({ seed: 8, nowMs: NOW_MS })
    expect(JSON.stringify(a.data)).toBe(JSON.stringify(b.data))
    expect(JSON.stringify(a.data)).not.toBe(JSON.stringify(c.data))
    const callid = a.data.calls[0]!.callid
    expect((await a.api({ user: 'u', method: 'GET', path: `log/trace?callid=${callid}` })).body)
      .toBe((await b.api({ user: 'u', method: 'GET', path: `log/trace?callid=${callid}` })).body)
  })

  it('has every scenario among its newest calls, with traces that tell them apart', async () => {
    const sw = createSwitch({ seed: 1, nowMs: NOW_MS })
    expect(sw.data.calls.slice(0, 4).map(c => c.scenario).toSorted()).toEqual(['answered', 'busy', 'cancelled', 'no_route'])
    const flows: Record<string, string> = {}
    for (const call of sw.data.calls.slice(0, 4)) {
      const { body } = await get(sw, `log/trace?callid=${call.callid}`)
      flows[call.scenario] = (body as { callid: string, method: string }[]).filter(p => p.callid === call.callid).map(p => p.method).join(' ')
    }
    expect(flows).toEqual({
      answered: 'INVITE 100 180 200 ACK BYE 200',
      busy: 'INVITE 100 180 486 ACK',
      cancelled: 'INVITE 100 180 CANCEL 200 487 ACK',
      no_route: 'INVITE 100 503 ACK'
    })
  })

  it('finds calls by Call-ID, number and IP, newest first', async () => {
    const sw = createSwitch({ seed: 1, nowMs: NOW_MS })
    const call = sw.data.calls[5]!
    const byId = await get(sw, `log?s=${call.callid}`)
    expect((byId.body as { routing: { callid: string } }[]).map(e => e.routing.callid)).toEqual([call.callid])
    const byNumber = (await get(sw, `log?s=${call.dest_number}`)).body as { routing: { dest_number: string, start_time: number } }[]
    expect(byNumber.length).toBeGreaterThan(0)
    expect(byNumber.every(e => e.routing.dest_number.includes(call.dest_number))).toBe(true)
    const byIp = (await get(sw, `log?s=${call.customer_ip}`)).body as { routing: { start_time: number } }[]
    expect(byIp.length).toBe(sw.data.calls.filter(c => c.customer_ip === call.customer_ip).length)
    expect(byIp.map(e => e.routing.start_time)).toEqual(byIp.map(e => e.routing.start_time).toSorted((x, y) => y - x))
  })

  it('keeps traces 7 days and answers unknown paths and bad queries like an API', async () => {
    const later = createSwitch({ seed: 1, nowMs: NOW_MS })
    const old = later.data.calls.at(-1)!
    expect(later.data.now_ms - old.start_ms).toBeGreaterThan(7 * 86_400_000)
    expect(await get(later, `log/trace?callid=${old.callid}`)).toEqual({ status: 200, body: [] })
    expect((await get(later, `log?s=${old.callid}`)).body).toHaveLength(1)
    expect(await get(later, 'log/nothing')).toEqual({ status: 404, body: { error: 'Not Found: GET log/nothing' } })
    expect(await get(later, 'log')).toEqual({ status: 400, body: { error: 'Missing required query parameter: s' } })
    expect(await get(later, 'customer/1')).toEqual({ status: 404, body: { error: 'Record Not Found' } })
  })
})
