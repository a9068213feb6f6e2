import DOMPurify from 'dompurify'
import mermaid from 'mermaid'
import { describe, expect, it } from 'vitest'
import { dailyTrafficCharts, xyChartBeta } from '../../src/analysis/xyChart'

// Mermaid sanitises titles with DOMPurify, which in Node (no DOM) comes without its methods; the
// parser itself needs no DOM, so identity stand-ins are the smallest way to run it (no jsdom).
Object.assign(DOMPurify, { addHook () {}, removeHook () {}, removeHooks () {}, removeAllHooks () {}, sanitize: (text: string) => text })

const days = [
  { day: '2026-11-22', attempts: 612, connected: 301 },
  { day: '2026-11-23', attempts: 905, connected: 441 },
  { day: '2026-11-24', attempts: 0, connected: 0 }
]

describe('xyChartBeta', () => {
  it('writes attempts and ASR per day as two charts, each one y axis', () => {
    const charts = dailyTrafficCharts(days, 'Example "Telecom"')
    expect(charts.attempts).toBe([
      'xychart-beta',
      '    title "Example \'Telecom\': attempts (bars) and connected calls (line) per day"',
      '    x-axis ["11-22", "11-23", "11-24"]',
      '    y-axis "calls" 0 --> 1000',
      '    bar [612, 905, 0]',
      '    line [301, 441, 0]'
    ].join('\n'))
    expect(charts.asr).toBe([
      'xychart-beta',
      '    title "Example \'Telecom\': ASR per day (%)"',
      '    x-axis ["11-22", "11-23", "11-24"]',
      '    y-axis "ASR %" 0 --> 100',
      '    line [49.2, 48.7, 0]'
    ].join('\n'))
    expect(xyChartBeta({ title: 't', x: ['a'], yTitle: 'y', bars: [0.000_000_1] })).toContain('bar [0]')
  })

  it('passes mermaid\'s own parser, which refuses a broken chart', async () => {
    const charts = dailyTrafficCharts(Array.from({ length: 31 }, (_, i) => ({ day: `2026-10-${String(i + 1).padStart(2, '0')}`, attempts: 500 + i * 13, connected: 250 + i })))
    for (const chart of [charts.attempts, charts.asr, ...Object.values(dailyTrafficCharts(days, 'Example "Telecom"'))]) {
      expect(await mermaid.parse(chart)).toMatchObject({ diagramType: 'xychart' })
    }
    await expect(mermaid.parse(charts.attempts.replace('"calls"', '"calls'))).rejects.toThrow()
  })
})
