import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connexcs } from '../../src/connexcs/client'
import { findCallWith, findCustomer, findRecentCall } from '../../src/selfTestDiscovery'
import { createMcpServer } from '../../src/mcp'
import type { SelfTestCase } from '../../src/lib/selfTestCase'
import { loadCases, probeLoading, probePlatform, runSelfTest, type SelfTestOptions } from '../../src/selfTest'
import { tools } from '../../src/tools/index'
import { setPlatformBehaviour } from '../../platform/scriptforge/builtins/cxMcpServer'
import { NO_DYNAMIC_IMPORT, ScriptForgeHost } from '../../platform/scriptforge/host'
import { bundleFiles, installBridge, installFetch, NOW_MS, testSwitch, type Build } from '../helpers/platform'

// The self-test in Node, against the simulated switch: the same code that runs on the platform.
const sw = testSwitch()
const CASES = await loadCases()
let restoreFetch: () => void = () => {}

beforeAll(() => {
  installBridge(sw.api)
  // getDocumentation reads pages with fetch, as in the sandbox: the switch's, not the network.
  restoreFetch = installFetch(sw.api, 'ops@example.com')
  process.env.API_USERNAME = 'ops@example.com'
})

afterAll(() => {
  restoreFetch()
  delete process.env.API_USERNAME
})

const text = (value: unknown) => ({ content: [{ type: 'text' as const, text: JSON.stringify(value) }] })

async function selfTest (options: Partial<SelfTestOptions> = {}) {
  const lines: { line: string, failed: boolean }[] = []
  const report = await runSelfTest({
    server: createMcpServer(),
    cases: CASES,
    discover: {
      call: () => findRecentCall(connexcs(), NOW_MS),
      customer: () => findCustomer(connexcs()),
      transcribedCall: () => findCallWith(connexcs(), NOW_MS, 'transcript'),
      aiAgentCall: () => findCallWith(connexcs(), NOW_MS, 'ai_agent')
    },
    nowMs: NOW_MS,
    log: (line, failed) => lines.push({ line, failed }),
    verbose: false,
    ...options
  })
  return { report, lines, failing: lines.filter(l => l.failed).map(l => l.line) }
}

describe('self-test', () => {
  it('has a case for every registered tool, and no case for a tool that is not', () => {
    expect(Object.keys(CASES).toSorted()).toEqual(tools.map(t => t.name).toSorted())
  })

  it('passes every tool on an account with a recent call, with one line per tool and N passed, N failed', async () => {
    const { report, lines, failing } = await selfTest()
    expect(failing).toEqual([])
    expect(report.summary).toBe(`${tools.length + 2} passed, 0 failed`)
    expect(report.results.map(r => [r.name, r.ok])).toEqual([['initialize + tools/list', true], ['platform behaviour', true], ...tools.map(t => [t.name, true])])
    const found = sw.data.calls.find(c => report.discovery.call!.startsWith(`${c.callid} (the newest call`))!
    expect(found.start_ms).toBeGreaterThan(NOW_MS - 7 * 86_400_000)
    expect(lines.at(-1)).toEqual({ line: report.summary, failed: false })
  })

  it('exercises getTranscription and getAiAgentLogs on calls that have a transcript and an AI agent\'s log', async () => {
    const { report } = await selfTest()
    const transcribed = sw.data.calls.find(c => report.discovery.transcribedCall!.startsWith(`${c.callid} (`))!
    const agent = sw.data.calls.find(c => report.discovery.aiAgentCall!.startsWith(`${c.callid} (`))!
    expect([transcribed.class5 === 'ai_agent' || transcribed.class5 === 'voicemail', agent.class5]).toEqual([true, 'ai_agent'])
    const detail = (name: string): string => report.results.find(r => r.name === name)!.detail
    expect(detail('getTranscription').startsWith(`Transcript of call ${transcribed.callid}: `)).toBe(true)
    expect(detail('getAiAgentLogs').startsWith(`AI agent log of call ${agent.callid} on ${new Date(agent.start_ms).toISOString().slice(0, 10)}: `)).toBe(true)
    expect(detail('getAiAgentLogs')).toMatch(/: \d+ steps/)
  })

  it('reports a tool "not exercised" when the account has no call with what it reads, neither passed nor failed', async () => {
    const none = (): Promise<{ how: string }> => Promise.resolve({ how: 'no such call in 7 days: none of the 8 newest calls answered has a transcript' })
    const { report, failing, lines } = await selfTest({
      discover: { call: () => findRecentCall(connexcs(), NOW_MS), customer: () => findCustomer(connexcs()), transcribedCall: none, aiAgentCall: none }
    })
    expect(failing).toEqual([])
    expect(report.summary).toBe(`${tools.length} passed, 0 failed, 2 not exercised`)
    expect([report.passed, report.failed, report.not_exercised]).toEqual([tools.length, 0, 2])
    expect(lines.filter(l => l.line.startsWith('SKIP')).map(l => l.line)).toEqual(['getTranscription', 'getAiAgentLogs'].map(name =>
      `SKIP ${name} (0 ms): not exercised: no such call in 7 days: none of the 8 newest calls answered has a transcript`))
  })

  it('checks the "not found" answer when the account has nothing to ask about', async () => {
    const { report, failing } = await selfTest({ discover: { call: () => Promise.resolve({ how: 'no calls today' }), customer: () => Promise.resolve({ how: 'none' }) } })
    expect(failing).toEqual([])
    expect(report.discovery).toEqual({ call: 'none: no calls today', customer: 'none: none', transcribedCall: 'none: not looked for', aiAgentCall: 'none: not looked for' })
    expect(report.results.find(r => r.name === 'getSipTrace')!.detail).toBe('No SIP trace for Call-ID cx-mcp-self-test-no-such-call. (not-found answer checked)')
  })

  it('accepts "nothing found" for a real identifier only where the case allows it', async () => {
    const server = createMcpServer()
    server.addTool('getNothing', 'A tool with nothing to show for this call.', () => text({ summary: 'No transcript.', found: false, why: 'not recorded', next_steps: [] }))
    const allowed: SelfTestCase = { needs: 'call', args: ({ call }) => ({ callid: call.callid }), expect: { text: 'string' }, mayFindNothing: true }
    const passes = await selfTest({ server, cases: { ...CASES, getNothing: allowed } })
    expect(passes.failing).toEqual([])
    const strict = await selfTest({ server, cases: { ...CASES, getNothing: { ...allowed, mayFindNothing: false } } })
    expect(strict.failing[0]).toMatch(/^FAIL getNothing \(\d+ ms\): found nothing for a real identifier: No transcript\.$/)
  })

  it('fails a registered tool that has no case, and a case whose tool is gone', async () => {
    const server = createMcpServer()
    server.addTool('newTool', 'A tool someone forgot to self-test.', () => text({ summary: 'fine' }))
    const { report, failing } = await selfTest({ server, cases: { ...CASES, goneTool: { args: () => ({}), expect: {} } } })
    expect(report.summary).toBe(`${tools.length + 2} passed, 2 failed`)
    expect(failing).toEqual([
      'FAIL newTool (0 ms): no self-test case: give newTool a selfTest in its defineTool',
      'FAIL goneTool (0 ms): a self-test case for a tool that is not listed: is it registered in src/tools/index.ts?',
      report.summary
    ])
  })

  it('fails an answer of the wrong shape: tool error, missing fields, no summary, unknown next step, over the cap', async () => {
    const server = createMcpServer()
    const bad: Record<string, unknown> = {
      erring: { ...text({ summary: 'Upstream failed', error: { type: 'upstream', message: 'HTTP 500' } }), isError: true },
      shapeless: text({ summary: 'ok', zones: {} }),
      silent: text({ zones: [] }),
      wandering: text({ summary: 'ok', zones: [], next_steps: [{ tool: 'noSuchTool', args: {}, why: 'x' }] }),
      huge: text({ summary: 'ok', zones: ['x'.repeat(25_000)] }),
      unfound: text({ summary: 'nothing', found: false, why: 'none', zones: [] }),
      why: text({ summary: 'nothing', found: false })
    }
    for (const [name, answer] of Object.entries(bad)) server.addTool(name, `${name} test tool`, () => answer)
    const zones: SelfTestCase = { args: () => ({}), expect: { zones: 'array' } }
    const cases = { ...CASES, ...Object.fromEntries(Object.keys(bad).map(name => [name, zones])) }
    const { failing } = await selfTest({ server, cases })
    expect(failing.map(line => line.replace(/\(\d+ ms\)/, '(n ms)'))).toEqual([
      'FAIL erring (n ms): tool error upstream: HTTP 500',
      'FAIL shapeless (n ms): zones is object, expected array',
      'FAIL silent (n ms): no summary',
      'FAIL wandering (n ms): next_steps names "noSuchTool", which is not a registered tool',
      'FAIL huge (n ms): 25029 bytes, over the 20000-byte cap',
      'FAIL unfound (n ms): found nothing for a real identifier: nothing',
      'FAIL why (n ms): a "not found" answer without why; found nothing for a real identifier: nothing',
      `${tools.length + 2} passed, 7 failed`
    ])
  })

  it('reports in plain words which of the undocumented platform behaviours it met', async () => {
    const seen: string[] = []
    for (const behaviour of [{ validatesFirst: true, wrapsResults: false }, { validatesFirst: false, wrapsResults: true }, { validatesFirst: true, wrapsResults: true }]) {
      setPlatformBehaviour(behaviour)
      try {
        seen.push(await probePlatform(createMcpServer()))
      } finally {
        setPlatformBehaviour(undefined)
      }
    }
    const checks = 'the platform checks tool arguments itself before the tool runs (the front checks them first, so clients get our errors)'
    const passes = 'the platform passes tool arguments to the tool unchecked (the front checks them)'
    const wraps = 'it wraps a tool\'s {content, isError} result as text a second time (the front unwraps it)'
    const through = 'it passes a tool\'s {content, isError} result through as it is'
    expect(seen).toEqual([`${checks}; ${through}`, `${passes}; ${wraps}`, `${checks}; ${wraps}`])
    const { report } = await selfTest()
    expect(report.results[1]).toMatchObject({ name: 'platform behaviour', ok: true, detail: `${checks}; ${through}` })
  })

  it('with verbose, also logs each answer', async () => {
    const { lines } = await selfTest({ verbose: true })
    const answers = lines.filter(l => l.line.startsWith('{"summary":'))
    expect(answers).toHaveLength(tools.length)
    // One answer per tool, in the tools' order.
    expect(JSON.parse(answers[tools.findIndex(t => t.name === 'listRtpServers')]!.line).summary).toMatch(/^\d+ RTP servers: /)
  })
})

describe('self-test: finding a recent call and a customer', () => {
  const recent = sw.data.calls.filter(c => c.start_ms > NOW_MS - 3 * 86_400_000).toSorted((a, b) => b.start_ms - a.start_ms)[0]!

  it('takes the newest call of the CDR of the last 3 days, and its routing record from the log', async () => {
    const asked: unknown[] = []
    installBridge(request => {
      if (request.method !== 'POST' || request.path !== 'cdr') return sw.api(request)
      asked.push(request.body)
      return Promise.resolve({ status: 200, statusText: 'OK', body: JSON.stringify([{ dt: 'x', callid: recent.callid }]) })
    })
    try {
      const found = await findRecentCall(connexcs(), NOW_MS)
      expect(found).toEqual({
        found: { callid: recent.callid, callidb: recent.callidb, cli: recent.cli, dest_number: recent.dest_number, customer_id: recent.customer_id, start_time: Math.floor(recent.start_ms / 1000) },
        how: 'the newest call in the CDR of the last 3 days'
      })
      expect(asked).toEqual([{
        field: ['dt', 'callid'],
        where: { rules: [{ field: 'dt', condition: '>=', data: '2026-11-21 12:00:00' }, { field: 'dt', condition: '<=', data: '2026-11-24 12:00:00' }] },
        limit: 10,
        order: [{ field: 'dt', direction: 'DESC' }]
      }])
    } finally {
      installBridge(sw.api)
    }
  })

  it('falls back to the newest call from a customer\'s IP when the CDR gives nothing, and says why', async () => {
    installBridge(request => request.path === 'cdr'
      ? Promise.resolve({ status: 200, statusText: 'OK', body: '[]' })
      : sw.api(request))
    try {
      const found = await findRecentCall(connexcs(), NOW_MS)
      const ip = sw.data.customers.find(c => c.ips.length > 0)!.ips[0]
      const newest = sw.data.calls.filter(c => c.customer_ip === ip && c.start_ms > NOW_MS - 7 * 86_400_000).toSorted((a, b) => b.start_ms - a.start_ms)[0]!
      expect(found.found?.callid).toBe(newest.callid)
      expect(found.how).toBe('the newest call from a customer\'s IP in the call log; no call in the CDR of the last 3 days')
    } finally {
      installBridge(sw.api)
    }
  })

  it('reports every way it looked when the account has no recent call', async () => {
    installBridge(request => request.path === 'cdr'
      ? Promise.resolve({ status: 503, statusText: 'Service Unavailable', body: '{"error":"down"}' })
      : request.path.startsWith('log') ? Promise.resolve({ status: 200, statusText: 'OK', body: '[]' }) : sw.api(request))
    try {
      const found = await findRecentCall(connexcs(), NOW_MS)
      expect(found.found).toBeUndefined()
      expect(found.how).toMatch(/^the CDR search failed: The ConnexCS API \(POST cdr\) failed \(HTTP 503\): .*; no call from the IPs of the first 5 customers in the last 7 days$/)
    } finally {
      installBridge(sw.api)
    }
  })

  it('finds a call with a transcript and one with an AI agent\'s log among the calls answered on the switch, a few requests each', async () => {
    const sent: string[] = []
    installBridge(request => {
      sent.push(request.path.split('?')[0]!)
      return sw.api(request)
    })
    try {
      for (const feature of ['transcript', 'ai_agent'] as const) {
        sent.length = 0
        const found = await findCallWith(connexcs(), NOW_MS, feature)
        const call = sw.data.calls.find(c => c.callid === found.found?.callid)!
        expect(feature === 'ai_agent' ? call.class5 === 'ai_agent' : call.class5 === 'ai_agent' || call.class5 === 'voicemail').toBe(true)
        expect(call.start_ms).toBeGreaterThan(NOW_MS - 7 * 86_400_000)
        expect(found.found).toMatchObject({ callid: call.callid, start_time: Math.floor(call.start_ms / 1000), customer_id: call.customer_id })
        expect(found.how).toBe(`the newest call with ${feature === 'ai_agent' ? 'an AI-agent log' : 'a transcript'} of 8 answered on the switch (Class 5) in the CDR`)
        expect(sent.length).toBeLessThanOrEqual(1 + 8 + 1)
      }
    } finally {
      installBridge(sw.api)
    }
  })

  it('says "no such call in N days" when none of the calls asked has one', async () => {
    installBridge(request => request.path.startsWith('transcribe') || request.path.startsWith('log/ai-agent')
      ? Promise.resolve({ status: 200, statusText: 'OK', body: '[]' })
      : sw.api(request))
    try {
      expect(await findCallWith(connexcs(), NOW_MS, 'transcript')).toEqual({ how: 'no such call in 7 days: none of the 8 newest calls answered on the switch (Class 5) has a transcript' })
      expect(await findCallWith(connexcs(), NOW_MS, 'ai_agent', 3)).toEqual({ how: 'no such call in 3 days: none of the 8 newest calls answered on the switch (Class 5) has an AI-agent log' })
    } finally {
      installBridge(sw.api)
    }
  })

  it('picks the first customer with a usable rate card', async () => {
    const customer = sw.data.customers.find(c => c.cards.some(card => card !== 'internal' && !card.includes(':')))!
    expect(await findCustomer(connexcs())).toEqual({
      found: { customer_id: customer.id, name: customer.name, card_id: customer.cards[0] },
      how: 'the first customer with a rate card'
    })
  })
})

describe('dist/selfTest.js', () => {
  it('imports the deployed server file ./mcp instead of carrying its own copy of the tools', () => {
    const source = readFileSync('dist/selfTest.js', 'utf8')
    const imports = [...source.matchAll(/\bimport\s*(?:[\w$*{}\s,]+?\s*from\s*)?["']([^"']+)["']/g)].map(m => m[1])
    expect([...new Set(imports)].toSorted()).toEqual(['./mcp', 'cxRest'])
    for (const tool of tools) expect(source).not.toContain(tool.description.slice(0, 40))
  })

  it('says in one line how the platform loaded the tools\' code, on either build, and fails when it could not', async () => {
    const probe = async (build: Build, dynamicImport: boolean) => {
      const host = new ScriptForgeHost({ backend: sw.api, env: { API_USERNAME: 'ops@example.com' }, platform: { dynamicImport } })
      const run = await host.run({ files: bundleFiles(build), entry: 'selfTest', fn: 'probeLoading', data: {} })
      if (!run.ok) throw new Error(run.error.message)
      return run.value as { name: string, ok: boolean, ms: number, detail: string }
    }
    const works = await probe('lazy', true)
    expect(works).toMatchObject({ name: 'tool loading', ok: true })
    expect(works.detail).toBe(`dynamic import() works: each tool's code is its own file, loaded on its first call (searchCallLogs's took ${works.ms} ms); ` +
      'a request compiles only the front and the tools\' metadata')
    expect(await probe('lazy', false)).toMatchObject({
      name: 'tool loading',
      ok: false,
      detail: `dynamic import() failed (Cannot load './mcpSearchCallLogs': ${NO_DYNAMIC_IMPORT}): no tool can run; ` +
        'set "loading": "bundle" in cx.config.json and npm run deploy (the one-file build needs no import())'
    })
    for (const dynamicImport of [true, false]) {
      expect(await probe('bundle', dynamicImport)).toMatchObject({
        name: 'tool loading',
        ok: true,
        detail: `one file (cx.config.json "loading": "bundle"): every request compiles the code of all ${tools.length} tools before it answers`
      })
    }
    // In Node, as in the one-file build, every tool is there already.
    expect((await probeLoading()).detail).toMatch(/^one file /)
  })
})
