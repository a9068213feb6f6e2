import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ApiBackend } from '../../platform/backend'
import { createLiveBackend } from '../../platform/live/backend'
import { apiRoute, startPlatformServer, type FaultRule } from '../../platform/server'
import type { ToolDefinition } from '../../src/lib/defineTool'
import type { Fixtures } from '../../src/lib/selfTestCase'
import { tools } from '../../src/tools/index'
import { bundleClient, NOW_MS, testSwitch } from '../helpers/platform'
import { scenario } from '../helpers/switchApi'

/**
 * The fault matrix (issue 13): every registered tool × every fault the simulated switch injects,
 * through the bundle in QuickJS, in live mode (the live backend over HTTP to the local platform,
 * which injects the fault). Each cell must be a typed tool error of the fault's type, or a partial
 * answer whose summary's first sentence names what could not be read; never a plain
 * `found: false`. A tool joins by being registered: its arguments are its self-test case's.
 *
 * Every source a tool reads (each path shape) also fails alone (a 500 on that path only), since a
 * tool that reads several sources must not take one failed source for "nothing there".
 */

const sw = testSwitch()
const USER = 'test@example.com'
/**
 * The client's one timer: short, so that a stall past it costs little; long enough that a loaded
 * machine (helpers and tests sharing two cores) does not turn a slow healthy answer into a timeout.
 */
const TIMEOUT_MS = 4_000
/** Longer than the client waits (8 s), so it does not retry but says how long to wait. */
const RETRY_AFTER_S = 30

/** The AI-agent call has everything a call can have: a trace, RTCP, Class 5, a transcript, an AI log. */
const call = scenario(sw, 'ai_agent').calls[0]!
const callRow = sw.data.calls.find(c => c.callid === call.callid)!
const customer = sw.data.customers.find(c => c.id === call.customer_id)!
const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10)
const fixtures: Fixtures = {
  call: { callid: call.callid, callidb: call.callidb, cli: callRow.cli, dest_number: call.dest_number, customer_id: call.customer_id, start_time: Math.floor(callRow.start_ms / 1000) },
  customer: { customer_id: customer.id, name: customer.name },
  today: day(NOW_MS),
  weekAgo: day(NOW_MS - 7 * 86_400_000)
}

interface Fault {
  name: string
  rule: FaultRule
  /** The tool error this fault must become. */
  type: 'upstream' | 'rate_limited' | 'timeout'
}

const FAULTS: Fault[] = [
  { name: '429 with Retry-After', rule: { status: 429, retryAfterS: RETRY_AFTER_S }, type: 'rate_limited' },
  { name: '429 without Retry-After', rule: { status: 429 }, type: 'rate_limited' },
  { name: '500', rule: { status: 500 }, type: 'upstream' },
  { name: '503', rule: { status: 503 }, type: 'upstream' },
  { name: 'dropped connection', rule: { drop: true }, type: 'upstream' },
  { name: 'malformed JSON', rule: { malformed: true }, type: 'upstream' },
  { name: 'stall past the timeout', rule: { timeout: true, timeoutMs: 6_000 }, type: 'timeout' }
]

/**
 * The cells that fail today, and how (none: issue 13 fixed the last). A cell that starts to fail
 * fails its test; one listed here that is fixed fails too, until it leaves the list. Keys are
 * `tool × fault [× path shape | × arguments]`. (Required-only arguments are tried only where they
 * make a good call on a healthy API, so lookupRate's {number} is not; and a source is one cell per
 * path shape, so one card's rules.)
 */
const KNOWN_FAILURES: Record<string, string> = {}

const args = (tool: ToolDefinition): Record<string, unknown> => tool.selfTest.args(fixtures)

/** The self-test's arguments cut to the required ones (`getCallAnalytics {}`, as issue 13 called it). */
function requiredOnly (tool: ToolDefinition): Record<string, unknown> {
  const all = args(tool)
  return Object.fromEntries(Object.entries(all).filter(([name]) => tool.params[name]?.required === true))
}

/** A path's shape: ids (any segment but a lower-case word) as a star, so every card's rule list is one source. */
const shapeOf = (path: string): string => path.split('/').map(segment => (/^[a-z][a-z0-9-]*$/.test(segment) ? segment : '*')).join('/')

/**
 * The paths (without query) a tool reads on a healthy API with these arguments, the first of each
 * shape, in the order first read; `undefined` when the call is an error even then.
 */
async function pathsRead (tool: ToolDefinition, given: Record<string, unknown>): Promise<string[] | undefined> {
  const seen = new Map<string, string>()
  const recording: ApiBackend = request => {
    const path = request.path.split('?')[0]!
    if (!seen.has(shapeOf(path))) seen.set(shapeOf(path), path)
    return sw.api(request)
  }
  const answer = await bundleClient(recording).callTool(tool.name, given)
  return answer.isError ? undefined : [...seen.values()]
}

interface Cell {
  name: string
  tool: ToolDefinition
  args: Record<string, unknown>
  fault: Fault
  /** Only this path fails; absent: every path does. */
  path?: string
}

const reads = new Map<string, string[]>()
/** Tools whose required arguments alone make another good call (`getCallAnalytics {}`). */
const minimalToo = new Set<string>()
for (const tool of tools) {
  const paths = await pathsRead(tool, args(tool))
  if (paths === undefined) throw new Error(`${tool.name} fails on a healthy API with its self-test's arguments`)
  reads.set(tool.name, paths)
  const minimal = requiredOnly(tool)
  if (Object.keys(minimal).length !== Object.keys(args(tool)).length && await pathsRead(tool, minimal) !== undefined) minimalToo.add(tool.name)
}

const cells: Cell[] = tools.flatMap(tool => {
  const minimal = requiredOnly(tool)
  const differs = minimalToo.has(tool.name)
  return [
    ...FAULTS.map(fault => ({ name: `${tool.name} × ${fault.name}`, tool, args: args(tool), fault })),
    // The same with the required arguments only, where that is another call.
    ...(differs ? FAULTS.map(fault => ({ name: `${tool.name} × ${fault.name} × ${JSON.stringify(minimal)}`, tool, args: minimal, fault })) : []),
    // A tool that reads one path has met this already; the others, source by source.
    ...(reads.get(tool.name)!.length < 2
      ? []
      : reads.get(tool.name)!.map(path => ({ name: `${tool.name} × 500 × ${shapeOf(path)}`, tool, args: args(tool), fault: FAULTS[2]!, path })))
  ]
})

/** Words that say a source could not be read. */
const NAMES_FAILURE = /\bcould not (be )?read\b|\bcould not (be )?reach(ed)?\b|\bcould not get\b|\bConnexCS API\b|\brate[- ]limited\b|\btimed out\b|\binvalid JSON\b/i

const firstSentence = (text: string): string => text.split(/(?<=[.!?])\s+/)[0] ?? ''

/** What is wrong with a cell's answer; `undefined` when it reads as the failure it is. */
function problemOf (cell: Cell, answer: { result: Record<string, any>, isError: boolean }): string | undefined {
  const { result, isError } = answer
  if (isError) {
    const error = result.error ?? {}
    if (error.type !== cell.fault.type) return `tool error ${String(error.type)}, not ${cell.fault.type}: ${String(error.message).slice(0, 120)}`
    if (cell.fault.rule.retryAfterS !== undefined && error.retry_after_s !== RETRY_AFTER_S) return `rate_limited without retry_after_s ${RETRY_AFTER_S}`
    return undefined
  }
  const summary = String(result.summary)
  if (result.found === false) return `found: false: "${summary.slice(0, 120)}"`
  if (!NAMES_FAILURE.test(firstSentence(summary))) return `an answer whose first sentence names no failure: "${firstSentence(summary).slice(0, 120)}"`
  if (cell.fault.rule.retryAfterS !== undefined && !JSON.stringify(result).includes(`"retry_after_s":${RETRY_AFTER_S}`)) return 'a partial answer that lost the Retry-After'
  return undefined
}

const outcomes = new Map<string, string | undefined>()

async function runCell (cell: Cell): Promise<void> {
  const rule: FaultRule = cell.path === undefined ? cell.fault.rule : { ...cell.fault.rule, path: cell.path, exact: true }
  const platform = await startPlatformServer({ routes: [apiRoute(sw.api)], faults: [rule] })
  try {
    const backend = createLiveBackend({ baseUrl: platform.baseUrl, accessToken: platform.issueToken(USER, 'access') })
    const client = bundleClient(backend, { env: { API_USERNAME: USER, API_TIMEOUT_MS: String(TIMEOUT_MS) } })
    const response = await client.rpc('tools/call', { name: cell.tool.name, arguments: cell.args })
    const text = response.result?.content?.[0]?.text
    outcomes.set(cell.name, typeof text === 'string'
      ? problemOf(cell, { result: JSON.parse(text) as Record<string, any>, isError: response.result.isError === true })
      : `no tool result: ${JSON.stringify(response).slice(0, 200)}`)
  } finally {
    await platform.close()
  }
}

beforeAll(async () => {
  // A few cells at once: most of a cell is waiting (backoff, the stall), not work.
  const queue = [...cells]
  await Promise.all(Array.from({ length: 4 }, async () => {
    for (let cell = queue.shift(); cell !== undefined; cell = queue.shift()) await runCell(cell)
  }))
}, 240_000)

afterAll(() => {
  // What changed against KNOWN_FAILURES, in one place: new failures, and known ones now fixed.
  const changed = [...outcomes].filter(([name, problem]) => (problem !== undefined) !== (name in KNOWN_FAILURES))
  if (changed.length > 0) console.log(`fault matrix: ${changed.length} cells differ from KNOWN_FAILURES:\n${changed.map(([name, problem]) => `  ${name}: ${problem ?? 'fixed'}`).join('\n')}`)
})

describe('the fault matrix: every registered tool × every injected fault, through the bundle', () => {
  it('covers every registered tool with every fault, and each tool\'s every source alone', () => {
    expect(new Set(cells.map(c => c.tool.name))).toEqual(new Set(tools.map(t => t.name)))
    expect(cells.filter(c => c.path === undefined && !c.name.includes(' × {')).length).toBe(tools.length * FAULTS.length)
    expect([...reads.get('investigateCall')!].sort()).toEqual([`customer/${customer.id}`, 'log', 'log/ai-agent', 'log/class5', 'log/rtcp', 'log/trace', 'transcribe'].sort())
  })

  it.each(cells.map(c => [c.name, c] as const))('%s', (name, cell) => {
    const problem = outcomes.get(name)
    expect(outcomes.has(name)).toBe(true)
    if (name in KNOWN_FAILURES) {
      // A known failure that no longer fails is fixed: take it off KNOWN_FAILURES.
      expect(problem, `${cell.name} is fixed: remove it from KNOWN_FAILURES`).toBeDefined()
    } else {
      expect(problem, `${cell.name}: ${String(problem)}`).toBeUndefined()
    }
  })

  it('fails exactly in the known cells', () => {
    const failing = [...outcomes].filter(([, problem]) => problem !== undefined).map(([name]) => name).sort()
    expect(failing).toEqual(Object.keys(KNOWN_FAILURES).sort())
  })
})
