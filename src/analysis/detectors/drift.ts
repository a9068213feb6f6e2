/**
 * A carrier drifting against its own previous period: answering fewer of its attempts, or
 * ringing later, on a scale that week-to-week noise does not reach.
 */
import { binomialAtLeast, proportionDropP } from '../significance'
import { chance, count, DEFAULT_ALPHA, pct, type AccountFinding } from './types'

/** One carrier's figures in one period. */
export interface CarrierPeriod {
  provider_id: number
  /** Its attempts and connected calls (the traffic report by `provider_id`). */
  attempts: number
  connected: number
  /** Post-dial delays of its answered calls, ms (the CDR's `pdd_out`), when read. */
  pdd_ms?: readonly number[]
}

/** Options of {@link detectCarrierDrift}. */
export interface DriftOptions {
  alpha?: number
  /** Attempts in each period before the ASR is compared (default 100). */
  minAttempts?: number
  /** The smallest ASR fall that matters, points (default 5), and relative to the previous ASR (default 0.15). */
  minDropPoints?: number
  minDropShare?: number
  /** PDD samples in each period before it is compared (default 30). */
  minPddSamples?: number
  /** The smallest PDD rise that matters: the median times this (default 1.5) and at least this many ms (default 1000). */
  pddFactor?: number
  minPddRiseMs?: number
}

function median (values: readonly number[]): number {
  const sorted = values.toSorted((a, b) => a - b)
  return sorted[Math.ceil(sorted.length / 2) - 1]!
}

/**
 * Carriers whose ASR fell (one-sided two-proportion test) or whose PDD rose (sign test: how many of
 * this period's PDDs are above the previous median, binomial at one half) against their previous
 * period, beyond a floor that matters in practice, over every carrier and both measures tested
 * (Bonferroni). One finding per carrier, naming what drifted.
 */
export function detectCarrierDrift (
  current: readonly CarrierPeriod[],
  previous: readonly CarrierPeriod[],
  options: DriftOptions = {}
): AccountFinding[] {
  const alpha = options.alpha ?? DEFAULT_ALPHA
  const minAttempts = options.minAttempts ?? 100
  const minPoints = options.minDropPoints ?? 5
  const minShare = options.minDropShare ?? 0.15
  const minSamples = options.minPddSamples ?? 30
  const pddFactor = options.pddFactor ?? 1.5
  const minRise = options.minPddRiseMs ?? 1000
  const before = new Map(previous.filter(p => p.provider_id !== 0).map(p => [p.provider_id, p]))
  const pairs = current.filter(c => c.provider_id !== 0 && before.has(c.provider_id)).map(c => [c, before.get(c.provider_id)!] as const)
  const tests = pairs.reduce((n, [c, p]) => n +
    (c.attempts >= minAttempts && p.attempts >= minAttempts ? 1 : 0) +
    ((c.pdd_ms?.length ?? 0) >= minSamples && (p.pdd_ms?.length ?? 0) >= minSamples ? 1 : 0), 0)
  const level = alpha / Math.max(1, tests)
  const out: AccountFinding[] = []
  for (const [c, p] of pairs) {
    const parts: string[] = []
    const evidence: AccountFinding['evidence'] = {}
    if (c.attempts >= minAttempts && p.attempts >= minAttempts) {
      const [now, then] = [c.connected / c.attempts, p.connected / p.attempts]
      const drop = (then - now) * 100
      const pValue = proportionDropP(c.connected, c.attempts, p.connected, p.attempts)
      if (drop >= minPoints && drop >= then * 100 * minShare && pValue <= level) {
        parts.push(`ASR ${pct(c.connected, c.attempts)} % of ${count(c.attempts, 'attempt')}, down ${Math.round(drop * 100) / 100} points from ${pct(p.connected, p.attempts)} %`)
        Object.assign(evidence, {
          asr_pct: pct(c.connected, c.attempts),
          previous_asr_pct: pct(p.connected, p.attempts),
          change_points: Math.round(-drop * 100) / 100,
          attempts: c.attempts,
          previous_attempts: p.attempts,
          asr_p_value: Number(pValue.toPrecision(3))
        })
      }
    }
    const [nowPdd, thenPdd] = [c.pdd_ms ?? [], p.pdd_ms ?? []]
    if (nowPdd.length >= minSamples && thenPdd.length >= minSamples) {
      const [m1, m0] = [median(nowPdd), median(thenPdd)]
      const above = nowPdd.filter(v => v > m0).length
      const pValue = binomialAtLeast(above, nowPdd.length, 0.5)
      if (m1 >= m0 * pddFactor && m1 - m0 >= minRise && pValue <= level) {
        parts.push(`median PDD ${(m1 / 1000).toFixed(1)} s of ${count(nowPdd.length, 'answered call')}, up from ${(m0 / 1000).toFixed(1)} s`)
        Object.assign(evidence, {
          pdd_p50_ms: m1,
          previous_pdd_p50_ms: m0,
          pdd_change_pct: Math.round((m1 / m0 - 1) * 1000) / 10,
          pdd_samples: nowPdd.length,
          pdd_p_value: Number(pValue.toPrecision(3))
        })
      }
    }
    if (parts.length === 0) continue
    out.push({
      code: 'carrier_drift',
      severity: 'warning',
      title: `Carrier ${c.provider_id} against the previous period: ${parts.join('; ')}`,
      meaning: 'The carrier is getting worse rather than failing outright: fewer of its attempts connect, or callers wait longer before ringing, on its own traffic. Its capacity, its upstream routes or our interconnect with it changed.',
      action: 'Raise it with the carrier with the figures of both periods; meanwhile lower its priority for the destinations where another carrier does better, and watch whether the failures cluster on one destination or one failure code.',
      threshold: `ASR down ${minPoints} points and ${Math.round(minShare * 100)} % or more over ${minAttempts}+ attempts a period, or median PDD × ${pddFactor} and +${minRise} ms over ${minSamples}+ answered calls, each at a chance below ${chance(level)} (${alpha} over ${count(tests, 'test')}): smaller moves are week-to-week noise.`,
      subject: { provider_id: c.provider_id },
      evidence
    })
  }
  return out.sort((a, b) => (a.subject.provider_id! - b.subject.provider_id!))
}
