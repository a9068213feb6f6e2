import { CallFactory, type Outage } from './calls'
import { generateEntities } from './entities'
import type { Dataset } from './model'
import { DESTINATIONS, destination, numberFor } from './numbering'
import { Random } from './random'
import { Router } from './routing'
import { SCENARIO_IDS, ScenarioRunner, type ScenarioContext } from './scenarios'
import { generateTraffic } from './traffic'

/**
 * The simulated ConnexCS account, generated from a seed and a clock: entities, a month of
 * traffic and the scenario calls. The same seed, clock and scenarios always give the same data.
 * Traces, RTCP, transcripts and CDR rows are derived from the calls on demand.
 */
export function generateDataset (seed: number, nowMs: number, scenarios: readonly string[] = SCENARIO_IDS): Dataset {
  const root = new Random(seed)
  const entities = generateEntities(root, nowMs)
  const router = new Router(entities)
  const outages: Outage[] = []

  const contexts = new Map<string, ScenarioContext>()
  const context = (id: string): ScenarioContext => {
    let ctx = contexts.get(id)
    if (ctx === undefined) {
      const random = root.fork(`scenario:${id}`)
      ctx = {
        now: nowMs,
        entities,
        random,
        factory: new CallFactory(random, router, DESTINATIONS, entities.carriers, outages),
        outages,
        customer: name => {
          const customer = entities.customers.find(c => c.name === name)
          if (customer === undefined) throw new Error(`scenario ${id}: no customer "${name}"`)
          return { customer, profile: entities.profiles.find(p => p.customer_id === customer.id)! }
        },
        carrier: name => {
          const carrier = entities.carriers.find(c => c.name === name)
          if (carrier === undefined) throw new Error(`scenario ${id}: no carrier "${name}"`)
          return carrier
        },
        number: name => numberFor(destination(name), random)
      }
      contexts.set(id, ctx)
    }
    return ctx
  }

  const runner = new ScenarioRunner(scenarios, context)
  runner.prepare()
  const traffic = root.fork('traffic')
  const background = generateTraffic(traffic, new CallFactory(traffic, router, DESTINATIONS, entities.carriers, outages), entities, nowMs)
  const calls = [...background, ...runner.place()].sort((a, b) => b.start_ms - a.start_ms || (a.callid < b.callid ? -1 : 1))

  const newest = new Map<number, number>()
  for (const call of calls) if (!newest.has(call.customer_id)) newest.set(call.customer_id, call.start_ms)
  for (const customer of entities.customers) {
    const last = newest.get(customer.id)
    customer.last_call = last === undefined ? null : Math.floor(last / 1000)
  }

  return { seed, now_ms: nowMs, ...entities, destinations: DESTINATIONS, calls, scenarios: runner.catalog(calls) }
}
