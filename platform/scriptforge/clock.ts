/**
 * Clocks for the sandbox (`HostOptions.clock`): the simulated switch's, which starts at its
 * `--now` and runs at real speed, and a live API's, learnt from the `Date` headers of its answers.
 */

/** A clock that reads `startMs` now and runs at real speed from there. */
export function clockFrom (startMs: number, realNow: () => number = Date.now): () => number {
  const origin = realNow()
  return () => startMs + (realNow() - origin)
}

/**
 * A `Date` header has whole seconds, and the answer took some time to arrive: a server within this
 * much of our clock is taken to agree with it.
 */
export const CLOCK_TOLERANCE_MS = 2_000

/**
 * The clock of a remote API: our time plus the offset its `Date` headers show. It starts at our
 * time; each header that disagrees with the current offset by more than the tolerance moves it.
 */
export class ServerClock {
  private offset = 0
  private readonly realNow: () => number

  constructor (realNow: () => number = Date.now) {
    this.realNow = realNow
  }

  /** The API's time now, unix ms. */
  readonly now = (): number => this.realNow() + this.offset

  /** How far the API's clock is ahead of ours, ms (negative: behind). */
  get offsetMs (): number {
    return this.offset
  }

  /**
   * Learns from the `Date` header of an answer received at `receivedAtMs` (our clock); true when
   * the offset changed. A header that is not a date is ignored.
   */
  learn (dateHeader: string, receivedAtMs: number = this.realNow()): boolean {
    const seconds = Date.parse(dateHeader)
    if (Number.isNaN(seconds)) return false
    // The header rounds down to the second: the server's time was, on average, half a second later.
    let estimate = seconds + 500 - receivedAtMs
    if (Math.abs(estimate) <= CLOCK_TOLERANCE_MS) estimate = 0
    if (Math.abs(estimate - this.offset) <= CLOCK_TOLERANCE_MS) return false
    this.offset = estimate
    return true
  }
}
