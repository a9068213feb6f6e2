import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { gzipSync } from 'node:zlib'
import type { ApiBackend } from '../platform/backend'
import { clockFrom } from '../platform/scriptforge/clock'
import { ScriptForgeHost } from '../platform/scriptforge/host'
import { createSwitch } from '../platform/switch/index'
import { bundle } from './lib/bundle'
import { loadConfig, ROOT } from './lib/config'
import { printAndExit, quietOnClosedOutput } from './lib/output'

// `npm run bench`: what ScriptForge pays on every request. Each request runs in a fresh
// context, so the cold start (load the bundle, register the tools, answer) is the per-request cost.

quietOnClosedOutput()
const { values } = parseArgs({ options: { runs: { type: 'string', default: '30' } } })
const runs = Number(values.runs)
if (!Number.isInteger(runs) || runs < 3) {
  printAndExit('--runs must be a whole number ≥ 3', 2)
}

const config = loadConfig()
await bundle(config)
const entry = config.entries[0]!
const source = readFileSync(resolve(ROOT, config.outDir, `${entry.name}.js`), 'utf8')
const bytes = Buffer.byteLength(source)
const files = { [entry.name]: source }
const host = new ScriptForgeHost({ backend: createSwitch().api, env: { API_USERNAME: 'bench@example.com' } })

function stats (samples: number[]): string {
  const sorted = samples.toSorted((a, b) => a - b)
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!
  return `median ${at(0.5).toFixed(1)} ms, p90 ${at(0.9).toFixed(1)} ms, min ${sorted[0]!.toFixed(1)} ms`
}

async function measure (data: unknown, app: Record<string, string> = files, main = entry.name): Promise<number[]> {
  const samples: number[] = []
  // One warm-up run: compiling the WebAssembly module is a once-per-process cost.
  for (let i = 0; i <= runs; i++) {
    const started = performance.now()
    const result = await host.run({ files: app, entry: main, data })
    const elapsed = performance.now() - started
    if (!result.ok) throw new Error(`bench run failed: ${result.error.message}`)
    if (i > 0) samples.push(elapsed)
  }
  return samples
}

const initialize = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'bench', version: '1' } } }
const list = { jsonrpc: '2.0', id: 2, method: 'tools/list' }
const baseline = await measure({}, { empty: 'export function main () { return null }' }, 'empty')

console.log(`bundle ${entry.name}.js: ${(bytes / 1024).toFixed(1)} KiB, ${(gzipSync(source).length / 1024).toFixed(1)} KiB gzipped`)
console.log(`cold start, fresh QuickJS context per request, ${runs} runs each:`)
console.log(`  empty script (sandbox only)         ${stats(baseline)}`)
console.log(`  load + initialize                   ${stats(await measure(initialize))}`)
console.log(`  load + tools/list                   ${stats(await measure(list))}`)

/**
 * The 30-day switch health report in QuickJS, as ScriptForge would run it: a fresh context per run
 * on the simulated switch's clock, every API request counted, the answer's size. Few runs: each
 * reads a month of traffic.
 */
async function reportBench (): Promise<void> {
  const sw = createSwitch()
  let requests = 0
  // Wall time with at least one request in flight: what the simulated API takes, the rest is the bundle's.
  let apiMs = 0
  let inFlight = 0
  let busySince = 0
  const counting: ApiBackend = async request => {
    requests++
    if (inFlight++ === 0) busySince = performance.now()
    try {
      return await sw.api(request)
    } finally {
      if (--inFlight === 0) apiMs += performance.now() - busySince
    }
  }
  const reportHost = new ScriptForgeHost({ backend: counting, env: { API_USERNAME: 'bench@example.com' }, clock: clockFrom(sw.data.now_ms), timeLimitMs: 120_000 })
  const call = { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'getSwitchHealthReport', arguments: { period: 'last_30_days' } } }
  const samples: number[] = []
  const apiSamples: number[] = []
  let bytesOut = 0
  let perRun = 0
  const reportRuns = Math.max(3, Math.min(runs, 5))
  for (let i = 0; i <= reportRuns; i++) {
    requests = 0
    apiMs = 0
    const started = performance.now()
    const result = await reportHost.run({ files, entry: entry.name, data: call })
    const elapsed = performance.now() - started
    if (!result.ok) throw new Error(`report run failed: ${result.error.message}`)
    const text = (result.value as { result: { content: { text: string }[], isError?: boolean } }).result.content[0]!.text
    if ((result.value as { result: { isError?: boolean } }).result.isError === true) throw new Error(`report failed: ${text.slice(0, 300)}`)
    bytesOut = Buffer.byteLength(text)
    perRun = requests
    // The first run also compiles the WebAssembly module: left out, as above.
    if (i > 0) {
      samples.push(elapsed)
      apiSamples.push(elapsed - apiMs)
    }
  }
  console.log(`getSwitchHealthReport, last 30 days (${sw.data.calls.length.toLocaleString('en')} calls on the simulated switch), ${reportRuns} runs:`)
  console.log(`  ${perRun} API requests (3 at a time: the reports, CDR pages and lists, then the call-log searches they point to), answer ${(bytesOut / 1024).toFixed(1)} KiB`)
  console.log(`  time in QuickJS, API included      ${stats(samples)}`)
  console.log(`  of which with no request in flight  ${stats(apiSamples)} (the bundle's own work: parsing, analysis, presenting)`)
}

await reportBench()
