import { describe, expect, it } from 'vitest'
import type { ApiBackend } from '../../platform/backend'
import { MOS_METHOD } from '../../src/analysis/eModel'
import { getCallQuality } from '../../src/tools/getCallQuality'
import { NOW_MS, testSwitch } from '../helpers/platform'
import { scenario } from '../helpers/switchApi'
import { answeredLeg, CARRIER, CUSTOMER, SWITCH } from '../analysis/fixtures/sip'
import { bothRunners, nodeRunner, type Runner } from './runners'

const sw = testSwitch()

/** A backend answering `log/rtcp` and `log` with what a test gives, 404 elsewhere. */
function backend (rtcp: unknown, log: unknown[] = []): ApiBackend {
  return async request => {
    const path = request.path.split('?')[0]!
    if (path === 'log/rtcp') return { status: 200, statusText: 'OK', body: JSON.stringify(rtcp) }
    if (path === 'log') return { status: 200, statusText: 'OK', body: JSON.stringify(log) }
    return { status: 404, statusText: 'Not Found', body: '{"error":"Not Found"}' }
  }
}

const routing = (extra: Record<string, unknown>) => [{ routing: { callid: 'c1', start_time: Math.floor(NOW_MS / 1000) - 3600, ...extra } }]

describe.each(bothRunners(sw.api).map(r => [r.name, r] as [string, Runner]))('getCallQuality on the simulated switch (%s)', (_name, runner) => {
  it('grades each leg and direction, worst first, MOS by the E-model with the codec, the carrier named', async () => {
    const call = scenario(sw, 'poor_quality').calls[0]!
    const { result, isError, bytes } = await runner.call(getCallQuality, { callid: call.callid })
    expect(isError).toBe(false)
    expect(bytes).toBeLessThan(4000)
    expect(result.summary).toBe(`Audio of call ${call.callid} was bad; worst stream leg B1 (Budget Route Ltd) carrier → switch: MOS 2.05, jitter 60.88 ms, loss 4.57 %, RTT 398.58 ms. 4 streams, 96 RTCP samples.`)
    // The carrier leg negotiated G.729: Ie 11, Bpl 19. d = 398.58 / 2 + 2 × 60.88 + 20 = 341.05 ms,
    // Id = 0.024 d + 0.11 (d − 177.3) = 26.20, Ie,eff = 11 + 84 × 4.57 / 23.57 = 27.29, R = 39.71 → MOS 2.05.
    expect(result.streams[0]).toEqual({
      leg: 'B1',
      carrier: 'Budget Route Ltd',
      path: 'carrier → switch',
      samples: 24,
      grade: 'bad',
      mos: 2.05,
      r: 39.7,
      codec: 'G.729A with VAD',
      one_way_delay_ms: 341.1,
      jitter_ms: { avg: 60.88, max: 69.3 },
      loss_pct: { avg: 4.57, max: 5.99 },
      rtt_ms: { avg: 398.58, max: 445 },
      reported_mos: { avg: 2.7, min: 2.35 },
      issues: ['jitter 60.88 ms on average (bad: above 30 ms)', 'loss 4.57 % on average (bad: above 1 %)', 'RTT 398.58 ms on average (degraded: above 300 ms)', 'MOS 2.05 (bad)']
    })
    expect(result.streams.map((s: { leg: string, path: string, mos: number }) => [s.leg, s.path, s.mos])).toEqual([
      ['B1', 'carrier → switch', 2.05], ['B1', 'switch → carrier', 2.11], ['A', 'switch → customer', 2.91], ['A', 'customer → switch', 2.98]
    ])
    expect([result.overall, result.mos_method, result.source]).toEqual(['bad', MOS_METHOD, { shape: 'array' }])
  })

  it('spots one-way audio: nothing reaches the NATed caller', async () => {
    const call = scenario(sw, 'nat_one_way').calls[0]!
    const { result } = await runner.call(getCallQuality, { callid: call.callid })
    expect(result.summary).toBe(`One-way audio on call ${call.callid}, leg A: nothing arrives switch → customer while customer → switch flows. 4 streams, 16 RTCP samples.`)
    expect(result.streams[0]).toMatchObject({ leg: 'A', path: 'switch → customer', grade: 'no audio', loss_pct: { avg: 100, max: 100 }, issues: ['no audio arrives (100 % of packets lost)', 'loss 100 % on average (bad: above 1 %)', 'MOS 1.14 (bad)'] })
  })

  it('says why a call has no RTCP: not answered, or too old', async () => {
    const busy = scenario(sw, 'busy').calls[0]!
    expect((await runner.call(getCallQuality, { callid: busy.callid })).result).toEqual({
      summary: `No RTCP for call ${busy.callid}.`,
      found: false,
      why: 'The call was not answered (486 Busy Here), so no audio flowed and there is no RTCP.',
      callid: busy.callid,
      source: { shape: 'empty' },
      next_steps: [{ tool: 'investigateCall', args: { callid: busy.callid }, why: 'See how the call went: trace, routing, diagnosis.' }]
    })
  })
})

describe('getCallQuality with the codec the call negotiated', () => {
  it('reads each leg\'s codec from the SIP trace when RTCP does not name it, and says so', async () => {
    const trace = [
      ...answeredLeg('q-a', { ip: CUSTOMER }, { ip: SWITCH }, { ring: 2000, answer: 8000, bye: 68_000 }, { offer: [8, 18, 101], answer: [8, 101] }),
      ...answeredLeg('q-b', { ip: SWITCH }, { ip: CARRIER }, { ring: 1980, answer: 7980, bye: 68_010 }, { offer: [18, 101], answer: [18, 101] })
    ]
    const rtcp = [{ callid: 'q-a', direction: 'in', jitter: 10, packet_loss: 1, rtt: 100 }, { callid: 'q-b', direction: 'in', jitter: 10, packet_loss: 1, rtt: 100 }]
    const routed = routing({ callid: 'q-a', sip_code: 200, egress_routing: [{ provider_id: 7, provider_name: 'Carrier Seven', callid_b: 'q-b', sip_code: 200 }] })
    const withTrace: ApiBackend = async request => request.path.startsWith('log/trace')
      ? { status: 200, statusText: 'OK', body: JSON.stringify(trace) }
      : await backend(rtcp, routed)(request)
    for (const runner of bothRunners(withTrace)) {
      const { result } = await runner.call(getCallQuality, { callid: 'q-a' })
      // d = 100 / 2 + 2 × 10 + 20 = 90 ms, Id = 0.024 × 90 = 2.16. G.729A (B1): Ie,eff = 11 + 84 × 1 / (1 + 19) = 15.2,
      // R = 75.84 → MOS 3.86. G.711 with PLC (A): Ie,eff = 95 × 1 / 26.1 = 3.64, R = 87.40 → MOS 4.27.
      expect(result.streams.map((s: Record<string, unknown>) => [s.leg, s.codec, s.codec_from, s.mos])).toEqual([
        ['B1', 'G.729A with VAD', 'SIP trace (negotiated on this leg)', 3.86],
        ['A', 'G.711 with PLC', 'SIP trace (negotiated on this leg)', 4.27]
      ])
      expect(result.streams[0].assumed).toBeUndefined()
      expect(result.codec_note).toBe('RTCP does not name the codec of leg B1, leg A: the MOS uses the codec that leg negotiated in the SIP trace (B1 G729, A PCMA).')
    }
  })

  it('says first when the trace it needed for the codec could not be read', async () => {
    const rtcp = [{ callid: 'q-a', direction: 'in', jitter: 10, packet_loss: 1, rtt: 100 }]
    const traceDown: ApiBackend = async request => request.path.startsWith('log/trace')
      ? { status: 500, statusText: 'Internal Server Error', body: '{"error":"trace store down"}' }
      : await backend(rtcp, routing({ callid: 'q-a', sip_code: 200 }))(request)
    const { result } = await nodeRunner(traceDown).call(getCallQuality, { callid: 'q-a' })
    expect(result.summary).toBe('Could not read the SIP trace (HTTP 500), so this answer may be incomplete. Without the trace, the MOS assumes G.711 where RTCP names no codec. ' +
      'Audio of call q-a was fair; worst stream leg A customer → switch: MOS 4.27, jitter 10 ms, loss 1 %, RTT 100 ms. 1 stream, 1 RTCP sample.')
    expect([result.streams[0].codec, result.streams[0].assumed, result.partial, result.unread]).toEqual([
      'G.711 with PLC', ['codec not reported: assumed G.711 with PLC'], true,
      [{ source: 'the SIP trace', type: 'upstream', status: 500, message: 'The ConnexCS API (GET log/trace) failed (HTTP 500): 500 Internal Server Error: trace store down' }]
    ])
  })

  it('reads no trace when RTCP names every codec', async () => {
    const paths: string[] = []
    const rtcp = [{ callid: 'q-a', direction: 'in', codec: 'PCMA', jitter: 10, packet_loss: 1, rtt: 100 }]
    const recording: ApiBackend = async request => {
      paths.push(request.path.split('?')[0]!)
      return await backend(rtcp, routing({ callid: 'q-a', sip_code: 200 }))(request)
    }
    const { result } = await nodeRunner(recording).call(getCallQuality, { callid: 'q-a' })
    expect([result.overall, paths.toSorted()]).toEqual(['fair', ['log', 'log/rtcp']])
  })

  it('says first when the routing lookup failed; with no RTCP either, that is the failure, not "no RTCP"', async () => {
    const logDown = (rtcp: unknown): ApiBackend => async request => request.path.split('?')[0] === 'log'
      ? { status: 500, statusText: 'Internal Server Error', body: '{"error":"log down"}' }
      : await backend(rtcp)(request)
    const rtcp = [{ callid: 'q-a', direction: 'in', codec: 'PCMA', jitter: 10, packet_loss: 1, rtt: 100 }]
    for (const runner of bothRunners(logDown(rtcp))) {
      const { result, isError } = await runner.call(getCallQuality, { callid: 'q-a' })
      expect(isError).toBe(false)
      expect(result.summary).toMatch(/^Could not read the call log \(HTTP 500\), so this answer may be incomplete\. Audio of call q-a was fair; /)
    }
    const { result, isError } = await nodeRunner(logDown([])).call(getCallQuality, { callid: 'q-a' })
    expect([isError, result.error.type, result.error.status]).toEqual([true, 'upstream', 500])
  })
})

describe('getCallQuality on other answers', () => {
  it('reads the object shape {processed, aggregate}, which the prior art took for "no RTCP" (prior-art bug)', async () => {
    const answer = {
      processed: [
        { callid: 'c1', direction: 'in', codec: 'PCMA', jitter: 4, packet_loss: 0.2, rtt: 60 },
        { callid: 'c1', direction: 'out', codec: 'PCMA', jitter: 6, packet_loss: 0, rtt: 60 }
      ],
      aggregate: { mos: { mean: 4.3 } }
    }
    for (const runner of bothRunners(backend(answer, routing({ sip_code: 200 })))) {
      const { result } = await runner.call(getCallQuality, { callid: 'c1' })
      // d = 30 + 12 + 20 = 62 ms; R = 93.2 − 1.488 − 95 × 0.2 / 25.3 = 90.96 → MOS 4.36.
      expect([result.summary, result.overall, result.aggregate, result.source]).toEqual([
        'Audio of call c1 was good; worst stream leg A customer → switch: MOS 4.36, jitter 4 ms, loss 0.2 %, RTT 60 ms. 2 streams, 2 RTCP samples.',
        'good', { 'mos.mean': 4.3 }, { shape: 'object' }
      ])
    }
  })

  it('says what an answered call without RTCP means, and what it cannot read', async () => {
    const runner = nodeRunner(backend([], routing({ sip_code: 200, ok: { duration: 60 } })))
    expect((await runner.call(getCallQuality, { callid: 'c1' })).result.why).toBe('RTCP is recorded only when both ends send it (RTCP enabled on the customer\'s and the carrier\'s equipment), about every 5 s of talk, and kept 7 days. This answered call has none: RTCP is probably off on one side.')
    const short = nodeRunner(backend([], routing({ sip_code: 200, ok: { duration: 3 } })))
    expect((await short.call(getCallQuality, { callid: 'c1' })).result.why).toBe('The call lasted 3 s: too short for an RTCP report (one every ~5 s).')
    const odd = await nodeRunner(backend({ report: 'pending' })).call(getCallQuality, { callid: 'c1' })
    expect([odd.result.summary, odd.result.found, odd.result.source]).toEqual(['The RTCP answer for call c1 has a shape this tool does not read.', false, { shape: 'unrecognised' }])
  })

  it('names the missing figures\' likely fields, and the assumptions it made', async () => {
    const { result } = await nodeRunner(backend([{ callid: 'c1', jitter_avg_ms: 30, packet_loss: 1 }], routing({ sip_code: 200 }))).call(getCallQuality, { callid: 'c1' })
    expect(result.streams[0]).toMatchObject({ jitter_ms: null, assumed: ['codec not reported: assumed G.711 with PLC', 'jitter not reported: counted as 0', 'RTT not reported: network delay counted as 0'] })
    expect(result.source).toEqual({ shape: 'array', unread_fields: ['jitter_avg_ms'] })
  })

  it('answers without the routing record when its lookup fails, and fails when RTCP does', async () => {
    const logDown: ApiBackend = async request => request.path.startsWith('log/rtcp')
      ? { status: 200, statusText: 'OK', body: JSON.stringify([{ leg: 'A', direction: 'in', jitter: 3, packet_loss: 0, rtt: 40 }]) }
      : { status: 500, statusText: 'Internal Server Error', body: '{"error":"log search down"}' }
    const partial = await nodeRunner(logDown).call(getCallQuality, { callid: 'c1' })
    expect([partial.isError, partial.result.overall, partial.result.unread.map((u: { source: string, message: string }) => [u.source, u.message])]).toEqual([false, 'good', [
      ['the call log', 'The ConnexCS API (GET log) failed (HTTP 500): 500 Internal Server Error: log search down'],
      ['the SIP trace', 'The ConnexCS API (GET log/trace) failed (HTTP 500): 500 Internal Server Error: log search down']
    ]])
    expect(partial.result.summary).toMatch(/^Could not read the call log \(HTTP 500\) or the SIP trace \(HTTP 500\), so this answer may be incomplete\. /)
    for (const runner of bothRunners(async () => ({ status: 503, statusText: 'Service Unavailable', body: '{"error":"maintenance"}' }))) {
      const { result, isError } = await runner.call(getCallQuality, { callid: 'c1' })
      expect(isError).toBe(true)
      expect(result.error).toMatchObject({ type: 'upstream', status: 503, message: expect.stringMatching(/^The ConnexCS API \(GET log\/rtcp\) failed \(HTTP 503\)/) })
    }
  })

  it('names the parameter that is wrong', async () => {
    const runner = nodeRunner(backend([]))
    expect((await runner.call(getCallQuality, {})).result.error).toEqual({ type: 'invalid_argument', parameter: 'callid', message: 'callid is required: SIP Call-ID of the call, as searchCallLogs returns it (callid).' })
    expect((await runner.call(getCallQuality, { callid: 'c1', leg: 'A' })).result.error).toMatchObject({ type: 'invalid_argument', parameter: 'leg' })
  })
})
