const HEX_PAIRS = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))

/**
 * A seeded pseudo-random source (mulberry32): the same seed gives the same sequence on every
 * machine, which is what makes the simulated switch deterministic.
 */
export class Random {
  private state: number

  constructor (seed: number) {
    this.state = seed >>> 0
  }

  /** A float in [0, 1). */
  next (): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0
    let t = this.state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }

  /** An integer in [min, max]. */
  int (min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1))
  }

  /** True with probability `p`. */
  chance (p: number): boolean {
    return this.next() < p
  }

  /** One element of a non-empty list. */
  pick<T> (items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!
  }

  /** One key of `weights`, chosen in proportion to its weight. */
  weighted<K extends string> (weights: Readonly<Record<K, number>>): K {
    const entries = Object.entries(weights) as [K, number][]
    const total = entries.reduce((sum, [, w]) => sum + w, 0)
    let roll = this.next() * total
    for (const [key, weight] of entries) {
      roll -= weight
      if (roll < 0) return key
    }
    return entries.at(-1)![0]
  }

  /** A log-normal value with the given median and spread (sigma of the log). */
  logNormal (median: number, sigma: number): number {
    return median * Math.exp(sigma * this.gaussian())
  }

  /** A standard normal value (Box-Muller). */
  gaussian (): number {
    return Math.sqrt(-2 * Math.log(1 - this.next())) * Math.cos(2 * Math.PI * this.next())
  }

  /** `n` lower-case hex digits. */
  hex (n: number): string {
    let out = ''
    // Eight digits per draw, two at a time: ids are the bulk of the generated text.
    while (out.length < n) {
      const bits = (this.next() * 4294967296) >>> 0
      out += HEX_PAIRS[bits >>> 24]! + HEX_PAIRS[(bits >>> 16) & 255]! + HEX_PAIRS[(bits >>> 8) & 255]! + HEX_PAIRS[bits & 255]!
    }
    return out.length === n ? out : out.slice(0, n)
  }

  /** `n` characters of the URL-safe base64 alphabet. */
  token (n: number): string {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
    let out = ''
    for (let i = 0; i < n; i += 5) {
      let bits = (this.next() * 1073741824) >>> 0
      for (let k = 0; k < 5 && i + k < n; k++, bits >>>= 6) out += alphabet[bits & 63]
    }
    return out
  }

  /** A new independent source derived from this one and a label, so parts of the data do not shift each other. */
  fork (label: string): Random {
    let h = this.state ^ 0x9e3779b9
    for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193)
    return new Random(h >>> 0)
  }
}

/** A stable 32-bit hash of text, to seed per-item sources (e.g. one call's trace) from its id. */
export function hashSeed (text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193)
  return h >>> 0
}

/** Picks items in proportion to their weights in O(log n), for the many picks of the traffic. */
export class WeightedPicker<T> {
  private readonly items: T[]
  private readonly cumulative: number[]

  constructor (entries: readonly [T, number][]) {
    this.items = entries.map(([item]) => item)
    let sum = 0
    this.cumulative = entries.map(([, weight]) => (sum += weight))
  }

  /** Whether there is anything to pick. */
  get empty (): boolean {
    return this.items.length === 0 || this.cumulative.at(-1)! <= 0
  }

  /** One item (the picker must not be empty). */
  pick (random: Random): T {
    const roll = random.next() * this.cumulative.at(-1)!
    let lo = 0
    let hi = this.cumulative.length - 1
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (this.cumulative[mid]! > roll) hi = mid
      else lo = mid + 1
    }
    return this.items[lo]!
  }
}
