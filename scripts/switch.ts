import { apiRoute, DEFAULT_USERS, parseFaultHeader, startPlatformServer, type FaultRule, type PlatformRoute } from '../platform/server'
import { ScriptForgeStore, scriptForgeApi, withScriptForge } from '../platform/scriptforge/api'
import { clockFrom } from '../platform/scriptforge/clock'
import { createSwitch, DEFAULT_SEED, SCENARIO_IDS } from '../platform/switch/index'
import { clock, parseOptions, wholeNumber } from './lib/options'
import { printAndExit, quietOnClosedOutput } from './lib/output'

const USAGE = `Usage: npm run switch [-- options]
Serves the simulated ConnexCS switch's REST API, and the fake ScriptForge API, on 127.0.0.1 at
/api/cp/, with the real API's authentication (HTTP Basic, or a bearer JWT from GET auth/jwt) and
fault injection.

  --port <n>            port on 127.0.0.1 (default 3001; 0 picks a free one)
  --seed <n>            seed of the simulated data (default ${DEFAULT_SEED})
  --now <time>          the switch's clock, ISO 8601 (default: now)
  --scenarios <ids>     scenarios to place: all (default), none, or ids separated by commas
  --list-scenarios      print the scenario catalog (ids, what each placed) and exit
  --fault <rule>        answer requests with a fault: <path prefix>=<fault>, where <fault> is
                        429[;retry-after=<s>] | <status> | timeout | drop | malformed | slow=<ms>,
                        and * as the path matches every path (repeatable)
  --access-ttl <s>      lifetime of the access tokens auth/jwt issues (default 3600)
  --quiet               do not log requests
  --help                show this`

function fail (message: string): never {
  printAndExit(`npm run switch: ${message}\n\n${USAGE}`, 2)
}

quietOnClosedOutput()

const args = parseOptions({
  port: { type: 'string' },
  seed: { type: 'string' },
  now: { type: 'string' },
  scenarios: { type: 'string' },
  'list-scenarios': { type: 'boolean', default: false },
  fault: { type: 'string', multiple: true, default: [] },
  'access-ttl': { type: 'string' },
  quiet: { type: 'boolean', default: false },
  help: { type: 'boolean', default: false }
}, USAGE, fail)

const port = wholeNumber('port', args.port, 3001, 0, fail)
const seed = wholeNumber('seed', args.seed, DEFAULT_SEED, 0, fail)
const nowMs = clock(args.now, fail)
const accessTokenTtlS = wholeNumber('access-ttl', args['access-ttl'], 3600, 1, fail)
const wanted = args.scenarios?.trim() ?? 'all'
const scenarios = wanted === 'all' ? SCENARIO_IDS : wanted === 'none' ? [] : wanted.split(',').map(s => s.trim()).filter(s => s !== '')
const faults: FaultRule[] = args.fault.map(spec => {
  const eq = spec.indexOf('=')
  const rule = eq < 0 ? undefined : parseFaultHeader(spec.slice(eq + 1))
  if (rule === undefined) fail(`--fault "${spec}": write <path prefix>=<fault>, e.g. log/trace=503 or *=429;retry-after=5`)
  const path = spec.slice(0, eq).trim().replace(/^\/+/, '')
  return { ...rule, ...(path === '*' || path === '' ? {} : { path }) }
})

let simulated
try {
  simulated = createSwitch({ seed, nowMs, scenarios })
} catch (error) {
  fail((error as Error).message)
}
// All of it, even into a pipe: the catalog is larger than a pipe's buffer.
if (args['list-scenarios']) printAndExit(JSON.stringify(simulated.data.scenarios, null, 2), 0)

// The switch's clock runs on from --now: answers carry it in their Date header (npm start -- --live
// learns it there), and scripts run on the fake ScriptForge see it as Date.now().
const switchClock = clockFrom(nowMs)

// Everything /api/cp/ serves. Routes are asked in order and the first that knows a path answers;
// the switch answers every path (404 for one it does not know), so it stays last.
const store = new ScriptForgeStore()
const routes: PlatformRoute[] = [
  // The fake ScriptForge API (setup/app, scriptforge, setup/var, running a file): deploy to it.
  // Its scripts reach it through cxRest too, so one script can run another.
  scriptForgeApi({ backend: withScriptForge(simulated.api, { store, clock: switchClock }), store, clock: switchClock }),
  apiRoute(simulated.api)
]

const log = args.quiet ? undefined : (line: string) => console.log(line)
let server
try {
  server = await startPlatformServer({ port, routes, faults, accessTokenTtlS, clock: switchClock, company: simulated.data.account.name, ...(log === undefined ? {} : { log }) })
} catch (error) {
  const code = (error as { code?: string }).code
  fail(code === 'EADDRINUSE' ? `port ${port} is in use; pick another with --port <n> (0 picks a free one)` : (error as Error).message)
}
const [user, password] = Object.entries(DEFAULT_USERS)[0]!
// No token is printed: the user signs in as on ConnexCS, and the token goes to .env.
console.log(`Simulated ConnexCS switch listening on ${server.baseUrl}
Data: seed ${seed}, clock ${new Date(nowMs).toISOString()}, ${simulated.data.calls.length} calls, ${simulated.data.scenarios.length} scenarios${faults.length === 0 ? '' : `, ${faults.length} fault rule(s)`}.
Sign in with ${user}, password ${password} (HTTP Basic, or POST auth/jwt/refresh then GET auth/jwt).

Serve the MCP server against it (the token goes to .env, as for ConnexCS):
  export CX_BASE_URL=${server.baseUrl}
  CX_PASSWORD=${password} npm run configure -- --username ${user}
  npm start -- --live

Scenarios: GET ${server.baseUrl}sim/scenarios (or npm run switch -- --list-scenarios)
Press Ctrl+C to stop.`)
const stop = (): void => {
  void server.close().then(() => process.exit(0))
}
process.once('SIGINT', stop)
process.once('SIGTERM', stop)
