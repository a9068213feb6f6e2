import { describe, expect, it } from 'vitest'
import { MOS_METHOD } from '../../src/analysis/eModel'
import { normaliseRtcp } from '../../src/analysis/rtcpSamples'
import { gradeMetric, gradeMos, streamPath, summariseQuality } from '../../src/analysis/rtcpQuality'

const SAMPLES = [
  { leg: 'A', direction: 'in', jitter: 4, packet_loss: 0.2, rtt: 40, mos: 4.4 },
  { leg: 'A', direction: 'in', jitter: 6, packet_loss: 0, rtt: 60, mos: 4.3 },
  { leg: 'B', direction: 'out', jitter: 42, packet_loss: 2.5, rtt: 320, mos: 3.1 }
]

describe('normaliseRtcp', () => {
  it('reads the array shape', () => {
    expect(normaliseRtcp(SAMPLES)).toEqual({
      shape: 'array',
      samples: [
        { leg: 'A', direction: 'inbound', codec: null, jitter_ms: 4, loss_pct: 0.2, rtt_ms: 40, reported_mos: 4.4 },
        { leg: 'A', direction: 'inbound', codec: null, jitter_ms: 6, loss_pct: 0, rtt_ms: 60, reported_mos: 4.3 },
        { leg: 'B', direction: 'outbound', codec: null, jitter_ms: 42, loss_pct: 2.5, rtt_ms: 320, reported_mos: 3.1 }
      ],
      aggregate: null,
      unread_fields: []
    })
  })

  it('reads the object shape {processed, aggregate}, which the prior art discarded (prior-art bug)', () => {
    const rtcp = normaliseRtcp({ processed: SAMPLES.slice(2), aggregate: { mos: { mean: 4.1, min: 3.9 }, r_factor: 85, loss: { p95: '0.4' }, label: 'x' } })
    expect(rtcp).toEqual({
      shape: 'object',
      samples: [{ leg: 'B', direction: 'outbound', codec: null, jitter_ms: 42, loss_pct: 2.5, rtt_ms: 320, reported_mos: 3.1 }],
      aggregate: { 'mos.mean': 4.1, 'mos.min': 3.9, r_factor: 85, 'loss.p95': 0.4 },
      unread_fields: []
    })
    expect(normaliseRtcp({ processed: [], aggregate: { mos: 4.2 } })).toMatchObject({ shape: 'object', samples: [], aggregate: { mos: 4.2 } })
  })

  it('expands figures nested per direction, converts RFC 3550 fraction and counts, and maps Call-IDs to legs', () => {
    const rtcp = normaliseRtcp([{
      callid: 'call-b', codec: 'G729', ssrc: '1a2b',
      inbound: { jitter_ms: 12, fraction_lost: 5, round_trip_time: 180 },
      outbound: { jitter_ms: '3', lost: 10, expected: 1000 }
    }], { legs: { 'call-b': 'B1' } })
    expect(rtcp.samples).toEqual([
      { leg: 'B1', direction: 'inbound', codec: 'G729', jitter_ms: 12, loss_pct: 1.953125, rtt_ms: 180, reported_mos: null },
      { leg: 'B1', direction: 'outbound', codec: 'G729', jitter_ms: 3, loss_pct: 1, rtt_ms: null, reported_mos: null }
    ])
    expect(normaliseRtcp([{ callid: 'other-leg', jitter: 2 }], { legs: { 'call-b': 'B1' } }).samples[0]!.leg).toBe('other-leg')
  })

  it('reads samples grouped per leg, RTP-unit jitter, payload types and src/dst pairs', () => {
    const rtcp = normaliseRtcp({ processed: { a: [{ interarrival_jitter: 160, pt: 8, src_ip: '203.0.113.11', dst_ip: '198.51.100.6' }], b: [{ ia_jitter: 480, clock_rate: 48000, codec: 'opus/48000/2' }] } })
    expect(rtcp.samples).toEqual([
      { leg: 'A', direction: '203.0.113.11 → 198.51.100.6', codec: 'PCMA', jitter_ms: 20, loss_pct: null, rtt_ms: null, reported_mos: null },
      { leg: 'B', direction: null, codec: 'OPUS', jitter_ms: 10, loss_pct: null, rtt_ms: null, reported_mos: null }
    ])
  })

  it('lists the fields it did not read, drops impossible MOS values, and recognises empty and unknown answers', () => {
    const rtcp = normaliseRtcp([{ jitter: 3, burst_density: 0.2, ssrc: 'x', mos: 45, r_factor: 12, micro_ts: 1, src_port: 2 }])
    expect([rtcp.samples[0]!.reported_mos, rtcp.unread_fields]).toEqual([null, ['burst_density']])
    expect([[], {}, null, { processed: [] }, ''].map(r => normaliseRtcp(r).shape)).toEqual(['empty', 'empty', 'empty', 'empty', 'empty'])
    expect(['hello', { foo: 1 }, 42].map(r => normaliseRtcp(r).shape)).toEqual(['unrecognised', 'unrecognised', 'unrecognised'])
  })
})

describe('summariseQuality', () => {
  it('grades each leg and direction, worst first, with E-model MOS from the averages and the flags', () => {
    const summary = summariseQuality(normaliseRtcp(SAMPLES), { codec: 'PCMA' })
    expect(summary).toEqual({
      samples: 3,
      streams: [
        {
          leg: 'B',
          direction: 'outbound',
          samples: 1,
          codec: 'PCMA',
          codec_from: 'given',
          jitter_ms: { avg: 42, max: 42 },
          loss_pct: { avg: 2.5, max: 2.5 },
          rtt_ms: { avg: 320, max: 320 },
          // d = 160 + 84 + 20 = 264 ms; R = 93.2 − 15.873 − 8.605 = 68.72.
          mos: { r: 68.7, mos: 3.54, codec: 'G.711 with PLC', ie: 0, bpl: 25.1, one_way_delay_ms: 264, assumed: [] },
          reported_mos: { avg: 3.1, min: 3.1 },
          grade: 'poor',
          no_audio: false,
          issues: [
            'jitter 42 ms on average (degraded: above 30 ms)',
            'loss 2.5 % on average (degraded: above 1 %)',
            'RTT 320 ms on average (degraded: above 300 ms)',
            'MOS 3.54 (poor)'
          ]
        },
        {
          leg: 'A',
          direction: 'inbound',
          samples: 2,
          codec: 'PCMA',
          codec_from: 'given',
          jitter_ms: { avg: 5, max: 6 },
          loss_pct: { avg: 0.1, max: 0.2 },
          rtt_ms: { avg: 50, max: 60 },
          mos: { r: 91.5, mos: 4.37, codec: 'G.711 with PLC', ie: 0, bpl: 25.1, one_way_delay_ms: 55, assumed: [] },
          reported_mos: { avg: 4.35, min: 4.3 },
          grade: 'good',
          no_audio: false,
          issues: []
        }
      ],
      streams_omitted: 0,
      overall: 'poor',
      one_way: [],
      method: MOS_METHOD,
      aggregate: null
    })
  })

  it('lends a direction its leg\'s RTT, and grades by the worst of MOS and each metric', () => {
    const summary = summariseQuality(normaliseRtcp([{ callid: 'b', codec: 'G729', inbound: { jitter_ms: 12, fraction_lost: 5, rtt: 180 }, outbound: { jitter_ms: 3, lost: 10, expected: 1000 } }], { legs: { b: 'B1' } }))
    expect(summary.streams.map(s => [s.direction, s.rtt_ms, s.mos.mos, s.grade, s.issues])).toEqual([
      ['inbound', { avg: 180, max: 180 }, 3.65, 'poor', ['loss 1.95 % on average (degraded: above 1 %)', 'MOS 3.65 (fair)']],
      ['outbound', { avg: 180, max: 180 }, 3.83, 'fair', ['MOS 3.83 (fair)']]
    ])
  })

  it('flags a bad peak behind a good average, and says so when there is nothing to grade', () => {
    const peaks = summariseQuality(normaliseRtcp([{ leg: 'A', dir: 'rx', loss: 0 }, { leg: 'A', dir: 'rx', loss: 0 }, { leg: 'A', dir: 'rx', loss: 0 }, { leg: 'A', dir: 'rx', loss: 8 }]))
    expect(peaks.streams[0]!.issues).toEqual(['loss 2 % on average (degraded: above 1 %)'])
    const spike = summariseQuality(normaliseRtcp(Array.from({ length: 20 }, (_, i) => ({ leg: 'A', jitter: i === 0 ? 80 : 1 }))))
    expect(spike.streams[0]!.issues).toEqual(['jitter peaked at 80 ms (average 4.95 ms)'])
    expect(summariseQuality(normaliseRtcp([]))).toEqual({ samples: 0, streams: [], streams_omitted: 0, overall: 'unknown', one_way: [], method: MOS_METHOD, aggregate: null })
  })

  it('grades metrics and MOS against the reference thresholds', () => {
    expect([19.9, 20, 30, 30.1, 50, 50.1].map(v => gradeMetric('jitter_ms', v))).toEqual(['good', 'acceptable', 'acceptable', 'degraded', 'degraded', 'bad'])
    expect([0.4, 1, 3, 3.1].map(v => gradeMetric('loss_pct', v))).toEqual(['good', 'acceptable', 'degraded', 'bad'])
    expect([149, 300, 500, 501].map(v => gradeMetric('rtt_ms', v))).toEqual(['good', 'acceptable', 'degraded', 'bad'])
    expect([4.0, 3.99, 3.6, 3.59, 3.1, 3.09].map(gradeMos)).toEqual(['good', 'fair', 'fair', 'poor', 'poor', 'bad'])
  })

  it('finds one-way audio: a silent direction beside one that flows, named as the path it takes', () => {
    // As the switch reports a stream sent to a private address: nothing received, so 100 % lost and no RTT.
    const rtcp = normaliseRtcp([
      { callid: 'call-a', leg: 'A', direction: 'inbound', jitter: 3, packet_loss: 0, rtt: 40 },
      { callid: 'call-a', leg: 'A', direction: 'outbound', jitter: 0, packet_loss: 100, rtt: null, mos: 1 },
      { callid: 'call-b', leg: 'B', direction: 'inbound', jitter: 2, packet_loss: 0, rtt: 30 },
      { callid: 'call-b', leg: 'B', direction: 'outbound', jitter: 2, packet_loss: 0, rtt: 30 }
    ], { legs: { 'call-a': 'A', 'call-b': 'B1' } })
    const summary = summariseQuality(rtcp, { codec: 'PCMA' })
    expect(summary.one_way).toEqual([{ leg: 'A', silent: 'outbound', flowing: 'inbound' }])
    expect(summary.streams.map(s => [s.leg, s.direction, s.no_audio, s.grade])).toEqual([
      ['A', 'outbound', true, 'bad'], ['A', 'inbound', false, 'good'], ['B1', 'inbound', false, 'good'], ['B1', 'outbound', false, 'good']
    ])
    expect(summary.streams[0]!.issues[0]).toBe('no audio arrives (100 % of packets lost)')
    // Both directions silent is no audio at all, not one-way.
    const dead = summariseQuality(normaliseRtcp([{ leg: 'A', direction: 'in', packet_loss: 100 }, { leg: 'A', direction: 'out', packet_loss: 95 }]))
    expect([dead.one_way, dead.streams.map(s => s.no_audio)]).toEqual([[], [true, true]])
    expect([streamPath('A', 'outbound'), streamPath('A', 'inbound'), streamPath('B2', 'outbound'), streamPath('B1', 'inbound'), streamPath('X', 'outbound'), streamPath('A', 'rx')])
      .toEqual(['switch → customer', 'customer → switch', 'switch → carrier', 'carrier → switch', 'X outbound', 'A rx'])
  })

  it('puts the stream with the lower MOS first when two have the same grade', () => {
    const summary = summariseQuality(normaliseRtcp([
      { leg: 'A', direction: 'in', jitter: 55, packet_loss: 2, rtt: 320 },
      { leg: 'B', direction: 'in', jitter: 60, packet_loss: 5, rtt: 400 }
    ]), { codec: 'PCMA' })
    expect(summary.streams.map(s => [s.leg, s.grade])).toEqual([['B', 'bad'], ['A', 'bad']])
    expect(summary.streams[0]!.mos.mos).toBeLessThan(summary.streams[1]!.mos.mos!)
  })

  it('names a sample\'s leg by its Call-ID when the caller knows the legs, over the API\'s own A/B', () => {
    const rtcp = normaliseRtcp([{ callid: 'call-b2', leg: 'B', jitter: 2 }, { callid: 'call-x', leg: 'B', jitter: 2 }], { legs: { 'call-b2': 'B2' } })
    expect(rtcp.samples.map(s => s.leg)).toEqual(['B2', 'B'])
  })
})
