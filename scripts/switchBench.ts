import { parseArgs } from 'node:util'
import { createSwitch } from '../platform/switch/index'
import { printAndExit, quietOnClosedOutput } from './lib/output'

// `npm run bench:switch`: how long the simulated switch takes to generate its account (it must stay
// well under a second) and to answer its heavier endpoints. Timing lives here, not in tests.

quietOnClosedOutput()
const { values } = parseArgs({ options: { runs: { type: 'string', default: '10' }, seed: { type: 'string', default: '1' } } })
const runs = Number(values.runs)
const seed = Number(values.seed)
if (!Number.isInteger(runs) || runs < 3 || !Number.isInteger(seed)) {
  printAndExit('--runs must be a whole number ≥ 3 and --seed a whole number', 2)
}
const nowMs = Date.UTC(2026, 10, 24, 12, 0, 0)

function stats (samples: number[]): string {
  const sorted = samples.toSorted((a, b) => a - b)
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!
  return `median ${at(0.5).toFixed(1)} ms, p90 ${at(0.9).toFixed(1)} ms, min ${sorted[0]!.toFixed(1)} ms`
}

function time<T> (fn: () => T): [T, number] {
  const started = performance.now()
  const value = fn()
  return [value, performance.now() - started]
}

const [first, cold] = time(() => createSwitch({ seed, nowMs }))
const warm: number[] = []
for (let i = 0; i < runs; i++) warm.push(time(() => createSwitch({ seed, nowMs }))[1])
console.log(`generate: ${first.data.calls.length} calls, ${first.data.customers.length} customers, ${first.data.carriers.length} carriers, ${(JSON.stringify(first.data).length / 1e6).toFixed(1)} MB as JSON`)
console.log(`  first run (cold JIT)      ${cold.toFixed(1)} ms`)
console.log(`  ${runs} more runs             ${stats(warm)}`)

const sw = first
const answered = sw.data.scenarios.find(s => s.id === 'answered')!.calls[0]!
const ip = sw.data.customers[0]!.ips[0]!
const endpoints: [string, 'GET' | 'POST', string, unknown?][] = [
  ['log search by IP', 'GET', `log?s=${ip}`],
  ['log/trace', 'GET', `log/trace?callid=${encodeURIComponent(answered.callid)}`],
  ['log/rtcp', 'GET', `log/rtcp?callid=${encodeURIComponent(answered.callid)}`],
  ['POST cdr, one day', 'POST', 'cdr', { field: ['callid', 'duration', 'customer_charge'], where: { rules: [{ field: 'dt', condition: '>=', data: '2026-11-23 00:00:00' }, { field: 'dt', condition: '<=', data: '2026-11-23 23:59:59' }] }, limit: 5000 }],
  ['breakout by customer and carrier', 'GET', 'breakout-aggrid?_rowGroupCols[0][field]=customer_id&_rowGroupCols[1][field]=provider_id']
]
console.log('endpoints (in-process; the first call builds the CDR/breakout once per dataset):')
for (const [name, method, path, body] of endpoints) {
  const samples: number[] = []
  for (let i = 0; i <= runs; i++) {
    const started = performance.now()
    const response = await sw.api({ user: 'bench@example.com', method, path, ...(body === undefined ? {} : { body }) })
    if (response.status !== 200) throw new Error(`${name}: ${response.status} ${response.body}`)
    samples.push(performance.now() - started)
  }
  console.log(`  ${name.padEnd(33)} first ${samples[0]!.toFixed(1)} ms, then ${stats(samples.slice(1))}`)
}
