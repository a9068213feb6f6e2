/**
 * Carrier outage windows: stretches in which a carrier failed (nearly) every attempt, more than its
 * own usual answer rate can explain, wherever they fall against the report's hours, for every hour
 * of every carrier tested at once.
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
  /** Family-wise false-alarm rate over every test (carrier-hour, or pair of adjacent ones) that could alarm (default 0.01). */
  alpha?: number
  /** An hour counts as failing whole when at most this share of its attempts connected (default 0.2). */
  maxAnsweredShare?: number
  /**
   * An hour, or two adjacent ones, can hold part of an outage when they lost at least this share of
   * the answers the carrier's usual rate gives them (default 0.2: what 12 minutes down in each hour takes).
   */
  minLostShare?: number
  /** Carriers with fewer attempts in the period have no usual rate to compare with (default 30). */
  minCarrierAttempts?: number
}

const HOUR_S = 3600

/** One carrier's attempts in one hour. */
interface Cell { provider: number, hour: number, n: number, k: number }

/** One test: a carrier-hour, or two adjacent ones pooled, at the carrier's usual rate. */
interface Test { cells: Cell[], n: number, k: number, rate: number, minP: number }

/**
 * Finds carrier outage windows, whatever their phase against the report's hours.
 *
 * Every carrier-hour is tested, and so is every pair of adjacent hours of a carrier pooled: the
 * chance of so few answers is the binomial tail at the carrier's own answer rate over the period,
 * and a test can alarm when that chance is below `alpha / m`. `m` counts every test, single hour or
 * pair, that could ever reach the level (Tarone): an hour of 5 attempts on a carrier answering half
 * its calls fails them all 1 time in 32, so it can never reach it, is not counted and never alarms.
 * The pairs are counted like the hours, so the family-wise false-alarm rate stays at `alpha`.
 *
 * Being unlikely is not enough; the counts must also look like an outage:
 * - a whole hour: at most `maxAnsweredShare` of its attempts connected (the rule for an outage on the hour);
 * - part of one hour: it lost at least `minLostShare` of the answers its usual rate gives it;
 * - across an hour boundary: an outage from 21:27 to 22:27 leaves each hour about half healthy, so
 *   neither fails whole and either may be too small to be significant alone. Pooled, the pair must
 *   have lost `minLostShare` of its usual answers, and each hour must fall short on its own (chance
 *   at most `alpha`, not adjusted: the pair has passed the family-wise level already, and this only
 *   asks whether both hours hold part of it, so that an outage does not take a healthy neighbour
 *   into its window). A pair whose hours cannot reach `alpha` alone never alarms, so is not counted.
 * `minLostShare` keeps out busy hours a few points below the carrier's usual rate, significant but
 * the rate varying rather than calls failing. Alarmed hours of a carrier that touch make one window;
 * the report counts by hour, so a window of hours not all failed whole says it holds an outage of
 * part of them, not when it began and ended. The other carriers' answer rate in the same hours says
 * whether the rest of the switch kept completing.
 */
export function detectCarrierOutages (rows: readonly CarrierHourRow[], options: OutageOptions = {}): AccountFinding[] {
  const alpha = options.alpha ?? DEFAULT_ALPHA
  const maxShare = options.maxAnsweredShare ?? 0.2
  const minLost = options.minLostShare ?? 0.2
  const minAttempts = options.minCarrierAttempts ?? 30
  const carriers = new Map<number, { attempts: number, connected: number }>()
  const hours = new Map<number, { attempts: number, connected: number }>()
  const byKey = new Map<string, Cell>()
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
    // Rows of one carrier and hour (a report split further) are summed: the hour is one test.
    const key = `${row.provider_id} ${hour}`
    const cell = byKey.get(key) ?? byKey.set(key, { provider: row.provider_id, hour, n: 0, k: 0 }).get(key)!
    cell.n += row.attempts
    cell.k += row.connected
  }
  const rate = (provider: number): number | undefined => {
    const c = carriers.get(provider)!
    return c.attempts < minAttempts || c.connected === 0 ? undefined : c.connected / c.attempts
  }
  const cells = [...byKey.values()].sort((a, b) => a.provider - b.provider || a.hour - b.hour)
  const tests: Test[] = []
  for (const [i, cell] of cells.entries()) {
    const p = rate(cell.provider)
    if (p === undefined) continue
    tests.push({ cells: [cell], n: cell.n, k: cell.k, rate: p, minP: (1 - p) ** cell.n })
    const next = cells[i + 1]
    // A pair is a test only where each of its hours could fall short on its own, as it must to alarm.
    const adjacent = next !== undefined && next.provider === cell.provider && next.hour === cell.hour + HOUR_S
    if (adjacent && (1 - p) ** cell.n <= alpha && (1 - p) ** next.n <= alpha) {
      tests.push({ cells: [cell, next], n: cell.n + next.n, k: cell.k + next.k, rate: p, minP: (1 - p) ** (cell.n + next.n) })
    }
  }
  const { tested, level } = taroneLevel(tests.map(t => t.minP), alpha)
  const counted = tests.filter(t => t.minP <= level)
  const low = (k: number, n: number, p: number): boolean => k <= n * maxShare || k <= n * p * (1 - minLost)
  // The shape first: it is cheap, and most tests fail it, so few tail probabilities are computed.
  const alarms = counted.filter(t => low(t.k, t.n, t.rate))
    .map(t => ({ ...t, p: binomialAtMost(t.k, t.n, t.rate) }))
    .filter(t => t.p <= level && (t.cells.length === 1 || t.cells.every(c => binomialAtMost(c.k, c.n, t.rate) <= alpha)))

  // Each alarmed hour once, with the smallest chance of the tests it alarmed in; hours that touch are one window.
  const alarmed = new Map<Cell, number>()
  for (const t of alarms) for (const c of t.cells) alarmed.set(c, Math.min(alarmed.get(c) ?? 1, t.p))
  const windows: Cell[][] = []
  for (const cell of cells.filter(c => alarmed.has(c))) {
    const last = windows.at(-1)
    if (last !== undefined && last[0]!.provider === cell.provider && last.at(-1)!.hour + HOUR_S === cell.hour) last.push(cell)
    else windows.push([cell])
  }
  const hoursTested = counted.filter(t => t.cells.length === 1).length
  const pairsTested = counted.length - hoursTested
  const levelText = `below ${chance(level)} (${alpha} over ${count(tested, 'test')}, Tarone: the ${count(hoursTested, 'carrier-hour')} and ` +
    `${count(pairsTested, 'pair')} of adjacent hours that could reach it)`
  const always = `so a handful of attempts never alarms, and a month of hours gives about ${alpha} false alarms in all.`
  const wholeRule = `An hour alarms when at most ${Math.round(maxShare * 100)} % of its attempts connected and chance at the carrier's own rate is ${levelText}: ${always}`
  const partRule = `An hour alarms when at most ${Math.round(maxShare * 100)} % of its attempts connected or it lost at least ${Math.round(minLost * 100)} % of the answers ` +
    `the carrier's own rate gives it, and two adjacent hours pooled alarm alike when each fell short on its own (chance at most ${alpha}), as an outage across ` +
    `the hour boundary leaves them; chance at that rate must be ${levelText}: ${always}`
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
    const p = window.reduce((best, c) => Math.min(best, alarmed.get(c)!), 1)
    const whole = window.every(c => c.k <= c.n * maxShare)
    const othersText = othersAsr === null ? '' : `, while the other carriers connected ${othersAsr} % of theirs`
    const title = whole
      ? `Carrier ${provider} connected ${k} of ${count(n, 'attempt')} from ${isoSeconds(start)} to ${isoSeconds(end)} (usually ${usualPct} % of its attempts)${othersText}`
      // The conclusion first: a report's summary shows the start of a title only.
      : `Carrier ${provider} had an outage in part of ${isoSeconds(start)} to ${isoSeconds(end)}, connecting ${segmentsText(window, maxShare)} ` +
        `(usually ${usualPct} % of its attempts)${othersText}; the report counts by hour, so its exact start and end are not known`
    return {
      code: 'carrier_outage',
      severity: 'critical',
      title,
      meaning: othersWorked || othersAsr === null
        ? 'The carrier stopped completing calls for a while: its network, its capacity or our interconnect with it failed. Calls that could fail over went to the next carrier; the rest failed.'
        : 'The carrier failed, but the other carriers did badly in the same hours too: look at the switch, our own network or the destinations before blaming the carrier.',
      action: 'Check the carrier\'s failure codes in that window and raise it with the carrier; while it lasts, mark it down or lower its priority so calls go to the next carrier at once.',
      threshold: whole ? wholeRule : partRule,
      subject: { provider_id: provider },
      evidence: {
        attempts: n,
        connected: k,
        usual_asr_pct: usualPct,
        others_attempts: others.attempts,
        others_asr_pct: othersAsr,
        hours: window.length,
        hour_attempts: window.map(c => c.n),
        hour_connected: window.map(c => c.k),
        partial: !whole,
        p_value: Number(p.toPrecision(3)),
        hours_tested: hoursTested,
        pairs_tested: pairsTested,
        tests: tested
      },
      window: { start: isoSeconds(start), end: isoSeconds(end) }
    } satisfies AccountFinding
  })
}

/**
 * A window's counts by stretch: hours that failed whole together, each other hour on its own
 * (`8 of 35 attempts in the hour from 09:00, 0 of 60 in the 2 hours from 10:00 and 6 of 29 in the hour from 12:00`).
 */
function segmentsText (window: readonly Cell[], maxShare: number): string {
  const segments: Cell[][] = []
  for (const cell of window) {
    const last = segments.at(-1)
    const down = cell.k <= cell.n * maxShare
    if (last !== undefined && down && last.every(c => c.k <= c.n * maxShare)) last.push(cell)
    else segments.push([cell])
  }
  const parts = segments.map((segment, i) => {
    const n = segment.reduce((s, c) => s + c.n, 0)
    const k = segment.reduce((s, c) => s + c.k, 0)
    const from = isoSeconds(segment[0]!.hour).slice(11, 16)
    return `${k} of ${i === 0 ? count(n, 'attempt') : count(n, '', '').trim()} in the ${segment.length === 1 ? 'hour' : `${segment.length} hours`} from ${from}`
  })
  return parts.length === 1 ? parts[0]! : `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)!}`
}
