import { describe, expect, it } from 'vitest'
import { callAnalytics, type AttemptRecord } from '../../src/analysis/callAnalytics'
import { diagnoseCall } from '../../src/analysis/diagnosis'
import { ladderMermaid } from '../../src/analysis/sipLadder'
import { analyzeTrace } from '../../src/analysis/sipTrace'
import type { TraceMessage } from '../../src/analysis/traceTypes'
import { answeredLeg, CARRIER, CUSTOMER, leg, SWITCH } from './fixtures/sip'

/**
 * A long answered call: both legs answered (14 messages), then 2,216 DTMF INFOs from the
 * customer, each answered, every fourth one sent twice: 14 + 2,216 × 2 + 554 = 5,000.
 */
function longCall (): TraceMessage[] {
  const a = answeredLeg('call-a', { ip: CUSTOMER }, { ip: SWITCH }, { ring: 2000, answer: 8000, bye: 3_600_000 })
  const b = answeredLeg('call-b', { ip: SWITCH }, { ip: CARRIER }, { ring: 1980, answer: 7980, bye: 3_600_010 })
  const dtmf = leg('call-a', { ip: CUSTOMER }, { ip: SWITCH })
  const messages: TraceMessage[] = [...a, ...b]
  for (let i = 0; messages.length < 5000; i++) {
    const at = 10_000 + i * 1000
    const info = dtmf.req(at, 'INFO', { branch: `z9hG4bKi${i}`, cseq: 100 + i, toTag: 't1', headers: ['Content-Type: application/dtmf-relay'] })
    messages.push(info)
    if (i % 4 === 0 && messages.length < 5000) messages.push({ ...info, micro_ts: info.micro_ts + 500_000 })
    if (messages.length < 5000) messages.push(dtmf.res(at + 600, 200, 'OK', { branch: `z9hG4bKi${i}`, cseq: 100 + i, toTag: 't1', method: 'INFO' }))
  }
  return messages
}

describe('output bounds', () => {
  it('analyses a 5,000-message trace into bounded lists that say how much they left out', () => {
    const messages = longCall()
    expect(messages.length).toBe(5000)
    const analysis = analyzeTrace(messages)
    expect(analysis.message_count).toBe(5000)
    expect(analysis.call.retransmitted_copies).toBe(554)
    expect(analysis.ladder.length).toBe(200)
    const shown = analysis.ladder.reduce((n, s) => n + s.sent, 0)
    expect(shown + analysis.ladder_omitted).toBe(5000)
    // Kept: the first 150 steps (10 of call setup, 70 INFOs with 18 repeats, 70 OKs: 168 messages)
    // and the last 50 (23 INFOs with 5 repeats, 23 OKs, the 2 BYEs and their OKs: 55 messages).
    expect(analysis.ladder_omitted).toBe(5000 - 168 - 55)
    expect(analysis.call.retransmissions.length).toBe(8)
    expect(analysis.findings.length).toBeLessThanOrEqual(20)
    expect(JSON.stringify(analysis).length).toBeLessThan(60_000)

    const diagram = ladderMermaid(analysis)
    const lines = diagram.split('\n')
    expect(lines.filter(l => l.includes('>>')).length).toBe(40)
    // Drawn: the first 30 steps (33 messages) and the last 10 (10 messages).
    expect(lines).toContain('  Note over P0,P2: … 4957 messages not shown …')
    expect(diagram.length).toBeLessThan(3500)

    const diagnosis = diagnoseCall({ callid: 'call-a', trace: analysis })
    expect(JSON.stringify(diagnosis).length).toBeLessThan(3000)
  })

  it('keeps 20 legs of a call that cranked back through 30 carriers', () => {
    const a = leg('call-a', { ip: CUSTOMER }, { ip: SWITCH })
    const messages: TraceMessage[] = [a.req(0, 'INVITE', { branch: 'z9hG4bKa', cseq: 1 })]
    for (let i = 0; i < 30; i++) {
      const b = leg(`call-b${i}`, { ip: SWITCH }, { ip: `192.0.2.${i + 1}` })
      messages.push(b.req(100 + i * 100, 'INVITE', { branch: `z9hG4bKb${i}`, cseq: 1 }), b.res(150 + i * 100, 503, 'Service Unavailable', { branch: `z9hG4bKb${i}`, cseq: 1, toTag: 'x' }))
    }
    messages.push(a.res(3200, 503, 'Service Unavailable', { branch: 'z9hG4bKa', cseq: 1, toTag: 's' }))
    const analysis = analyzeTrace(messages)
    expect([analysis.legs.length, analysis.legs_omitted]).toEqual([20, 11])
    expect(analysis.findings.map(f => f.title)).toEqual([
      'The carrier (B1, 192.0.2.1) answered 503 Service Unavailable (the same on 29 more legs: B2, B3, B4…)',
      'The switch tried 30 carriers'
    ])
    expect(analysis.findings.find(f => f.code === 'crankback')!.meaning).toMatch(/; and 25 more\.$/)
  })

  it('summarises 100,000 attempts over 30 days by hour in bounded lists', () => {
    const start = Date.UTC(2026, 0, 1) / 1000
    const codes = [200, 200, 486, 503, 487, 404, 480, 408, 200, 603, 500, 488]
    const records: AttemptRecord[] = Array.from({ length: 100_000 }, (_, i) => ({
      time: start + Math.floor(i * 25.92), sip_code: codes[i % codes.length]!, duration_s: i % 7 * 20, pdd_ms: 1000 + (i % 50) * 100, destination: `44${i % 40}`
    }))
    const result = callAnalytics(records, { bucket: 'hour', groupBy: 'destination' })
    expect([result.totals.attempts, result.totals.answered, result.buckets.length, result.buckets_omitted]).toEqual([100_000, 25_001, 720, 0])
    expect([result.failure_codes.length, result.failure_codes_omitted, result.groups.length, result.groups_omitted]).toEqual([9, 0, 20, 20])
    expect(JSON.stringify({ ...result, buckets: [] }).length).toBeLessThan(6000)
  })
})
