import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { ScriptForgeHost } from '../platform/scriptforge/host'
import { clockFrom } from '../platform/scriptforge/clock'
import { startHttpFront } from '../platform/scriptforge/httpFront'
import { BundleFile } from '../platform/scriptforge/mcpEndpoint'
import { createSwitch, DEFAULT_SEED } from '../platform/switch/index'
import type { Fixtures } from '../src/lib/selfTestCase'
import { tools } from '../src/tools/index'
import { bundle } from './lib/bundle'
import { loadConfig, ROOT } from './lib/config'
import { printAndExit, quietOnClosedOutput } from './lib/output'

// `npm run bench:load`: N requests at concurrency C against the local HTTP front on 127.0.0.1, as
// `npm start` serves it (a fresh QuickJS context per request, the simulated switch behind it), with
// a mix of MCP requests: initialize, tools/list, ping, every tool with its self-test's arguments,
// and bad arguments. Prints the errors, p50/p99 and the server's memory at start, middle and end.
// Bounded: every request has a timeout, and the whole run a time limit. Not part of npm test.

quietOnClosedOutput()
const USAGE = `Usage: npm run bench:load [-- options]
  --requests <n>      how many requests in all (default 10000)
  --concurrency <n>   how many at once (default 4)
  --max-seconds <n>   stop sending after this long (default 1800)
  --seed <n>          seed of the simulated switch (default ${DEFAULT_SEED})`

let values
try {
  values = parseArgs({
    options: {
      requests: { type: 'string', default: '10000' },
      concurrency: { type: 'string', default: '4' },
      'max-seconds': { type: 'string', default: '1800' },
      seed: { type: 'string', default: String(DEFAULT_SEED) },
      help: { type: 'boolean', default: false }
    }
  }).values
} catch (error) {
  printAndExit(`${(error as Error).message}\n\n${USAGE}`, 2)
}
if (values.help) printAndExit(USAGE, 0)
const whole = (name: string, text: string, min: number, max: number): number => {
  const n = Number(text)
  if (!Number.isInteger(n) || n < min || n > max) printAndExit(`--${name} must be a whole number from ${min} to ${max}; got "${text}"\n\n${USAGE}`, 2)
  return n
}
const total = whole('requests', values.requests, 1, 1_000_000)
const concurrency = whole('concurrency', values.concurrency, 1, 64)
const maxMs = whole('max-seconds', values['max-seconds'], 1, 86_400) * 1000
const seed = whole('seed', values.seed, 0, 2 ** 31)
const REQUEST_TIMEOUT_MS = 60_000

const config = loadConfig()
await bundle(config)
const entry = config.entries[0]!
const nowMs = Date.now()
const simulated = createSwitch({ seed, nowMs })
const host = new ScriptForgeHost({ backend: simulated.api, env: { API_USERNAME: 'bench@example.com' }, clock: clockFrom(nowMs) })
const front = await startHttpFront({ host, bundle: new BundleFile(resolve(ROOT, config.outDir, `${entry.name}.js`), entry.name), port: 0, log: () => {} })

// Arguments as the self-test makes them, from a recent answered call and its customer.
const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10)
const recent = simulated.data.calls.filter(c => c.sip_code === 200 && c.customer_id > 0 && nowMs - c.start_ms < 3 * 86_400_000).at(-1)!
const fixtures: Fixtures = {
  call: { callid: recent.callid, callidb: recent.callidb, cli: recent.cli, dest_number: recent.dest_number, customer_id: recent.customer_id, start_time: Math.floor(recent.start_ms / 1000) },
  customer: { customer_id: recent.customer_id },
  today: day(nowMs),
  weekAgo: day(nowMs - 7 * 86_400_000)
}

/** One kind of request, and what its answer must be. */
interface Kind {
  name: string
  message: Record<string, unknown>
  expect: 'result' | 'tool error' | 'rpc error'
}

const kinds: Kind[] = [
  { name: 'initialize', message: { method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'bench', version: '1' } } }, expect: 'result' },
  { name: 'tools/list', message: { method: 'tools/list' }, expect: 'result' },
  { name: 'ping', message: { method: 'ping' }, expect: 'result' },
  ...tools.map(tool => ({ name: tool.name, message: { method: 'tools/call', params: { name: tool.name, arguments: tool.selfTest.args(fixtures) } }, expect: 'result' as const })),
  { name: 'bad argument', message: { method: 'tools/call', params: { name: 'getSipTrace', arguments: { callid: 7 } } }, expect: 'tool error' },
  { name: 'unknown tool', message: { method: 'tools/call', params: { name: 'getCTrace', arguments: {} } }, expect: 'rpc error' }
]

/** What was wrong with an answer, or undefined. */
async function send (kind: Kind, id: number): Promise<string | undefined> {
  const response = await fetch(front.url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' },
    body: JSON.stringify({ jsonrpc: '2.0', id, ...kind.message }),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS)
  })
  const text = await response.text()
  if (response.status !== 200) return `HTTP ${response.status}: ${text.slice(0, 200)}`
  const body = JSON.parse(text) as { id?: unknown, result?: { isError?: boolean, content?: { text: string }[] }, error?: { message: string } }
  if (body.id !== id) return `answered id ${JSON.stringify(body.id)} for ${id}`
  const got = body.error !== undefined ? 'rpc error' : body.result?.isError === true ? 'tool error' : 'result'
  if (got !== kind.expect) return `${got} where a ${kind.expect} was due: ${(body.error?.message ?? body.result?.content?.[0]?.text ?? '').slice(0, 200)}`
  return undefined
}

const mib = (bytes: number): string => `${(bytes / 1_048_576).toFixed(1)} MiB`
const memory = (): string => {
  // With --expose-gc (npm run bench:load passes it), collect first: what stays is what leaks.
  (globalThis as { gc?: () => void }).gc?.()
  const m = process.memoryUsage()
  return `rss ${mib(m.rss)}, heap used ${mib(m.heapUsed)}, external ${mib(m.external)}`
}

console.log(`bench:load: ${total} requests, ${concurrency} at once, against ${front.url} (seed ${seed}; ${kinds.length} kinds of request, in turn)`)
console.log(`memory at start:  ${memory()}`)
const started = performance.now()
const latencies: number[] = []
const byKind = new Map<string, number[]>()
const errors = new Map<string, number>()
let next = 0
let middleShown = false
let stoppedEarly = false

async function worker (): Promise<void> {
  for (;;) {
    if (next >= total) return
    if (performance.now() - started > maxMs) {
      stoppedEarly = true
      return
    }
    const i = next++
    const kind = kinds[i % kinds.length]!
    const t0 = performance.now()
    let problem: string | undefined
    try {
      problem = await send(kind, i + 1)
    } catch (error) {
      problem = `no answer: ${(error as Error).message}`
    }
    const ms = performance.now() - t0
    latencies.push(ms)
    byKind.set(kind.name, [...(byKind.get(kind.name) ?? []), ms])
    if (problem !== undefined) {
      const key = `${kind.name}: ${problem}`
      if (!errors.has(key)) console.log(`error: ${key}`)
      errors.set(key, (errors.get(key) ?? 0) + 1)
    }
    if (!middleShown && latencies.length >= total / 2) {
      middleShown = true
      console.log(`memory at middle: ${memory()} (after ${latencies.length} requests)`)
    }
  }
}

await Promise.all(Array.from({ length: concurrency }, () => worker()))
const seconds = (performance.now() - started) / 1000
console.log(`memory at end:    ${memory()}`)
await front.close()
// WebAssembly memories of the last runs are freed a little after their collection.
await new Promise(resolve => setTimeout(resolve, 2_000))
console.log(`memory settled:   ${memory()} (2 s later, server closed)`)

const quantile = (samples: number[], q: number): number => {
  const sorted = samples.toSorted((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0
}
const at = (q: number): number => quantile(latencies, q)
const failed = [...errors.values()].reduce((a, b) => a + b, 0)
console.log(`${latencies.length} requests in ${seconds.toFixed(1)} s (${(latencies.length / seconds).toFixed(1)}/s): ` +
  `p50 ${at(0.5).toFixed(0)} ms, p99 ${at(0.99).toFixed(0)} ms, max ${at(1).toFixed(0)} ms; ${failed} errors${stoppedEarly ? '; stopped at --max-seconds' : ''}`)
for (const [key, n] of errors) console.log(`  ${n}× ${key}`)
console.log(`p50 by kind: ${[...byKind].map(([name, samples]) => `${name} ${quantile(samples, 0.5).toFixed(0)} ms`).join(', ')}`)
// No process.exit: it would cut what is still being written into a pipe.
process.exitCode = failed === 0 && !stoppedEarly ? 0 : 1
