import type { McpServer } from 'cxMcpServer'
import { connexcs } from './connexcs/client'
import { HARD_CAP_BYTES, utf8Length } from './lib/bounded'
import type { Fixtures, KnownCall, KnownCustomer, SelfTestCase } from './lib/selfTestCase'
import { createMcpServer, handleMessage, LOADING, loadTool, tools } from './mcp'
import { findCallWith, findCustomer, findRecentCall, type Discovery } from './selfTestDiscovery'

/**
 * The self-test: a second ScriptForge file, run on the platform against the live account
 * (`npm run remote -- selfTest`, or `cx run selfTest`). It finds a real recent call and customer,
 * calls every registered tool through the MCP front (`handleMessage`, what `main` serves), as a
 * client would, and checks each answer's shape. Each tool's case is part of its record
 * (`selfTest` in its `defineTool`); a listed tool without one fails.
 */

/** Every registered tool's case, from its record (which loads each tool's code, as its first call would). */
export async function loadCases (): Promise<Readonly<Record<string, SelfTestCase>>> {
  return Object.fromEntries(await Promise.all(tools.map(async t => [t.name, (await loadTool(t.name)).tool.selfTest] as const)))
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
  /** The answer's summary when it passed, what is wrong when it failed, why not when it was not exercised. */
  detail: string
  /** The account had nothing for the tool to read (no call with a transcript): neither passed nor failed. */
  skipped?: true
}

/** What the self-test returns. */
export interface SelfTestReport {
  /** `N passed, N failed`, and `, N not exercised` when some were not. */
  summary: string
  passed: number
  failed: number
  not_exercised: number
  /** How each identifier was found, or why not. */
  discovery: Record<string, string>
  results: SelfTestLine[]
}

/** Everything the run depends on, so that it can be driven from a test. */
export interface SelfTestOptions {
  server: McpServer
  cases: Readonly<Record<string, SelfTestCase>>
  discover: {
    call (): Promise<Discovery<KnownCall>>
    customer (): Promise<Discovery<KnownCustomer>>
    /** Calls with a transcript and with an AI agent's log; a case that needs one is not exercised without it. */
    transcribedCall? (): Promise<Discovery<KnownCall>>
    aiAgentCall? (): Promise<Discovery<KnownCall>>
  }
  nowMs: number
  /** Receives each line as it is decided (`failed` for the lines that fail). */
  log (line: string, failed: boolean): void
  /** Also log each tool's answer. */
  verbose: boolean
  /** How the platform loaded the tools' code ({@link probeLoading}), reported after the platform's behaviour. */
  loading?: SelfTestLine
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
function problems (
  response: Record<string, unknown> | null,
  testCase: SelfTestCase,
  madeUp: boolean,
  toolNames: Set<string>
): { wrong: string[], summary: string, text: string } {
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

interface ListedTool {
  name?: unknown
  title?: unknown
  inputSchema?: { type?: unknown }
  annotations?: { readOnlyHint?: unknown }
}

function resultText (response: Record<string, unknown> | null): string | undefined {
  const item = (response?.result as { content?: { type?: unknown, text?: unknown }[] } | undefined)?.content?.[0]
  return item?.type === 'text' && typeof item.text === 'string' ? item.text : undefined
}

function parsed (text: string | undefined): Record<string, unknown> | undefined {
  try {
    const value: unknown = text === undefined ? undefined : JSON.parse(text)
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? value as Record<string, unknown> : undefined
  } catch {
    return undefined
  }
}

/**
 * Which of the two behaviours of the platform's `cxMcpServer` that are not documented this
 * platform has, in plain words: whether it checks arguments before the tool runs, and whether it
 * wraps a tool's `{content, isError}` result a second time. It calls the platform's `handle`
 * directly, around our front, with a wrong argument type, then with a made-up Call-ID.
 */
export async function probePlatform (server: McpServer): Promise<string> {
  const call = (args: Record<string, unknown>): Promise<Record<string, unknown> | null> =>
    server.handle({ jsonrpc: '2.0', id: 'probe', method: 'tools/call', params: { name: 'getSipTrace', arguments: args } })
  const wrong = parsed(resultText(await call({ callid: 42 })))
  const wrongError = (wrong?.error as { type?: unknown } | undefined)?.type
  const validates = wrong === undefined || (wrongError !== 'invalid_argument' && !Array.isArray(wrong.content))
  const sample = validates ? parsed(resultText(await call({ callid: 'cx-mcp-self-test-no-such-call' }))) : wrong
  const wraps = sample !== undefined && Array.isArray(sample.content)
  return [
    validates
      ? 'the platform checks tool arguments itself before the tool runs (the front checks them first, so clients get our errors)'
      : 'the platform passes tool arguments to the tool unchecked (the front checks them)',
    wraps
      ? 'it wraps a tool\'s {content, isError} result as text a second time (the front unwraps it)'
      : 'it passes a tool\'s {content, isError} result through as it is'
  ].join('; ')
}

/**
 * Which way this platform loads the tools' code, and what it costs, as one line: the on-demand
 * build `import()`s the first tool's file (before anything else has loaded it) and times it; the
 * one-file build says that every request compiles every tool.
 */
export async function probeLoading (): Promise<SelfTestLine> {
  const first = tools[0]!.name
  const started = Date.now()
  try {
    await loadTool(first)
    const ms = Date.now() - started
    return {
      name: 'tool loading',
      ok: true,
      ms,
      detail: LOADING === 'on demand'
        ? `dynamic import() works: each tool's code is its own file, loaded on its first call (${first}'s took ${ms} ms); a request compiles only the front and the tools' metadata`
        : `one file (cx.config.json "loading": "bundle"): every request compiles the code of all ${tools.length} tools before it answers`
    }
  } catch (error) {
    return {
      name: 'tool loading',
      ok: false,
      ms: Date.now() - started,
      detail: `dynamic import() failed (${error instanceof Error ? error.message : String(error)}): no tool can run; ` +
        'set "loading": "bundle" in cx.config.json and npm run deploy (the one-file build needs no import())'
    }
  }
}

/** Runs every case against the server and reports one line per tool, plus the protocol check. */
export async function runSelfTest (options: SelfTestOptions): Promise<SelfTestReport> {
  const { server, cases, log } = options
  const results: SelfTestLine[] = []
  let id = 0
  const rpc = (method: string, params?: unknown): Promise<Record<string, unknown> | null> =>
    handleMessage(server, { jsonrpc: '2.0', id: ++id, method, ...(params === undefined ? {} : { params }) })
  const record = (line: SelfTestLine): void => {
    results.push(line)
    log(`${line.skipped === true ? 'SKIP' : line.ok ? 'PASS' : 'FAIL'} ${line.name} (${line.ms} ms): ${line.detail}`, !line.ok)
  }
  const finish = (discovery: Record<string, string>): SelfTestReport => {
    const skipped = results.filter(r => r.skipped === true).length
    const passed = results.filter(r => r.ok).length - skipped
    const failed = results.length - passed - skipped
    const summary = `${passed} passed, ${failed} failed${skipped === 0 ? '' : `, ${skipped} not exercised`}`
    log(summary, failed > 0)
    return { summary, passed, failed, not_exercised: skipped, discovery, results }
  }

  // The protocol first: without a tool list there is nothing to test.
  let started = Date.now()
  const init = await rpc('initialize', { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'cx-mcp self-test', version: '1' } })
  const info = init?.result as { serverInfo?: { name?: string, version?: string }, protocolVersion?: string, instructions?: unknown } | undefined
  const list = await rpc('tools/list')
  const listed = (list?.result as { tools?: ListedTool[] } | undefined)?.tools
  const badSchema = (listed ?? []).filter(t => typeof t.name !== 'string' || t.inputSchema?.type !== 'object').map(t => String(t.name))
  // Our tools' titles and annotations come from the front; a tool other code registered has none.
  const ours = new Set(tools.map(t => t.name))
  const bare = (listed ?? []).filter(t => ours.has(String(t.name)) && (typeof t.title !== 'string' || typeof t.annotations?.readOnlyHint !== 'boolean'))
    .map(t => String(t.name))
  const protocolOk = typeof info?.serverInfo?.name === 'string' && typeof info.protocolVersion === 'string' && typeof info.instructions === 'string' &&
    Array.isArray(listed) && badSchema.length === 0 && bare.length === 0
  record({
    name: 'initialize + tools/list',
    ok: protocolOk,
    ms: Date.now() - started,
    detail: protocolOk
      ? `${info!.serverInfo!.name} ${info!.serverInfo!.version ?? ''}, protocol ${info!.protocolVersion}, ${listed!.length} tools`
      : `unexpected answers: initialize ${short(JSON.stringify(init))}; tools/list ${short(JSON.stringify(list))}` +
        `${badSchema.length > 0 ? `; no object inputSchema: ${badSchema.join(', ')}` : ''}${bare.length > 0 ? `; no title or annotations: ${bare.join(', ')}` : ''}`
  })
  started = Date.now()
  const behaviour = await probePlatform(server)
  record({ name: 'platform behaviour', ok: true, ms: Date.now() - started, detail: behaviour })
  if (options.loading !== undefined) record(options.loading)
  if (!Array.isArray(listed)) return finish({})
  const toolNames = new Set(listed.map(t => String(t.name)))

  // Discover only what the registered tools' cases need, concurrently.
  const needed = new Set(listed.map(t => cases[String(t.name)]?.needs).filter(n => n !== undefined))
  const notLookedFor = (): Promise<Discovery<KnownCall>> => Promise.resolve({ how: 'not looked for' })
  const [call, customer, transcribedCall, aiAgentCall] = await Promise.all([
    needed.has('call') ? options.discover.call() : undefined,
    needed.has('customer') ? options.discover.customer() : undefined,
    needed.has('transcribedCall') ? (options.discover.transcribedCall ?? notLookedFor)() : undefined,
    needed.has('aiAgentCall') ? (options.discover.aiAgentCall ?? notLookedFor)() : undefined
  ])
  const discovery: Record<string, string> = {}
  if (call !== undefined) discovery.call = call.found === undefined ? `none: ${call.how}` : `${call.found.callid} (${call.how})`
  if (customer !== undefined) discovery.customer = customer.found === undefined ? `none: ${customer.how}` : `${customer.found.customer_id} (${customer.how})`
  for (const [what, found] of [['transcribedCall', transcribedCall], ['aiAgentCall', aiAgentCall]] as const) {
    if (found !== undefined) discovery[what] = found.found === undefined ? `none: ${found.how}` : `${found.found.callid} (${found.how})`
  }
  for (const [what, how] of Object.entries(discovery)) log(`${what}: ${how}`, false)
  const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10)
  const fixtures: Fixtures = {
    call: call?.found ?? MADE_UP.call,
    customer: customer?.found ?? MADE_UP.customer,
    today: day(options.nowMs),
    weekAgo: day(options.nowMs - 7 * DAY_MS),
    ...(transcribedCall?.found === undefined ? {} : { transcribedCall: transcribedCall.found }),
    ...(aiAgentCall?.found === undefined ? {} : { aiAgentCall: aiAgentCall.found })
  }
  const madeUp = { call: call?.found === undefined, customer: customer?.found === undefined }
  // A call with a transcript or an AI agent's log cannot be made up: without one the tool is not exercised.
  const missing = { transcribedCall, aiAgentCall }

  for (const name of toolNames) {
    const testCase = cases[name]
    if (testCase === undefined) {
      record({ name, ok: false, ms: 0, detail: `no self-test case: give ${name} a selfTest in its defineTool` })
      continue
    }
    if ((testCase.needs === 'transcribedCall' || testCase.needs === 'aiAgentCall') && missing[testCase.needs]?.found === undefined) {
      record({ name, ok: true, skipped: true, ms: 0, detail: `not exercised: ${missing[testCase.needs]?.how ?? 'not looked for'}` })
      continue
    }
    started = Date.now()
    const usesMadeUp = (testCase.needs === 'call' || testCase.needs === 'customer') && madeUp[testCase.needs]
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
    record({ name, ok: false, ms: 0, detail: 'a self-test case for a tool that is not listed: is it registered in src/tools/index.ts?' })
  }
  return finish(discovery)
}

/**
 * ScriptForge entry point. Logs a line per tool as it goes; returns the report, or throws when
 * anything failed, so that the run itself fails (`npm run remote` and `cx run` exit non-zero).
 */
export async function main (): Promise<SelfTestReport> {
  const nowMs = Date.now()
  // First, before any tool's code is loaded: how the platform loads it.
  const loading = await probeLoading()
  const report = await runSelfTest({
    server: createMcpServer(),
    cases: loading.ok ? await loadCases() : {},
    loading,
    discover: {
      // connexcs() throws when API_USERNAME is missing; the tools then report it, line by line.
      call: () => Promise.resolve().then(() => findRecentCall(connexcs(), nowMs)).catch(error => ({ how: String((error as Error).message) })),
      customer: () => Promise.resolve().then(() => findCustomer(connexcs())).catch(error => ({ how: String((error as Error).message) })),
      transcribedCall: () => Promise.resolve().then(() => findCallWith(connexcs(), nowMs, 'transcript')).catch(error => ({ how: String((error as Error).message) })),
      aiAgentCall: () => Promise.resolve().then(() => findCallWith(connexcs(), nowMs, 'ai_agent')).catch(error => ({ how: String((error as Error).message) }))
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
