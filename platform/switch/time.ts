/** Time constants and the date formats the ConnexCS API uses. */

/** One hour and one day, ms. */
export const HOUR_MS = 3_600_000
export /**
 *
 */
const DAY_MS = 86_400_000

/** SIP traces are kept this long, as on ConnexCS. */
export const TRACE_RETENTION_MS = 7 * DAY_MS

/** The call log (`GET log`) covers this long, as the logging page does. */
export const LOG_RETENTION_MS = 14 * DAY_MS

/** How many days of traffic the account has. */
export const TRAFFIC_DAYS = 30

/** `YYYY-MM-DD HH:MM:SS` (UTC), as CDR `dt` and payment times are written. */
export function sqlTime (ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ')
}

/** `YYYY-MM-DD` (UTC). */
export function isoDay (ms: number): string {
  return new Date(ms).toISOString().slice(0, 10)
}

/** ISO 8601 without milliseconds, e.g. `2026-11-24T10:15:04Z`. */
export function isoSeconds (ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z')
}

/**
 * Parses `YYYY-MM-DD[ HH:MM:SS]` or an ISO time as UTC; `undefined` when it is not a time.
 * A bare date is midnight.
 */
export function parseTime (text: string): number | undefined {
  const match = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?(Z|[+-]\d{2}:?\d{2})?$/.exec(text.trim())
  if (match === null) return undefined
  const ms = Date.parse(`${match[1]}T${match[2] ?? '00:00:00'}${match[3] ?? 'Z'}`)
  return Number.isNaN(ms) ? undefined : ms
}
