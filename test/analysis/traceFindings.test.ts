import { describe, expect, it } from 'vitest'
import type { Finding } from '../../src/analysis/findings'
import { analyzeTrace } from '../../src/analysis/sipTrace'
import type { TraceMessage } from '../../src/analysis/traceTypes'
import { explainCarrierResponse, explainSwitchRefusal } from '../../src/analysis/traceFindings'
import { CARRIER, CARRIER2, CUSTOMER, leg, sdp, SWITCH } from './fixtures/sip'

const A = leg('call-a', { ip: CUSTOMER }, { ip: SWITCH })
const B = leg('call-b1', { ip: SWITCH }, { ip: CARRIER })
const B2 = leg('call-b2', { ip: SWITCH }, { ip: CARRIER2 })

function brief (findings: Finding[]): Array<[string, string]> {
  return findings.map(f => [f.code, f.severity])
}

/** The customer's INVITE, the switch's 100, and its final response. */
function switchRefuses (code: number, reason: string, dialled?: string): TraceMessage[] {
  const a = dialled === undefined ? A : leg('call-a', { ip: CUSTOMER }, { ip: SWITCH }, { dialled })
  return [
    a.req(0, 'INVITE', { branch: 'z9hG4bKa1', cseq: 1 }),
    a.res(12, 100, 'Trying', { branch: 'z9hG4bKa1', cseq: 1 }),
    a.res(35, code, reason, { branch: 'z9hG4bKa1', cseq: 1, toTag: 'sw' }),
    a.req(60, 'ACK', { branch: 'z9hG4bKa1', cseq: 1, toTag: 'sw' })
  ]
}

/** A-leg INVITE relayed to the carrier, with the carrier's answer relayed back. */
function carrierAnswers (code: number, reason: string, extra: { headers?: string[], offer?: number[] } = {}): TraceMessage[] {
  return [
    A.req(0, 'INVITE', { branch: 'z9hG4bKa1', cseq: 1, body: sdp(CUSTOMER, [0, 8, 18, 101]) }),
    A.res(12, 100, 'Trying', { branch: 'z9hG4bKa1', cseq: 1 }),
    B.req(40, 'INVITE', { branch: 'z9hG4bKb1', cseq: 7, body: sdp(SWITCH, extra.offer ?? [8, 0, 101]) }),
    B.res(75, 100, 'Trying', { branch: 'z9hG4bKb1', cseq: 7 }),
    B.res(900, code, reason, { branch: 'z9hG4bKb1', cseq: 7, toTag: 'c1', headers: extra.headers }),
    B.req(910, 'ACK', { branch: 'z9hG4bKb1', cseq: 7, toTag: 'c1' }),
    A.res(920, code, reason, { branch: 'z9hG4bKa1', cseq: 1, toTag: 'sw' }),
    A.req(960, 'ACK', { branch: 'z9hG4bKa1', cseq: 1, toTag: 'sw' })
  ]
}

/** An answered B2BUA call up to the ACKs (no BYE): answer at 8 s. */
function answeredCall (options: { aAnswer?: number[], bAnswer?: number[], aAnswerDirection?: string } = {}): TraceMessage[] {
  return [
    A.req(0, 'INVITE', { branch: 'z9hG4bKa1', cseq: 1, body: sdp(CUSTOMER, [0, 8, 101]) }),
    A.res(12, 100, 'Trying', { branch: 'z9hG4bKa1', cseq: 1 }),
    B.req(40, 'INVITE', { branch: 'z9hG4bKb1', cseq: 7, body: sdp(SWITCH, [8, 0, 101]) }),
    B.res(75, 100, 'Trying', { branch: 'z9hG4bKb1', cseq: 7 }),
    B.res(1980, 180, 'Ringing', { branch: 'z9hG4bKb1', cseq: 7, toTag: 'c1' }),
    A.res(2000, 180, 'Ringing', { branch: 'z9hG4bKa1', cseq: 1, toTag: 'sw' }),
    B.res(7980, 200, 'OK', { branch: 'z9hG4bKb1', cseq: 7, toTag: 'c1', body: sdp(CARRIER, options.bAnswer ?? [8, 101]) }),
    B.req(7990, 'ACK', { branch: 'z9hG4bKb2', cseq: 7, toTag: 'c1' }),
    A.res(8000, 200, 'OK', { branch: 'z9hG4bKa1', cseq: 1, toTag: 'sw', body: sdp(SWITCH, options.aAnswer ?? [8, 101], { direction: options.aAnswerDirection }) })
  ]
}

describe('switch refusals', () => {
  it('503 "No Routes Available (Pre)": no rate card rule, no carrier tried', () => {
    const { findings } = analyzeTrace(switchRefuses(503, 'No Routes Available (Pre)'))
    expect(findings).toEqual([{
      code: 'no_route',
      severity: 'critical',
      title: 'The switch refused the call with 503 No Routes Available (Pre): no rule for 447700900123',
      meaning: 'No rate card rule matched the dialled number, so there was no carrier to try.',
      fix: 'Add the destination prefix to the customer\'s rate card (or assign a card that has it), and check that the number is in the format the card expects (country code, no 00, + or tech prefix).',
      leg: 'A',
      evidence: [{ leg: 'A', t_ms: 35, message: 2, label: '503 No Routes Available (Pre)' }, { leg: 'A', t_ms: 0, message: 0, label: 'INVITE' }]
    }])
  })

  it('names each ConnexCS routing refusal by its reason phrase', () => {
    const cases: Array<[number, string, string]> = [
      [503, 'No Routes Available (Profit Assurance)', 'no_route'],
      [580, 'No Route Available', 'no_route'],
      [503, 'Blocked by Dial plan', 'blocked_by_dial_plan'],
      [503, 'Unknown User', 'unknown_user'],
      [500, 'Server not accepting calls (Paused)', 'account_paused'],
      [503, 'Dropping Call (Strategy)', 'routing_error'],
      [403, 'IP Not Authorised', 'ip_not_authorised'],
      [401, 'IP Not Authorised', 'ip_not_authorised'],
      [402, 'Payment Required', 'insufficient_balance'],
      [403, 'Insufficient Balance', 'insufficient_balance'],
      [403, 'Forbidden', 'forbidden']
    ]
    for (const [code, reason, expected] of cases) {
      expect([reason, brief(analyzeTrace(switchRefuses(code, reason)).findings)]).toEqual([reason, [[expected, 'critical']]])
    }
  })

  it('explains other switch answers from the SIP code table, user outcomes as info', () => {
    expect(explainSwitchRefusal(404, 'Not Found')).toEqual({
      code: 'call_failed',
      severity: 'warning',
      title: 'The switch answered 404 Not Found',
      meaning: 'The number is unallocated or invalid, badly normalised (missing country code, leftover 00/011 or tech prefix), or the carrier has no route.',
      fix: 'Check the number\'s E.164 format and portability. If 404s cluster on one carrier for a prefix that others complete, it is that carrier\'s routing.'
    })
    expect(explainSwitchRefusal(486, 'Busy Here')?.severity).toBe('info')
    expect(explainSwitchRefusal(407, 'Proxy Authentication Required')).toBeUndefined()
  })
})

describe('dialled number with a duplicated prefix', () => {
  it('ranks the malformed number above the no-route it causes', () => {
    const { findings } = analyzeTrace(switchRefuses(503, 'No Routes Available (Pre)', '44447700900123'))
    expect(brief(findings)).toEqual([['duplicated_prefix', 'critical'], ['no_route', 'critical']])
    expect(findings[0]).toMatchObject({
      title: 'The number dialled (44447700900123) is malformed: the country code 44 is there twice (44 44 7700900123)',
      meaning: 'Routes and rates are matched by the longest prefix of the number, so a number in the wrong form matches no route, the wrong one, or an unallocated range. It was probably meant as 447700900123.',
      fix: 'Have the customer dial in E.164 form (447700900123), or add a translation on the customer\'s routing that strips the extra prefix.'
    })
  })

  it('spots 00 left in after +, and the national 0 left in after the country code', () => {
    expect(brief(analyzeTrace(switchRefuses(404, 'Not Found', '+00447700900123')).findings)).toEqual([['duplicated_prefix', 'critical'], ['call_failed', 'warning']])
    expect(analyzeTrace(switchRefuses(404, 'Not Found', '4407700900123')).findings[0]!.title)
      .toBe('The number dialled (4407700900123) is malformed: the national 0 is left in after the country code 44 (44 07700900123)')
  })

  it('keeps it as context when the call was answered anyway', () => {
    const a = leg('call-a', { ip: CUSTOMER }, { ip: SWITCH }, { dialled: '7001#114155550123' })
    const { findings } = analyzeTrace([
      a.req(0, 'INVITE', { branch: 'z9hG4bKa1', cseq: 1 }),
      a.res(900, 200, 'OK', { branch: 'z9hG4bKa1', cseq: 1, toTag: 'sw' }),
      a.req(950, 'ACK', { branch: 'z9hG4bKa2', cseq: 1, toTag: 'sw' })
    ])
    expect(brief(findings)).toEqual([['duplicated_prefix', 'info']])
  })
})

describe('carrier failures', () => {
  it('INVITE retransmitted on the B leg and never answered: carrier timeout, with the Timer A pattern', () => {
    const sends = [0, 500, 1500, 3500, 7500, 15500, 31500].map(t => B.req(40 + t, 'INVITE', { branch: 'z9hG4bKb1', cseq: 7 }))
    const analysis = analyzeTrace([
      A.req(0, 'INVITE', { branch: 'z9hG4bKa1', cseq: 1 }),
      A.res(12, 100, 'Trying', { branch: 'z9hG4bKa1', cseq: 1 }),
      ...sends,
      A.res(32100, 408, 'Request Timeout', { branch: 'z9hG4bKa1', cseq: 1, toTag: 'sw' })
    ])
    const b = analysis.legs[1]!
    expect([b.state, b.unanswered_invites, b.got_response, b.retransmitted_copies]).toEqual(['no_final_response', 7, false, 6])
    expect(b.retransmissions[0]).toMatchObject({ sent: 7, intervals_ms: [500, 1000, 2000, 4000, 8000, 16000], pattern: 'doubling', answered: false })
    expect(analysis.findings).toEqual([{
      code: 'carrier_timeout',
      severity: 'critical',
      title: 'The carrier (B1, 192.0.2.20) never responded to the INVITE',
      meaning: 'The switch sent the INVITE 7 times and got nothing back, not even 100 Trying: the carrier is unreachable (wrong IP or port, a firewall, a UDP/TCP mismatch) or its replies are lost on the way back.',
      fix: 'Check the carrier\'s IP, port and transport, that it allows our signalling IPs, and whether it answers OPTIONS; ask the carrier.',
      leg: 'B1',
      evidence: [{ leg: 'B1', t_ms: 40, message: 2, label: 'INVITE' }]
    }])
  })

  it('says when a large INVITE on UDP may be fragmented', () => {
    const big = B.req(40, 'INVITE', { branch: 'z9hG4bKb1', cseq: 7, headers: [`X-Padding: ${'p'.repeat(1200)}`] })
    const { findings } = analyzeTrace([A.req(0, 'INVITE', { branch: 'z9hG4bKa1', cseq: 1 }), big, { ...big, micro_ts: big.micro_ts + 500_000 }])
    expect(findings[0]!.meaning).toContain(`The INVITE is ${big.msg.length} bytes on UDP: above 1300 bytes it may be fragmented and the fragments dropped.`)
    expect(findings[0]!.fix).toBe('Check the carrier\'s IP, port and transport, that it allows our signalling IPs, and whether it answers OPTIONS; ask the carrier. Send large INVITEs over TCP.')
  })

  it('408 after 100 Trying: the carrier\'s own next hop timed out', () => {
    const { findings } = analyzeTrace(carrierAnswers(408, 'Request Timeout'))
    expect(brief(findings)).toEqual([['carrier_timeout', 'critical']])
    expect(findings[0]!.meaning).toBe('The carrier accepted the INVITE (100 Trying) but no final answer came before the timeout: its own next hop did not respond in time.')
  })

  it('488 with a Warning: no common codec, naming what was offered', () => {
    const { findings } = analyzeTrace(carrierAnswers(488, 'Not Acceptable Here', { offer: [18, 101], headers: ['Warning: 304 sbc.example.net "Media type not available"'] }))
    expect(findings).toEqual([{
      code: 'codec_mismatch',
      severity: 'critical',
      title: 'The carrier (B1, 192.0.2.20) answered 488 Not Acceptable Here',
      meaning: 'The carrier accepts none of the codecs the switch offered (G729). Warning: 304 sbc.example.net "Media type not available".',
      fix: 'Offer a codec the carrier supports (ask which), or enable transcoding on the media zone so the switch can offer it.',
      leg: 'B1',
      evidence: [{ leg: 'B1', t_ms: 900, message: 4, label: '488 Not Acceptable Here' }, { leg: 'B1', t_ms: 40, message: 2, label: 'INVITE' }]
    }])
  })

  it('403, 407, 503 and a busy carrier, each with its own finding; the relayed A-leg answer adds nothing', () => {
    const cases: Array<[number, string, string, string]> = [
      [403, 'Forbidden', 'carrier_forbidden', 'critical'],
      [407, 'Proxy Authentication Required', 'carrier_auth_required', 'critical'],
      [503, 'Service Unavailable', 'carrier_unavailable', 'critical'],
      [486, 'Busy Here', 'carrier_rejected', 'info'],
      [404, 'Not Found', 'carrier_rejected', 'warning'],
      [500, 'Server Internal Error', 'carrier_rejected', 'critical']
    ]
    for (const [code, reason, expected, severity] of cases) {
      expect([code, brief(analyzeTrace(carrierAnswers(code, reason)).findings)]).toEqual([code, [[expected, severity]]])
    }
    const busy = analyzeTrace(carrierAnswers(486, 'Busy Here', { headers: ['Reason: Q.850;cause=17'] })).findings[0]!
    expect([busy.title, busy.meaning]).toEqual([
      'The carrier (B1, 192.0.2.20) answered 486 Busy Here',
      'The called party is busy. The response carries Reason: Q.850 cause 17 (User busy).'
    ])
  })

  it('explains a carrier response without a trace, for routing records', () => {
    expect(explainCarrierResponse(503, 'Service Unavailable', { sender: 'the carrier BT Wholesale' })).toEqual({
      code: 'carrier_unavailable',
      severity: 'critical',
      title: 'The carrier BT Wholesale answered 503 Service Unavailable',
      meaning: 'The carrier is overloaded, over its CPS or channel limit, has no route or is in maintenance; from our own switch: no route, all routes failed, or capacity.',
      fix: 'Honour Retry-After and back off; check capacity and CPS limits; mark the gateway degraded; check our routing.'
    })
    expect(explainCarrierResponse(200, 'OK')).toBeUndefined()
  })

  it('crankback: a failed first carrier is context when the second answers; slow PDD is the finding', () => {
    const analysis = analyzeTrace([
      A.req(0, 'INVITE', { branch: 'z9hG4bKa1', cseq: 1 }),
      A.res(12, 100, 'Trying', { branch: 'z9hG4bKa1', cseq: 1 }),
      B.req(40, 'INVITE', { branch: 'z9hG4bKb1', cseq: 7 }),
      B.res(3040, 503, 'Service Unavailable', { branch: 'z9hG4bKb1', cseq: 7, toTag: 'c1' }),
      B.req(3050, 'ACK', { branch: 'z9hG4bKb1', cseq: 7, toTag: 'c1' }),
      B2.req(3060, 'INVITE', { branch: 'z9hG4bKc1', cseq: 9 }),
      B2.res(7060, 180, 'Ringing', { branch: 'z9hG4bKc1', cseq: 9, toTag: 'c2' }),
      A.res(7200, 180, 'Ringing', { branch: 'z9hG4bKa1', cseq: 1, toTag: 'sw' }),
      B2.res(9060, 200, 'OK', { branch: 'z9hG4bKc1', cseq: 9, toTag: 'c2' }),
      B2.req(9070, 'ACK', { branch: 'z9hG4bKc2', cseq: 9, toTag: 'c2' }),
      A.res(9100, 200, 'OK', { branch: 'z9hG4bKa1', cseq: 1, toTag: 'sw' }),
      A.req(9150, 'ACK', { branch: 'z9hG4bKa2', cseq: 1, toTag: 'sw' })
    ])
    expect(analysis.legs.map(l => [l.leg, l.state, l.pdd_ms])).toEqual([['A', 'answered', 7200], ['B1', 'rejected', null], ['B2', 'answered', 4000]])
    expect(brief(analysis.findings)).toEqual([['pdd_high', 'warning'], ['carrier_unavailable', 'info'], ['crankback', 'info']])
    expect(analysis.findings[0]).toMatchObject({
      title: 'Post-dial delay was 7.2 s (above 5.0 s)',
      meaning: 'The caller waited 7.2 s between dialling and hearing ringing; beyond 8–10 s many callers hang up. The carrier took 4.0 s to ring (B2, 192.0.2.30). 2 carriers were tried in turn, which adds up.',
      evidence: [{ leg: 'A', t_ms: 0, message: 0, label: 'INVITE' }, { leg: 'A', t_ms: 7200, message: 7, label: '180 Ringing' }, { leg: 'B2', t_ms: 7060, message: 6, label: '180 Ringing' }]
    })
    expect(analysis.findings[2]!.meaning).toBe('In order: B1 192.0.2.20 503 Service Unavailable; B2 192.0.2.30 200 OK.')
  })

  it('a caller who hangs up while the carrier rings: only the cancel, not the carrier\'s 487', () => {
    const { findings } = analyzeTrace([
      ...answeredCall().slice(0, 6),
      A.req(9000, 'CANCEL', { branch: 'z9hG4bKa1', cseq: 1 }),
      A.res(9005, 200, 'OK', { branch: 'z9hG4bKa1', cseq: 1, method: 'CANCEL' }),
      B.req(9010, 'CANCEL', { branch: 'z9hG4bKb1', cseq: 7 }),
      B.res(9030, 200, 'OK', { branch: 'z9hG4bKb1', cseq: 7, method: 'CANCEL' }),
      B.res(9035, 487, 'Request Terminated', { branch: 'z9hG4bKb1', cseq: 7, toTag: 'c1' }),
      A.res(9050, 487, 'Request Terminated', { branch: 'z9hG4bKa1', cseq: 1, toTag: 'sw' })
    ])
    expect(findings.map(f => [f.code, f.title])).toEqual([['caller_cancelled', 'The caller hung up after 7.0 s of ringing']])
  })

  it('the switch cancelling a slow carrier and moving on', () => {
    const { findings } = analyzeTrace([
      A.req(0, 'INVITE', { branch: 'z9hG4bKa1', cseq: 1 }),
      B.req(40, 'INVITE', { branch: 'z9hG4bKb1', cseq: 7 }),
      B.res(70, 100, 'Trying', { branch: 'z9hG4bKb1', cseq: 7 }),
      B.req(10040, 'CANCEL', { branch: 'z9hG4bKb1', cseq: 7 }),
      B.res(10060, 487, 'Request Terminated', { branch: 'z9hG4bKb1', cseq: 7, toTag: 'c1' }),
      B2.req(10100, 'INVITE', { branch: 'z9hG4bKc1', cseq: 9 }),
      B2.res(11100, 200, 'OK', { branch: 'z9hG4bKc1', cseq: 9, toTag: 'c2' }),
      A.res(11120, 200, 'OK', { branch: 'z9hG4bKa1', cseq: 1, toTag: 'sw' })
    ])
    expect(findings.map(f => [f.code, f.severity, f.title])).toEqual([
      ['pdd_high', 'warning', 'Post-dial delay was 11.1 s (above 5.0 s)'],
      ['carrier_cancelled_by_switch', 'info', 'The switch cancelled the attempt to the carrier (B1, 192.0.2.20) before it rang'],
      ['crankback', 'info', 'The switch tried 2 carriers']
    ])
  })
})

describe('ACK and release', () => {
  it('200 OK never acknowledged and the call dropped at 32 s', () => {
    const copies = [500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]
      .map(t => A.res(8000 + t, 200, 'OK', { branch: 'z9hG4bKa1', cseq: 1, toTag: 'sw', body: sdp(SWITCH, [8, 101]) }))
    const analysis = analyzeTrace([
      ...answeredCall(),
      ...copies,
      A.req(40000, 'BYE', { branch: 'z9hG4bKbye', cseq: 2, toTag: 'sw', by: 'callee' }),
      A.res(40020, 200, 'OK', { branch: 'z9hG4bKbye', cseq: 2, toTag: 'sw', method: 'BYE', by: 'caller' }),
      B.req(40005, 'BYE', { branch: 'z9hG4bKbye2', cseq: 8, toTag: 'c1' }),
      B.res(40030, 200, 'OK', { branch: 'z9hG4bKbye2', cseq: 8, toTag: 'c1', method: 'BYE' })
    ])
    const a = analysis.call
    expect([a.ack, a.talk_time_ms, a.release?.party]).toEqual([null, 32000, 'switch'])
    expect(a.retransmissions[0]).toMatchObject({ label: '200 OK', sent: 11, intervals_ms: [500, 1000, 2000, 4000, 4000, 4000, 4000, 4000, 4000, 4000], pattern: 'doubling_capped', answered: false })
    expect(analysis.findings).toEqual([{
      code: 'ack_timeout',
      severity: 'critical',
      title: 'No ACK for the 200 OK: the call was dropped 32.0 s after answer',
      meaning: 'The switch answered but the customer\'s ACK never arrived, so it resent the 200 OK (11 times) and ended the call when its 32 s timer ran out: the classic "calls drop after 30 seconds".',
      fix: 'The customer\'s ACK must reach the switch: check NAT and the firewall on the customer side (a router\'s SIP ALG often breaks it), and that the customer advertises a reachable Contact and Via; enable far-end NAT traversal for this customer.',
      leg: 'A',
      evidence: [{ leg: 'A', t_ms: 8000, message: 8, label: '200 OK' }, { leg: 'A', t_ms: 40000, message: 19, label: 'BYE' }]
    }])
  })

  it('the switch ending an answered call, with its Reason', () => {
    const { findings, release } = analyzeTrace([
      ...answeredCall(),
      A.req(8050, 'ACK', { branch: 'z9hG4bKa2', cseq: 1, toTag: 'sw' }),
      A.req(73000, 'BYE', { branch: 'z9hG4bKbye', cseq: 2, toTag: 'sw', by: 'callee', headers: ['Reason: Q.850;cause=41'] }),
      B.req(73001, 'BYE', { branch: 'z9hG4bKbye2', cseq: 8, toTag: 'c1', headers: ['Reason: Q.850;cause=41'] })
    ])
    expect(release).toMatchObject({ by: 'switch', leg: 'A', method: 'BYE' })
    expect(findings.map(f => [f.code, f.severity, f.title])).toEqual([
      ['switch_released_call', 'warning', 'The switch ended the answered call after 1 min 05 s of talk with Reason Q.850 cause 41 (Temporary failure)']
    ])
  })

  it('a call that ends at its session-timer expiry', () => {
    const { findings } = analyzeTrace([
      A.req(0, 'INVITE', { branch: 'z9hG4bKa1', cseq: 1, headers: ['Session-Expires: 1800;refresher=uac', 'Supported: timer'] }),
      A.res(1000, 200, 'OK', { branch: 'z9hG4bKa1', cseq: 1, toTag: 'sw', headers: ['Session-Expires: 1800;refresher=uac', 'Require: timer'] }),
      A.req(1050, 'ACK', { branch: 'z9hG4bKa2', cseq: 1, toTag: 'sw' }),
      A.req(1_791_000, 'BYE', { branch: 'z9hG4bKbye', cseq: 2, toTag: 'sw', by: 'callee' })
    ])
    expect(findings.map(f => [f.code, f.title])).toEqual([['session_timer_expired', 'The call ended after 29 min 50 s, at its session-timer expiry (1800 s)']])
  })
})

describe('authentication', () => {
  function challenged (times: number, withCredentials: boolean): TraceMessage[] {
    return Array.from({ length: times }, (_, i) => [
      A.req(i * 100, 'INVITE', { branch: `z9hG4bKx${i}`, cseq: i + 1, headers: i > 0 && withCredentials ? ['Proxy-Authorization: Digest username="acme"'] : [] }),
      A.res(i * 100 + 20, 407, 'Proxy Authentication Required', { branch: `z9hG4bKx${i}`, cseq: i + 1, toTag: `x${i}`, headers: ['Proxy-Authenticate: Digest realm="sw", nonce="n"'] }),
      A.req(i * 100 + 30, 'ACK', { branch: `z9hG4bKx${i}`, cseq: i + 1, toTag: `x${i}` })
    ]).flat()
  }

  it('three challenges or more are a loop; a challenged INVITE with credentials is a failure', () => {
    const loop = analyzeTrace(challenged(3, true))
    expect(loop.call.auth).toEqual({ username: 'acme', challenges: 3, stale: 0, with_credentials: 2, rejected_credentials: true, loop: true })
    expect(brief(loop.findings)).toEqual([['auth_loop', 'critical']])
    expect(loop.findings[0]!.title).toBe('3 authentication challenges on one call (user "acme")')
    expect(brief(analyzeTrace(challenged(2, true)).findings)).toEqual([['auth_failed', 'critical']])
    const none = analyzeTrace(challenged(1, false)).findings[0]!
    expect([none.code, none.title, none.meaning]).toEqual(['auth_failed', 'Authentication failed: 407 Proxy Authentication Required', 'The INVITE was challenged and never resent with credentials: the device has none configured for this account.'])
  })

  it('a stale nonce is one legitimate retry, not a refused credential', () => {
    const trace = challenged(2, true)
    trace[4] = { ...trace[4]!, msg: trace[4]!.msg.replace('nonce="n"', 'nonce="m", stale=true') }
    expect(analyzeTrace(trace).call.auth).toEqual({ username: 'acme', challenges: 2, stale: 1, with_credentials: 1, rejected_credentials: false, loop: false })
  })
})

describe('NAT', () => {
  it('a customer behind NAT: private Via, Contact and SDP against the packet source, received/rport', () => {
    const natted = { ip: '203.0.113.77', port: 61044 }
    const a = leg('call-a', natted, { ip: SWITCH })
    const { call, findings } = analyzeTrace([
      a.req(0, 'INVITE', { branch: 'z9hG4bKn1', cseq: 1, via: 'SIP/2.0/UDP 192.168.1.20:5060;branch=z9hG4bKn1;rport', contact: '<sip:14155550123@192.168.1.20:5060>', body: sdp('192.168.1.20', [8, 101]) }),
      a.res(10, 100, 'Trying', { branch: 'z9hG4bKn1', cseq: 1, via: 'SIP/2.0/UDP 192.168.1.20:5060;branch=z9hG4bKn1;received=203.0.113.77;rport=61044' }),
      a.res(40, 503, 'Service Unavailable', { branch: 'z9hG4bKn1', cseq: 1, toTag: 'sw', via: 'SIP/2.0/UDP 192.168.1.20:5060;branch=z9hG4bKn1;received=203.0.113.77;rport=61044' })
    ])
    expect(call.nat.map(n => [n.check, n.party, n.value, n.source])).toEqual([
      ['private_via', 'customer', '192.168.1.20', '203.0.113.77:61044'],
      ['via_port_mismatch', 'customer', '192.168.1.20:5060', '203.0.113.77:61044'],
      ['private_contact', 'customer', '192.168.1.20', '203.0.113.77:61044'],
      ['private_sdp', 'customer', '192.168.1.20', '203.0.113.77:61044'],
      ['received_differs', 'customer', '192.168.1.20 (received=203.0.113.77, rport=61044)', '198.51.100.5']
    ])
    expect(findings.map(f => f.code)).toEqual(['call_failed', 'nat_private_sdp', 'nat_private_contact', 'nat_detected'])
    expect(findings[1]).toMatchObject({
      title: 'The customer advertises a private media address (SDP c=192.168.1.20)',
      meaning: 'The other side would send audio to 192.168.1.20, which it cannot reach: one-way or no audio, unless the media is relayed by an RTP server that learns the real address from the incoming audio.'
    })
  })

  it('a Via or X-CX-NAT header without a value neither breaks the analysis nor flags NAT (prior-art bug)', () => {
    const { call, findings } = analyzeTrace([
      A.req(0, 'INVITE', { branch: 'z9hG4bK1', cseq: 1, via: '', headers: ['X-CX-NAT:', 'X-Orig-IP:'] }),
      A.res(10, 100, 'Trying', { branch: 'z9hG4bK1', cseq: 1, headers: ['X-CX-NAT: false'] }),
      A.res(900, 486, 'Busy Here', { branch: 'z9hG4bK1', cseq: 1, toTag: 'b', via: '' })
    ])
    expect([call.state, call.nat, findings.map(f => f.code)]).toEqual(['busy', [], ['call_failed']])
    const flagged = analyzeTrace([A.req(0, 'INVITE', { branch: 'z9hG4bK1', cseq: 1, headers: ['X-CX-NAT: 1'] })])
    expect(flagged.call.nat.map(n => [n.check, n.value])).toEqual([['switch_nat_flag', 'X-CX-NAT: 1']])
  })

  it('compares with X-Orig-IP behind an edge proxy, so the proxy is not mistaken for NAT', () => {
    const { call } = analyzeTrace([
      A.req(0, 'INVITE', { branch: 'z9hG4bK1', cseq: 1, via: 'SIP/2.0/UDP 203.0.113.50:5060;branch=z9hG4bK1', contact: '<sip:1@203.0.113.50>', headers: ['X-Orig-IP: 203.0.113.50', 'X-AnyEdge-Host: edge1'] })
    ])
    expect(call.nat).toEqual([])
  })
})

describe('media', () => {
  it('DTMF refused on one leg and a different codec on each leg', () => {
    const { findings } = analyzeTrace([...answeredCall({ bAnswer: [0] }), A.req(8050, 'ACK', { branch: 'z9hG4bKa2', cseq: 1, toTag: 'sw' })])
    expect(findings.map(f => [f.code, f.severity, f.leg, f.title])).toEqual([
      ['dtmf_not_negotiated', 'warning', 'B1', 'DTMF (telephone-event) was offered but not accepted'],
      ['transcoding', 'info', 'A', 'The legs use different codecs: PCMA (A) and PCMU (B1)']
    ])
    expect(findings[1]!.evidence).toEqual([{ leg: 'A', t_ms: 8000, message: 8, label: '200 OK' }, { leg: 'B1', t_ms: 7980, message: 6, label: '200 OK' }])
  })

  it('an answer that opens audio one way only', () => {
    const { findings } = analyzeTrace([...answeredCall({ aAnswerDirection: 'recvonly' }), A.req(8050, 'ACK', { branch: 'z9hG4bKa2', cseq: 1, toTag: 'sw' })])
    expect(findings.map(f => [f.code, f.title])).toEqual([['one_way_media', 'Audio was set up in one direction only (offer sendrecv, answer recvonly)']])
  })

  it('hold and resume by re-INVITE, and a call left on hold', () => {
    const base = [...answeredCall(), A.req(8050, 'ACK', { branch: 'z9hG4bKa2', cseq: 1, toTag: 'sw' })]
    const hold = A.req(20000, 'INVITE', { branch: 'z9hG4bKh1', cseq: 2, toTag: 'sw', body: sdp(CUSTOMER, [8, 101], { direction: 'sendonly', version: 1002 }) })
    const resume = A.req(50000, 'INVITE', { branch: 'z9hG4bKh2', cseq: 3, toTag: 'sw', body: sdp(CUSTOMER, [8, 101], { version: 1003 }) })
    const resumed = analyzeTrace([...base, hold, resume])
    expect(resumed.call.media!.holds.map(h => [h.by, h.kind, h.at.t_ms])).toEqual([['customer', 'sendonly', 20000], ['customer', 'resume', 50000]])
    expect(resumed.findings.map(f => [f.code, f.severity, f.title])).toEqual([['call_on_hold', 'info', 'The call was put on hold by the customer (sendonly)']])
    const stuck = analyzeTrace([...base, hold])
    expect(stuck.findings.map(f => [f.code, f.severity])).toEqual([['call_on_hold', 'warning']])
    expect(stuck.ladder.at(-1)!.label).toBe('re-INVITE (hold)')
  })
})
