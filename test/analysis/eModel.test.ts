import { describe, expect, it } from 'vitest'
import { codecImpairment, delayImpairment, eModel, mosFromR, mosFromRtcp } from '../../src/analysis/eModel'
import { round } from '../../src/analysis/stats'

describe('E-model (ITU-T G.107)', () => {
  it('matches the reference table of worked outcomes, every cell (R to 1 decimal, MOS to 2)', () => {
    // voip-diagnostics §2.4: codec (Ie/Bpl) × (loss %, one-way delay ms) → R / MOS.
    const conditions: Array<[number, number]> = [[0, 20], [1, 100], [2, 150], [3, 150], [5, 250]]
    const table: Array<[string, number, number, Array<[number, number]>]> = [
      ['G.711+PLC', 0, 25.1, [[92.7, 4.40], [87.2, 4.26], [82.6, 4.12], [79.5, 4.00], [63.4, 3.28]]],
      ['G.711 no PLC', 0, 4.3, [[92.7, 4.40], [72.9, 3.73], [59.4, 3.07], [50.6, 2.60], [28.1, 1.53]]],
      ['G.729A+VAD', 11, 19, [[81.7, 4.09], [75.6, 3.85], [70.6, 3.63], [67.1, 3.46], [50.7, 2.61]]],
      ['G.723.1 6.3k', 15, 16.1, [[77.7, 3.93], [71.1, 3.65], [65.8, 3.39], [62.0, 3.20], [45.2, 2.33]]]
    ]
    for (const [codec, ie, bpl, cells] of table) {
      const computed = conditions.map(([lossPct, oneWayDelayMs]) => {
        const { r, mos } = eModel({ oneWayDelayMs, lossPct, ie, bpl })
        return [round(r, 1), round(mos, 2)]
      })
      expect([codec, computed]).toEqual([codec, cells])
    }
  })

  it('maps R to MOS by Annex B at the calibration points, and clamps', () => {
    const points: Array<[number, number]> = [[93.2, 4.41], [90, 4.34], [85, 4.20], [80, 4.02], [75, 3.82], [70, 3.60], [60, 3.10], [55, 2.84], [50, 2.58], [40, 2.06]]
    expect(points.map(([r]) => [r, round(mosFromR(r), 2)])).toEqual(points)
    // The reference prints 3.36 for R 65; Annex B gives 1 + 2.275 + 0.079625 = 3.354625.
    expect(mosFromR(65)).toBeCloseTo(3.354625, 9)
    expect([mosFromR(-5), mosFromR(0), mosFromR(100), mosFromR(120)]).toEqual([1, 1, 4.5, 4.5])
  })

  it('computes the delay impairment with its knee at 177.3 ms', () => {
    expect(delayImpairment(100)).toBeCloseTo(2.4, 12)
    expect(delayImpairment(177.3)).toBeCloseTo(4.2552, 12)
    expect(delayImpairment(250)).toBeCloseTo(6 + 0.11 * 72.7, 12)
    expect(delayImpairment(-10)).toBe(0)
  })

  it('resolves codec names to their G.113 values', () => {
    expect(codecImpairment('PCMA')).toEqual({ codec: 'G.711 with PLC', ie: 0, bpl: 25.1, wideband: false })
    expect(codecImpairment('g711u', { plc: false })).toEqual({ codec: 'G.711 without PLC', ie: 0, bpl: 4.3, wideband: false })
    expect(codecImpairment('G.729a')).toEqual({ codec: 'G.729A with VAD', ie: 11, bpl: 19, wideband: false })
    expect(codecImpairment('G723')?.ie).toBe(15)
    expect([codecImpairment('G726-32')?.codec, codecImpairment('G729/8000')?.codec, codecImpairment('AMR-WB')?.codec]).toEqual(['G.726', 'G.729A with VAD', 'AMR-WB'])
    expect(codecImpairment('opus')?.wideband).toBe(true)
    expect(codecImpairment('AMR')).toBeUndefined()
  })
})

describe('mosFromRtcp', () => {
  it('estimates MOS from jitter, loss and RTT for a codec, stating the one-way delay it used', () => {
    // d = 100/2 + 2 × 10 + 20 = 90 ms; R = 93.2 − 2.16 − 95 × 1 / 26.1 = 87.40.
    expect(mosFromRtcp({ codec: 'PCMA', jitterMs: 10, lossPct: 1, rttMs: 100 })).toEqual({
      r: 87.4, mos: 4.27, codec: 'G.711 with PLC', ie: 0, bpl: 25.1, one_way_delay_ms: 90, assumed: []
    })
    // d = 300/2 + 2 × 40 + 20 = 250 ms; R = 93.2 − 13.997 − (11 + 84 × 3 / 22) = 56.75.
    expect(mosFromRtcp({ codec: 'G729', jitterMs: 40, lossPct: 3, rttMs: 300 })).toEqual({
      r: 56.7, mos: 2.93, codec: 'G.729A with VAD', ie: 11, bpl: 19, one_way_delay_ms: 250, assumed: []
    })
  })

  it('says what it assumed, and refuses codecs it cannot rate', () => {
    expect(mosFromRtcp({ jitterMs: null, lossPct: 0 })).toEqual({
      r: 92.7, mos: 4.4, codec: 'G.711 with PLC', ie: 0, bpl: 25.1, one_way_delay_ms: 20,
      assumed: ['codec not reported: assumed G.711 with PLC', 'jitter not reported: counted as 0', 'RTT not reported: network delay counted as 0']
    })
    expect(mosFromRtcp({ codec: 'G722', jitterMs: 5, lossPct: 0, rttMs: 40 })).toEqual({ mos: null, why: 'G.722 is wideband: the narrowband E-model does not apply (G.107.1 would be needed)' })
    expect(mosFromRtcp({ codec: 'GSM', jitterMs: 5 })).toEqual({ mos: null, why: 'G.113 publishes no Bpl for GSM-FR, so the loss impairment cannot be computed' })
    expect(mosFromRtcp({ codec: 'iLBC' })).toEqual({ mos: null, why: 'no G.113 values for codec iLBC' })
  })
})
