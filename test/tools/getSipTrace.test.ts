import { describe, expect, it } from 'vitest'
import type { ApiBackend } from '../../platform/backend'
import type { TraceMessage } from '../../src/analysis/traceTypes'
import { HARD_CAP_BYTES } from '../../src/lib/bounded'
import { getSipTrace } from '../../src/tools/getSipTrace'
import {
  answeredThenBye, cancelThen408, carrierCancelUnanswered, dialledThen404, failover503Then486, nattedToPublicSwitch, privateNetworkCall, sharedCallidBusy, sharedCallidTimeout
} from '../analysis/fixtures/defects'
import { answeredLeg, CARRIER, CUSTOMER, leg, sdp, SWITCH } from '../analysis/fixtures/sip'
import { bothRunners, nodeRunner, type Runner } from './runners'

/** A backend whose `log/trace` answers `messages` (for any Call-ID) and everything else an empty list. */
function traceBackend (messages: TraceMessage[]): ApiBackend {
  return async request => ({ status: 200, statusText: 'OK', body: JSON.stringify(request.path.startsWith('log/trace') ? messages : []) })
}

const A = leg('call-a', { ip: CUSTOMER }, { ip: SWITCH })

/** The customer gives up while it rings: CANCEL, 200 for the CANCEL, 487 for the INVITE. */
const cancelled: TraceMessage[] = [
  A.req(0, 'INVITE', { branch: 'z9hG4bKa1', cseq: 1, body: sdp(CUSTOMER, [8, 101]) }),
  A.res(10, 100, 'Trying', { branch: 'z9hG4bKa1', cseq: 1 }),
  A.res(2000, 180, 'Ringing', { branch: 'z9hG4bKa1', cseq: 1, toTag: 'sw' }),
  A.req(20_000, 'CANCEL', { branch: 'z9hG4bKa1', cseq: 1 }),
  A.res(20_010, 200, 'OK', { branch: 'z9hG4bKa1', cseq: 1, method: 'CANCEL' }),
  A.res(20_020, 487, 'Request Terminated', { branch: 'z9hG4bKa1', cseq: 1, toTag: 'sw' }),
  A.req(20_030, 'ACK', { branch: 'z9hG4bKa1', cseq: 1, toTag: 'sw' })
]

/** A 407 challenge, the INVITE again with credentials, answered; the callee's BYE is answered 481. */
function challengedThen (extra: { natHeader?: string } = {}): TraceMessage[] {
  const headers = extra.natHeader === undefined ? [] : [extra.natHeader]
  return [
    A.req(0, 'INVITE', { branch: 'z9hG4bKa1', cseq: 1, body: sdp(CUSTOMER, [8, 101]), headers }),
    A.res(15, 407, 'Proxy Authentication Required', { branch: 'z9hG4bKa1', cseq: 1, toTag: 'sw', headers: ['Proxy-Authenticate: Digest realm="sw", nonce="n1"'] }),
    A.req(30, 'ACK', { branch: 'z9hG4bKa1', cseq: 1, toTag: 'sw' }),
    A.req(60, 'INVITE', { branch: 'z9hG4bKa2', cseq: 2, body: sdp(CUSTOMER, [8, 101]), headers: [...headers, 'Proxy-Authorization: Digest username="pbx", realm="sw", nonce="n1", response="x"'] }),
    A.res(70, 100, 'Trying', { branch: 'z9hG4bKa2', cseq: 2 }),
    A.res(2060, 180, 'Ringing', { branch: 'z9hG4bKa2', cseq: 2, toTag: 'sw2' }),
    A.res(9060, 200, 'OK', { branch: 'z9hG4bKa2', cseq: 2, toTag: 'sw2', body: sdp(SWITCH, [8, 101]) }),
    A.req(9100, 'ACK', { branch: 'z9hG4bKa3', cseq: 2, toTag: 'sw2' }),
    A.req(69_060, 'BYE', { branch: 'z9hG4bKb9', cseq: 3, toTag: 'sw2', by: 'callee' }),
    A.res(69_080, 481, 'Call/Transaction Does Not Exist', { branch: 'z9hG4bKb9', cseq: 3, toTag: 'sw2', by: 'caller', method: 'BYE' })
  ]
}

/**
 * An hour-long answered call with 5,000 messages: both legs (14), then DTMF INFOs from the
 * customer, each answered, every fourth sent twice.
 */
function longCall (): TraceMessage[] {
  const messages: TraceMessage[] = [
    ...answeredLeg('call-a', { ip: CUSTOMER }, { ip: SWITCH }, { ring: 2000, answer: 8000, bye: 3_600_000 }),
    ...answeredLeg('call-b', { ip: SWITCH }, { ip: CARRIER }, { ring: 1980, answer: 7980, bye: 3_600_010 })
  ]
  for (let i = 0; messages.length < 5000; i++) {
    const info = A.req(10_000 + i * 700, 'INFO', { branch: `z9hG4bKi${i}`, cseq: 100 + i, toTag: 't1', headers: ['Content-Type: application/dtmf-relay'] })
    messages.push(info)
    if (i % 4 === 0 && messages.length < 5000) messages.push({ ...info, micro_ts: info.micro_ts + 500_000 })
    if (messages.length < 5000) messages.push(A.res(10_000 + i * 700 + 300, 200, 'OK', { branch: `z9hG4bKi${i}`, cseq: 100 + i, toTag: 't1', method: 'INFO' }))
  }
  return messages
}

const codes = (result: Record<string, any>): string[] => result.findings.map((f: { code: string }) => f.code)

describe.each(bothRunners(traceBackend(cancelled)).map((r, i) => [r.name, i] as [string, number]))('getSipTrace: the prior art\'s bugs (%s)', (_name, index) => {
  const run = (messages: TraceMessage[], args: Record<string, unknown> = { callid: 'call-a' }) => bothRunners(traceBackend(messages))[index]!.call(getSipTrace, args)

  it('a 200 OK answering a CANCEL is not an answer: the call was cancelled, never connected', async () => {
    const { result } = await run(cancelled)
    expect(result.summary).toBe('Call call-a was cancelled before answer: the caller hung up after 18.0 s of ringing. PDD 2.0 s, final response after 20.0 s; 1 leg, 7 SIP messages.')
    expect(result.outcome).toEqual({ state: 'cancelled', final_response: { code: 487, reason: 'Request Terminated' }, ended_by: 'customer', ended_how: 'CANCEL', auth_challenges: 0 })
    expect(result.timings).toEqual({ pdd_ms: 2000, setup_time_ms: null, ring_time_ms: 18_020, talk_time_ms: null, trace_span_ms: 20_030 })
  })

  it('the INVITE after a 407 is a new transaction with credentials, not a retransmission; a 407 or a BYE\'s 481 is not the final response', async () => {
    const { result } = await run(challengedThen())
    expect(result.outcome).toMatchObject({ state: 'answered', final_response: { code: 200, reason: 'OK' }, auth_challenges: 1 })
    // PDD counts from the first INVITE (what the caller waits), and from the authenticated one.
    expect(result.timings).toMatchObject({ pdd_ms: 2060, pdd_after_auth_ms: 2000, setup_time_ms: 9060, talk_time_ms: 60_000 })
    // The switch's BYE on the only leg in the trace is most likely the called party's, relayed: no claim that
    // the switch ended the call. Its BYE met a 481: a finding of its own, not the outcome.
    expect(codes(result)).toEqual(['bye_failed', 'auth_challenge'])
    expect(result.outcome).toMatchObject({ ended_by: 'unknown', ended_how: 'BYE' })
    expect(result.legs[0]).toMatchObject({ auth: { challenges: 1, with_credentials: 1, rejected_credentials: false } })
    expect(result.legs[0].retransmitted_copies).toBeUndefined()
  })

  it('reads the value of X-CX-NAT: a header that says false, or nothing, is no sign of NAT', async () => {
    for (const header of ['X-CX-NAT: false', 'X-CX-NAT: 0', 'X-CX-NAT:']) {
      expect(codes((await run(challengedThen({ natHeader: header }))).result)).not.toContain('nat_detected')
    }
    const flagged = (await run(challengedThen({ natHeader: 'X-CX-NAT: true' }))).result
    expect(flagged.findings.find((f: { code: string }) => f.code === 'nat_detected')).toMatchObject({ severity: 'info', title: 'Signs of NAT on the customer side', evidence: ['A +0 ms: INVITE (message 0)'] })
  })
})

describe.each(bothRunners(traceBackend(longCall())).map(r => [r.name, r] as [string, Runner]))('getSipTrace on a 5,000-message trace (%s)', (_name, runner) => {
  it('answers a few KB by default: the analysis, a ladder cut in the middle, no raw SIP', async () => {
    const { result, bytes } = await runner.call(getSipTrace, { callid: 'call-a' })
    expect(bytes).toBeLessThan(7000)
    expect(result.summary).toBe('Call call-a was answered, but INFO was sent 2 times before a response came. PDD 2.0 s, answered after 8.0 s, talk time 59 min 52 s; 2 legs, 5,000 SIP messages.')
    expect(result.truncated).toBeUndefined()
    expect(result.messages).toBeUndefined()
    const arrows = (result.ladder_mermaid as string).split('\n').filter(l => l.includes('>>'))
    expect(arrows).toHaveLength(36)
    expect(result.ladder_mermaid).toMatch(/\n {2}Note over P0,P2: … \d+ messages not shown …\n/)
    expect(result.ladder_note).toBe('The ladder draws the beginning and the end of the call (36 arrows for 5,000 messages); read any message with include_raw and from_message.')
    expect(result.legs.map((l: { leg: string, transport: string, cli: string }) => [l.leg, l.transport, l.cli])).toEqual([['A', 'UDP', '14155550123'], ['B1', 'UDP', '14155550123']])
    expect(result.next_steps.map((s: { tool: string }) => s.tool)).toEqual(['getCallQuality', 'investigateCall', 'getSipTrace'])
  })

  it('pages the raw messages by count and by bytes, each page under the cap, and says where the next starts', async () => {
    const first = await runner.call(getSipTrace, { callid: 'call-a', include_raw: true, limit: 50 })
    expect(first.bytes).toBeLessThan(HARD_CAP_BYTES)
    const count = first.result.messages.length
    // 50 messages of about 450 bytes do not fit a page's 14,000 bytes of SIP.
    expect(count).toBeGreaterThan(10)
    expect(count).toBeLessThan(50)
    expect(first.result.messages.map((m: { message: number }) => m.message)).toEqual(Array.from({ length: count }, (_, i) => i))
    expect(first.result.summary).toBe(`Raw SIP messages 0–${count - 1} of 5,000 of call call-a; next_cursor continues from message ${count}. The analysis (outcome, findings, ladder) is in getSipTrace without include_raw.`)
    expect(first.result.next_cursor).toBe(`o${count}`)
    expect(first.result.messages[0]).toMatchObject({ message: 0, t_ms: 0, leg: 'A', from: CUSTOMER, to: SWITCH, method: 'INVITE' })
    expect(first.result.messages[0].text).toMatch(/^INVITE sip:447700900123@198\.51\.100\.5:5060 SIP\/2\.0\r\nVia: /)

    const second = await runner.call(getSipTrace, { callid: 'call-a', limit: 5, cursor: first.result.next_cursor })
    expect(second.result.messages.map((m: { message: number }) => m.message)).toEqual([count, count + 1, count + 2, count + 3, count + 4])
    const last = await runner.call(getSipTrace, { callid: 'call-a', include_raw: true, from_message: 4998 })
    // The trace ends with the two BYEs' answers, an hour after the start.
    expect(last.result.messages.map((m: { message: number, leg: string, t_ms: number, method: string }) => [m.message, m.leg, m.t_ms, m.method])).toEqual([[4998, 'A', 3_600_030, '200 OK'], [4999, 'B1', 3_600_040, '200 OK']])
    expect([last.result.next_cursor, last.result.next_steps]).toEqual([undefined, []])
    const beyond = await runner.call(getSipTrace, { callid: 'call-a', include_raw: true, from_message: 5000 })
    expect(beyond.result).toMatchObject({ found: false, summary: 'Call call-a has 5,000 SIP messages; there is no message 5000.' })
  })
})

describe('getSipTrace: failures and bad input', () => {
  it('explains a missing trace with the 7-day retention and where to look instead', async () => {
    const { result, isError } = await nodeRunner(traceBackend([])).call(getSipTrace, { callid: 'gone' })
    expect(isError).toBe(false)
    expect(result.next_steps.map((s: { tool: string }) => s.tool)).toEqual(['searchCallLogs', 'investigateCall'])
    expect(result).toMatchObject({ summary: 'No SIP trace for Call-ID gone.', found: false, why: expect.stringContaining('Traces are kept for 7 days') })
  })

  it('names the parameter that is wrong', async () => {
    const runner = nodeRunner(traceBackend(cancelled))
    const cases: [Record<string, unknown>, string, string][] = [
      [{ callid: 'c', include_raw: 'yes' }, 'include_raw', 'include_raw must be a boolean, got the string "yes"; send true or false.'],
      [{ callid: 'c', from_message: -1 }, 'from_message', 'from_message must be between 0 and 100000; got -1.'],
      [{ callid: 'c', limit: 500 }, 'limit', 'limit must be between 1 and 50; got 500.'],
      [{ callid: 'c', cursor: 'page2' }, 'cursor', 'cursor "page2" is not one this tool issued; pass the next_cursor value of the previous page exactly, or leave cursor out for the first page'],
      [{ call_id: 'c' }, 'call_id', 'call_id is not a parameter of this tool; did you mean callid? (known parameters: callid, callidb, include_raw, from_message, limit, cursor). callid is required: SIP Call-ID of the call, as searchCallLogs returns it (callid).']
    ]
    for (const [args, parameter, message] of cases) {
      const { result, isError } = await runner.call(getSipTrace, args)
      expect(isError).toBe(true)
      expect(result.error).toEqual({ type: 'invalid_argument', parameter, message })
    }
  })

  it.each(bothRunners(async () => ({ status: 502, statusText: 'Bad Gateway', body: '{"error":"trace store unavailable"}' })).map(r => [r.name, r] as [string, Runner]))('reports a failing API as an upstream error with its status (%s)', async (_name, runner) => {
    const { result, isError } = await runner.call(getSipTrace, { callid: 'c' })
    expect(isError).toBe(true)
    expect(result.error).toMatchObject({ type: 'upstream', status: 502, message: expect.stringMatching(/^The ConnexCS API \(GET log\/trace\) failed \(HTTP 502\): /) })
  })
})

/** The first sentence of a summary: the outcome and the root cause. */
const firstSentence = (summary: string): string => summary.slice(0, summary.indexOf('. ') + 1)

describe.each(bothRunners(traceBackend([])).map((r, i) => [r.name, i] as [string, number]))('getSipTrace: the defect classes, on traces of our own (%s)', (_name, index) => {
  const run = async (messages: TraceMessage[], callid: string) => (await bothRunners(traceBackend(messages))[index]!.call(getSipTrace, { callid })).result
  const rootOf = (result: Record<string, any>): [string, string, string] => [result.findings[0].code, result.findings[0].severity, result.findings[0].title]

  it('1. legs that share a Call-ID: told apart by path, each with its retransmissions, and the final response the customer got', async () => {
    const result = await run(sharedCallidTimeout(), 'shared-1@203.0.113.10')
    expect(result.legs.map((l: Record<string, any>) => [l.leg, l.callid, l.path, l.state, l.final_response, l.retransmitted_copies ?? 0])).toEqual([
      ['A', 'shared-1@203.0.113.10', `customer ${CUSTOMER} → switch ${SWITCH}`, 'rejected', { code: 408, reason: 'Request Timeout' }, 0],
      ['B1', 'shared-1@203.0.113.10', `switch ${SWITCH} → carrier ${CARRIER}`, 'no_final_response', null, 6]
    ])
    expect(result.outcome).toMatchObject({ state: 'rejected', final_response: { code: 408, reason: 'Request Timeout' } })
    expect(rootOf(result)).toEqual(['carrier_timeout', 'critical', 'The carrier (B1, 192.0.2.20) never responded to the INVITE'])
    expect(result.findings[0].evidence).toEqual(['B1 +40 ms: INVITE (message 2)'])
    expect(firstSentence(result.summary)).toBe('Call shared-1@203.0.113.10 failed: the carrier (B1, 192.0.2.20) never responded to the INVITE.')

    const busy = await run(sharedCallidBusy(), 'shared-2@203.0.113.10')
    expect(busy.legs.map((l: Record<string, any>) => [l.leg, l.state, l.retransmitted_copies ?? 0])).toEqual([['A', 'busy', 0], ['B1', 'busy', 1]])
    expect(rootOf(busy)).toEqual(['carrier_rejected', 'info', 'The carrier (B1, 192.0.2.20) answered 486 Busy Here'])
  })

  it('2. what ended the call is the root cause: an unanswered CANCEL and the 408, not the private addresses', async () => {
    const result = await run(cancelThen408(), 'cancel-408@192.168.1.20')
    expect(rootOf(result)).toEqual(['cancel_unanswered', 'critical', 'The caller\'s CANCEL was never answered (sent 7 times); the call ended 32.0 s later with 408 Request Timeout'])
    expect(codes(result)).toEqual(['cancel_unanswered', 'nat_private_sdp', 'nat_private_contact', 'caller_cancelled', 'nat_detected'])
    expect(firstSentence(result.summary)).toBe('Call cancel-408@192.168.1.20 failed: the caller\'s CANCEL was never answered (sent 7 times); the call ended 32.0 s later with 408 Request Timeout.')
    expect(result.findings[0].evidence).toEqual(['A +12.0 s: CANCEL (message 3)', 'A +44.0 s: 408 Request Timeout (message 10)'])

    const carrier = await run(carrierCancelUnanswered(), 'cancel-b')
    expect(rootOf(carrier)).toEqual(['cancel_unanswered', 'critical', 'The switch\'s CANCEL to the carrier (B1, 192.0.2.20) was never answered (sent 11 times); no final response came'])
  })

  it('2. a failover names both the first carrier\'s failure and how the call ended', async () => {
    const result = await run(failover503Then486(), 'failover')
    expect(rootOf(result)).toEqual(['carrier_rejected', 'info', 'The carrier (B2, 192.0.2.30) answered 486 Busy Here, after the carrier (B1, 192.0.2.20) answered 503 Service Unavailable'])
    expect(result.findings[0].fix).toBe('Nothing to fix: a normal outcome. For the carrier tried first: Honour Retry-After and back off; check capacity and CPS limits; mark the gateway degraded; check our routing.')
    expect(result.findings[0].evidence).toEqual(['B2 +8.1 s: 486 Busy Here (message 9)', 'B2 +120 ms: INVITE (message 5)', 'B1 +90 ms: 503 Service Unavailable (message 3)'])
    expect(codes(result)).toEqual(['carrier_rejected', 'carrier_unavailable', 'crankback'])
    expect(firstSentence(result.summary)).toBe('Call failover was busy: the carrier (B2, 192.0.2.30) answered 486 Busy Here, after the carrier (B1, 192.0.2.20) answered 503 Service Unavailable.')
  })

  it('3. who ended a call: the switch\'s BYE on the customer\'s leg is relayed unless the carrier\'s leg shows otherwise', async () => {
    const alone = await run(answeredThenBye('bye', { legs: 'A' }), 'bye')
    expect([alone.outcome.ended_by, alone.outcome.bye_sent_by, codes(alone)]).toEqual(['unknown', { A: 'switch' }, []])
    expect(firstSentence(alone.summary)).toBe('Call bye was answered and ended normally after 1 min 30 s of talk: the switch sent the BYE to the caller (usually the called party\'s hang-up, relayed; the carrier\'s leg is not in the trace).')
    const relayed = await run(answeredThenBye(), 'bye')
    expect([relayed.outcome.ended_by, relayed.outcome.bye_sent_by, codes(relayed)]).toEqual(['carrier', { A: 'switch', B1: 'carrier' }, []])
    expect(firstSentence(relayed.summary)).toBe('Call bye was answered and ended normally: the called party hung up after 1 min 30 s of talk.')
    const byTheSwitch = await run(answeredThenBye('bye', { switchBoth: true }), 'bye')
    expect([byTheSwitch.outcome.ended_by, byTheSwitch.outcome.bye_sent_by]).toEqual(['switch', { A: 'switch', B1: 'switch' }])
    expect(rootOf(byTheSwitch)).toEqual(['switch_released_call', 'warning', 'The switch ended the answered call after 1 min 30 s of talk with Reason Q.850 cause 16 (Normal call clearing)'])
  })

  it('3. a malformed number is claimed only when its country\'s plan fails it and the corrected number passes', async () => {
    const cases: Array<[string, string, string]> = [
      ['44442079460123', 'duplicated_prefix', 'the country code 44 is there twice (44 44 2079460123)'],
      ['4402079460123', 'trunk_prefix_left', 'the national 0 is left in after the country code 44 (44 02079460123)'],
      ['114155550123', 'duplicated_prefix', 'the country code 1 is there twice (1 1 4155550123)'],
      ['3333612345678', 'duplicated_prefix', 'the country code 33 is there twice (33 33 612345678)'],
      ['330612345678', 'trunk_prefix_left', 'the national 0 is left in after the country code 33 (33 0612345678)'],
      ['4903012345678', 'trunk_prefix_left', 'the national 0 is left in after the country code 49 (49 03012345678)'],
      ['91919876543210', 'duplicated_prefix', 'the country code 91 is there twice (91 91 9876543210)'],
      ['610412345678', 'trunk_prefix_left', 'the national 0 is left in after the country code 61 (61 0412345678)'],
      ['3434612345678', 'duplicated_prefix', 'the country code 34 is there twice (34 34 612345678)']
    ]
    for (const [dialled, code, detail] of cases) {
      const result = await run(dialledThen404(dialled), `n-${dialled}`)
      expect([dialled, ...rootOf(result)]).toEqual([dialled, code, 'critical', `The number dialled (${dialled}) is malformed: ${detail}`])
    }
    // Numbers that fit their plan, Italy's 0 that belongs to the number, a short number, an extension: the 404 is the cause.
    for (const dialled of ['442079460123', '14155550123', '33612345678', '390612345678', '4949112345678', '919876543210', '3301234', '4401', '1001']) {
      const result = await run(dialledThen404(dialled), `n-${dialled}`)
      expect([dialled, ...rootOf(result)]).toEqual([dialled, 'carrier_rejected', 'warning', 'The carrier (B1, 192.0.2.20) answered 404 Not Found'])
    }
  })

  it('4. NAT needs a public side: none on an all-private or all-ULA network, one for a customer behind CGNAT towards a public switch', async () => {
    for (const family of ['rfc1918', 'ula'] as const) {
      const result = await run(privateNetworkCall(family), `private-${family}`)
      expect([family, result.outcome.state, codes(result)]).toEqual([family, 'answered', []])
      expect(firstSentence(result.summary)).toBe(`Call private-${family} was answered and ended normally: the caller hung up after 60.0 s of talk.`)
    }
    const natted = await run(nattedToPublicSwitch(), 'cgnat')
    expect(rootOf(natted)).toEqual(['nat_private_sdp', 'warning', 'The customer advertises a private media address (SDP c=100.64.3.7)'])
    expect(codes(natted)).toEqual(['nat_private_sdp', 'nat_private_contact', 'nat_detected'])
    expect(firstSentence(natted.summary)).toBe('Call cgnat was answered, but the customer advertises a private media address (SDP c=100.64.3.7).')
  })
})
