import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { analyzeTrace } from '../../src/analysis/sipTrace'
import { readPackets, type Packet } from '../../src/analysis/tracePackets'
import type { TraceMessage } from '../../src/analysis/traceTypes'

/**
 * Keep-alives are read shallowly, and where the path's last keep-alive had its lines
 * (src/analysis/tracePackets.ts): whatever the messages look like, that reading must give what
 * the whole parse gives. A message without the API's `method` field is always parsed whole, so
 * the same trace without it is the reference.
 */

const SEED = Number(process.env.FUZZ_SEED ?? 20261202)

/** The facts the analysis reads of a packet. */
function facts (p: Packet) {
  return {
    index: p.index,
    t_ms: p.t_ms,
    src: p.src,
    dst: p.dst,
    callid: p.callid,
    leg: p.leg,
    parsed: p.parsed,
    what: p.what,
    code: p.code,
    reason: p.reason,
    cseq: p.cseq,
    branch: p.branch,
    viaSentBy: p.viaSentBy,
    via: p.via,
    toTag: p.toTag,
    label: p.label,
    transport: p.transport,
    credentials: p.credentials,
    ruriUser: p.ruriUser
  }
}

const wholeParse = (trace: TraceMessage[]): TraceMessage[] => trace.map(({ method: _method, ...rest }) => rest as TraceMessage)

/** How one message departs from the dialog's usual layout. */
const variation = fc.record({
  viaSpelling: fc.constantFrom('Via: ', 'Via: ', 'Via: ', 'v: ', 'VIA: '),
  maxForwardsFirst: fc.boolean(),
  secondViaValue: fc.boolean(),
  secondViaLine: fc.boolean(),
  rportFirst: fc.boolean(),
  received: fc.boolean(),
  cseq: fc.constantFrom('same', 'same', 'same', 'lower', 'other-method', 'missing', 'spaced'),
  lineEnd: fc.constantFrom('\r\n', '\r\n', '\r\n', '\n'),
  fromTag: fc.constantFrom('f1', 'f1', 'f2'),
  apiMethod: fc.constantFrom('right', 'right', 'right', 'wrong'),
  apiReason: fc.constantFrom('right', 'right', 'wrong', 'absent'),
  protocol: fc.constantFrom('UDP', 'udp', 'TCP', undefined)
})

const message = fc.record({
  path: fc.integer({ min: 0, max: 2 }),
  response: fc.boolean(),
  method: fc.constantFrom('OPTIONS', 'OPTIONS', 'OPTIONS', 'INFO', 'NOTIFY', 'BYE'),
  code: fc.constantFrom(200, 200, 200, 404, 481),
  branch: fc.integer({ min: 0, max: 12 }),
  seq: fc.integer({ min: 1, max: 6 }),
  gapMs: fc.integer({ min: 0, max: 2000 }),
  change: fc.option(variation, { freq: 3 })
})

type Generated = typeof message extends fc.Arbitrary<infer T> ? T : never

const PATHS = [
  { source_ip: '198.51.100.5', source_port: 5060, destination_ip: '203.0.113.10', destination_port: 5060 },
  { source_ip: '203.0.113.10', source_port: 5060, destination_ip: '198.51.100.5', destination_port: 5060 },
  { source_ip: '10.1.2.3', source_port: 5072, destination_ip: '203.0.113.10', destination_port: 5060 }
]

const USUAL = {
  viaSpelling: 'Via: ', maxForwardsFirst: false, secondViaValue: false, secondViaLine: false, rportFirst: false, received: false,
  cseq: 'same', lineEnd: '\r\n', fromTag: 'f1', apiMethod: 'right', apiReason: 'right', protocol: 'UDP'
} as const

/** A keep-alive as C-Trace stores it, laid out as the dialog's usual one but for `change`. */
function traceMessage (m: Generated, micro: number): TraceMessage {
  const v = { ...USUAL, ...(m.change ?? {}) }
  const path = PATHS[m.path]!
  const eol = v.lineEnd
  const branch = `z9hG4bK${'k'.repeat(m.branch % 4)}${m.branch}`
  const params = v.rportFirst ? `;rport;branch=${branch}` : `;branch=${branch};rport`
  const via = `${v.viaSpelling}SIP/2.0/UDP ${path.source_ip}:${path.source_port}${params}${v.received ? `;received=${path.source_ip}` : ''}` +
    `${v.secondViaValue ? ', SIP/2.0/UDP 10.9.9.9;branch=z9hG4bKinner' : ''}`
  const cseqLine = v.cseq === 'missing'
    ? ''
    : v.cseq === 'lower'
      ? `cseq: ${m.seq} ${m.method.toLowerCase()}${eol}`
      : v.cseq === 'spaced'
        ? `CSeq:  ${m.seq}  ${m.method}${eol}`
        : `CSeq: ${m.seq} ${v.cseq === 'other-method' ? 'INVITE' : m.method}${eol}`
  const reason = m.code === 200 ? 'OK' : m.code === 404 ? 'Not Found' : 'Call/Transaction Does Not Exist'
  const start = m.response ? `SIP/2.0 ${m.code} ${reason}` : `${m.method} sip:447700900123@${path.destination_ip}:5060 SIP/2.0`
  const headers = [
    ...(v.maxForwardsFirst ? [`Max-Forwards: 70${eol}`] : []),
    `${via}${eol}`,
    ...(v.secondViaLine ? [`Via: SIP/2.0/UDP 10.8.8.8:5060;branch=z9hG4bKouter${eol}`] : []),
    ...(v.maxForwardsFirst ? [] : [`Max-Forwards: 70${eol}`]),
    `From: <sip:14155550123@203.0.113.10>;tag=${v.fromTag}${eol}`,
    `To: <sip:447700900123@198.51.100.5>;tag=t1${eol}`,
    `Call-ID: keep-alive-call${eol}`,
    cseqLine,
    `Contact: <sip:${path.source_ip}:${path.source_port}>${eol}`,
    `Content-Length: 0${eol}`
  ]
  return {
    micro_ts: micro,
    callid: 'keep-alive-call',
    ...(v.apiMethod === 'right' ? { method: m.response ? String(m.code) : m.method } : { method: m.response ? '200' : 'INFO' }),
    ...(v.apiReason === 'absent' ? {} : { reply_reason: m.response ? (v.apiReason === 'right' ? reason : 'Okay') : '' }),
    ...path,
    ...(v.protocol === undefined ? {} : { protocol: v.protocol }),
    ruri_user: '447700900123',
    msg: `${start}${eol}${headers.join('')}${eol}`
  } as TraceMessage
}

function traceOf (messages: Generated[]): TraceMessage[] {
  let micro = 1_767_348_000_000_000
  return messages.map(m => {
    micro += m.gapMs * 1000
    return traceMessage(m, micro)
  })
}

describe('reading keep-alives shallowly', () => {
  it('gives each packet the facts the whole parse gives, and the same analysis, whatever the layout', () => {
    fc.assert(fc.property(fc.array(message, { minLength: 1, maxLength: 40 }), messages => {
      const trace = traceOf(messages)
      const reference = wholeParse(trace)
      expect(readPackets(trace).packets.map(facts)).toEqual(readPackets(reference).packets.map(facts))
      expect(analyzeTrace(trace, 'keep-alive-call')).toEqual(analyzeTrace(reference, 'keep-alive-call'))
    }), { seed: SEED, numRuns: Number(process.env.FUZZ_RUNS ?? 300) })
  })

  it('believes the text, not the API\'s fields, when a keep-alive laid out like the last says something else', () => {
    const steady = { path: 1, response: true, method: 'OPTIONS', code: 404, seq: 1, gapMs: 100, change: null } as const
    const trace = traceOf([
      { path: 0, response: false, method: 'OPTIONS', code: 200, branch: 1, seq: 1, gapMs: 0, change: null },
      { ...steady, branch: 1 },
      { path: 0, response: false, method: 'OPTIONS', code: 200, branch: 2, seq: 1, gapMs: 100, change: null },
      // The API's fields say 200 OK; the start line says 404 Not Found, as the last response's did.
      { ...steady, branch: 2, change: { ...USUAL, apiMethod: 'wrong', apiReason: 'wrong' } }
    ])
    expect(trace[3]).toMatchObject({ method: '200', reply_reason: 'Okay' })
    expect(readPackets(trace).packets.map(p => [p.code, p.label])).toEqual([[undefined, 'OPTIONS'], [404, '404 Not Found (OPTIONS)'], [undefined, 'OPTIONS'], [404, '404 Not Found (OPTIONS)']])
  })

  it('reads most keep-alives of a steady dialog without the whole parse', () => {
    const trace = traceOf(Array.from({ length: 40 }, (_, i) => ({ path: i % 2, response: i % 2 === 1, method: 'OPTIONS', code: 200, branch: Math.floor(i / 2), seq: Math.floor(i / 2) + 1, gapMs: 500, change: null })))
    const { packets } = readPackets(trace)
    // Read shallowly: their headers are parsed only when asked for.
    expect(packets.filter(p => p.shallow).length).toBe(40)
    expect(packets.map(p => p.branch)).toEqual(Array.from({ length: 40 }, (_, i) => `z9hG4bK${'k'.repeat(Math.floor(i / 2) % 4)}${Math.floor(i / 2)}`))
  })
})
