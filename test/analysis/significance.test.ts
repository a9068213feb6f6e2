import { describe, expect, it } from 'vitest'
import { binomialAtLeast, binomialAtMost, logGamma, normalAtLeast, poissonAtLeast, proportionDropP, taroneLevel } from '../../src/analysis/significance'

describe('tail probabilities', () => {
  it('match closed forms and tables', () => {
    expect(logGamma(1)).toBeCloseTo(0, 12)
    expect(logGamma(11)).toBeCloseTo(Math.log(3_628_800), 10)
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 10)
    // No call answered in 18 on a carrier answering 51.6 %: 0.484^18.
    expect(binomialAtMost(0, 18, 0.516)).toBeCloseTo(0.484 ** 18, 15)
    expect(binomialAtMost(2, 4, 0.5)).toBeCloseTo(11 / 16, 12)
    expect(binomialAtLeast(3, 5, 0.5)).toBeCloseTo(0.5, 12)
    expect(binomialAtLeast(0, 5, 0.5)).toBe(1)
    expect(binomialAtLeast(6, 5, 0.5)).toBe(0)
    expect(binomialAtMost(5, 5, 0.3)).toBe(1)
    // P(X ≥ 2) for λ = 1 is 1 − e⁻¹(1 + 1).
    expect(poissonAtLeast(2, 1)).toBeCloseTo(1 - 2 / Math.E, 10)
    expect(poissonAtLeast(0, 3)).toBe(1)
    expect(poissonAtLeast(300, 6)).toBeLessThan(1e-200)
    expect(normalAtLeast(1.959_964)).toBeCloseTo(0.025, 6)
    expect(normalAtLeast(-1.959_964)).toBeCloseTo(0.975, 6)
    // 30 of 100 against 50 of 100: z = 0.2 / sqrt(0.4 · 0.6 · 0.02) = 2.887, one-sided 0.00195.
    expect(proportionDropP(30, 100, 50, 100)).toBeCloseTo(0.001_946, 5)
    expect(proportionDropP(5, 0, 50, 100)).toBe(1)
  })

  it('counts only the tests that can reach the corrected level (Tarone), else is Bonferroni', () => {
    // Three tests can reach 0.01 / 3; the rest never can: they are not counted.
    expect(taroneLevel([1e-9, 1e-6, 1e-4, 0.03, 0.2, 0.5], 0.01)).toEqual({ tested: 3, level: 0.01 / 3 })
    expect(taroneLevel([1e-9, 1e-9, 1e-9, 1e-9], 0.01)).toEqual({ tested: 4, level: 0.0025 })
    expect(taroneLevel([], 0.01)).toEqual({ tested: 1, level: 0.01 })
  })
})
