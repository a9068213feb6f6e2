import { describe, expect, it } from 'vitest'
import { ladderMermaid } from '../../src/analysis/sipLadder'
import { analyzeTrace } from '../../src/analysis/sipTrace'
import { CARRIER, CUSTOMER, leg, SWITCH } from './fixtures/sip'

/** Every line of a diagram is one of the statements we emit, so a renderer can parse it. */
const STATEMENT = /^(sequenceDiagram| {2}participant P\d+ as [^;#<>\n]+| {2}P\d+-{1,2}>>P\d+: [^;#<>\n]+| {2}Note over P\d+(,P\d+)?: [^;#<>\n]+)$/

describe('ladderMermaid', () => {
  it('draws the flow with roles, solid requests, dotted responses, and folds retransmissions', () => {
    const a = leg('call-a', { ip: CUSTOMER, port: 5062 }, { ip: SWITCH })
    const b = leg('call-b', { ip: SWITCH }, { ip: CARRIER })
    const trace = analyzeTrace([
      a.req(0, 'INVITE', { branch: 'z9hG4bKa', cseq: 1 }),
      a.res(12, 100, 'Trying', { branch: 'z9hG4bKa', cseq: 1 }),
      b.req(40, 'INVITE', { branch: 'z9hG4bKb', cseq: 1 }),
      b.req(540, 'INVITE', { branch: 'z9hG4bKb', cseq: 1 }),
      b.req(1540, 'INVITE', { branch: 'z9hG4bKb', cseq: 1 }),
      b.res(1600, 503, 'Service Unavailable; try later #2', { branch: 'z9hG4bKb', cseq: 1, toTag: 'c' }),
      a.res(1650, 503, 'Service Unavailable', { branch: 'z9hG4bKa', cseq: 1, toTag: 's' })
    ])
    expect(ladderMermaid(trace)).toBe([
      'sequenceDiagram',
      '  participant P0 as Customer 203.0.113.10:5062',
      '  participant P1 as Switch 198.51.100.5',
      '  participant P2 as Carrier 192.0.2.20',
      '  P0->>P1: +0ms A INVITE',
      '  P1-->>P0: +12ms A 100 Trying',
      '  P1->>P2: +40ms B1 INVITE ×3',
      '  P2-->>P1: +1.6s B1 503 Service Unavailable, try later 2',
      '  P1-->>P0: +1.6s A 503 Service Unavailable'
    ].join('\n'))
  })

  it('keeps the beginning and the end of a long ladder and says how many messages it left out', () => {
    const a = leg('call-a', { ip: CUSTOMER }, { ip: SWITCH })
    const options = Array.from({ length: 30 }, (_, i) => [
      a.req(i * 1000, 'OPTIONS', { branch: `z9hG4bKo${i}`, cseq: i + 1 }),
      a.res(i * 1000 + 5, 200, 'OK', { branch: `z9hG4bKo${i}`, cseq: i + 1, method: 'OPTIONS' })
    ]).flat()
    const diagram = ladderMermaid(analyzeTrace(options), { maxArrows: 8 })
    expect(diagram.split('\n')).toEqual([
      'sequenceDiagram',
      '  participant P0 as Customer 203.0.113.10',
      '  participant P1 as Switch 198.51.100.5',
      '  P0->>P1: +0ms OPTIONS',
      '  P1-->>P0: +5ms 200 OK (OPTIONS)',
      '  P0->>P1: +1.0s OPTIONS',
      '  P1-->>P0: +1.0s 200 OK (OPTIONS)',
      '  P0->>P1: +2.0s OPTIONS',
      '  P1-->>P0: +2.0s 200 OK (OPTIONS)',
      '  Note over P0,P1: … 52 messages not shown …',
      '  P0->>P1: +29.0s OPTIONS',
      '  P1-->>P0: +29.0s 200 OK (OPTIONS)'
    ])
    expect(diagram.split('\n').every(line => STATEMENT.test(line))).toBe(true)
  })
})
