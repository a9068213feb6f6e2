import type { McpServer } from 'cxMcpServer'
import { connexcs } from './connexcs/client'
import { findCustomer, findRecentCall, type Discovery, type KnownCall, type KnownCustomer } from './connexcs/discovery'
import { HARD_CAP_BYTES, utf8Length } from './lib/bounded'
import { createMcpServer } from './mcp'

/**
 * The self-test: a second ScriptForge file, run on the platform against the live account
 * (`npm run remote -- selfTest`, or `cx run selfTest`). It finds a real recent call and customer,
 * calls every registered tool through the MCP server's `handle`, as a client would, and checks
 * each answer's shape. Every registered tool needs a case below: a tool without one fails.
 */

/** What a case's arguments are made from: identifiers found on the account, and dates. */
export interface Fixtures {
  call: KnownCall
  customer: KnownCustomer
  /** `YYYY-MM-DD`, UTC. */
  today: string
  /** `YYYY-MM-DD`, UTC, seven days before today. */
  weekAgo: string
}

/** A JSON type an answer's field must have. */
export type JsonType = 'array' | 'object' | 'string' | 'number' | 'boolean'

/** How to self-test one tool. */
export interface SelfTestCase {
  /**
   * What the tool needs from the account. When discovery finds none, the case runs with a
   * made-up identifier and the tool must give its "not found" answer (`found: false`) instead.
   */
  needs?: 'call' | 'customer'
  args (fixtures: Fixtures): Record<string, unknown>
  /** Fields a found answer must carry, with their JSON type. */
  expect: Record<string, JsonType>
  /**
   * A real identifier may still have nothing to show (no transcript, no RTCP for this call):
   * then a "not found" answer passes too, its shape checked.
   */
  mayFindNothing?: boolean
}

/** One case per registered tool: adding a tool means adding its line here. */
export const CASES: Readonly<Record<string, SelfTestCase>> = {
  searchCallLogs: { needs: 'call', args: ({ call }) => ({ search: call.callid, limit: 5 }), expect: { calls: 'array', total: 'number' } },
  getSipTrace: {
    needs: 'call',
    args: ({ call }) => ({ callid: call.callid, ...(call.callidb === undefined ? {} : { callidb: call.callidb }) }),
    expect: { outcome: 'object', findings: 'array', legs: 'array', ladder_mermaid: 'string' }
  },
  investigateCall: {
    needs: 'call',
    args: ({ call }) => ({ callid: call.callid, ...(call.callidb === undefined ? {} : { callidb: call.callidb }) }),
    expect: { outcome: 'string', findings: 'array', parts: 'object' }
  },
  // A recent call may have no RTCP (unanswered, or RTCP off): then its "not found" answer is checked.
  getCallQuality: { needs: 'call', args: ({ call }) => ({ callid: call.callid }), expect: { overall: 'string', streams: 'array' }, mayFindNothing: true },
  getCallAnalytics: {
    needs: 'customer',
    args: ({ customer, weekAgo, today }) => ({ start_date: weekAgo, end_date: today, customer_id: customer.customer_id }),
    expect: { findings: 'array', sources: 'array' },
    mayFindNothing: true
  },
  searchCdr: {
    needs: 'customer',
    args: ({ customer, weekAgo, today }) => ({ start_date: weekAgo, end_date: today, customer_id: customer.customer_id, limit: 5 }),
    expect: { calls: 'array', totals: 'object' },
    mayFindNothing: true
  },
  getTranscription: { needs: 'call', args: ({ call }) => ({ callid: call.callid }), expect: { lines: 'array' }, mayFindNothing: true },
  getAiAgentLogs: {
    needs: 'call',
    // A made-up call has no day in the log: give one, so the answer is the tool's "not found".
    args: ({ call, today }) => ({ callid: call.callid, ...(call.start_time === undefined ? { date: today } : {}) }),
    expect: { steps: 'array' },
    mayFindNothing: true
  },
  getRtpServerGroups: { args: () => ({}), expect: { zones: 'array' } },
  listRtpServers: { args: () => ({ limit: 10 }), expect: { servers: 'array' }, mayFindNothing: true }
}

/** Identifiers that exist nowhere: used when the account has no call or customer to offer. */
const MADE_UP: Pick<Fixtures, 'call' | 'customer'> = {
  call: { callid: 'cx-mcp-self-test-no-such-call' },
  customer: { customer_id: 999_999_999 }
}

/** One line of the report. */
export interface SelfTestLine {
  name: string
  ok: boolean
  ms: number
  /** The answer's summary when it passed, what is wrong when it failed. */
  detail: string
}

/** What the self-test returns. */
export interface SelfTestReport {
  /** `N passed, N failed`. */
  summary: string
  passed: number
  failed: number
  /** How each identifier was found, or why not. */
  discovery: Record<string, string>
  results: SelfTestLine[]
}

/** Everything the run depends on, so that it can be driven from a test. */
export interface SelfTestOptions {
  server: McpServer
  cases: Readonly<Record<string, SelfTestCase>>
  discover: { call (): Promise<Discovery<KnownCall>>, customer (): Promise<Discovery<KnownCustomer>> }
  nowMs: number
  /** Receives each line as it is decided (`failed` for the lines that fail). */
  log (line: string, failed: boolean): void
  /** Also log each tool's answer. */
  verbose: boolean
}

const DAY_MS = 86_400_000

function typeOf (value: unknown): string {
  if (Array.isArray(value)) return 'array'
  return value === null ? 'null' : typeof value
}

function short (text: string, max = 120): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`
}

/** What is wrong with one tool's answer (nothing when it is right). */
function problems (response: Record<string, unknown> | null, testCase: SelfTestCase, madeUp: boolean, toolNames: Set<string>): { wrong: string[], summary: string, text: string } {
  if (response === null) return { wrong: ['no response to tools/call'], summary: '', text: '' }
  const rpcError = response.error as { code?: number, message?: string } | undefined
  if (rpcError !== undefined) return { wrong: [`JSON-RPC error ${rpcError.code ?? ''}: ${rpcError.message ?? ''}`], summary: '', text: '' }
  const result = response.result as { content?: { type?: string, text?: string }[], isError?: boolean } | undefined
  const text = result?.content?.[0]?.type === 'text' ? result.content[0].text ?? '' : ''
  let answer: Record<string, unknown>
  try {
    answer = JSON.parse(text) as Record<string, unknown>
  } catch {
    return { wrong: ['the answer is not one JSON text block'], summary: '', text }
  }
  if (typeOf(answer) !== 'object') return { wrong: ['the answer is not a JSON object'], summary: '', text }
  const summary = typeof answer.summary === 'string' ? answer.summary : ''
  const wrong: string[] = []
  if (result?.isError === true) {
    const error = answer.error as { type?: string, message?: string } | undefined
    return { wrong: [`tool error ${error?.type ?? ''}: ${error?.message ?? summary}`], summary, text }
  }
  if (summary.trim() === '') wrong.push('no summary')
  const bytes = utf8Length(text)
  if (bytes > HARD_CAP_BYTES) wrong.push(`${bytes} bytes, over the ${HARD_CAP_BYTES}-byte cap`)
  const steps = answer.next_steps
  if (steps !== undefined) {
    if (!Array.isArray(steps)) wrong.push('next_steps is not an array')
    else {
      for (const step of steps as { tool?: unknown }[]) {
        if (typeof step?.tool !== 'string' || !toolNames.has(step.tool)) wrong.push(`next_steps names ${JSON.stringify(step?.tool)}, which is not a registered tool`)
      }
    }
  }
  if (answer.found === false && typeof answer.why !== 'string') wrong.push('a "not found" answer without why')
  if (madeUp) {
    if (answer.found !== false) wrong.push('asked about an identifier that does not exist, it did not answer found: false')
  } else if (answer.found === false) {
    if (testCase.mayFindNothing !== true) wrong.push(`found nothing for a real identifier: ${summary}`)
  } else {
    for (const [field, type] of Object.entries(testCase.expect)) {
      if (typeOf(answer[field]) !== type) wrong.push(`${field} is ${typeOf(answer[field])}, expected ${type}`)
    }
  }
  return { wrong, summary, text }
}

/** Runs every case against the server and reports one line per tool, plus the protocol check. */
export async function runSelfTest (options: SelfTestOptions): Promise<SelfTestReport> {
  const { server, cases, log } = options
  const results: SelfTestLine[] = []
  let id = 0
  const rpc = (method: string, params?: unknown): Promise<Record<string, unknown> | null> =>
    server.handle({ jsonrpc: '2.0', id: ++id, method, ...(params === undefined ? {} : { params }) })
  const record = (line: SelfTestLine): void => {
    results.push(line)
    log(`${line.ok ? 'PASS' : 'FAIL'} ${line.name} (${line.ms} ms): ${line.detail}`, !line.ok)
  }
  const finish = (discovery: Record<string, string>): SelfTestReport => {
    const passed = results.filter(r => r.ok).length
    const failed = results.length - passed
    const summary = `${passed} passed, ${failed} failed`
    log(summary, failed > 0)
    return { summary, passed, failed, discovery, results }
  }

  // The protocol first: without a tool list there is nothing to test.
  let started = Date.now()
  const init = await rpc('initialize', { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'cx-mcp self-test', version: '1' } })
  const info = init?.result as { serverInfo?: { name?: string, version?: string }, protocolVersion?: string } | undefined
  const list = await rpc('tools/list')
  const listed = (list?.result as { tools?: { name?: unknown, inputSchema?: { type?: unknown } }[] } | undefined)?.tools
  const badSchema = (listed ?? []).filter(t => typeof t.name !== 'string' || t.inputSchema?.type !== 'object').map(t => String(t.name))
  const protocolOk = typeof info?.serverInfo?.name === 'string' && typeof info.protocolVersion === 'string' && Array.isArray(listed) && badSchema.length === 0
  record({
    name: 'initialize + tools/list',
    ok: protocolOk,
    ms: Date.now() - started,
    detail: protocolOk
      ? `${info!.serverInfo!.name} ${info!.serverInfo!.version ?? ''}, protocol ${info!.protocolVersion}, ${listed!.length} tools`
      : `unexpected answers: initialize ${short(JSON.stringify(init))}; tools/list ${short(JSON.stringify(list))}${badSchema.length > 0 ? `; no object inputSchema: ${badSchema.join(', ')}` : ''}`
  })
  if (!Array.isArray(listed)) return finish({})
  const toolNames = new Set(listed.map(t => String(t.name)))

  // Discover only what the registered tools' cases need, concurrently.
  const needed = new Set(listed.map(t => cases[String(t.name)]?.needs).filter(n => n !== undefined))
  const [call, customer] = await Promise.all([
    needed.has('call') ? options.discover.call() : undefined,
    needed.has('customer') ? options.discover.customer() : undefined
  ])
  const discovery: Record<string, string> = {}
  if (call !== undefined) discovery.call = call.found === undefined ? `none: ${call.how}` : `${call.found.callid} (${call.how})`
  if (customer !== undefined) discovery.customer = customer.found === undefined ? `none: ${customer.how}` : `${customer.found.customer_id} (${customer.how})`
  for (const [what, how] of Object.entries(discovery)) log(`${what}: ${how}`, false)
  const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10)
  const fixtures: Fixtures = {
    call: call?.found ?? MADE_UP.call,
    customer: customer?.found ?? MADE_UP.customer,
    today: day(options.nowMs),
    weekAgo: day(options.nowMs - 7 * DAY_MS)
  }
  const madeUp = { call: call?.found === undefined, customer: customer?.found === undefined }

  for (const name of toolNames) {
    const testCase = cases[name]
    if (testCase === undefined) {
      record({ name, ok: false, ms: 0, detail: `no self-test case: add one for ${name} to CASES in src/selfTest.ts` })
      continue
    }
    started = Date.now()
    const usesMadeUp = testCase.needs !== undefined && madeUp[testCase.needs]
    let checked: ReturnType<typeof problems>
    try {
      checked = problems(await rpc('tools/call', { name, arguments: testCase.args(fixtures) }), testCase, usesMadeUp, toolNames)
    } catch (error) {
      checked = { wrong: [`handle threw: ${error instanceof Error ? error.message : String(error)}`], summary: '', text: '' }
    }
    const ok = checked.wrong.length === 0
    record({ name, ok, ms: Date.now() - started, detail: ok ? short(checked.summary) + (usesMadeUp ? ' (not-found answer checked)' : '') : checked.wrong.join('; ') })
    if (options.verbose) log(checked.text, false)
  }
  for (const name of Object.keys(cases).filter(n => !toolNames.has(n))) {
    record({ name, ok: false, ms: 0, detail: `a self-test case for a tool that is not registered: remove or rename it in src/selfTest.ts` })
  }
  return finish(discovery)
}

/**
 * ScriptForge entry point. Logs a line per tool as it goes; returns the report, or throws when
 * anything failed, so that the run itself fails (`npm run remote` and `cx run` exit non-zero).
 */
export async function main (): Promise<SelfTestReport> {
  const nowMs = Date.now()
  const report = await runSelfTest({
    server: createMcpServer(),
    cases: CASES,
    discover: {
      // connexcs() throws when API_USERNAME is missing; the tools then report it, line by line.
      call: () => Promise.resolve().then(() => findRecentCall(connexcs(), nowMs)).catch(error => ({ how: String((error as Error).message) })),
      customer: () => Promise.resolve().then(() => findCustomer(connexcs())).catch(error => ({ how: String((error as Error).message) }))
    },
    nowMs,
    log: (line, failed) => (failed ? console.error(line) : console.log(line)),
    verbose: process.env.VERBOSE === 'true'
  })
  if (report.failed > 0) {
    const failing = report.results.filter(r => !r.ok).map(r => r.name)
    throw new Error(`Self-test failed: ${report.summary} (${failing.join(', ')})`)
  }
  return report
}
