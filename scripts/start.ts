import { existsSync, readFileSync } from 'node:fs'
import { basename, resolve } from 'node:path'
import type { ApiBackend } from '../platform/backend'
import { createLiveBackend } from '../platform/live/backend'
import { ScriptForgeStore, withScriptForge } from '../platform/scriptforge/api'
import { clockFrom, ServerClock } from '../platform/scriptforge/clock'
import { ScriptForgeHost } from '../platform/scriptforge/host'
import { startHttpFront } from '../platform/scriptforge/httpFront'
import { BundleFile } from '../platform/scriptforge/mcpEndpoint'
import { serveStdio } from '../platform/scriptforge/stdioFront'
import { createSwitch, DEFAULT_SEED } from '../platform/switch/index'
import { appFiles, bundle, isStale } from './lib/bundle'
import { terminalIo } from './lib/cli'
import { loadConfig, ROOT } from './lib/config'
import { liveSettings, variable } from './lib/live'
import { clock, parseOptions, wholeNumber } from './lib/options'
import { printAndExit, quietOnClosedOutput } from './lib/output'
import { sampleQuestions } from './lib/sampleQuestions'

const USAGE = `Usage: npm start [-- options]
Serves the MCP server (dist/<entry>.js) locally, on the simulated ConnexCS switch (or, with
--live, on the ConnexCS API).

  --stdio              serve MCP over stdin/stdout instead of HTTP
  --port <n>           HTTP port on 127.0.0.1 (default 3000; 0 picks a free one)
  --seed <n>           seed of the simulated data (default ${DEFAULT_SEED})
  --now <time>         the switch's clock, ISO 8601 (default: now)
  --live               call the ConnexCS API instead: base URL from CX_BASE_URL or cx.config.json,
                       token from CONNEXCS_API_TOKEN or CX_REFRESH_TOKEN (environment, .env, cx.env)
  --entry <name>       which entry of cx.config.json to serve (default: the first)
  --script <file.js>   add a file to the local app (repeatable), named after the file: the
                       scripts runScriptForgeFunction may run when MCP_RUNNABLE_SCRIPTS lists them
  --time-limit <ms>    per-request time limit of the sandbox (default 30000)
  --memory-limit <MiB> per-request memory limit of the sandbox (default 64)
  --platform-wraps-results
                       the emulated cxMcpServer wraps a handler's tool result as JSON text
                       (the real platform might; default: it passes it through)
  --platform-no-validation
                       the emulated cxMcpServer passes arguments to the handler unchecked
                       (default: it checks required, type and enum first, with its own errors)
  --platform-no-import the emulated platform has no dynamic import(): try the one-file build
                       ("loading": "bundle" in cx.config.json) as such a platform would run it
  --help               show this

The sandbox's clock is the switch's: --now and real time since start (with --live, the API's,
from the Date header of its answers).`

/** The local `API_USERNAME` when none is set: the simulated switch accepts any user. */
const LOCAL_USER = 'developer@example.com'
/** The id of the local app that holds the server's files (`APP_ID` in the sandbox). */
const LOCAL_APP_ID = 1

function fail (message: string): never {
  printAndExit(`npm start: ${message}\n\n${USAGE}`, 2)
}

// A reader that goes away (| head) ends the log, not the server.
quietOnClosedOutput()

const args = parseOptions({
  stdio: { type: 'boolean', default: false },
  live: { type: 'boolean', default: false },
  port: { type: 'string' },
  seed: { type: 'string' },
  now: { type: 'string' },
  entry: { type: 'string' },
  script: { type: 'string', multiple: true },
  'time-limit': { type: 'string' },
  'memory-limit': { type: 'string' },
  'platform-wraps-results': { type: 'boolean', default: false },
  'platform-no-validation': { type: 'boolean', default: false },
  'platform-no-import': { type: 'boolean', default: false },
  help: { type: 'boolean', default: false }
}, USAGE, fail)

/** The live API's clock against this machine's, in words. */
function describeClock (offsetMs: number): string {
  if (offsetMs === 0) return 'it agrees with this machine\'s'
  const days = Math.abs(offsetMs) / 86_400_000
  const amount = days >= 1 ? `${days.toFixed(1)} days` : `${Math.round(Math.abs(offsetMs) / 1000)} s`
  return `${new Date(Date.now() + offsetMs).toISOString().slice(0, 19)}Z, ${amount} ${offsetMs > 0 ? 'ahead of' : 'behind'} this machine's`
}

// In stdio mode stdout carries protocol messages only: every other line goes to stderr.
const log = args.stdio ? (line: string) => console.error(line) : (line: string) => console.log(line)

const port = wholeNumber('port', args.port, 3000, 0, fail)
const seed = wholeNumber('seed', args.seed, DEFAULT_SEED, 0, fail)
const nowMs = clock(args.now, fail)
const timeLimitMs = wholeNumber('time-limit', args['time-limit'], 30_000, 100, fail)
const memoryLimitBytes = wholeNumber('memory-limit', args['memory-limit'], 64, 32, fail) * 1024 * 1024
if (args.live && (args.seed !== undefined || args.now !== undefined)) fail('--seed and --now choose the simulated data; they do not apply with --live')

let config
try {
  config = loadConfig()
} catch (error) {
  fail((error as Error).message)
}
const entry = args.entry === undefined ? config.entries[0]! : config.entries.find(e => e.name === args.entry)
if (entry === undefined) fail(`--entry ${args.entry}: cx.config.json has no entry of that name (${config.entries.map(e => e.name).join(', ')})`)

if (isStale(config)) {
  try {
    const built = await bundle(config)
    log(`built ${built.map(b => `${b.name}.js`).join(', ')}`)
  } catch (error) {
    printAndExit((error as Error).message, 1)
  }
}

// The app's variables and live-mode secrets: the environment first, then .env and cx.env.
const io = { ...terminalIo(), root: ROOT }
const apiUser = variable(io, 'API_USERNAME') ?? LOCAL_USER
let backend: ApiBackend
let where: string
// What Date.now() says inside the sandbox: the switch's clock, or the live API's.
let sandboxClock: () => number
let questions: string[] = []
/** Lines printed after "Backed by …". */
const notes: string[] = []
if (args.live) {
  let settings
  try {
    settings = liveSettings(io)
  } catch (error) {
    fail((error as Error).message)
  }
  const apiClock = new ServerClock()
  let serving = false
  const onDate = (date: string, receivedAtMs: number): void => {
    if (apiClock.learn(date, receivedAtMs) && serving) log(`The API's clock changed: ${describeClock(apiClock.offsetMs)}.`)
  }
  backend = createLiveBackend({ ...settings, onDate, ...(process.env.VERBOSE === undefined ? {} : { log }) })
  where = `ConnexCS API at ${settings.baseUrl} (token from ${settings.tokenSource})`
  // One call before serving, so that the first request already runs on the API's clock.
  try {
    // The sandbox's client times its own calls; this one, outside it, is bounded here.
    await backend({ user: apiUser, method: 'GET', path: 'setup/account' }, { signal: AbortSignal.timeout(15_000) })
    notes.push(`The sandbox's clock is the API's: ${describeClock(apiClock.offsetMs)}.`)
  } catch (error) {
    notes.push(`The API did not answer yet (${(error as Error).message}): the sandbox's clock is this machine's until it does.`)
  }
  serving = true
  sandboxClock = apiClock.now
} else {
  const simulated = createSwitch({ seed, nowMs })
  sandboxClock = clockFrom(nowMs)
  // The app's files, so that a script the app allows runs on the fake ScriptForge API, as on ConnexCS.
  // Every built file: the entries and the files the server loads on demand.
  const files = Object.entries(appFiles(config)).map(([name, code]) => ({ app_id: LOCAL_APP_ID, name, code }))
  for (const file of args.script ?? []) {
    const name = basename(file).replace(/\.m?js$/, '')
    if (!existsSync(file)) fail(`--script ${file}: no such file`)
    if (files.some(f => f.name === name)) fail(`--script ${file}: the app already has a file named ${name}`)
    files.push({ app_id: LOCAL_APP_ID, name, code: readFileSync(file, 'utf8') })
  }
  const store = new ScriptForgeStore({ apps: [{ id: LOCAL_APP_ID, name: config.app }], files }, sandboxClock)
  backend = withScriptForge(simulated.api, { store, clock: sandboxClock, timeLimitMs, memoryLimitBytes })
  if ((args.script ?? []).length > 0) notes.push(`The local app holds ${files.map(f => f.name).join(', ')}.`)
  where = `simulated ConnexCS switch (seed ${seed}, clock ${new Date(nowMs).toISOString()}, ${simulated.data.calls.length} calls)`
  questions = sampleQuestions(simulated.data)
}
const wrapsResults = args['platform-wraps-results']
const validatesFirst = !args['platform-no-validation']
const dynamicImport = !args['platform-no-import']
if (wrapsResults || !validatesFirst) {
  const what = [wrapsResults ? 'wraps every tool result as JSON text' : '', validatesFirst ? '' : 'does not check arguments before the handler'].filter(w => w !== '')
  notes.push(`The emulated cxMcpServer ${what.join(' and ')}.`)
}
if (!dynamicImport) {
  notes.push(`The emulated platform has no dynamic import(): ${(config.loading ?? 'lazy') === 'bundle' ? 'the one-file build runs as it is' : 'every tools/call fails until cx.config.json says "loading": "bundle"'}.`)
}
const runnable = variable(io, 'MCP_RUNNABLE_SCRIPTS')
if (runnable !== undefined && args.live) notes.push('MCP_RUNNABLE_SCRIPTS is set: runScriptForgeFunction runs those scripts of the live account.')
const host = new ScriptForgeHost({
  backend,
  env: {
    API_USERNAME: apiUser,
    ...(process.env.VERBOSE === undefined ? {} : { VERBOSE: process.env.VERBOSE }),
    ...(runnable === undefined ? {} : { MCP_RUNNABLE_SCRIPTS: runnable }),
    // What ScriptForge gives the file it runs (the live app's id comes from APP_ID, as npm run configure writes it).
    APP_ID: args.live ? variable(io, 'APP_ID') ?? '' : String(LOCAL_APP_ID),
    SCRIPTFORGE_NAME: entry.name
  },
  timeLimitMs,
  memoryLimitBytes,
  clock: sandboxClock,
  platform: { wrapsResults, validatesFirst, dynamicImport },
  onLog: event => log(`[script ${event.level}] ${event.args.join(' ')}`)
})
const bundleFile = new BundleFile(resolve(ROOT, config.outDir, `${entry.name}.js`), entry.name)

if (args.stdio) {
  log(`ConnexCS MCP server on stdio, backed by the ${where}`)
  for (const note of notes) log(note)
  await serveStdio({ host, bundle: bundleFile, input: process.stdin, output: process.stdout, log })
} else {
  let front
  try {
    front = await startHttpFront({ host, bundle: bundleFile, port, log })
  } catch (error) {
    const code = (error as { code?: string }).code
    fail(code === 'EADDRINUSE' ? `port ${port} is in use; pick another with --port <n> (0 picks a free one)` : (error as Error).message)
  }
  const snippet = JSON.stringify({ servers: { 'connexcs-local': { type: 'http', url: front.url } } }, null, 2)
  log(`ConnexCS MCP server listening on ${front.url}
Backed by the ${where}.${notes.map(note => `\n${note}`).join('')}

Paste into .vscode/mcp.json:
${snippet}

Claude Code: claude mcp add --transport http connexcs-local ${front.url}
${questions.length === 0 ? '' : `\nThen ask, for example:\n${questions.map(q => `  ${q}`).join('\n')}\n`}
Press Ctrl+C to stop.`)
  const stop = (): void => {
    void front.close().then(() => process.exit(0))
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}
