import type { SimulatedSwitch } from '../../platform/switch/index'
import type { ScenarioEntry } from '../../platform/switch/model'

/** Calls the simulated switch's API in-process and parses the answer (text when it is not JSON). */
export function switchClient (sw: SimulatedSwitch) {
  const call = async (method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<{ status: number, body: any, text: string }> => {
    const response = await sw.api({ user: 'test@example.com', method, path, ...(body === undefined ? {} : { body }) })
    let parsed: unknown = response.body
    try {
      parsed = JSON.parse(response.body)
    } catch {
      // kept as text
    }
    return { status: response.status, body: parsed, text: response.body }
  }
  return {
    call,
    /** GET that must answer 200; the parsed body. */
    get: async (path: string): Promise<any> => {
      const response = await call('GET', path)
      if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}: ${response.text}`)
      return response.body
    },
    post: async (path: string, body: unknown): Promise<any> => {
      const response = await call('POST', path, body)
      if (response.status !== 200) throw new Error(`POST ${path} answered ${response.status}: ${response.text}`)
      return response.body
    }
  }
}

/** The catalog entry of a scenario. */
export function scenario (sw: SimulatedSwitch, id: string): ScenarioEntry {
  const entry = sw.data.scenarios.find(s => s.id === id)
  if (entry === undefined) throw new Error(`no scenario ${id}`)
  return entry
}

/** A trace's methods per leg, legs named A, B1, B2… in order of appearance. */
export function flows (packets: { callid: string, method: string }[]): Record<string, string> {
  const legs = new Map<string, string[]>()
  for (const p of packets) legs.set(p.callid, [...(legs.get(p.callid) ?? []), p.method])
  return Object.fromEntries([...legs.values()].map((methods, i) => [i === 0 ? 'A' : `B${i}`, methods.join(' ')]))
}
