/** Small statistics shared by the analyses; callers drop missing values first. */

/** Rounds half away from zero to `digits` decimals (tables are compared to this rounding). */
export function round (value: number, digits: number): number {
  const f = 10 ** digits
  return Math.sign(value) * Math.round(Math.abs(value) * f + 1e-9) / f
}

/** Arithmetic mean; `null` for no values. */
export function mean (values: readonly number[]): number | null {
  if (values.length === 0) return null
  let sum = 0
  for (const v of values) sum += v
  return sum / values.length
}

/**
 * Percentile by the nearest-rank method: the smallest value with at least p % of the values at
 * or below it (p50 of [1, 2, 3, 4] is 2). `null` for no values.
 *
 * @param sorted values in ascending order.
 */
export function percentile (sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null
  const rank = Math.max(1, Math.ceil(p / 100 * sorted.length))
  return sorted[Math.min(sorted.length, rank) - 1]!
}

/** `part / whole × 100`, rounded to 2 decimals; `null` when `whole` is 0. */
export function pct (part: number, whole: number): number | null {
  return whole === 0 ? null : round(part / whole * 100, 2)
}

/** The largest value; `null` for none. A loop, not `Math.max(...values)`, which overflows the stack on long lists. */
export function max (values: readonly number[]): number | null {
  let best: number | null = null
  for (const v of values) if (best === null || v > best) best = v
  return best
}

/** The smallest value; `null` for none. */
export function min (values: readonly number[]): number | null {
  let best: number | null = null
  for (const v of values) if (best === null || v < best) best = v
  return best
}
