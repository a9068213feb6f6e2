import type { Connexcs } from './client'

/**
 * At most `max` API requests in flight for one tool call. The CDR database takes fewer than four
 * concurrent queries (the references' advice), and a report that fires a dozen at once would
 * queue them on the API's side, where each one's timeout already runs: here a request waits its
 * turn before it is sent, so its timeout starts when it does.
 */
export function limitConcurrency (api: Connexcs, max: number): Connexcs {
  let running = 0
  const waiting: (() => void)[] = []
  const gate = async <T> (send: () => Promise<T>): Promise<T> => {
    // A request that waits is handed the slot of the one that ends, so no third party slips in between.
    if (running >= max) await new Promise<void>(resolve => waiting.push(resolve))
    else running++
    try {
      return await send()
    } finally {
      const next = waiting.shift()
      if (next === undefined) running--
      else next()
    }
  }
  // The same client, its requests through the gate (its other methods as they are).
  const limited = Object.create(api) as Connexcs
  limited.get = ((path, query, options) => gate(() => api.get(path, query, options))) as Connexcs['get']
  limited.post = ((path, body, options) => gate(() => api.post(path, body, options))) as Connexcs['post']
  return limited
}
