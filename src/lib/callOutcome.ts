/**
 * What "answered" and "zero-duration" mean, once for every tool (issue 13, "Consistency"): the
 * call log, the CDR, the analytics and the health report all count with these, so that two tools
 * asked about the same period give the same numbers.
 *
 * - A call-log attempt is answered when its final SIP code is 2xx.
 * - A CDR row is a connected call: every row is an answered call, whatever its duration
 *   (a call answered and hung up at once has a row of 0 s).
 * - A zero-duration call is an answered call lasting at most {@link ZERO_DURATION_MAX_S} second
 *   (answer-and-hang-up probes, false answer supervision, instant hang-ups).
 */

/** An answered call of at most this many seconds is a zero-duration call. */
export const ZERO_DURATION_MAX_S = 1

/** The definitions, in words, for answers that state what they count. */
export const OUTCOME_DEFINITIONS = {
  answered: 'final SIP code 2xx; every CDR row is an answered call',
  zero_duration: `answered calls lasting at most ${ZERO_DURATION_MAX_S} s`
} as const

/** Whether a final SIP code answers the call (2xx); 0, missing or anything else does not. */
export function isAnsweredCode (code: number | null | undefined): boolean {
  return typeof code === 'number' && code >= 200 && code < 300
}

/** Whether an answered call of this many seconds is a zero-duration call; an unknown duration is not. */
export function isZeroDuration (durationS: number | null | undefined): boolean {
  return typeof durationS === 'number' && Number.isFinite(durationS) && durationS >= 0 && durationS <= ZERO_DURATION_MAX_S
}

/** What CDR rows (answered calls) add up to. */
export interface CdrCounts {
  /** Every row: each is an answered call. */
  answered: number
  /** Rows of at most {@link ZERO_DURATION_MAX_S} s. */
  zero_duration: number
  /** Σ duration, seconds, rounded. */
  billed_s: number
  /** Σ duration / rows with a duration, seconds, rounded; null without any. */
  acd_s: number | null
}

/** Counts CDR rows with the definitions above (`duration` in seconds, as the CDR gives it). */
export function cdrCounts (rows: readonly Readonly<{ duration?: unknown }>[]): CdrCounts {
  let seconds = 0
  let timed = 0
  let zero = 0
  for (const row of rows) {
    const duration = row.duration === null || row.duration === undefined || row.duration === '' ? Number.NaN : Number(row.duration)
    if (!Number.isFinite(duration) || duration < 0) continue
    seconds += duration
    timed++
    if (isZeroDuration(duration)) zero++
  }
  return { answered: rows.length, zero_duration: zero, billed_s: Math.round(seconds), acd_s: timed === 0 ? null : Math.round(seconds / timed) }
}
