import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { gzipSync } from 'node:zlib'
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
