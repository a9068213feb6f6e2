/**
 * Tail probabilities for the account-wide detectors: how likely a count at least this extreme is
 * by chance, and how to hold a false-alarm rate when many windows or groups are tested at once.
 * Everything is computed in log space, so counts in the thousands neither overflow nor underflow.
 */

const LANCZOS = [
  0.999_999_999_999_809_93, 676.520_368_121_885_1, -1259.139_216_722_402_8, 771.323_428_777_653_13,
  -176.615_029_162_140_59, 12.507_343_278_686_905, -0.138_571_095_265_720_12, 9.984_369_578_019_571_6e-6, 1.505_632_735_149_311_6e-7
]

/** ln Γ(x) for x > 0 (Lanczos, g = 7: about 15 significant digits). */
export function logGamma (x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x)
  const z = x - 1
  let a = LANCZOS[0]!
  const t = z + 7.5
  for (let i = 1; i < LANCZOS.length; i++) a += LANCZOS[i]! / (z + i)
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a)
}

/** ln of the binomial coefficient C(n, k). */
function logChoose (n: number, k: number): number {
  return logGamma(n + 1) - logGamma(k + 1) - logGamma(n - k + 1)
}

/** ln(e^a + e^b) without overflow. */
function logAdd (a: number, b: number): number {
  if (a === -Infinity) return b
  if (b === -Infinity) return a
  const hi = Math.max(a, b)
  return hi + Math.log1p(Math.exp(Math.min(a, b) - hi))
}

/** ln P(X = i) for X ~ Binomial(n, p). */
function logBinomialTerm (i: number, n: number, p: number): number {
  if (p <= 0) return i === 0 ? 0 : -Infinity
  if (p >= 1) return i === n ? 0 : -Infinity
  return logChoose(n, i) + i * Math.log(p) + (n - i) * Math.log1p(-p)
}

/** P(X ≤ k) for X ~ Binomial(n, p): the chance of `k` successes or fewer in `n` tries. */
export function binomialAtMost (k: number, n: number, p: number): number {
  if (k < 0) return 0
  if (k >= n) return 1
  let acc = -Infinity
  for (let i = 0; i <= k; i++) acc = logAdd(acc, logBinomialTerm(i, n, p))
  return Math.min(1, Math.exp(acc))
}

/** P(X ≥ k) for X ~ Binomial(n, p). */
export function binomialAtLeast (k: number, n: number, p: number): number {
  if (k <= 0) return 1
  if (k > n) return 0
  let acc = -Infinity
  for (let i = k; i <= n; i++) acc = logAdd(acc, logBinomialTerm(i, n, p))
  return Math.min(1, Math.exp(acc))
}

/** P(X ≥ k) for X ~ Poisson(λ): the chance of `k` events or more when `λ` are expected. */
export function poissonAtLeast (k: number, lambda: number): number {
  if (k <= 0) return 1
  if (lambda <= 0) return 0
  // The upper tail directly (its terms fall quickly past λ); P(X < k) is 1 minus it.
  let acc = -Infinity
  const top = Math.max(k + 50, Math.ceil(lambda + 12 * Math.sqrt(lambda) + 50))
  for (let i = k; i <= top; i++) acc = logAdd(acc, i * Math.log(lambda) - lambda - logGamma(i + 1))
  return Math.min(1, Math.exp(acc))
}

/** The standard normal upper tail P(Z ≥ z) (Abramowitz and Stegun 7.1.26 on erfc: error below 1.5e-7). */
export function normalAtLeast (z: number): number {
  const x = Math.abs(z) / Math.SQRT2
  const t = 1 / (1 + 0.327_591_1 * x)
  const erfc = t * (0.254_829_592 + t * (-0.284_496_736 + t * (1.421_413_741 + t * (-1.453_152_027 + t * 1.061_405_429)))) * Math.exp(-x * x)
  return z >= 0 ? erfc / 2 : 1 - erfc / 2
}

/**
 * One-sided two-proportion z-test: the chance that `x1 / n1` falls this far below `x2 / n2` (or
 * further) when both share one rate. Pooled standard error; 1 when a period is empty.
 */
export function proportionDropP (x1: number, n1: number, x2: number, n2: number): number {
  if (n1 === 0 || n2 === 0) return 1
  const pooled = (x1 + x2) / (n1 + n2)
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
  if (se === 0) return 1
  return normalAtLeast((x2 / n2 - x1 / n1) / se)
}

/**
 * Tarone's refinement of Bonferroni for many discrete tests: a test whose smallest possible
 * p-value (all attempts failing, say) cannot reach the corrected level is not counted, because it
 * can never raise an alarm. Returns the number of tests counted and the per-test level
 * `alpha / m`, the smallest `m` with at most `m` tests able to reach `alpha / m`. With every test
 * able to, this is plain Bonferroni; it holds the family-wise false-alarm rate at `alpha` either way.
 */
export function taroneLevel (minPValues: readonly number[], alpha: number): { tested: number, level: number } {
  const sorted = minPValues.toSorted((a, b) => a - b)
  for (let m = 1; m <= sorted.length; m++) {
    const able = countAtMost(sorted, alpha / m)
    if (able <= m) return { tested: m, level: alpha / m }
  }
  return { tested: Math.max(1, sorted.length), level: alpha / Math.max(1, sorted.length) }
}

/** How many of the ascending `sorted` values are at most `limit` (binary search). */
function countAtMost (sorted: readonly number[], limit: number): number {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (sorted[mid]! <= limit) lo = mid + 1
    else hi = mid
  }
  return lo
}
