import { describe, expect, it } from 'vitest'
import { Connexcs } from '../../src/connexcs/client'
import { limitConcurrency } from '../../src/connexcs/concurrency'

describe('limitConcurrency', () => {
  it('keeps at most that many requests in flight, sends them all in order, and frees a slot when one fails', async () => {
    let inFlight = 0
    let most = 0
    const sent: string[] = []
    const rest = {
      get: async (path: string) => {
        sent.push(path)
        most = Math.max(most, ++inFlight)
        await new Promise(resolve => setTimeout(resolve, 5))
        inFlight--
        if (path.startsWith('bad')) throw new Error('HTTP 500 Internal Server Error')
        return JSON.stringify({ path })
      },
      post: async () => '{}'
    }
    const api = limitConcurrency(new Connexcs(rest as never), 3)
    const paths = Array.from({ length: 10 }, (_, i) => i % 4 === 1 ? `bad${i}` : `p${i}`)
    const results = await Promise.allSettled(paths.map(p => api.get(p, {}, { retries: 0 })))
    expect(most).toBe(3)
    expect(sent).toEqual(paths)
    expect(results.map(r => r.status)).toEqual(paths.map(p => p.startsWith('bad') ? 'rejected' : 'fulfilled'))
  })
})
