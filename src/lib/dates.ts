import { invalidArgument } from './errors'

/** A whole-day UTC date range, as the ConnexCS API takes it. */
export interface DateRange {
  /** First day, `YYYY-MM-DD`. */
  start_date: string
  /** Last day, `YYYY-MM-DD` (inclusive). */
  end_date: string
  /** `YYYY-MM-DD 00:00:00` of the first day: the API's `dt` format. */
  from: string
  /** `YYYY-MM-DD 23:59:59` of the last day. */
  to: string
  days: number
}

const DAY_MS = 86_400_000

/** `YYYY-MM-DD` of a unix-ms time, in UTC. */
export function dayOf (ms: number): string {
  return new Date(ms).toISOString().slice(0, 10)
}

function dayMs (day: string): number {
  return Date.parse(`${day}T00:00:00Z`)
}

/**
 * Resolves the `start_date`/`end_date` parameters (already checked to be calendar dates) into a
 * range: `end_date` defaults to `start_date`, `start_date` to `defaultDays - 1` days before today.
 *
 * @throws ToolError naming `end_date` when it is before `start_date`, or the range when it is
 * longer than `maxDays`.
 */
export function resolveRange (
  startDate: string | undefined,
  endDate: string | undefined,
  nowMs: number,
  defaultDays: number,
  maxDays: number
): DateRange {
  const end = endDate ?? (startDate === undefined ? dayOf(nowMs) : startDate)
  const start = startDate ?? dayOf(dayMs(end) - (defaultDays - 1) * DAY_MS)
  const days = Math.round((dayMs(end) - dayMs(start)) / DAY_MS) + 1
  if (days < 1) throw invalidArgument('end_date', `end_date ${end} is before start_date ${start}; give an end_date on or after start_date`)
  if (days > maxDays) {
    throw invalidArgument('start_date', `the range ${start} to ${end} is ${days} days; this tool takes at most ${maxDays} days: move start_date later or end_date earlier`)
  }
  return { start_date: start, end_date: end, from: `${start} 00:00:00`, to: `${end} 23:59:59`, days }
}

/** `2026-11-24` or `2026-11-20 to 2026-11-24`, for summaries. */
export function describeRange (range: DateRange): string {
  return range.days === 1 ? range.start_date : `${range.start_date} to ${range.end_date}`
}
