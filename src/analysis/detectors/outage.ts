/**
 * Carrier outage windows: hours in which a carrier failed (nearly) every attempt, more than its
 * own usual answer rate can explain, for every hour of every carrier tested at once.
 */
import { binomialAtMost, taroneLevel } from '../significance'
import { chance, count, DEFAULT_ALPHA, isoSeconds, pct, timeMs, type AccountFinding } from './types'

/** One carrier's attempts in one hour, as the traffic report grouped by `provider_id` and hour gives them. */
export interface CarrierHourRow {
  provider_id: number
  /** Start of the hour: `YYYY-MM-DD HH:00:00` or ISO 8601, UTC. */
  hour: string
  attempts: number
  connected: number
}

/** Options of {@link detectCarrierOutages}. */
export interface OutageOptions {
  /** Family-wise false-alarm rate over every carrier-hour tested (default 0.01). */
  alpha?: number
  /** An hour counts as failing when at most this share of its attempts connected (default 0.2). */
  maxAnsweredShare?: number
  /** Carriers with fewer attempts in the period have no usual rate to compare with (default 30). */
  minCarrierAttempts?: number
}

const HOUR_S = 3600

/**
 * Finds carrier outage windows. For each carrier-hour, the chance of so few answers is the
 * binomial tail at the carrier's own answer rate over the period; an hour alarms when that
 * chance is below `alpha / m` and at most a fifth of its attempts connected. `m` counts only
 * the hours that could ever alarm (Tarone): an hour of 5 attempts on a carrier answering half
 * its calls fails them all 1 time in 32, so it can never reach the level and is not counted,
 * and it never alarms. Adjacent alarming hours of a carrier make one window. The other
 * carriers' answer rate in the same hours says whether the rest of the switch kept completing.
 */
export function detectCarrierOutages (rows: readonly CarrierHourRow[], options: OutageOptions = {}): AccountFinding[] {
  const alpha = options.alpha ?? DEFAULT_ALPHA
  const maxShare = options.maxAnsweredShare ?? 0.2
  const minAttempts = options.minCarrierAttempts ?? 30
  const carriers = new Map<number, { attempts: number, connected: number }>()
  const hours = new Map<number, { attempts: number, connected: number }>()
  const cells: { provider: number, hour: number, n: number, k: number }[] = []
  for (const row of rows) {
    if (row.provider_id === 0 || row.attempts <= 0) continue
    const hour = timeMs(row.hour) / 1000
    if (Number.isNaN(hour)) continue
    const c = carriers.get(row.provider_id) ?? { attempts: 0, connected: 0 }
    c.attempts += row.attempts
    c.connected += row.connected
    carriers.set(row.provider_id, c)
    const h = hours.get(hour) ?? { attempts: 0, connected: 0 }
    h.attempts += row.attempts
    h.connected += row.connected
    hours.set(hour, h)
    cells.push({ provider: row.provider_id, hour, n: row.attempts, k: row.connected })
  }
  const rate = (provider: number): number | undefined => {
    const c = carriers.get(provider)!
    return c.attempts < minAttempts || c.connected === 0 ? undefined : c.connected / c.attempts
  }
  const testable = cells.filter(cell => rate(cell.provider) !== undefined)
  const { tested, level } = taroneLevel(testable.map(cell => (1 - rate(cell.provider)!) ** cell.n), alpha)
  const alarms = testable.map(cell => ({ ...cell, p: binomialAtMost(cell.k, cell.n, rate(cell.provider)!) }))
    .filter(cell => cell.p <= level && cell.k <= cell.n * maxShare)
    .sort((a, b) => a.provider - b.provider || a.hour - b.hour)

  // Adjacent hours of one carrier are one window.
  const windows: (typeof alarms)[] = []
  for (const cell of alarms) {
    const last = windows.at(-1)
    if (last !== undefined && last[0]!.provider === cell.provider && last.at(-1)!.hour + HOUR_S === cell.hour) last.push(cell)
    else windows.push([cell])
  }
  return windows.map(window => {
    const provider = window[0]!.provider
    const usual = rate(provider)!
    const n = window.reduce((s, c) => s + c.n, 0)
    const k = window.reduce((s, c) => s + c.k, 0)
    const start = window[0]!.hour
    const end = window.at(-1)!.hour + HOUR_S
    const all = { attempts: 0, connected: 0 }
    for (const c of window) {
      all.attempts += hours.get(c.hour)!.attempts
      all.connected += hours.get(c.hour)!.connected
    }
    const others = { attempts: all.attempts - n, connected: all.connected - k }
    const othersAsr = pct(others.connected, others.attempts)
    const usualPct = pct(Math.round(usual * 1e6), 1e6)!
    const othersWorked = othersAsr !== null && othersAsr >= usualPct / 2
    const p = window.reduce((best, c) => Math.min(best, c.p), 1)
    return {
      code: 'carrier_outage',
      severity: 'critical',
      title: `Carrier ${provider} connected ${k} of ${count(n, 'attempt')} from ${isoSeconds(start)} to ${isoSeconds(end)} (usually ${usualPct} % of its attempts)` +
        (othersAsr === null ? '' : `, while the other carriers connected ${othersAsr} % of theirs`),
      meaning: othersWorked || othersAsr === null
        ? 'The carrier stopped completing calls for a while: its network, its capacity or our interconnect with it failed. Calls that could fail over went to the next carrier; the rest failed.'
        : 'The carrier failed, but the other carriers did badly in the same hours too: look at the switch, our own network or the destinations before blaming the carrier.',
      action: 'Check the carrier\'s failure codes in that window and raise it with the carrier; while it lasts, mark it down or lower its priority so calls go to the next carrier at once.',
      threshold: `An hour alarms when at most ${Math.round(maxShare * 100)} % of its attempts connected and chance at the carrier's own rate is below ${chance(level)} (${alpha} over the ${count(tested, 'carrier-hour')} that could reach it, Tarone): so a handful of attempts never alarms, and a month of hours gives about ${alpha} false alarms in all.`,
      subject: { provider_id: provider },
      evidence: {
        attempts: n,
        connected: k,
        usual_asr_pct: usualPct,
        others_attempts: others.attempts,
        others_asr_pct: othersAsr,
        hours: window.length,
        p_value: Number(p.toPrecision(3)),
        hours_tested: tested
      },
      window: { start: isoSeconds(start), end: isoSeconds(end) }
    } satisfies AccountFinding
  })
}
