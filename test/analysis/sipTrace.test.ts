import { describe, expect, it } from 'vitest'
import {
  cseqOf, headerParam, headerValues, parseSipMessage, parseUri, parseVia, reasonsOf, SipHead, splitValues, toTag, topViaBranch
} from '../../src/analysis/sipMessage'
import { analyzeTrace } from '../../src/analysis/sipTrace'
import type { LegAnalysis, TraceMessage } from '../../src/analysis/traceTypes'
import { rawMessages } from '../../src/analysis/tracePackets'
import { sharedCallidTimeout } from './fixtures/defects'
import { answeredLeg, CARRIER, CUSTOMER, leg, sdp, SWITCH } from './fixtures/sip'

const A = leg('call-a@203.0.113.10', { ip: CUSTOMER }, { ip: SWITCH })

function timings (l: LegAnalysis): Record<string, number | null> {
  const { pdd_ms, pdd_after_auth_ms, setup_time_ms, ring_time_ms, answer_to_ack_ms, talk_time_ms, final_after_ms } = l
  return { pdd_ms, pdd_after_auth_ms, setup_time_ms, ring_time_ms, answer_to_ack_ms, talk_time_ms, final_after_ms }
}

describe('parseSipMessage', () => {
  it('reads start lines, compact and folded headers, and the body', () => {
    const raw = 'SIP/2.0 183 Session Progress\r\nv: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKaa;received=203.0.113.7, SIP/2.0/UDP 10.0.0.2;branch=z9hG4bKbb\r\n' +
      'f: "A, B" <sip:a@x;tag=in-uri>;tag=ft\r\nt: <sip:b@y>;tag=tt\r\ni: abc\r\nCSeq: 7 invite\r\nSubject: first\r\n  continued\r\nl: 5\r\n\r\nv=0\r\n'
    const message = parseSipMessage(raw)!
    expect([message.kind, message.status, message.reason]).toEqual(['response', 183, 'Session Progress'])
    expect(message.headers['call-id']).toEqual(['abc'])
    expect(message.headers.subject).toEqual(['first continued'])
    expect(message.body).toBe('v=0\r\n')
    expect(topViaBranch(message)).toBe('z9hG4bKaa')
    expect(toTag(message)).toBe('tt')
    expect(headerParam(message.headers.from![0]!, 'tag')).toBe('ft')
    expect(cseqOf(message)).toEqual({ seq: 7, method: 'INVITE' })
    expect(headerValues(message, 'via')).toEqual(['SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKaa;received=203.0.113.7', 'SIP/2.0/UDP 10.0.0.2;branch=z9hG4bKbb'])
    expect(splitValues('<sip:a@x>;q=1, "B, b" <sip:b@y>')).toEqual(['<sip:a@x>;q=1', '"B, b" <sip:b@y>'])
    expect(parseSipMessage('INVITE sip:1@x SIP/2.0\r\nCSeq: 1 INVITE')?.method).toBe('INVITE')
    expect(parseSipMessage('HTTP/1.1 200 OK\r\n\r\n')).toBeUndefined()
  })

  it('reads a header on demand, in any case or compact form, folded lines joined, without parsing the rest', () => {
    const head = SipHead.read('INVITE sip:1@x SIP/2.0\r\nVIA : SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKq\r\nv: SIP/2.0/UDP 10.0.0.2;branch=z9hG4bKr\r\n' +
      'cseq: 9 invite\r\nSubject: one\r\n\ttwo\r\nX-Via-Note: not a Via\r\n\r\nv=0\r\n')!
    expect([head.start.kind, head.start.method, head.get('via'), head.get('cseq'), head.get('subject'), head.has('contact'), head.body]).toEqual([
      'request', 'INVITE', 'SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKq', '9 invite', 'one two', false, 'v=0\r\n'
    ])
    expect(head.message().headers.via).toEqual(['SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKq', 'SIP/2.0/UDP 10.0.0.2;branch=z9hG4bKr'])
    expect(SipHead.read('SIP/2.0 20 OK\r\n\r\n')).toBeUndefined()
    expect(SipHead.read('invite sip:1@x SIP/2.0\r\n\r\n')).toBeUndefined()
    // Bare LF line ends, and a body that holds the blank line's twin.
    const lf = parseSipMessage('SIP/2.0 200 OK\nCall-ID: x\nContent-Type: application/sdp\n\nv=0\n\nm=audio 1 RTP/AVP 0\n')!
    expect([lf.status, lf.headers['call-id'], lf.body]).toEqual([200, ['x'], 'v=0\n\nm=audio 1 RTP/AVP 0\n'])
  })

  it('reads Via sent-by, branch, received and rport, and survives an empty Via', () => {
    expect(parseVia('SIP/2.0/UDP 192.168.1.20:5060;branch=z9hG4bK1;received=203.0.113.77;rport=61044')).toEqual({
      transport: 'UDP', host: '192.168.1.20', port: 5060, branch: 'z9hG4bK1', received: '203.0.113.77', rport: '61044'
    })
    expect(parseVia('SIP/2.0/TLS [2001:db8::5]:5061;branch=z9hG4bK2;rport')).toEqual({ transport: 'TLS', host: '2001:db8::5', port: 5061, branch: 'z9hG4bK2', rport: '' })
    expect(parseVia('')).toBeUndefined()
    expect(parseVia(undefined)).toBeUndefined()
    expect(parseVia('garbage')).toBeUndefined()
    const bare = parseSipMessage('INVITE sip:1@x SIP/2.0\r\nVia:\r\nCSeq: 1 INVITE\r\n\r\n')!
    expect(bare.headers.via).toEqual([''])
    expect(topViaBranch(bare)).toBeUndefined()
  })

  it('reads URIs in name-addr and bare form, and Reason causes', () => {
    expect(parseUri('"ACME" <sip:14155550123@203.0.113.10:5062;transport=udp>;tag=x')).toEqual({ user: '14155550123', host: '203.0.113.10', port: 5062 })
    expect(parseUri('sip:7001%23447700900123@198.51.100.5;user=phone')).toEqual({ user: '7001%23447700900123', host: '198.51.100.5' })
    expect(parseUri('<tel:+447700900123>')).toEqual({ user: '+447700900123', host: '' })
    expect(parseUri('*')).toBeUndefined()
    const bye = parseSipMessage('BYE sip:1@x SIP/2.0\r\nReason: SIP;cause=200;text="Call completed elsewhere", Q.850;cause=16;text="Normal call clearing"\r\n\r\n')!
    expect(reasonsOf(bye)).toEqual([
      { protocol: 'SIP', cause: 200, text: 'Call completed elsewhere' },
      { protocol: 'Q.850', cause: 16, text: 'Normal call clearing' }
    ])
  })
})

describe('analyzeTrace', () => {
  it('measures an answered call: PDD to the 183, setup to the 200, talk time to the BYE, and who hung up', () => {
    const trace = answeredLeg('call-a@203.0.113.10', { ip: CUSTOMER }, { ip: SWITCH }, { ring: 2100, answer: 8100, bye: 68100 })
    const analysis = analyzeTrace(trace.toReversed())
    const { call } = analysis
    expect([call.state, call.final_response, call.from, call.to, call.dialled, call.messages]).toEqual(['answered', { code: 200, reason: 'OK' }, CUSTOMER, SWITCH, '447700900123', 7])
    expect(timings(call)).toEqual({ pdd_ms: 2100, pdd_after_auth_ms: null, setup_time_ms: 8100, ring_time_ms: 6000, answer_to_ack_ms: 40, talk_time_ms: 60000, final_after_ms: 8100 })
    expect(analysis.trace_span_ms).toBe(68130)
    expect(analysis.started_at).toBe('2026-01-02T10:15:04.000Z')
    expect(call.release).toEqual({
      method: 'BYE', by: 'caller', party: 'customer', at: { message: 5, t_ms: 68100, label: 'BYE' },
      reason: { protocol: 'Q.850', cause: 16, text: 'Normal call clearing', name: 'Normal call clearing' }, response: 200
    })
    expect(analysis.release).toEqual({ by: 'customer', leg: 'A', method: 'BYE', at: { message: 5, t_ms: 68100, label: 'BYE' }, reason: call.release!.reason, byes: [{ leg: 'A', by: 'customer' }] })
    expect(call.provisional).toEqual([{ code: 183, reason: 'Session Progress', sdp: false, at: { message: 2, t_ms: 2100, label: '183 Session Progress' } }])
    const { offer_at: _o, answer_at: _a, ...media } = call.media!
    expect(media).toEqual({
      offered: ['PCMU', 'PCMA', 'G729'],
      answered: ['PCMA'],
      negotiated: 'PCMA',
      telephone_event: { offered: true, answered: true },
      direction: { offer: 'sendrecv', answer: 'sendrecv' },
      rejected: false,
      addresses: { offer: CUSTOMER, answer: SWITCH },
      early_media: false,
      holds: [],
      on_hold_at_end: false
    })
    expect([call.transactions, call.retransmitted_copies, call.nat, analysis.findings]).toEqual([2, 0, [], []])
    expect(analysis.ladder.map(s => `${s.t_ms} ${s.label}`)).toEqual([
      '0 INVITE', '12 100 Trying', '2100 183 Session Progress', '8100 200 OK', '8140 ACK', '68100 BYE', '68130 200 OK (BYE)'
    ])
  })

  it('does not take the 200 that answers a CANCEL for an answer (prior-art bug)', () => {
    const analysis = analyzeTrace([
      A.req(0, 'INVITE', { branch: 'z9hG4bK1', cseq: 1 }),
      A.res(1500, 180, 'Ringing', { branch: 'z9hG4bK1', cseq: 1, toTag: 't' }),
      A.req(9000, 'CANCEL', { branch: 'z9hG4bK1', cseq: 1 }),
      A.res(9010, 200, 'OK', { branch: 'z9hG4bK1', cseq: 1, method: 'CANCEL', toTag: 't' }),
      A.res(9020, 487, 'Request Terminated', { branch: 'z9hG4bK1', cseq: 1, toTag: 't' }),
      A.req(9030, 'ACK', { branch: 'z9hG4bK1', cseq: 1, toTag: 't' })
    ])
    const { call } = analysis
    expect([call.state, call.final_response]).toEqual(['cancelled', { code: 487, reason: 'Request Terminated' }])
    expect(timings(call)).toEqual({ pdd_ms: 1500, pdd_after_auth_ms: null, setup_time_ms: null, ring_time_ms: 7520, answer_to_ack_ms: null, talk_time_ms: null, final_after_ms: 9020 })
    expect(call.release).toEqual({ method: 'CANCEL', by: 'caller', party: 'customer', at: { message: 2, t_ms: 9000, label: 'CANCEL' }, reason: null, response: 200 })
    expect(analysis.ladder[3]!.label).toBe('200 OK (CANCEL)')
    expect(analysis.findings.map(f => [f.code, f.severity, f.title])).toEqual([['caller_cancelled', 'info', 'The caller hung up after 7.5 s of ringing']])
  })

  it('counts a 407 challenge and the new INVITE as one call: not a retransmission, not a failure (prior-art bug)', () => {
    const analysis = analyzeTrace([
      A.req(0, 'INVITE', { branch: 'z9hG4bKa', cseq: 1 }),
      A.res(20, 407, 'Proxy Authentication Required', { branch: 'z9hG4bKa', cseq: 1, toTag: 'x', headers: ['Proxy-Authenticate: Digest realm="sbc.example.net", nonce="abc", algorithm=MD5'] }),
      A.req(30, 'ACK', { branch: 'z9hG4bKa', cseq: 1, toTag: 'x' }),
      A.req(40, 'INVITE', { branch: 'z9hG4bKb', cseq: 2, headers: ['Proxy-Authorization: Digest username="acme", realm="sbc.example.net", nonce="abc"'] }),
      A.res(2040, 180, 'Ringing', { branch: 'z9hG4bKb', cseq: 2, toTag: 'y' }),
      A.res(5040, 200, 'OK', { branch: 'z9hG4bKb', cseq: 2, toTag: 'y' })
    ])
    const { call } = analysis
    expect([call.state, call.final_response, call.auth_challenges]).toEqual(['answered', { code: 200, reason: 'OK' }, 1])
    expect(call.auth).toEqual({ username: 'acme', challenges: 1, stale: 0, with_credentials: 1, rejected_credentials: false, loop: false })
    expect([call.pdd_ms, call.pdd_after_auth_ms, call.setup_time_ms]).toEqual([2040, 2000, 5040])
    expect([call.retransmissions, call.retransmitted_copies, call.unanswered_invites]).toEqual([[], 0, 0])
    expect(analysis.ladder[3]!.label).toBe('INVITE (with credentials)')
    expect(analysis.findings.map(f => f.code)).toEqual(['auth_challenge'])
    expect(analysis.findings[0]!.meaning).toBe('Digest authentication as normal: the first INVITE was challenged and resent with credentials; this is not a failure or a retransmission. PDD 2.0 s from the first INVITE, 2.0 s from the authenticated one.')
  })

  it('treats a repeated INVITE with the same branch as one transaction, retransmitted by Timer A', () => {
    const analysis = analyzeTrace([0, 500, 1500, 3500].map(at => A.req(at, 'INVITE', { branch: 'z9hG4bKr', cseq: 5 }))
      .concat(A.res(3600, 100, 'Trying', { branch: 'z9hG4bKr', cseq: 5 }), A.res(32000, 408, 'Request Timeout', { branch: 'z9hG4bKr', cseq: 5, toTag: 'l' })))
    const { call } = analysis
    expect([call.state, call.final_response, call.auth_challenges, call.transactions]).toEqual(['rejected', { code: 408, reason: 'Request Timeout' }, 0, 1])
    expect(call.retransmissions).toEqual([{
      label: 'INVITE',
      first: { message: 0, t_ms: 0, label: 'INVITE' },
      sent: 4,
      intervals_ms: [500, 1000, 2000],
      pattern: 'doubling',
      timer: 'Timer A: the INVITE is resent at T1 (0.5 s) doubling each time until a response arrives (Timer B gives up at 32 s)',
      answered: true
    }])
    expect(call.retransmitted_copies).toBe(3)
    expect(analysis.ladder.map(s => [s.label, s.sent])).toEqual([['INVITE', 4], ['100 Trying', 1], ['408 Request Timeout', 1]])
  })

  it('keeps the INVITE outcome when a later in-dialog request fails: the last 4xx is not the final response (prior-art bug)', () => {
    const analysis = analyzeTrace([
      A.req(0, 'INVITE', { branch: 'z9hG4bK1', cseq: 1, body: sdp(CUSTOMER, [8, 101]) }),
      A.res(900, 200, 'OK', { branch: 'z9hG4bK1', cseq: 1, toTag: 't', body: sdp(SWITCH, [8, 101]) }),
      A.req(950, 'ACK', { branch: 'z9hG4bK2', cseq: 1, toTag: 't' }),
      A.req(3000, 'INVITE', { branch: 'z9hG4bK3', cseq: 2, toTag: 't', body: sdp(CUSTOMER, [18], { version: 1002 }) }),
      A.res(3020, 488, 'Not Acceptable Here', { branch: 'z9hG4bK3', cseq: 2, toTag: 't' }),
      A.req(5000, 'BYE', { branch: 'z9hG4bK9', cseq: 3, toTag: 't' }),
      A.res(5020, 481, 'Call/Transaction Does Not Exist', { branch: 'z9hG4bK9', cseq: 3, toTag: 't', method: 'BYE' })
    ])
    const { call } = analysis
    expect([call.state, call.final_response, call.pdd_ms, call.talk_time_ms]).toEqual(['answered', { code: 200, reason: 'OK' }, 900, 4100])
    expect(analysis.ladder[3]!.label).toBe('re-INVITE')
    expect(call.release).toMatchObject({ method: 'BYE', response: 481 })
    expect(analysis.findings.map(f => [f.code, f.severity])).toEqual([['bye_failed', 'warning']])
  })

  it('reports a call with no final response, busy calls as busy, and redirects as redirected', () => {
    const noFinal = analyzeTrace([A.req(0, 'INVITE', { branch: 'z9hG4bK1', cseq: 1 }), A.res(5, 100, 'Trying', { branch: 'z9hG4bK1', cseq: 1 })])
    expect([noFinal.call.state, noFinal.call.final_after_ms, noFinal.call.got_response, noFinal.findings]).toEqual(['no_final_response', null, true, []])
    const busy = analyzeTrace([A.req(0, 'INVITE', { branch: 'z9hG4bK1', cseq: 1 }), A.res(5, 486, 'Busy Here', { branch: 'z9hG4bK1', cseq: 1, toTag: 'b' })])
    expect([busy.call.state, busy.call.final_response, busy.call.pdd_ms]).toEqual(['busy', { code: 486, reason: 'Busy Here' }, null])
    const moved = analyzeTrace([A.req(0, 'INVITE', { branch: 'z9hG4bK1', cseq: 1 }), A.res(5, 302, 'Moved Temporarily', { branch: 'z9hG4bK1', cseq: 1, toTag: 'm' })])
    expect(moved.call.state).toBe('redirected')
  })

  it('names legs by order of appearance: A is the customer\'s, then B1, B2; the asked Call-ID is kept', () => {
    const b = leg('call-b', { ip: SWITCH }, { ip: CARRIER })
    const trace = [
      A.req(0, 'INVITE', { branch: 'z9hG4bK1', cseq: 1 }),
      b.req(30, 'INVITE', { branch: 'z9hG4bK2', cseq: 1 }),
      b.res(60, 503, 'Service Unavailable', { branch: 'z9hG4bK2', cseq: 1, toTag: 'c' })
    ]
    const analysis = analyzeTrace(trace, 'call-b')
    expect(analysis.legs.map(l => [l.leg, l.callid, l.state, l.caller_role, l.callee_role])).toEqual([
      ['A', 'call-a@203.0.113.10', 'no_final_response', 'customer', 'switch'],
      ['B1', 'call-b', 'rejected', 'switch', 'carrier']
    ])
    expect(analysis.callid).toBe('call-b')
    expect(analysis.ladder.map(s => s.leg)).toEqual(['A', 'B1', 'B1'])
    const empty = analyzeTrace([], 'x')
    expect([empty.message_count, empty.call.state, empty.legs, empty.findings, empty.ladder, empty.started_at]).toEqual([0, 'no_final_response', [], [], [], null])
  })

  it('names the legs of a shared Call-ID by path, alike in the analysis and in the raw messages', () => {
    const trace = sharedCallidTimeout()
    const analysis = analyzeTrace(trace)
    const raw = rawMessages(trace)
    expect(raw.messages.map(m => `${m.leg} ${m.method}`)).toEqual(['A INVITE', 'A 100 Trying', ...Array<string>(7).fill('B1 INVITE'), 'A 408 Request Timeout', 'A ACK'])
    expect(analysis.ladder.map(s => `${s.leg} ${s.label} ×${s.sent}`)).toEqual(['A INVITE ×1', 'A 100 Trying ×1', 'B1 INVITE ×7', 'A 408 Request Timeout ×1', 'A ACK ×1'])
  })

  it('drops capture duplicates (the same packet within 50 ms) and keeps what cannot be parsed', () => {
    const invite = A.req(0, 'INVITE', { branch: 'z9hG4bK1', cseq: 1 })
    const mirror = { ...invite, micro_ts: invite.micro_ts + 300 }
    const garbled: TraceMessage = { ...A.res(40, 100, 'Trying', { branch: 'z9hG4bK1', cseq: 1 }), msg: '' }
    const analysis = analyzeTrace([invite, mirror, garbled, A.res(900, 486, 'Busy Here', { branch: 'z9hG4bK1', cseq: 1, toTag: 'b' })])
    expect([analysis.message_count, analysis.capture_duplicates, analysis.unparsed, analysis.call.retransmitted_copies]).toEqual([3, 1, 1, 0])
    expect(analysis.ladder.map(s => s.label)).toEqual(['INVITE', '100 Trying', '486 Busy Here'])
    // The raw messages are numbered as the analysis numbers them (the mirror copy dropped), and can be paged.
    const busy = A.res(900, 486, 'Busy Here', { branch: 'z9hG4bK1', cseq: 1, toTag: 'b' })
    const b = leg('call-b', { ip: SWITCH }, { ip: CARRIER }).req(500, 'INVITE', { branch: 'z9hG4bK2', cseq: 1 })
    const raw = rawMessages([busy, invite, mirror, garbled, b], 1, 3)
    expect(raw.total).toBe(4)
    expect(raw.messages.map(m => [m.message, m.t_ms, m.leg, m.from, m.to, m.method, m.text === busy.msg])).toEqual([
      [1, 40, 'A', '198.51.100.5', '203.0.113.10', '100 Trying', false],
      [2, 500, 'B1', '198.51.100.5', '192.0.2.20', 'INVITE', false]
    ])
    expect(rawMessages([busy, invite], 1).messages).toEqual([{ message: 1, t_ms: 900, leg: 'A', from: '198.51.100.5', to: '203.0.113.10', method: '486 Busy Here', text: busy.msg }])
  })

  it('reads the calling number and the edge proxy of each leg from its first INVITE', () => {
    const edged = leg('call-e', { ip: CUSTOMER }, { ip: SWITCH }, { cli: '%2B442079460001' })
    const analysis = analyzeTrace([
      edged.req(0, 'INVITE', { branch: 'z9hG4bK1', cseq: 1, headers: ['X-AnyEdge-Host: edge-lon1.example.net'] }),
      leg('call-f', { ip: SWITCH }, { ip: CARRIER }).req(40, 'INVITE', { branch: 'z9hG4bK2', cseq: 1 })
    ])
    expect(analysis.legs.map(l => [l.leg, l.cli, l.edge_host])).toEqual([['A', '+442079460001', 'edge-lon1.example.net'], ['B1', '14155550123', null]])
  })

  it('falls back to the ISO date when micro_ts is missing, and to ruri_user when msg is not SIP', () => {
    const packet = { ...A.req(0, 'INVITE', { branch: 'z9hG4bK1', cseq: 1 }), micro_ts: Number.NaN, date: '2026-01-02T10:15:05.500Z', msg: '', ruri_user: '447700900123' }
    const analysis = analyzeTrace([packet])
    expect([analysis.started_at, analysis.call.dialled, analysis.ladder[0]!.label, analysis.unparsed]).toEqual(['2026-01-02T10:15:05.500Z', '447700900123', 'INVITE', 1])
  })
})
