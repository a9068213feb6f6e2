import { describe, expect, it } from 'vitest'
import { diagnoseCall } from '../../src/analysis/diagnosis'
import { normaliseRtcp } from '../../src/analysis/rtcpSamples'
import { summariseQuality } from '../../src/analysis/rtcpQuality'
import { analyzeTrace } from '../../src/analysis/sipTrace'
import { answeredLeg, CUSTOMER, leg, sdp, SWITCH } from './fixtures/sip'

const A = leg('call-a', { ip: CUSTOMER }, { ip: SWITCH })
const noRoute = analyzeTrace([
  A.req(0, 'INVITE', { branch: 'z9hG4bKa1', cseq: 1 }),
  A.res(12, 100, 'Trying', { branch: 'z9hG4bKa1', cseq: 1 }),
  A.res(35, 503, 'No Routes Available (Pre)', { branch: 'z9hG4bKa1', cseq: 1, toTag: 'sw' })
])
const answered = analyzeTrace(answeredLeg('call-a', { ip: CUSTOMER }, { ip: SWITCH }, { ring: 2100, answer: 8100, bye: 68100 }))
const goodAudio = summariseQuality(normaliseRtcp([{ leg: 'A', direction: 'in', jitter: 3, packet_loss: 0, rtt: 40 }]))
const badAudio = summariseQuality(normaliseRtcp([{ leg: 'B1', direction: 'in', jitter: 70, packet_loss: 6, rtt: 200 }]), { codec: 'PCMA' })

describe('diagnoseCall', () => {
  it('gives the root cause of a failed call from its trace, with evidence and the fix', () => {
    expect(diagnoseCall({ callid: 'call-a', trace: noRoute, routing: { sip_code: 503, sip_reason: 'No Routes Available (Pre)', dest_number: '447700900123' } })).toEqual({
      outcome: 'rejected',
      summary: 'Call call-a failed: the switch refused the call with 503 No Routes Available (Pre): no rule for 447700900123.',
      root_cause: {
        code: 'no_route',
        severity: 'critical',
        title: 'The switch refused the call with 503 No Routes Available (Pre): no rule for 447700900123',
        meaning: 'No rate card rule matched the dialled number, so there was no carrier to try.',
        fix: 'Add the destination prefix to the customer\'s rate card (or assign a card that has it), and check that the number is in the format the card expects (country code, no 00, + or tech prefix).',
        leg: 'A'
      },
      evidence: ['A +35 ms: 503 No Routes Available (Pre) (message 2)', 'A +0 ms: INVITE (message 0)', 'routing log: 503 No Routes Available (Pre)'],
      recommendations: ['Add the destination prefix to the customer\'s rate card (or assign a card that has it), and check that the number is in the format the card expects (country code, no 00, + or tech prefix).'],
      findings: [{ code: 'no_route', severity: 'critical', title: 'The switch refused the call with 503 No Routes Available (Pre): no rule for 447700900123', leg: 'A' }],
      findings_omitted: 0,
      follow_ups: [{ kind: 'calls_to_number', why: 'See whether other calls to this number fail the same way.' }],
      missing: []
    })
  })

  it('explains a busy call by the busy answer, even with a long PDD ranked above it', () => {
    const b = leg('call-b', { ip: SWITCH }, { ip: '192.0.2.20' })
    const busy = analyzeTrace([
      A.req(0, 'INVITE', { branch: 'z9hG4bKa1', cseq: 1 }),
      b.req(40, 'INVITE', { branch: 'z9hG4bKb1', cseq: 1 }),
      b.res(6200, 180, 'Ringing', { branch: 'z9hG4bKb1', cseq: 1, toTag: 'c' }),
      A.res(6250, 180, 'Ringing', { branch: 'z9hG4bKa1', cseq: 1, toTag: 's' }),
      b.res(9000, 486, 'Busy Here', { branch: 'z9hG4bKb1', cseq: 1, toTag: 'c' }),
      A.res(9050, 486, 'Busy Here', { branch: 'z9hG4bKa1', cseq: 1, toTag: 's' })
    ])
    const d = diagnoseCall({ callid: 'call-a', trace: busy })
    expect(d.findings.map(f => f.code)).toEqual(['pdd_high', 'carrier_rejected'])
    expect([d.root_cause?.code, d.summary]).toEqual(['carrier_rejected', 'Call call-a was busy: the carrier (B1, 192.0.2.20) answered 486 Busy Here.'])
  })

  it('finds no fault in a normal answered call with good audio, and says who hung up', () => {
    const d = diagnoseCall({ callid: 'call-a', trace: answered, quality: goodAudio })
    expect([d.outcome, d.root_cause, d.summary, d.recommendations, d.follow_ups, d.missing]).toEqual([
      'answered', null, 'Call call-a was answered and ended normally: the caller hung up after 1 min 00 s of talk. No fault found.', [], [], []
    ])
    expect(d.evidence).toEqual(['RTCP worst stream, leg A customer → switch: good, MOS 4.39, jitter 3 ms, loss 0 %, RTT 40 ms'])
  })

  it('asks for RTCP when an answered call has none, and blames bad audio when it has', () => {
    const unknownAudio = diagnoseCall({ callid: 'call-a', trace: answered })
    expect([unknownAudio.missing, unknownAudio.follow_ups]).toEqual([
      ['quality: RTCP not fetched'],
      [{ kind: 'call_quality', why: 'Check jitter, loss and MOS of the answered call.' }]
    ])
    const bad = diagnoseCall({ callid: 'call-a', trace: answered, quality: badAudio })
    // d = 200/2 + 2 × 70 + 20 = 260 ms; R = 93.2 − 15.337 − 95 × 6 / 31.1 = 59.54 → MOS 3.08.
    expect(bad.root_cause).toEqual({
      code: 'poor_quality',
      severity: 'critical',
      title: 'Audio quality was bad on leg B1 (carrier → switch): MOS 3.08',
      meaning: 'RTCP for that stream: jitter 70 ms on average (bad: above 30 ms); loss 6 % on average (bad: above 1 %); MOS 3.08 (bad).',
      fix: 'Jitter comes from congestion or Wi-Fi on the path: check the network between that party and the media server; a larger jitter buffer hides some of it.',
      leg: 'B1'
    })
    expect(bad.summary).toBe('Call call-a was answered, but audio quality was bad on leg B1 (carrier → switch): MOS 3.08.')
  })

  it('diagnoses from the routing record alone when there is no trace, and asks for the trace', () => {
    const d = diagnoseCall({
      callid: 'call-x',
      routing: { sip_code: 503, sip_reason: 'No Routes Available (Pre)', dest_number: '44447700900123' },
      unavailable: [{ part: 'trace', why: 'empty: older than 7 days' }]
    })
    expect(d.findings.map(f => [f.code, f.severity])).toEqual([['duplicated_prefix', 'critical'], ['no_route', 'critical']])
    expect(d.root_cause?.title).toBe('The number dialled (44447700900123) is malformed: the country code 44 is there twice (44 44 7700900123)')
    expect(d.missing).toEqual(['trace: empty: older than 7 days'])
    expect(d.follow_ups).toEqual([
      { kind: 'sip_trace', why: 'Read the SIP flow of the call (kept 7 days).' },
      { kind: 'calls_to_number', why: 'See whether other calls to this number fail the same way.' }
    ])
    const carrier = diagnoseCall({ callid: 'call-y', routing: { sip_code: 408, sip_reason: 'Request Timeout', attempts: [{ provider_id: 7, sip_code: 503 }, { provider_name: 'BT Wholesale', sip_code: 408, sip_reason: 'Request Timeout' }] } })
    expect([carrier.outcome, carrier.root_cause?.code, carrier.root_cause?.title]).toEqual(['rejected', 'carrier_timeout', 'The carrier BT Wholesale answered 408 Request Timeout'])
    expect(carrier.evidence).toEqual(['routing log: 408 Request Timeout; carriers tried: 7 503, BT Wholesale 408'])
  })

  it('says what is missing when nothing could be fetched, and points at Class 5 logs when used', () => {
    const nothing = diagnoseCall({ callid: 'call-z', unavailable: [{ part: 'trace', why: 'ConnexCS API error 502' }, { part: 'routing', why: 'not found' }] })
    expect(nothing).toEqual({
      outcome: 'unknown',
      summary: 'Nothing could be established about call call-z: neither its trace nor its routing record was available.',
      root_cause: null,
      evidence: [],
      recommendations: [],
      findings: [],
      findings_omitted: 0,
      follow_ups: [{ kind: 'sip_trace', why: 'Read the SIP flow of the call (kept 7 days).' }],
      missing: ['trace: ConnexCS API error 502', 'routing: not found']
    })
    const pending = analyzeTrace([A.req(0, 'INVITE', { branch: 'z9hG4bKp', cseq: 1 }), A.res(10, 100, 'Trying', { branch: 'z9hG4bKp', cseq: 1 })])
    expect(diagnoseCall({ callid: 'call-p', trace: pending }).summary).toBe('Call call-p got no final response; what was fetched shows no specific cause.')
    const unended = analyzeTrace(answeredLeg('call-u', { ip: CUSTOMER }, { ip: SWITCH }, { ring: 2100, answer: 8100, bye: 68100 }).slice(0, 5))
    expect(diagnoseCall({ callid: 'call-u', trace: unended, quality: goodAudio }).summary).toBe('Call call-u was answered (no hang-up in the trace). No fault found.')
    const ivr = diagnoseCall({ callid: 'call-a', trace: answered, quality: goodAudio, class5: { present: true, kinds: ['ivr', 'ai_agent'] } })
    expect([ivr.root_cause, ivr.findings]).toEqual([null, [{ code: 'class5', severity: 'info', title: 'The call used Class 5 features (ivr, ai_agent)' }]])
    expect(ivr.follow_ups.map(s => s.kind)).toEqual(['transcript', 'ai_agent_log'])
  })

  it('adds what only other records hold: the customer\'s cards for no route, the CLI\'s owner for an unknown IP, the AI agent\'s tools', () => {
    const cards = diagnoseCall({ callid: 'call-a', trace: noRoute, routing: { sip_code: 503, dest_number: '447700900123' }, customer: { id: 42, name: 'Bluebell', cards: [{ id: 'AB12-cd34', name: 'Call Centre UK' }, { id: 'internal', name: 'Internal' }] } })
    expect(cards.root_cause?.title).toBe('The switch refused the call with 503 No Routes Available (Pre): no rule for 447700900123, on the customer\'s only card, "Call Centre UK" (AB12-cd34)')
    expect(cards.root_cause?.meaning).toBe('No rate card rule matched the dialled number, so there was no carrier to try. Customer 42 (Bluebell) routes by one card ("Call Centre UK" (AB12-cd34)), and none has a rule for the number.')
    const ip = analyzeTrace([
      A.req(0, 'INVITE', { branch: 'z9hG4bKa1', cseq: 1 }),
      A.res(25, 401, 'IP Not Authorised', { branch: 'z9hG4bKa1', cseq: 1, toTag: 'sw' })
    ])
    const owned = diagnoseCall({ callid: 'call-a', trace: ip, cli_owner: { id: 7, name: 'Kingfisher' } })
    expect(owned.root_cause?.title).toBe('The switch refused the call with 401 IP Not Authorised: 203.0.113.10 is no customer\'s IP; the CLI 14155550123 belongs to customer 7 (Kingfisher)')
    expect(owned.follow_ups).toEqual([{ kind: 'calls_from_ip', ip: '203.0.113.10', why: 'Other calls from 203.0.113.10: does every call from it fail the same way?' }])
    const ai = diagnoseCall({
      callid: 'call-a', trace: answered, quality: goodAudio, class5: { present: true, kinds: ['ai_agent'] },
      ai_agent: { agent: 'Reception', agents: ['Reception'], steps: 6, tools: [{ name: 'find_slots', latency_ms: 812, time: null }], tools_omitted: 0, errors: 1, slowest_ms: 812 }
    })
    expect(ai.findings).toEqual([{ code: 'class5', severity: 'info', title: 'The call used Class 5 features (ai_agent): the AI agent "Reception" called find_slots (812 ms)' }])
  })

  it('points a carrier\'s failure at that carrier\'s traffic on the day', () => {
    const b = leg('call-b', { ip: SWITCH }, { ip: '192.0.2.20' })
    const failed = analyzeTrace([
      A.req(0, 'INVITE', { branch: 'z9hG4bKa1', cseq: 1 }),
      b.req(40, 'INVITE', { branch: 'z9hG4bKb1', cseq: 1 }),
      b.res(90, 503, 'Service Unavailable', { branch: 'z9hG4bKb1', cseq: 1, toTag: 'c' }),
      A.res(120, 503, 'Service Unavailable', { branch: 'z9hG4bKa1', cseq: 1, toTag: 's' })
    ])
    const d = diagnoseCall({ callid: 'call-a', trace: failed, routing: { sip_code: 503, attempts: [{ provider_id: 376, provider_name: 'Crown', sip_code: 503 }] } })
    expect([d.root_cause?.code, d.follow_ups]).toEqual(['carrier_unavailable', [{ kind: 'carrier_traffic', provider_id: 376, why: 'How carrier Crown did on other calls that day: one call, or an outage?' }]])
  })

  it('blames the private media address for one-way audio that RTCP confirms', () => {
    const natted = analyzeTrace([
      A.req(0, 'INVITE', { branch: 'z9hG4bKa1', cseq: 1, body: sdp('192.168.1.20', [8, 101]) }),
      A.res(12, 100, 'Trying', { branch: 'z9hG4bKa1', cseq: 1 }),
      A.res(2000, 180, 'Ringing', { branch: 'z9hG4bKa1', cseq: 1, toTag: 'sw' }),
      A.res(8000, 200, 'OK', { branch: 'z9hG4bKa1', cseq: 1, toTag: 'sw', body: sdp(SWITCH, [8, 101]) }),
      A.req(8040, 'ACK', { branch: 'z9hG4bKa2', cseq: 1, toTag: 'sw' })
    ])
    expect(natted.findings.map(f => [f.code, f.severity])).toEqual([['nat_private_sdp', 'warning']])
    const oneWay = summariseQuality(normaliseRtcp([
      { leg: 'A', direction: 'inbound', jitter: 3, packet_loss: 0, rtt: 40 },
      { leg: 'A', direction: 'outbound', jitter: 0, packet_loss: 100 }
    ]), { codec: 'PCMA' })
    const d = diagnoseCall({ callid: 'call-a', trace: natted, quality: oneWay })
    expect(d.findings.map(f => [f.code, f.severity])).toEqual([['nat_private_sdp', 'critical'], ['one_way_media', 'critical']])
    expect(d.summary).toBe('Call call-a was answered, but the customer advertises a private media address (SDP c=192.168.1.20).')
    expect(d.root_cause!.meaning).toMatch(/ RTCP confirms it: nothing arrives switch → customer while customer → switch flows\.$/)
    expect(d.recommendations).toEqual([
      'Enable far-end NAT traversal for this customer, so the switch answers to the packets\' real source and relays the media; or configure the customer\'s PBX with its public address and turn off the SIP ALG on its router.',
      'Check NAT traversal for that party (its SDP c= address, symmetric RTP / media latching on the RTP server, the SIP ALG on its router) and firewalls on the RTP port range.'
    ])
    expect(d.evidence.at(-1)).toBe('RTCP worst stream, leg A switch → customer: no audio, MOS 1.15, jitter 0 ms, loss 100 %, RTT 40 ms')
    // Without a cause in the trace, one-way audio is the root cause itself; it is never called poor quality.
    const alone = diagnoseCall({ callid: 'call-a', trace: answered, quality: oneWay })
    expect([alone.root_cause?.code, alone.root_cause?.title, alone.findings.some(f => f.code === 'poor_quality')]).toEqual(['one_way_media', 'One-way audio on leg A: nothing arrives switch → customer', false])
  })
})
