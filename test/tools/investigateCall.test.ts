import { describe, expect, it } from 'vitest'
import type { ApiBackend, ApiRequest } from '../../platform/backend'
import type { TraceMessage } from '../../src/analysis/traceTypes'
import { investigateCall } from '../../src/tools/investigateCall'
import { answeredLeg, CARRIER, CUSTOMER, leg, SWITCH } from '../analysis/fixtures/sip'
import { testSwitch } from '../helpers/platform'
import { scenario } from '../helpers/switchApi'
import { bothRunners, nodeRunner, type Runner } from './runners'

const sw = testSwitch()

/** The switch, except that requests whose path starts with one of `down` fail with a 500. */
function failing (down: string[]): ApiBackend {
  return async request => down.some(p => request.path.startsWith(p))
    ? { status: 500, statusText: 'Internal Server Error', body: `{"error":"${request.path.split('?')[0]} is down"}` }
    : await sw.api(request)
}

describe.each(bothRunners(sw.api).map(r => [r.name, r] as [string, Runner]))('investigateCall (%s)', (_name, runner) => {
  it('puts the routing log, trace, RTCP and Class 5 together into one diagnosis, in a few KB', async () => {
    const call = scenario(sw, 'nat_one_way').calls[0]!
    const sim = sw.data.calls.find(c => c.callid === call.callid)!
    const { result, isError, bytes } = await runner.call(investigateCall, { callid: call.callid })
    expect(isError).toBe(false)
    expect(bytes).toBeLessThan(5000)
    expect(result.summary).toBe(`Call ${call.callid} was answered, but the customer advertises a private media address (SDP c=${sim.private_ip}).`)
    expect(result.root_cause).toMatchObject({ code: 'nat_private_sdp', severity: 'critical', leg: 'A' })
    expect(result.root_cause.meaning).toMatch(/RTCP confirms it: nothing arrives switch → customer while customer → switch flows\.$/)
    expect(result.evidence).toEqual([
      'A +0 ms: INVITE (message 0)',
      'routing log: 200 OK; carriers tried: Atlas Voice Wholesale 200',
      'release reason: upstream BYE',
      'RTCP worst stream, leg A switch → customer: no audio, MOS 1.14, jitter 0 ms, loss 100 %, RTT 90.75 ms'
    ])
    expect(result.recommendations).toEqual([
      'Enable far-end NAT traversal for this customer, so the switch answers to the packets\' real source and relays the media; or configure the customer\'s PBX with its public address and turn off the SIP ALG on its router.',
      'Check NAT traversal for that party (its SDP c= address, symmetric RTP / media latching on the RTP server, the SIP ALG on its router) and firewalls on the RTP port range.'
    ])
    expect(result.call).toMatchObject({ customer_id: sim.customer_id, customer_name: 'Pinecrest VoIP', dest_number: sim.dest_number, sip_code: 200, duration_s: 23 })
    expect(result.quality).toEqual({
      overall: 'bad',
      one_way: 'leg A: nothing arrives switch → customer',
      worst_stream: 'leg A customer → switch: good, MOS 4.37, jitter 2.88 ms, loss 0.04 %, RTT 90.75 ms',
      mos_codecs: ['A: G.711 with PLC', 'B1: G.711 with PLC'],
      samples: 16
    })
    expect([result.call_type, result.parts]).toEqual(['class4', { routing: 'found', trace: '14 SIP messages', rtcp: '16 samples', class5: 'none (a Class 4 call)', transcription: 'none', ai_agent: 'skipped: no Class 5 application handled the call' }])
    expect(result.next_steps.map((s: { tool: string }) => s.tool)).toEqual(['getSipTrace', 'getCallQuality'])
  })

  it('lets each part fail alone: a failure is a line of the answer, not an error', async () => {
    const call = scenario(sw, 'codec_488').calls[0]!
    const partial = bothRunners(failing(['log/rtcp', 'log/class5', 'transcribe'])).find(r => r.name === runner.name)!
    const { result, isError } = await partial.call(investigateCall, { callid: call.callid })
    expect(isError).toBe(false)
    expect(result.root_cause.code).toBe('codec_mismatch')
    expect(result.parts).toMatchObject({
      routing: 'found',
      trace: '8 SIP messages',
      rtcp: 'failed: The ConnexCS API (GET log/rtcp) failed (HTTP 500): 500 Internal Server Error: log/rtcp is down',
      class5: 'failed: The ConnexCS API (GET log/class5) failed (HTTP 500): 500 Internal Server Error: log/class5 is down'
    })
    expect(result.summary).toMatch(/^Could not read RTCP \(HTTP 500\), the Class 5 log \(HTTP 500\) or the transcript \(HTTP 500\), so this answer may be incomplete\. Call \S+ failed: /)
    expect([result.partial, result.unread.map((u: { source: string, type: string, status: number }) => [u.source, u.type, u.status])]).toEqual([true, [
      ['RTCP', 'upstream', 500], ['the Class 5 log', 'upstream', 500], ['the transcript', 'upstream', 500]
    ]])
    expect(result.missing).toEqual([
      'quality: failed: The ConnexCS API (GET log/rtcp) failed (HTTP 500): 500 Internal Server Error: log/rtcp is down',
      'class5: failed: The ConnexCS API (GET log/class5) failed (HTTP 500): 500 Internal Server Error: log/class5 is down',
      'transcription: failed: The ConnexCS API (GET transcribe) failed (HTTP 500): 500 Internal Server Error: transcribe is down'
    ])
  })

  it('says first that RTCP could not be read, never a plain "No fault found"; and that the trace failed, not that there is none', async () => {
    const call = scenario(sw, 'ai_agent').calls[0]!
    const noRtcp = bothRunners(failing(['log/rtcp'])).find(r => r.name === runner.name)!
    const rtcp = (await noRtcp.call(investigateCall, { callid: call.callid })).result
    expect(rtcp.summary).toMatch(/^Could not read RTCP \(HTTP 500\), so this answer may be incomplete\. Call \S+ was answered/)
    const noTrace = bothRunners(failing(['log/trace'])).find(r => r.name === runner.name)!
    const trace = (await noTrace.call(investigateCall, { callid: call.callid })).result
    expect(trace.summary).toMatch(/^Could not read the SIP trace \(HTTP 500\), so this answer may be incomplete\. .* Diagnosed from the routing log alone\.$/)
    expect(trace.summary).not.toMatch(/No SIP trace/)
  })

  it('answers a failure, not "not found", when a part failed and the others found nothing', async () => {
    const down = bothRunners(failing(['log/trace'])).find(r => r.name === runner.name)!
    const { result, isError } = await down.call(investigateCall, { callid: 'no-such-call' })
    expect([isError, result.error.type, result.error.status]).toEqual([true, 'upstream', 500])
    expect(result.error.message).toMatch(/^The ConnexCS API \(GET log\/trace\) failed \(HTTP 500\)/)
  })

  it('fails only when every part failed', async () => {
    const down = bothRunners(async () => ({ status: 502, statusText: 'Bad Gateway', body: '{"error":"upstream down"}' })).find(r => r.name === runner.name)!
    const { result, isError } = await down.call(investigateCall, { callid: 'c1' })
    expect(isError).toBe(true)
    expect(result.error).toMatchObject({ type: 'upstream', status: 502 })
  })

  it('says when the call is nowhere, with the retention of each record', async () => {
    const { result } = await runner.call(investigateCall, { callid: 'no-such-call' })
    expect(result).toEqual({
      summary: 'Call no-such-call is in neither the call log nor the traces.',
      found: false,
      why: 'The call log keeps 14 days and SIP traces 7; the Call-ID must match exactly (the B leg has its own). It may be older, mistyped, or may never have reached the switch.',
      next_steps: [{ tool: 'searchCallLogs', args: { search: 'no-such-call' }, why: 'Look the call up by a number or IP instead, to get its exact Call-ID.' }]
    })
  })
})

describe('investigateCall', () => {
  it('fetches every part at once, and the AI-agent log as soon as the call\'s day is known', async () => {
    const call = scenario(sw, 'ai_agent').calls[0]!
    const events: string[] = []
    const slow: ApiBackend = async (request: ApiRequest) => {
      const path = request.path.split('?')[0]!
      events.push(`start ${path}`)
      await new Promise(resolve => setTimeout(resolve, 20))
      events.push(`end ${path}`)
      return await sw.api(request)
    }
    const { result } = await nodeRunner(slow).call(investigateCall, { callid: call.callid })
    expect(events.slice(0, 5).toSorted()).toEqual(['start log', 'start log/class5', 'start log/rtcp', 'start log/trace', 'start transcribe'])
    expect(events.indexOf('start log/ai-agent')).toBeGreaterThan(events.indexOf('end log/class5'))
    expect(result.parts).toEqual({ routing: 'found', trace: '12 SIP messages', rtcp: '96 samples', class5: '3 events: ai_agent', transcription: '9 segments', ai_agent: '11 steps' })
    expect(result.transcript).toEqual([
      'callee: Hello, you are through to the Example Telecom booking line. How can I help?',
      'caller: Hi, I would like to book an engineer visit for my phone line, please.',
      'callee: Of course. Could you give me the postcode of the installation address?'
    ])
  })

  it('diagnoses a call past the trace retention from its routing log, and says so', async () => {
    const call = scenario(sw, 'trace_expired').calls[0]!
    const { result } = await nodeRunner(sw.api).call(investigateCall, { callid: call.callid })
    expect(result.summary).toBe(`Call ${call.callid} was answered. No fault found. No SIP trace (the call is 9 days old; traces are kept 7 days): diagnosed from the routing log.`)
    expect(result.missing).toEqual(['trace: none: the call is 9 days old and traces are kept 7 days', 'quality: none: RTCP is kept 7 days'])
    // Asking for the trace again cannot help.
    expect(result.next_steps).toEqual([])
  })

  it('stays a few KB on a 5,000-message trace', async () => {
    const a = leg('call-a', { ip: CUSTOMER }, { ip: SWITCH })
    const messages: TraceMessage[] = [
      ...answeredLeg('call-a', { ip: CUSTOMER }, { ip: SWITCH }, { ring: 2000, answer: 8000, bye: 3_600_000 }),
      ...answeredLeg('call-b', { ip: SWITCH }, { ip: CARRIER }, { ring: 1980, answer: 7980, bye: 3_600_010 })
    ]
    for (let i = 0; messages.length < 5000; i++) messages.push(a.req(10_000 + i * 700, 'INFO', { branch: `z9hG4bKi${i}`, cseq: 100 + i, toTag: 't1' }))
    const long: ApiBackend = async request => ({ status: 200, statusText: 'OK', body: JSON.stringify(request.path.startsWith('log/trace') ? messages : []) })
    for (const runner of bothRunners(long)) {
      const { result, bytes } = await runner.call(investigateCall, { callid: 'call-a' })
      expect(bytes).toBeLessThan(4000)
      expect([result.outcome, result.parts.trace]).toEqual(['answered', '5,000 SIP messages'])
    }
  })

  it('feeds the codec each leg negotiated in the trace to the E-model of its RTCP', async () => {
    const trace = [
      ...answeredLeg('q-a', { ip: CUSTOMER }, { ip: SWITCH }, { ring: 2000, answer: 8000, bye: 68_000 }, { offer: [8, 18, 101], answer: [8, 101] }),
      ...answeredLeg('q-b', { ip: SWITCH }, { ip: CARRIER }, { ring: 1980, answer: 7980, bye: 68_010 }, { offer: [18, 101], answer: [18, 101] })
    ]
    const rtcp = [{ callid: 'q-b', direction: 'in', jitter: 45, packet_loss: 3, rtt: 300 }, { callid: 'q-a', direction: 'in', jitter: 5, packet_loss: 0, rtt: 60 }]
    const answers: Record<string, unknown> = { 'log/trace': trace, 'log/rtcp': rtcp, log: [], 'log/class5': [], transcribe: [] }
    const backend: ApiBackend = async request => ({ status: 200, statusText: 'OK', body: JSON.stringify(answers[request.path.split('?')[0]!] ?? []) })
    for (const runner of bothRunners(backend)) {
      const { result } = await runner.call(investigateCall, { callid: 'q-a' })
      expect(result.quality.mos_codecs).toEqual(['B1: G.729A with VAD (negotiated in the SIP trace)', 'A: G.711 with PLC (negotiated in the SIP trace)'])
      // d = 150 + 90 + 20 = 260 ms, Id = 0.024 × 260 + 0.11 × (260 − 177.3) = 15.337; G.729A: Ie,eff = 11 + 84 × 3 / 22 = 22.45,
      // R = 55.41 → MOS 2.86 (with G.711 and PLC it would have been 3.49): bad, the root cause of the answered call.
      expect([result.root_cause.code, result.root_cause.title]).toEqual(['poor_quality', 'Audio quality was bad on leg B1 (carrier → switch): MOS 2.86'])
    }
  })

  it('names the parameter that is wrong', async () => {
    const runner = nodeRunner(sw.api)
    expect((await runner.call(investigateCall, {})).result.error).toEqual({ type: 'invalid_argument', parameter: 'callid', message: 'callid is required: SIP Call-ID of the call, as searchCallLogs returns it (callid).' })
    expect((await runner.call(investigateCall, { callid: 'c', callidb: 'b'.repeat(256) })).result.error).toEqual({ type: 'invalid_argument', parameter: 'callidb', message: 'callidb is 256 characters long; the most it can be is 255.' })
  })
})
