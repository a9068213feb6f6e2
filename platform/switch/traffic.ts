import type { CallFactory } from './calls'
import { CLASS5_APPS, type Entities } from './entities'
import type { Customer, CustomerProfile, Destination, SimCall } from './model'
import { destination, numberFor } from './numbering'
import { WeightedPicker, type Random } from './random'
import { HOUR_MS, TRAFFIC_DAYS } from './time'

/**
 * Background traffic: the calls of an ordinary month. Volume follows a UK operator's day (quiet
 * nights, a business-hours plateau, a lighter evening) and a lighter weekend; each call comes
 * from a customer in proportion to its volume and goes to a destination of its mix.
 */

/** Average calls a day (weekdays a little more, weekends less). */
export const CALLS_PER_DAY = 800

/** Relative traffic per UTC hour of the day. */
const DIURNAL = [0.15, 0.1, 0.08, 0.07, 0.08, 0.15, 0.3, 0.6, 1.0, 1.4, 1.6, 1.6, 1.5, 1.5, 1.6, 1.6, 1.5, 1.3, 1.0, 0.8, 0.7, 0.6, 0.4, 0.25]
const DIURNAL_SUM = DIURNAL.reduce((a, b) => a + b, 0)
const WEEKEND = 0.55
/** Share of calls from UK customers that dial one of the account's Class 5 apps. */
const CLASS5_SHARE = 0.012

/** Generates the background calls of the `TRAFFIC_DAYS` days before `nowMs` (unsorted). */
export function generateTraffic (random: Random, factory: CallFactory, entities: Entities, nowMs: number): SimCall[] {
  const profiles = new Map(entities.profiles.map(p => [p.customer_id, p]))
  const callers = new WeightedPicker(entities.customers.map((c): [Customer, number] => [c, profiles.get(c.id)!.volume]).filter(([, v]) => v > 0))
  const mixes = new Map<number, WeightedPicker<Destination>>(entities.profiles.map(p => [p.customer_id, new WeightedPicker(p.mix.map(m => [destination(m.destination), m.weight]))]))
  const class5Dids = entities.dids.slice(0, CLASS5_APPS.length)
  const london = (profile: CustomerProfile): boolean => profile.mix.some(m => m.destination === 'United Kingdom - London')
  // Weekday factor chosen so that a week averages CALLS_PER_DAY.
  const perUnit = CALLS_PER_DAY / DIURNAL_SUM / ((5 + 2 * WEEKEND) / 7)

  const calls: SimCall[] = []
  const first = Math.floor((nowMs - TRAFFIC_DAYS * 24 * HOUR_MS) / HOUR_MS) * HOUR_MS
  for (let hour = first; hour < nowMs; hour += HOUR_MS) {
    const date = new Date(hour)
    const weekend = date.getUTCDay() === 0 || date.getUTCDay() === 6
    const expected = perUnit * DIURNAL[date.getUTCHours()]! * (weekend ? WEEKEND : 1)
    const count = Math.max(0, Math.round(expected + Math.sqrt(expected) * random.gaussian()))
    for (let n = 0; n < count; n++) {
      const start = hour + random.int(0, HOUR_MS - 1)
      const customer = callers.pick(random)
      const profile = profiles.get(customer.id)!
      // Kept inside the window, and never in the last minute (that call would still be going on).
      if (start < nowMs - TRAFFIC_DAYS * 24 * HOUR_MS || start > nowMs - 60_000) continue
      if (profile.blocked_after_ms !== undefined && start > profile.blocked_after_ms) continue
      const k = london(profile) && random.chance(CLASS5_SHARE) ? random.int(0, class5Dids.length - 1) : -1
      calls.push(factory.place(k < 0
        ? { start_ms: start, customer, profile, dest_number: numberFor(mixes.get(customer.id)!.pick(random), random) }
        : { start_ms: start, customer, profile, dest_number: class5Dids[k]!.did, class5: CLASS5_APPS[k]! }))
    }
  }
  return calls
}
