import { describe, expect, it } from 'vitest'
import type { ScenarioEntry } from '../../platform/switch/model'
import type { ToolDefinition } from '../../src/lib/defineTool'
import { getAiAgentLogs } from '../../src/tools/getAiAgentLogs'
import { getCallAnalytics } from '../../src/tools/getCallAnalytics'
import { getCallQuality } from '../../src/tools/getCallQuality'
import { getSipTrace } from '../../src/tools/getSipTrace'
import { investigateCall } from '../../src/tools/investigateCall'
import { testSwitch } from '../helpers/platform'
import { scenario } from '../helpers/switchApi'
import { bothRunners, type Answer, type Runner } from '../tools/runners'

/**
 * The scenario catalog of the simulated switch against the tools: for every scenario, each tool
 * that should explain it finds the cause the catalog's diagnosis names (a finding code) and
 * recommends the fix. Every row runs in Node and through the built bundle in QuickJS.
 */

const sw = testSwitch()

/** One check: which calls, which tool with which arguments, and what its answer must say. */
interface Row {
  tool: ToolDefinition
  /** The arguments, once per call the check is about. */
  args (entry: ScenarioEntry): Record<string, unknown>[]
  expect (answer: Answer, entry: ScenarioEntry): void
}

const eachCall = (entry: ScenarioEntry): Record<string, unknown>[] => entry.calls.map(c => ({ callid: c.callid }))
const firstCall = (entry: ScenarioEntry): Record<string, unknown>[] => [{ callid: entry.calls[0]!.callid }]
const firstAnswered = (entry: ScenarioEntry): Record<string, unknown>[] => [{ callid: entry.calls.find(c => c.sip_code === 200)!.callid }]
const callsIn = (...ids: string[]) => (): Record<string, unknown>[] => ids.map(callid => ({ callid }))

/** investigateCall names `code` as the root cause and recommends `fix` first. */
function diagnosed (code: string, fix: string, args: Row['args'] = eachCall): Row {
  return {
    tool: investigateCall,
    args,
    expect: ({ result, isError }) => {
      expect(isError).toBe(false)
      expect(result.root_cause?.code).toBe(code)
      expect(result.recommendations[0]).toContain(fix)
    }
  }
}

/** getSipTrace ranks `code` first and gives `fix` for it. */
function traced (code: string, fix: string, args: Row['args'] = eachCall): Row {
  return {
    tool: getSipTrace,
    args,
    expect: ({ result, isError }) => {
      expect(isError).toBe(false)
      expect(result.findings[0].code).toBe(code)
      expect(result.findings[0].fix).toContain(fix)
    }
  }
}

/** The answer of a normal call: no finding above `info`, no root cause. */
const noFault: Row[] = [
  { tool: getSipTrace, args: eachCall, expect: ({ result }) => expect(result.findings.filter((f: { severity: string }) => f.severity !== 'info')).toEqual([]) },
  { tool: investigateCall, args: eachCall, expect: ({ result }) => expect([result.outcome, result.root_cause]).toEqual(['answered', null]) }
]

/** getCallAnalytics over a period finds `code` first and recommends `fix`. */
function analysed (args: Record<string, unknown>, code: string, fix: string): Row {
  return {
    tool: getCallAnalytics,
    args: () => [args],
    expect: ({ result, isError }) => {
      expect(isError).toBe(false)
      expect(result.findings[0].code).toBe(code)
      expect(result.findings[0].fix).toContain(fix)
    }
  }
}

const outage = scenario(sw, 'carrier_outage')
const forbidden = scenario(sw, 'forbidden_403').facts as { balance: { callids: string[] }, carrier_acl: { callid: string } }
// Traces are kept 7 days and the call log 14: the older calls of a long scenario are not there to diagnose.
const traceDays = (entry: ScenarioEntry): Record<string, unknown>[] => entry.calls.filter(c => Date.parse(c.time) > sw.data.now_ms - 7 * 86_400_000).map(c => ({ callid: c.callid }))
const logDays = (entry: ScenarioEntry): Record<string, unknown>[] => entry.calls.filter(c => Date.parse(c.time) > sw.data.now_ms - 14 * 86_400_000).map(c => ({ callid: c.callid }))

const TABLE: Record<string, Row[]> = {
  answered: [...noFault, { tool: getCallQuality, args: eachCall, expect: ({ result }) => expect([result.overall, result.one_way]).toEqual(['good', undefined]) }],
  busy: [traced('carrier_rejected', 'a normal outcome'), diagnosed('carrier_rejected', 'a normal outcome')],
  no_answer_cancel: [
    // The 200 OK answers the CANCEL, not the INVITE: the call was never connected (prior-art bug).
    { tool: getSipTrace, args: eachCall, expect: ({ result }) => expect([result.outcome.state, result.outcome.final_response.code, result.timings.setup_time_ms, result.findings[0].code]).toEqual(['cancelled', 487, null, 'caller_cancelled']) },
    diagnosed('caller_cancelled', 'check PDD and that callers hear ringback')
  ],
  no_route: [
    traced('no_route', 'Add the destination prefix to the customer\'s rate card'),
    diagnosed('no_route', 'Add the destination prefix to the customer\'s rate card'),
    // The specifics: the number no rule matched, and the customer's card(s), named as the switch names them.
    { tool: getSipTrace, args: eachCall, expect: ({ result }, e) => expect(result.findings[0].title).toBe(`The switch refused the call with 503 No Routes Available (Pre): no rule for ${e.facts.dest_number}`) },
    {
      tool: investigateCall,
      args: eachCall,
      expect: ({ result }, e) => {
        const cards = e.facts.customer_cards as string[]
        expect(cards).toHaveLength(1)
        expect(result.root_cause.title).toBe(`The switch refused the call with 503 No Routes Available (Pre): no rule for ${e.facts.dest_number}, on the customer's only card, "${(e.facts.customer_card_names as string[])[0]}" (${cards[0]})`)
        expect(result.summary).toBe(`Call ${e.calls[0]!.callid} failed: the switch refused the call with 503 No Routes Available (Pre): no rule for ${e.facts.dest_number}, on the customer's only card, "${(e.facts.customer_card_names as string[])[0]}" (${cards[0]}).`)
      }
    }
  ],
  bad_number: [traced('carrier_rejected', 'E.164 format', firstCall), traced('carrier_rejected', 'dial plan', e => [{ callid: e.calls[1]!.callid }]), diagnosed('carrier_rejected', 'number')],
  prefix_duplication: [traced('duplicated_prefix', 'dial in E.164 form'), diagnosed('duplicated_prefix', 'dial in E.164 form')],
  forbidden_403: [
    traced('insufficient_balance', 'Top up the customer\'s balance', callsIn(...forbidden.balance.callids)),
    diagnosed('insufficient_balance', 'Top up the customer\'s balance', callsIn(...forbidden.balance.callids)),
    traced('carrier_forbidden', 'our signalling IPs are allowed', callsIn(forbidden.carrier_acl.callid)),
    diagnosed('carrier_forbidden', 'our signalling IPs are allowed', callsIn(forbidden.carrier_acl.callid))
  ],
  timeout_408: [traced('carrier_timeout', 'Check the carrier\'s IP, port and transport'), diagnosed('carrier_timeout', 'Check the carrier\'s IP, port and transport')],
  auth_challenge: [
    // One 407 and a new INVITE with credentials: no retransmission, and no fault (prior-art bug).
    { tool: getSipTrace, args: eachCall, expect: ({ result }) => expect([result.outcome.auth_challenges, result.findings.map((f: { code: string }) => f.code)]).toEqual([1, ['auth_challenge']]) },
    noFault[1]!
  ],
  auth_failures: [
    traced('unknown_user', 'username and password', logDays),
    diagnosed('unknown_user', 'username and password', logDays),
    // The specific: the username the PBX sent, read from its INVITE's Proxy-Authorization.
    ...[getSipTrace, investigateCall].map((tool): Row => ({
      tool,
      args: logDays,
      expect: ({ result }, e) => {
        const title = tool === getSipTrace ? result.findings[0].title : result.root_cause.title
        expect(title).toBe(`The switch refused the call with 503 Unknown User: user "${e.facts.auth_user}"`)
      }
    }))
  ],
  codec_488: [traced('codec_mismatch', 'enable transcoding'), diagnosed('codec_mismatch', 'enable transcoding')],
  nat_one_way: [
    traced('nat_private_sdp', 'NAT traversal'),
    diagnosed('nat_private_sdp', 'NAT traversal'),
    { tool: getCallQuality, args: eachCall, expect: ({ result }) => expect(result.one_way).toEqual([{ leg: 'A', silent: 'switch → customer', flowing: 'customer → switch' }]) }
  ],
  ack_lost: [traced('ack_timeout', 'ACK must reach the switch'), diagnosed('ack_timeout', 'ACK must reach the switch')],
  poor_quality: [
    diagnosed('poor_quality', 'the network between that party and the media server'),
    { tool: getCallQuality, args: eachCall, expect: ({ result }) => expect([result.overall, result.streams[0].leg, result.streams[0].carrier]).toEqual(['bad', 'B1', 'Budget Route Ltd']) }
  ],
  carrier_outage: [
    // Each call shows Crown's 503 on its first carrier leg, whatever happened after the failover.
    { tool: getSipTrace, args: traceDays, expect: ({ result }) => expect(result.findings.find((f: { code: string }) => f.code === 'carrier_unavailable')?.title).toMatch(/^The carrier \(B1, 192\.0\.2\.11[01]\) answered 503 Service Unavailable/) },
    analysed({ provider_id: outage.provider_id, start_date: outage.window!.start.slice(0, 10), bucket: 'hour' }, 'outage', 'raise it with the carrier'),
    // A call that failed over and then failed: its answer names both the first carrier's 503 and how the call ended.
    {
      tool: investigateCall,
      args: e => e.calls.filter(c => c.sip_code !== 200 && c.sip_code !== 487 && Date.parse(c.time) > sw.data.now_ms - 7 * 86_400_000).map(c => ({ callid: c.callid })),
      expect: ({ result }) => {
        const call = sw.data.calls.find(c => c.callid === result.callid)!
        const ending = `${call.sip_code} ${call.sip_reason}`
        expect(result.root_cause.code).toBe('carrier_rejected')
        expect(result.root_cause.title).toMatch(new RegExp(`^The carrier \\(B2, [\\d.]+\\) answered ${ending}, after the carrier \\(B1, 192\\.0\\.2\\.11[01]\\) answered 503 Service Unavailable$`))
        expect(result.summary.split('. ')[0]).toContain(`answered ${ending}, after the carrier (B1,`)
        expect(result.recommendations[0]).toContain('For the carrier tried first: Honour Retry-After')
      }
    }
  ],
  zero_duration: [
    ...noFault,
    analysed({ customer_id: scenario(sw, 'zero_duration').customer_id, start_date: scenario(sw, 'zero_duration').window!.start.slice(0, 10) }, 'short_calls', 'the customer\'s dialler')
  ],
  routing_gap: [
    traced('no_route', 'find a carrier for the destination', traceDays),
    diagnosed('no_route', 'find a carrier for the destination', logDays),
    analysed({ destination: 'Cuba', start_date: '2026-10-26', end_date: '2026-11-24' }, 'no_route', 'add a carrier route for its prefix')
  ],
  trace_expired: [
    { tool: getSipTrace, args: eachCall, expect: ({ result }) => expect([result.found, result.why]).toEqual([false, expect.stringContaining('Traces are kept for 7 days')]) },
    { tool: investigateCall, args: eachCall, expect: ({ result }) => expect([result.outcome, result.root_cause, result.missing[0]]).toEqual(['answered', null, expect.stringMatching(/^trace: none: the call is \d+ days old and traces are kept 7 days$/)]) }
  ],
  ip_not_authorised: [
    traced('ip_not_authorised', 'Add the IP to the customer'),
    // The specifics: the source IP, and the customer who owns the CLI (from the account's CLIs), whose IPs to add it to.
    { tool: getSipTrace, args: eachCall, expect: ({ result }, e) => expect(result.findings[0].title).toBe(`The switch refused the call with 401 IP Not Authorised: ${e.facts.source_ip} is no customer's IP`) },
    {
      tool: investigateCall,
      args: eachCall,
      expect: ({ result }, e) => {
        const owner = sw.data.customers.find(c => c.id === e.facts.owner_by_cli)!
        const cli = sw.data.calls.find(c => c.callid === result.callid)!.cli
        expect(result.root_cause.code).toBe('ip_not_authorised')
        expect(result.root_cause.title).toBe(`The switch refused the call with 401 IP Not Authorised: ${e.facts.source_ip} is no customer's IP; the CLI ${cli} belongs to customer ${owner.id} (${owner.name})`)
        expect(result.recommendations[0]).toBe(`Check that ${e.facts.source_ip} is ${owner.name}'s, then add it to that customer's IP authentication (changes can take up to 60 s to reach every switch); or have the customer send from an IP it already has.`)
        expect(result.next_steps[0]).toEqual({ tool: 'searchCallLogs', args: { search: e.facts.source_ip }, why: `Other calls from ${e.facts.source_ip}: does every call from it fail the same way?` })
      }
    }
  ],
  repeated_no_route: [traced('no_route', 'Add the destination prefix to the customer\'s rate card', firstCall), diagnosed('no_route', 'Add the destination prefix to the customer\'s rate card', firstCall)],
  trunk_prefix: [traced('trunk_prefix_left', 'dial in E.164 form'), diagnosed('trunk_prefix_left', 'dial in E.164 form')],
  // The account-wide patterns: each call on its own is ordinary (the report's detectors find them), or says what the switch did.
  irsf_burst: noFault.map(row => ({ ...row, args: firstAnswered })),
  sequential_numbers: noFault.map(row => ({ ...row, args: firstAnswered })),
  traffic_spike: noFault.map(row => ({ ...row, args: firstAnswered })),
  sip_scanner: [traced('ip_not_authorised', 'Add the IP to the customer', firstCall)],
  carrier_drift: [
    traced('carrier_unavailable', 'Honour Retry-After and back off', e => [{ callid: e.calls.find(c => c.sip_code === 503)!.callid }]),
    traced('carrier_timeout', 'Check the carrier\'s IP, port and transport', e => [{ callid: e.calls.find(c => c.sip_code === 408)!.callid }])
  ],
  ai_agent: [
    noFault[0]!,
    {
      tool: investigateCall,
      args: eachCall,
      expect: ({ result }) => {
        expect([result.root_cause, result.findings.map((f: { code: string }) => f.code)]).toEqual([null, ['class5']])
        expect(result.parts).toMatchObject({ class5: '3 events: ai_agent', transcription: '9 segments', ai_agent: '11 steps' })
        expect(result.next_steps.map((s: { tool: string }) => s.tool)).toEqual(['getTranscription', 'getAiAgentLogs', 'getSipTrace'])
      }
    },
    // The specifics: the agent's name, and each tool it called with its latency, as the switch logged them.
    {
      tool: investigateCall,
      args: eachCall,
      expect: ({ result }, e) => {
        const tools = e.facts.tools as Array<{ tool: string, latency_ms: number }>
        expect(result.ai_agent).toMatchObject({ agent: e.facts.agent, tools_called: tools })
        expect(result.findings[0].title).toBe(`The call used Class 5 features (ai_agent): the AI agent "${e.facts.agent}" called ${tools.map(t => `${t.tool} (${t.latency_ms} ms)`).join(', ')}`)
      }
    },
    {
      tool: getAiAgentLogs,
      args: eachCall,
      expect: ({ result }, e) => {
        const tools = e.facts.tools as Array<{ tool: string, latency_ms: number }>
        expect([result.agent, result.tools_called.map((t: { tool: string, latency_ms: number }) => ({ tool: t.tool, latency_ms: t.latency_ms }))]).toEqual([e.facts.agent, tools])
        expect(result.summary).toMatch(new RegExp(`steps by "${e.facts.agent}"; it called ${tools.map(t => `${t.tool} \\(${t.latency_ms} ms\\)`).join(', ')}\\.$`))
      }
    }
  ]
}

describe('the scenario catalog', () => {
  it('has a row for every scenario, and every row checks at least one call', () => {
    expect(Object.keys(TABLE).toSorted()).toEqual(sw.data.scenarios.map(s => s.id).toSorted())
    for (const [id, rows] of Object.entries(TABLE)) for (const row of rows) expect(row.args(scenario(sw, id)).length).toBeGreaterThan(0)
  })
})

describe.each(bothRunners(sw.api).map(r => [r.name, r] as [string, Runner]))('the tools find each scenario\'s cause (%s)', (_name, runner) => {
  it.each(Object.keys(TABLE))('%s', async id => {
    const entry = scenario(sw, id)
    for (const row of TABLE[id]!) {
      for (const args of row.args(entry)) {
        const answer = await runner.call(row.tool, args)
        try {
          row.expect(answer, entry)
        } catch (error) {
          throw new Error(`${row.tool.name}(${JSON.stringify(args)}): ${(error as Error).message}\n${answer.result.summary}`, { cause: error })
        }
      }
    }
  })
})
