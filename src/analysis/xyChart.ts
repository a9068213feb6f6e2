/**
 * Mermaid `xychart-beta` charts, as text a client renders: bars and lines over labelled x values.
 * An xychart has one y axis, so attempts (hundreds) and ASR (a percentage) are two charts.
 */

/** One chart. */
export interface XyChartSpec {
  title: string
  /** The x labels, one per value. */
  x: readonly string[]
  yTitle: string
  /** The y axis range; by default 0 to a round number above the largest value. */
  yMin?: number
  yMax?: number
  bars?: readonly (number | null)[]
  lines?: readonly (readonly (number | null)[])[]
}

/** Text inside a quoted Mermaid string: double quotes become single ones, line breaks spaces. */
function quoted (text: string): string {
  return `"${text.replace(/"/g, '\'').replace(/[\r\n]+/g, ' ').trim()}"`
}

/** A number as Mermaid reads it: plain decimals (never `1e-7`); a missing value is 0. */
function value (n: number | null): string {
  if (n === null || !Number.isFinite(n)) return '0'
  return String(Math.round(n * 100) / 100)
}

/** 1, 2, 5 × 10^k at or above `n`: an axis end people read easily. */
function roundUp (n: number): number {
  if (n <= 0) return 1
  const step = 10 ** Math.floor(Math.log10(n))
  for (const m of [1, 2, 5, 10]) if (m * step >= n) return m * step
  return 10 * step
}

/** The chart's Mermaid source. */
export function xyChartBeta (spec: XyChartSpec): string {
  const all = [...(spec.bars ?? []), ...(spec.lines ?? []).flat()].filter((n): n is number => n !== null && Number.isFinite(n))
  const yMin = spec.yMin ?? 0
  const yMax = spec.yMax ?? roundUp(Math.max(0, ...all))
  const lines = [
    'xychart-beta',
    `    title ${quoted(spec.title)}`,
    `    x-axis [${spec.x.map(quoted).join(', ')}]`,
    `    y-axis ${quoted(spec.yTitle)} ${value(yMin)} --> ${value(yMax)}`
  ]
  if (spec.bars !== undefined) lines.push(`    bar [${spec.bars.map(value).join(', ')}]`)
  for (const line of spec.lines ?? []) lines.push(`    line [${line.map(value).join(', ')}]`)
  return lines.join('\n')
}

/** One day of traffic. */
export interface DayTraffic {
  /** `YYYY-MM-DD`. */
  day: string
  attempts: number
  connected: number
}

/**
 * The daily charts of a report: attempts (bars) with connected calls (line), and ASR per day
 * (Σ connected / Σ attempts of that day; 0 for a day without attempts) on 0–100 %.
 */
export function dailyTrafficCharts (days: readonly DayTraffic[], title = 'Traffic'): { attempts: string, asr: string } {
  const x = days.map(d => d.day.slice(5))
  return {
    attempts: xyChartBeta({ title: `${title}: attempts (bars) and connected calls (line) per day`, x, yTitle: 'calls', bars: days.map(d => d.attempts), lines: [days.map(d => d.connected)] }),
    asr: xyChartBeta({ title: `${title}: ASR per day (%)`, x, yTitle: 'ASR %', yMin: 0, yMax: 100, lines: [days.map(d => d.attempts === 0 ? null : Math.round(d.connected / d.attempts * 1000) / 10)] })
  }
}
