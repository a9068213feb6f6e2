import { describe, expect, it } from 'vitest'
import { cseqOf, headerParam, parseSipMessage, splitValues, toTag, topViaBranch } from '../../src/analysis/sipMessage'
import { analyzeTrace, type TraceMessage } from '../../src/analysis/sipTrace'

const CALLER = '203.0.113.10'
const SWITCH = '198.51.100.5'
const T0 = 1_767_348_904_000_000

interface Sip {
  at: number
  start: string
  branch: string
  cseq: string
  toTag?: string
  from?: string
  to?: string
  callid?: string
  extra?: string[]
}

/** One packet: `start` is the request or status line; requests go caller → switch unless `from` says otherwise. */
function packet (sip: Sip): TraceMessage {
  const isResponse = sip.start.startsWith('SIP/2.0')
  const from = sip.from ?? (isResponse ? SWITCH : CALLER)
  const to = sip.to ?? (isResponse ? CALLER : SWITCH)
  const callid = sip.callid ?? 'call-a@203.0.113.10'
  const msg = [
    sip.start,
    `Via: SIP/2.0/UDP ${isResponse ? to : from}:5060;branch=${sip.branch};rport`,
    `From: <sip:14155550123@${CALLER}>;tag=f1`,
    `To: <sip:447700900123@${SWITCH}>${sip.toTag === undefined ? '' : `;tag=${sip.toTag}`}`,
    `Call-ID: ${callid}`,
    `CSeq: ${sip.cseq}`,
    ...(sip.extra ?? []),
    'Content-Length: 0',
    '',
    ''
  ].join('\r\n')
  const status = /^SIP\/2\.0 (\d{3}) ?(.*)$/.exec(sip.start)
  return {
    micro_ts: T0 + sip.at * 1000,
    callid,
    method: status === null ? sip.start.split(' ')[0]! : status[1]!,
    reply_reason: status?.[2] ?? '',
    source_ip: from,
    source_port: 5060,
    destination_ip: to,
    destination_port: 5060,
    msg
  }
}

const INVITE = 'INVITE sip:447700900123@198.51.100.5 SIP/2.0'

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
    expect(splitValues('<sip:a@x>;q=1, "B, b" <sip:b@y>')).toEqual(['<sip:a@x>;q=1', '"B, b" <sip:b@y>'])
    expect(parseSipMessage('INVITE sip:1@x SIP/2.0\r\nCSeq: 1 INVITE')?.method).toBe('INVITE')
    expect(parseSipMessage('HTTP/1.1 200 OK\r\n\r\n')).toBeUndefined()
  })
})

describe('analyzeTrace', () => {
  it('measures an answered call: PDD to the 183, setup to the 200, talk time to the BYE', () => {
    const trace = [
      packet({ at: 0, start: INVITE, branch: 'z9hG4bK1', cseq: '10 INVITE' }),
      packet({ at: 10, start: 'SIP/2.0 100 Trying', branch: 'z9hG4bK1', cseq: '10 INVITE' }),
      packet({ at: 2100, start: 'SIP/2.0 183 Session Progress', branch: 'z9hG4bK1', cseq: '10 INVITE', toTag: 't1' }),
      packet({ at: 8100, start: 'SIP/2.0 200 OK', branch: 'z9hG4bK1', cseq: '10 INVITE', toTag: 't1' }),
      packet({ at: 8150, start: 'ACK sip:447700900123@198.51.100.5 SIP/2.0', branch: 'z9hG4bK2', cseq: '10 ACK', toTag: 't1' }),
      packet({ at: 68100, start: 'BYE sip:447700900123@198.51.100.5 SIP/2.0', branch: 'z9hG4bK3', cseq: '11 BYE', toTag: 't1' }),
      packet({ at: 68150, start: 'SIP/2.0 200 OK', branch: 'z9hG4bK3', cseq: '11 BYE', toTag: 't1' })
    ]
    const analysis = analyzeTrace(trace.toReversed())
    expect(analysis.call).toEqual({
      callid: 'call-a@203.0.113.10',
      leg: 'A',
      from: CALLER,
      to: SWITCH,
      state: 'answered',
      final_response: { code: 200, reason: 'OK' },
      auth_challenges: 0,
      messages: 7,
      pdd_ms: 2100,
      setup_time_ms: 8100,
      talk_time_ms: 60000
    })
    expect(analysis.trace_span_ms).toBe(68150)
    expect(analysis.ladder.map(s => `${s.t_ms} ${s.label}`)).toEqual([
      '0 INVITE', '10 100 Trying', '2100 183 Session Progress', '8100 200 OK', '8150 ACK', '68100 BYE', '68150 200 OK (BYE)'
    ])
  })

  it('does not take the 200 that answers a CANCEL for an answer', () => {
    const analysis = analyzeTrace([
      packet({ at: 0, start: INVITE, branch: 'z9hG4bK1', cseq: '1 INVITE' }),
      packet({ at: 1500, start: 'SIP/2.0 180 Ringing', branch: 'z9hG4bK1', cseq: '1 INVITE', toTag: 't' }),
      packet({ at: 9000, start: 'CANCEL sip:447700900123@198.51.100.5 SIP/2.0', branch: 'z9hG4bK1', cseq: '1 CANCEL' }),
      packet({ at: 9010, start: 'SIP/2.0 200 OK', branch: 'z9hG4bK1', cseq: '1 CANCEL', toTag: 't' }),
      packet({ at: 9020, start: 'SIP/2.0 487 Request Terminated', branch: 'z9hG4bK1', cseq: '1 INVITE', toTag: 't' }),
      packet({ at: 9030, start: 'ACK sip:447700900123@198.51.100.5 SIP/2.0', branch: 'z9hG4bK1', cseq: '1 ACK', toTag: 't' })
    ])
    expect(analysis.call.state).toBe('cancelled')
    expect(analysis.call.final_response).toEqual({ code: 487, reason: 'Request Terminated' })
    expect([analysis.call.pdd_ms, analysis.call.setup_time_ms, analysis.call.talk_time_ms]).toEqual([1500, null, null])
    expect(analysis.ladder[3]!.label).toBe('200 OK (CANCEL)')
  })

  it('counts a 407 challenge and the new INVITE as one call, not a retransmission or a failure', () => {
    const analysis = analyzeTrace([
      packet({ at: 0, start: INVITE, branch: 'z9hG4bKa', cseq: '1 INVITE' }),
      packet({ at: 20, start: 'SIP/2.0 407 Proxy Authentication Required', branch: 'z9hG4bKa', cseq: '1 INVITE', toTag: 'x' }),
      packet({ at: 30, start: 'ACK sip:447700900123@198.51.100.5 SIP/2.0', branch: 'z9hG4bKa', cseq: '1 ACK', toTag: 'x' }),
      packet({ at: 40, start: INVITE, branch: 'z9hG4bKb', cseq: '2 INVITE', extra: ['Proxy-Authorization: Digest username="acme", realm="sbc"'] }),
      packet({ at: 2040, start: 'SIP/2.0 180 Ringing', branch: 'z9hG4bKb', cseq: '2 INVITE', toTag: 'y' }),
      packet({ at: 5040, start: 'SIP/2.0 200 OK', branch: 'z9hG4bKb', cseq: '2 INVITE', toTag: 'y' })
    ])
    expect(analysis.call.state).toBe('answered')
    expect(analysis.call.final_response).toEqual({ code: 200, reason: 'OK' })
    expect(analysis.call.auth_challenges).toBe(1)
    expect([analysis.call.pdd_ms, analysis.call.setup_time_ms]).toEqual([2040, 5040])
    expect(analysis.ladder[3]!.label).toBe('INVITE (with credentials)')
  })

  it('treats a repeated INVITE with the same branch as one transaction', () => {
    const analysis = analyzeTrace([0, 500, 1500, 3500].map(at => packet({ at, start: INVITE, branch: 'z9hG4bKr', cseq: '5 INVITE' }))
      .concat(packet({ at: 32000, start: 'SIP/2.0 408 Request Timeout', branch: 'z9hG4bKr', cseq: '5 INVITE', toTag: 'l' })))
    expect(analysis.call.state).toBe('rejected')
    expect(analysis.call.final_response).toEqual({ code: 408, reason: 'Request Timeout' })
    expect(analysis.call.auth_challenges).toBe(0)
  })

  it('keeps the INVITE outcome when a later in-dialog request fails', () => {
    const analysis = analyzeTrace([
      packet({ at: 0, start: INVITE, branch: 'z9hG4bK1', cseq: '1 INVITE' }),
      packet({ at: 900, start: 'SIP/2.0 200 OK', branch: 'z9hG4bK1', cseq: '1 INVITE', toTag: 't' }),
      packet({ at: 5000, start: 'BYE sip:447700900123@198.51.100.5 SIP/2.0', branch: 'z9hG4bK9', cseq: '2 BYE', toTag: 't' }),
      packet({ at: 5020, start: 'SIP/2.0 481 Call/Transaction Does Not Exist', branch: 'z9hG4bK9', cseq: '2 BYE', toTag: 't' })
    ])
    expect(analysis.call.state).toBe('answered')
    expect(analysis.call.final_response).toEqual({ code: 200, reason: 'OK' })
    expect(analysis.call.pdd_ms).toBe(900)
  })

  it('reports a call with no final response, and busy calls as busy', () => {
    expect(analyzeTrace([packet({ at: 0, start: INVITE, branch: 'z9hG4bK1', cseq: '1 INVITE' }), packet({ at: 5, start: 'SIP/2.0 100 Trying', branch: 'z9hG4bK1', cseq: '1 INVITE' })]).call.state)
      .toBe('no_final_response')
    expect(analyzeTrace([packet({ at: 0, start: INVITE, branch: 'z9hG4bK1', cseq: '1 INVITE' }), packet({ at: 5, start: 'SIP/2.0 486 Busy Here', branch: 'z9hG4bK1', cseq: '1 INVITE', toTag: 'b' })]).call)
      .toMatchObject({ state: 'busy', final_response: { code: 486, reason: 'Busy Here' }, pdd_ms: null })
  })

  it('names the asked-for Call-ID leg A and the others B1, B2 in order of appearance', () => {
    const a = packet({ at: 0, start: INVITE, branch: 'z9hG4bK1', cseq: '1 INVITE' })
    const b = packet({ at: 30, start: INVITE, branch: 'z9hG4bK2', cseq: '1 INVITE', callid: 'call-b', from: SWITCH, to: '192.0.2.20' })
    const bFail = packet({ at: 60, start: 'SIP/2.0 503 Service Unavailable', branch: 'z9hG4bK2', cseq: '1 INVITE', callid: 'call-b', from: '192.0.2.20', to: SWITCH, toTag: 'c' })
    expect(analyzeTrace([a, b, bFail]).legs.map(l => [l.leg, l.callid, l.state])).toEqual([['A', 'call-a@203.0.113.10', 'no_final_response'], ['B1', 'call-b', 'rejected']])
    expect(analyzeTrace([a, b, bFail], 'call-b').legs.map(l => [l.leg, l.callid])).toEqual([['A', 'call-b'], ['B1', 'call-a@203.0.113.10']])
    expect(analyzeTrace([]).message_count).toBe(0)
  })
})
