import { readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { loadavg } from 'node:os'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { gzipSync } from 'node:zlib'
import variant from '@jitl/quickjs-ng-wasmfile-release-sync'
import { build } from 'esbuild'
import { newQuickJSWASMModuleFromVariant, newVariant } from 'quickjs-emscripten-core'
import type { ApiBackend } from '../platform/backend'
import { builtinSources } from '../platform/scriptforge/builtins'
import { clockFrom } from '../platform/scriptforge/clock'
import { ScriptForgeHost } from '../platform/scriptforge/host'
import { createSwitch } from '../platform/switch/index'
import { appFiles, bundle, partName } from './lib/bundle'
import { longCallTrace } from './lib/benchTraces'
import { loadConfig, ROOT, type CxConfig } from './lib/config'
import { printAndExit, quietOnClosedOutput } from './lib/output'

// `npm run bench`: what ScriptForge pays on every request, in the QuickJS host. Each request runs
// in a fresh context, so the cold start (load the bundle, register the tools, answer) is paid every
// time, and a long call's trace is analysed from scratch every time it is asked for.

quietOnClosedOutput()
const { values } = parseArgs({ options: { runs: { type: 'string', default: '30' }, 'trace-runs': { type: 'string', default: '7' } } })
const runs = Number(values.runs)
const traceRuns = Number(values['trace-runs'])
if (!Number.isInteger(runs) || runs < 3 || !Number.isInteger(traceRuns) || traceRuns < 3) {
  printAndExit('--runs and --trace-runs must be whole numbers ≥ 3', 2)
}

/** Targets (issue 12): a 5,000-message trace in 0.3 s, 10,000 in at most twice that (0.6 s: linear); cold start 7 ms. */
const TARGET = { trace5000Ms: 300, coldStartMs: 7 }
const SIZES = [1000, 5000, 10_000]

const config = loadConfig()
const built = await bundle(config)
const entry = config.entries[0]!
const files = appFiles(config)
const source = files[entry.name]!
const bytes = Buffer.byteLength(source)
const host = new ScriptForgeHost({ backend: createSwitch().api, env: { API_USERNAME: 'bench@example.com' }, timeLimitMs: 120_000, memoryLimitBytes: 512 * 1024 * 1024 })

function median (samples: number[]): number {
  const sorted = samples.toSorted((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

function stats (samples: number[]): string {
  const sorted = samples.toSorted((a, b) => a - b)
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!
  return `median ${at(0.5).toFixed(1)} ms, p90 ${at(0.9).toFixed(1)} ms, min ${sorted[0]!.toFixed(1)} ms`
}

/** CPU time of this process (the QuickJS host runs in it), ms. */
function cpuMs (): number {
  const usage = process.cpuUsage()
  return (usage.user + usage.system) / 1000
}

/**
 * Times `n` runs in fresh contexts, after one warm-up (compiling the WebAssembly module is a
 * once-per-process cost): wall-clock time, and the CPU time, which other work on the machine
 * inflates less.
 */
async function measure (n: number, run: () => Promise<void>, cpu: number[] = []): Promise<number[]> {
  const samples: number[] = []
  for (let i = 0; i <= n; i++) {
    const started = performance.now()
    const cpuStarted = cpuMs()
    await run()
    if (i > 0) {
      samples.push(performance.now() - started)
      cpu.push(cpuMs() - cpuStarted)
    }
  }
  return samples
}

async function hostRun (data: unknown, app: Record<string, string> = files, main = entry.name, runner = host): Promise<unknown> {
  const result = await runner.run({ files: app, entry: main, data })
  if (!result.ok) throw new Error(`bench run failed: ${result.error.message}`)
  return result.value
}

const initialize = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'bench', version: '1' } } }
const list = { jsonrpc: '2.0', id: 2, method: 'tools/list' }
const empty = { empty: 'export function main () { return null }' }

// The cold start's parts, measured in a fresh QuickJS-ng context each time (the host's engine and
// built-ins): compiling the startup file, evaluating it (its module body: the tools' metadata),
// then answering initialize and tools/list; then what a first tools/call adds by loading the
// tool's own file (compiling and evaluating it). The built-ins are loaded first: they are the platform's.
const wasm = await WebAssembly.compile(readFileSync(createRequire(import.meta.url).resolve('@jitl/quickjs-ng-wasmfile-release-sync/wasm')))
const builtins = await builtinSources()
async function coldStartParts (app: Record<string, string> = files, load: string[] = []): Promise<Record<string, number>> {
  const memory = new WebAssembly.Memory({ initial: 256, maximum: 2048 })
  const quickjs = await newQuickJSWASMModuleFromVariant(newVariant(variant, { wasmModule: wasm, wasmMemory: memory }))
  const runtime = quickjs.newRuntime()
  runtime.setModuleLoader(name => builtins[name] ?? app[name] ?? { error: new Error(`no module ${name}`) }, (_base, name) => name.replace(/^\.\//, ''))
  const vm = runtime.newContext()
  const run = (text: string, name: string, type: 'global' | 'module'): void => {
    const result = vm.evalCode(text, name, { type })
    if (result.error !== undefined) throw new Error(JSON.stringify(vm.dump(result.error)))
    result.value.dispose()
    runtime.executePendingJobs()
  }
  run('globalThis.__cxHost = { env: "{}", log () {}, rest () {} }; globalThis.process = { env: { API_USERNAME: "bench@example.com" } }', 'setup.js', 'global')
  run('import "cxMcpServer"; import "cxRest"', 'builtins.js', 'module')
  // Each part's wall-clock time, and its CPU time as `cpu <part>` (less inflated by other work on the machine).
  const parts: Record<string, number> = {}
  const timed = (part: string, work: () => void): void => {
    const started = performance.now()
    const cpuStarted = cpuMs()
    work()
    parts[part] = performance.now() - started
    parts[`cpu ${part}`] = cpuMs() - cpuStarted
  }
  timed('compile', () => {
    // Compiled under its module name, the import below finds it compiled and only evaluates it.
    const compiled = vm.evalCode(app[entry.name]!, entry.name, { type: 'module', compileOnly: true })
    if (compiled.error !== undefined) throw new Error(JSON.stringify(vm.dump(compiled.error)))
    compiled.value.dispose()
  })
  timed('evaluate', () => run(`import * as m from ${JSON.stringify(entry.name)}; globalThis.__m = m`, 'load.js', 'module'))
  const script = (code: string) => (): void => {
    const call = vm.evalCode(code, 'ask.js')
    if (call.error !== undefined) throw new Error(JSON.stringify(vm.dump(call.error)))
    call.value.dispose()
    runtime.executePendingJobs()
  }
  const ask = (request: unknown) => script(`globalThis.__m.main(${JSON.stringify(request)}).then(v => { globalThis.__out = JSON.stringify(v) })`)
  timed('initialize', ask(initialize))
  timed('list', ask(list))
  // A tool's first call: its file loaded the way the front loads it (import()), before the tool runs.
  for (const tool of load) timed(tool, script(`globalThis.__m.loadTool(${JSON.stringify(tool)}).then(c => { if (typeof c.tool.handler !== 'function') throw new Error('no handler') })`))
  return parts
}

/**
 * Medians of `runs` cold starts of each app (after a warm-up), with the first load of each tool in
 * `load`; the apps take turns, so that the machine's load weighs on each alike.
 */
async function coldStarts (apps: Record<string, string>[], load: string[] = []): Promise<Record<string, number>[]> {
  const samples: Record<string, number[]>[] = apps.map(() => ({}))
  for (let i = 0; i <= runs; i++) {
    for (const [a, app] of apps.entries()) {
      const p = await coldStartParts(app, a === 0 ? load : [])
      if (i > 0) for (const [k, v] of Object.entries(p)) (samples[a]![k] ??= []).push(v)
    }
  }
  // Medians, and each part's minimum as `min <part>`: the least disturbed by other work on the machine.
  return samples.map(s => Object.fromEntries(Object.entries(s).flatMap(([k, v]) => [[k, median(v)], [`min ${k}`, Math.min(...v)]])))
}
const total = (p: Record<string, number>, prefix = ''): number => ['compile', 'evaluate', 'initialize', 'list'].reduce((n, k) => n + p[`${prefix}${k}`]!, 0)
const kib = (n: number): string => `${(n / 1024).toFixed(1)} KiB`

/** The same app built another way, in a folder of its own under outDir (removed after). */
async function builtAs (name: string, change: Partial<CxConfig>, only?: readonly string[]): Promise<Record<string, string>> {
  const other = { ...config, ...change, outDir: `${config.outDir}/bench-${name}` }
  try {
    await bundle(other, ROOT, only === undefined ? {} : { only })
    return appFiles(other)
  } finally {
    rmSync(resolve(ROOT, other.outDir), { recursive: true, force: true })
  }
}

const parts = built.filter(b => b.part)
console.log(`startup file ${entry.name}.js: ${kib(bytes)}, ${kib(gzipSync(source).length)} gzipped (${config.loading ?? 'lazy'} loading` +
  (parts.length === 0
    ? ')'
    : `; ${parts.length} more files loaded on demand, ${kib(parts.reduce((n, b) => n + b.bytes, 0))} in all, ${kib(Math.min(...parts.map(b => b.bytes)))} to ${kib(Math.max(...parts.map(b => b.bytes)))} each)`))
console.log(`\ncold start, fresh QuickJS context per request, ${runs} runs each:`)
const baseline = await measure(runs, async () => {
  await hostRun({}, empty, 'empty')
})
const withInit = await measure(runs, async () => {
  await hostRun(initialize)
})
const withList = await measure(runs, async () => {
  await hostRun(list)
})
console.log(`  empty script (sandbox only)         ${stats(baseline)}`)
console.log(`  load + initialize                   ${stats(withInit)}`)
console.log(`  load + tools/list                   ${stats(withList)}`)
const SMALL = 'getRtpServerGroups'
const toolFiles = built.filter(b => b.part && b.source.startsWith('src/tools/'))
const BIG = toolFiles.toSorted((a, b) => b.bytes - a.bytes)[0]?.source.slice('src/tools/'.length, -3) ?? 'investigateCall'
const lazyTools = files[partName(entry.name, SMALL)] === undefined ? [] : [SMALL, BIG]
// Against the same front with half the tools (how it grows per tool) and the one-file build (the
// fallback for a platform without dynamic import(), and what every request compiled before).
const names = toolFiles.map(b => b.source.slice('src/tools/'.length, -3))
const halfCount = Math.ceil(names.length / 2)
const half = lazyTools.length === 0 ? undefined : await builtAs('half', {}, names.slice(0, halfCount))
const oneFile = lazyTools.length === 0 ? undefined : await builtAs('bundle', { loading: 'bundle' })
const [partMedians, halfMedians, oneMedians] = await coldStarts([files, ...(half === undefined ? [] : [half, oneFile!])], lazyTools)
const coldStartMs = total(partMedians!)
console.log(`  the startup file's own parts (medians): compile ${partMedians!.compile!.toFixed(2)} ms, evaluate ${partMedians!.evaluate!.toFixed(2)} ms, ` +
  `initialize ${partMedians!.initialize!.toFixed(2)} ms, tools/list ${partMedians!.list!.toFixed(2)} ms`)
console.log(`  cold start (compile + evaluate + initialize + tools/list): ${coldStartMs.toFixed(2)} ms, CPU ${total(partMedians!, 'cpu ').toFixed(2)} ms ` +
  `(target ≤ ${TARGET.coldStartMs} ms: ${coldStartMs <= TARGET.coldStartMs ? 'met' : 'not met'})`)
for (const tool of lazyTools) {
  const file = partName(entry.name, tool)
  console.log(`  first tools/call of ${tool} loads ${file}.js (${kib(Buffer.byteLength(files[file]!))}): +${partMedians![tool]!.toFixed(2)} ms ` +
    `(CPU ${partMedians![`cpu ${tool}`]!.toFixed(2)} ms) before the tool runs`)
}
if (half !== undefined && halfMedians !== undefined && oneMedians !== undefined) {
  const added = names.length - halfCount
  const halfBytes = Buffer.byteLength(half[entry.name]!)
  // Minimum CPU times: a hundredth of a millisecond per tool is below what the machine's other work does to medians.
  const least = (p: Record<string, number>): number => total(p, 'min cpu ')
  console.log(`  growth: with ${halfCount} of the ${names.length} tools the startup file is ${kib(halfBytes)}, its cold start at least CPU ${least(halfMedians).toFixed(2)} ms ` +
    `(compile ${halfMedians['min cpu compile']!.toFixed(2)} ms); with all ${kib(bytes)}, CPU ${least(partMedians!).toFixed(2)} ms (compile ${partMedians!['min cpu compile']!.toFixed(2)} ms): ` +
    `each tool adds ${((bytes - halfBytes) / added / 1024).toFixed(2)} KiB of metadata and ${((least(partMedians!) - least(halfMedians)) / added).toFixed(3)} ms, none of its code`)
  console.log(`  the one-file build (cx.config.json "loading": "bundle", for a platform without import()): ${kib(Buffer.byteLength(oneFile![entry.name]!))}, ` +
    `cold start ${total(oneMedians).toFixed(2)} ms, CPU ${total(oneMedians, 'cpu ').toFixed(2)} ms (compile ${oneMedians.compile!.toFixed(2)} ms), growing with every tool's code`)
}
if (loadavg()[0]! > 1.5) console.log(`  (load average ${loadavg()[0]!.toFixed(1)} on this machine while measuring: wall-clock times are inflated; the CPU times less so)`)

// The trace analysis: getSipTrace on a long answered call (in-dialog OPTIONS and their 200s), end to
// end in the host (the request's cold start, the API answer parsed in the sandbox, analysis,
// presentation), and the analysis alone, timed inside the sandbox.
const analysisOnly = (await build({
  entryPoints: [resolve(ROOT, 'scripts/lib/benchEntry.ts')],
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2023',
  minify: true,
  write: false,
  logLevel: 'silent'
})).outputFiles[0]!.text
console.log(`\ntrace analysis, fresh QuickJS context per request, ${traceRuns} runs each (median):`)
const results: Record<number, { tool: number, toolCpu: number, analysis: number }> = {}
for (const size of SIZES) {
  const trace = longCallTrace(size)
  const body = JSON.stringify(trace)
  const backend: ApiBackend = async request => ({ status: 200, statusText: 'OK', body: request.path.startsWith('log/trace') ? body : '[]' })
  const traceHost = new ScriptForgeHost({ backend, env: { API_USERNAME: 'bench@example.com' }, timeLimitMs: 120_000, memoryLimitBytes: 512 * 1024 * 1024 })
  const call = { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'getSipTrace', arguments: { callid: 'bench-call' } } }
  const cpu: number[] = []
  const tool = median(await measure(traceRuns, async () => {
    await hostRun(call, files, entry.name, traceHost)
  }, cpu))
  const inside: number[] = []
  for (let i = 0; i <= traceRuns; i++) {
    const value = await hostRun(trace, { analysis: analysisOnly }, 'analysis', traceHost) as { ms: number }
    if (i > 0) inside.push(value.ms)
  }
  results[size] = { tool, toolCpu: median(cpu), analysis: median(inside) }
  console.log(`  ${String(size).padStart(6)} messages (${(body.length / 1024 / 1024).toFixed(1)} MiB)   getSipTrace end to end ${tool.toFixed(0).padStart(5)} ms ` +
    `(CPU ${results[size]!.toolCpu.toFixed(0).padStart(4)} ms), analysis alone ${results[size]!.analysis.toFixed(0).padStart(5)} ms`)
}
// Each target for both measures: 5,000 messages in 0.3 s, 10,000 in twice that; the ratio says how linear.
const met = (ms: number, target: number): string => `target ≤ ${target} ms: ${ms <= target ? 'met' : 'not met'}`
for (const [label, of] of [['end to end', 'tool'], ['analysis alone', 'analysis']] as const) {
  const at5000 = results[5000]![of]
  const at10000 = results[10_000]![of]
  console.log(`  ${label}: 5,000 messages in ${at5000.toFixed(0)} ms (${met(at5000, TARGET.trace5000Ms)}); ` +
    `10,000 in ${at10000.toFixed(0)} ms (${met(at10000, 2 * TARGET.trace5000Ms)}), ${(at10000 / at5000).toFixed(2)}× the 5,000 figure`)
}
const load = loadavg()[0]!
if (load > 1.5) console.log(`  (load average ${load.toFixed(1)} on this machine while measuring: wall-clock times are inflated; the CPU times less so)`)

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
  console.log(`  ${perRun} API requests (3 at a time: the reports, CDR pages and lists, then the call-log searches they point to, then the addresses those met refused), answer ${(bytesOut / 1024).toFixed(1)} KiB`)
  console.log(`  time in QuickJS, API included      ${stats(samples)}`)
  console.log(`  of which with no request in flight  ${stats(apiSamples)} (the bundle's own work: parsing, analysis, presenting)`)
}

console.log('')
await reportBench()
