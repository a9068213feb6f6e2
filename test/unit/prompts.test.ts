import { describe, expect, it } from 'vitest'
import { activeTools } from '../../src/mcp'
import { callReference, EVERY_TOOL, parseMonth, parsePeriod, PromptError, PROMPTS, renderPrompt, toolCatalog } from '../../src/prompts'

/** The tool names a prompt may tell the AI to call. */
const TOOLS = ['searchCallLogs', 'investigateCall', 'getSipTrace', 'getCallQuality', 'getTranscription', 'getAiAgentLogs', 'searchCdr',
  'getCallAnalytics',
  'getSwitchHealthReport', 'searchCustomers', 'getCustomer', 'getProfitability', 'lookupRate', 'searchDocumentation', 'getDocumentation',
  'getRtpServerGroups',
  'listRtpServers', 'runScriptForgeFunction']

function failure (run: () => unknown): PromptError {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(PromptError)
    return error as PromptError
  }
  throw new Error('expected a PromptError')
}

/** Tools a text names, in order of first mention. */
function toolsNamed (text: string): string[] {
  const found = [...text.matchAll(/\b([a-z]+[A-Z][A-Za-z]+)\b/g)].map(m => m[1]!).filter(name => TOOLS.includes(name))
  return [...new Set(found)]
}

describe('the prompt list', () => {
  it('has the seven prompts with their arguments', () => {
    expect(PROMPTS.map(p => [p.name, p.arguments.map(a => `${a.name}${a.required ? '*' : ''}`)])).toEqual([
      ['monthly-health-report', ['month']],
      ['customer-cdr-analysis', ['customer*', 'period']],
      ['top-revenue-calls', ['period*']],
      ['repeated-routing-failures', ['period*']],
      ['debug-ai-agent-call', ['callid*']],
      ['investigate-call', ['call*']],
      ['onboard-me', []]
    ])
    for (const prompt of PROMPTS) {
      expect(prompt.title.length, prompt.name).toBeGreaterThan(5)
      expect(prompt.description.length, prompt.name).toBeGreaterThan(30)
    }
  })

  it('names tools that exist, in the order to call them', () => {
    const order = Object.fromEntries(PROMPTS.map(p => [p.name, toolsNamed(renderPrompt(p.name, Object.fromEntries(p.arguments.filter(a => a.required)
      .map(a => [a.name, a.name === 'period' ? 'yesterday' : a.name === 'call' ? 'abc@host' : 'Acme']))).text)]))
    expect(order).toEqual({
      'monthly-health-report': ['getSwitchHealthReport', 'investigateCall', 'searchDocumentation'],
      'customer-cdr-analysis': ['searchCustomers', 'getCustomer', 'getCallAnalytics', 'getProfitability', 'searchCdr', 'investigateCall'],
      'top-revenue-calls': ['searchCdr', 'getCallAnalytics', 'searchDocumentation', 'getProfitability'],
      'repeated-routing-failures': ['getSwitchHealthReport', 'getCallAnalytics', 'investigateCall', 'searchCallLogs', 'lookupRate',
        'searchDocumentation'],
      'debug-ai-agent-call': ['investigateCall', 'getAiAgentLogs', 'getTranscription', 'getCallQuality', 'searchCallLogs'],
      'investigate-call': ['investigateCall', 'searchCallLogs', 'getSipTrace', 'getCallQuality', 'getDocumentation', 'searchDocumentation'],
      'onboard-me': ['searchCallLogs', 'investigateCall', 'getSipTrace', 'getCallQuality', 'getTranscription', 'getAiAgentLogs', 'searchCdr',
        'getCallAnalytics',
        'getSwitchHealthReport', 'searchCustomers', 'getCustomer', 'lookupRate', 'getProfitability', 'getRtpServerGroups', 'listRtpServers',
        'runScriptForgeFunction', 'searchDocumentation',
        'getDocumentation']
    })
  })
})

describe('renderPrompt', () => {
  it('fills the arguments in', () => {
    const report = renderPrompt('monthly-health-report', { month: '2026-02' })
    expect(report.description).toBe(PROMPTS[0]!.description)
    expect(report.text.split('\n').slice(0, 3)).toEqual(['Give me the switch health report for February 2026.', '',
      '1. Call getSwitchHealthReport with start_date: "2026-02-01", end_date: "2026-02-28".'])
    expect(renderPrompt('monthly-health-report').text)
      .toContain('for the last full calendar month.\n\n1. Call getSwitchHealthReport with period: "last_month".')
    expect(renderPrompt('customer-cdr-analysis', { customer: '  Acme   "Voice" ', period: '2026-11-01..2026-11-15' }).text.split('\n').slice(0,
      5)).toEqual([
      'Analyse the CDRs of customer "Acme \\"Voice\\"" for 2026-11-01 to 2026-11-15.', '',
      '1. Call searchCustomers with "Acme \\"Voice\\"". If several customers match, list them (id, name, status) and ask which one; ' +
      'if none, say so and stop.',
      '2. Call getCustomer with the customer\'s id: present status, currency, balance and whether it can call, and its rate cards.',
      '3. Call getCallAnalytics with customer_id, start_date: "2026-11-01", end_date: "2026-11-15", group_by: "destination": ' +
      'attempts, answered, ASR, NER, ACD ' +
      'and failure codes per destination.'
    ])
    expect(renderPrompt('top-revenue-calls',
      { period: 'Last 30 Days' }).text).toContain('1. Call searchCdr with start_date and end_date covering the last 30 days ' +
        '(YYYY-MM-DD, UTC, from today\'s date), sort_by: "charge", order: "desc", limit: 20.')
    expect(renderPrompt('repeated-routing-failures',
      { period: 'last_month' }).text).toContain('1. Call getSwitchHealthReport with period: "last_month" and keep')
    expect(renderPrompt('debug-ai-agent-call', { callid: 'a1b2@10.0.0.1' }).text).toContain('2. Call getAiAgentLogs with callid: "a1b2@10.0.0.1"')
  })

  it('finds a call by number or goes straight to the Call-ID', () => {
    expect(renderPrompt('investigate-call', { call: '+44 7700 900123' }).text.split('\n').slice(0, 3)).toEqual([
      'Investigate the call to or from 447700900123 and tell me why it failed or sounded bad.', '',
      '1. Call searchCallLogs with search: "447700900123". Take the newest call ' +
      '(or, if several look relevant, list them with time, CLI, number and result and ask which one).'
    ])
    expect(renderPrompt('investigate-call',
      { call: '4e1d9b72-3c0a' }).text.split('\n')[2]).toBe('1. Call investigateCall with callid: "4e1d9b72-3c0a".')
  })

  it('checks names and arguments', () => {
    expect(failure(() => renderPrompt('nope'))).toMatchObject({ kind: 'unknown_prompt',
      message: expect.stringContaining('the prompts are monthly-health-report, customer-cdr-analysis') })
    expect(failure(() => renderPrompt('top-revenue-calls', {}))).toMatchObject({ kind: 'missing_argument', argument: 'period' })
    expect(failure(() => renderPrompt('investigate-call', { call: '   ' }))).toMatchObject({ kind: 'missing_argument', argument: 'call',
      message: 'investigate-call needs call: ' +
        'The SIP Call-ID of the call, or a phone number (CLI or dialled) to find it by.' })
    expect(failure(() => renderPrompt('onboard-me', { x: '1' }))).toMatchObject({ kind: 'unknown_argument',
      message: 'onboard-me has no argument x; it takes no arguments' })
    expect(failure(() => renderPrompt('top-revenue-calls', { period: 7 }))).toMatchObject({ kind: 'invalid_argument', argument: 'period' })
    expect(failure(() => renderPrompt('top-revenue-calls', { period: 'last week' }))).toMatchObject({ kind: 'invalid_argument', argument: 'period' })
    expect(failure(() => renderPrompt('monthly-health-report', { month: '2026-13' }))).toMatchObject({ kind: 'invalid_argument',
      message: 'month: "2026-13" is not a month; give YYYY-MM, for example 2026-10' })
    expect(failure(() => renderPrompt('debug-ai-agent-call', { callid: 'x'.repeat(501) }))).toMatchObject({ kind: 'invalid_argument' })
    expect(failure(() => renderPrompt('onboard-me', ['a']))).toMatchObject({ kind: 'invalid_argument' })
    expect(renderPrompt('onboard-me', null).text.startsWith('I am new to this ConnexCS MCP server.')).toBe(true)
    expect(renderPrompt('monthly-health-report', { month: '' }).text).toContain('period: "last_month"')
  })
})

describe('periods and call references', () => {
  it('reads periods', () => {
    expect(parsePeriod('yesterday')).toEqual({ kind: 'relative', keyword: 'yesterday', label: 'yesterday' })
    expect(parsePeriod('this-month')).toEqual({ kind: 'relative', keyword: 'this_month', label: 'this month so far' })
    expect(parsePeriod('2024-02')).toEqual({ kind: 'dates', start_date: '2024-02-01', end_date: '2024-02-29', label: 'February 2024' })
    expect(parsePeriod('2026-11-23')).toEqual({ kind: 'dates', start_date: '2026-11-23', end_date: '2026-11-23', label: '2026-11-23' })
    expect(parsePeriod('2026-11-01 to 2026-12-01')).toEqual({ kind: 'dates', start_date: '2026-11-01', end_date: '2026-12-01',
      label: '2026-11-01 to 2026-12-01' })
    expect(failure(() => parsePeriod('2026-11-01..2026-12-02')).message)
      .toBe('period: 32 days is longer than the tools take (31 at most); split the period')
    expect(failure(() => parsePeriod('2026-11-05..2026-11-01')).message).toBe('period: 2026-11-05 is after 2026-11-01; give the earlier day first')
    expect(failure(() => parsePeriod('2026-02-30', 'when')).message).toMatch(/^when: "2026-02-30" is not a period/)
    expect([parseMonth('1999-12'), parseMonth('2026-00'), parseMonth('26-01')]).toEqual([undefined, undefined, undefined])
  })

  it('tells numbers from Call-IDs', () => {
    expect(['+44 (20) 7946-0001', '447700900123', '12345', '1234', 'abc123@10.0.0.1', '896411870-861076410-2143831551'].map(callReference)).toEqual([
      { kind: 'number', value: '442079460001' }, { kind: 'number', value: '447700900123' }, { kind: 'number', value: '12345' },
      { kind: 'callid', value: '1234' }, { kind: 'callid', value: 'abc123@10.0.0.1' }, { kind: 'callid', value: '896411870-861076410-2143831551' }
    ])
  })
})

/** Sample arguments for a prompt's required ones. */
function sampleArgs (name: string): Record<string, string> {
  const prompt = PROMPTS.find(p => p.name === name)!
  return Object.fromEntries(prompt.arguments.filter(a => a.required).map(a => [a.name, a.name === 'period' ? 'last_month' : a.name === 'call' ? '447700900123' : 'Acme']))
}

/**
 * What a prompt's text names that the server does not have: per line, every camelCase word must be
 * a registered tool, and every parameter written `name: value` or snake_case (outside quotes)
 * must be a parameter of a tool named on the same line.
 */
function unknownNames (text: string, catalog: Readonly<Record<string, readonly string[]>>): string[] {
  const problems: string[] = []
  for (const line of text.split('\n')) {
    const bare = line.replace(/"(?:[^"\\]|\\.)*"/g, '""')
    const named = [...bare.matchAll(/\b[a-z]+(?:[A-Z][a-z0-9]*)+\b/g)].map(m => m[0])
    for (const name of named) if (!Object.hasOwn(catalog, name)) problems.push(`tool ${name}`)
    const params = new Set([...bare.matchAll(/\b([a-z][a-z0-9]*(?:_[a-z0-9]+)+)\b|\b([a-z][a-z0-9]*): (?:""|\d|true|false)/g)].map(m => m[1] ?? m[2]!))
    for (const param of params) {
      if (!named.some(tool => catalog[tool]?.includes(param) === true)) problems.push(`${param}, on: ${line.trim().slice(0, 40)}`)
    }
  }
  return problems
}

describe('prompts and the tools the server has', () => {
  const catalogs = {
    'the default server': activeTools({}),
    'a server that runs scripts': activeTools({ MCP_RUNNABLE_SCRIPTS: 'reports' })
  }

  it('name only tools and parameters the server registers', () => {
    for (const [which, list] of Object.entries(catalogs)) {
      const catalog = Object.fromEntries(list.map(t => [t.name, Object.keys(t.params)]))
      for (const prompt of PROMPTS) {
        for (const args of [sampleArgs(prompt.name), { ...sampleArgs(prompt.name), ...(prompt.name === 'investigate-call' ? { call: 'abc@10.0.0.1' } : {}) }]) {
          const { text } = renderPrompt(prompt.name, args, toolCatalog(catalog))
          expect(unknownNames(text, catalog), `${prompt.name} on ${which}`).toEqual([])
        }
      }
    }
    // The check itself catches a tool that is not there, and a parameter of another tool.
    expect(unknownNames('1. Call getNothing with x.\n2. Call searchCdr with sort_by: "charge" and getSipTrace with callid: "a".',
      { searchCdr: ['limit'], getSipTrace: ['callid'] })).toEqual(['tool getNothing', 'sort_by, on: 2. Call searchCdr with sort_by: "charge"'])
  })

  it('say what to call instead when a tool the text was written for is missing', () => {
    const few = toolCatalog({ getCallAnalytics: ['start_date', 'end_date', 'bucket', 'customer_id', 'dest_prefix'], investigateCall: ['callid'],
      searchCdr: ['start_date', 'end_date', 'customer_id', 'limit', 'cursor'], searchDocumentation: ['query'], searchCallLogs: ['search'] })
    expect(renderPrompt('monthly-health-report', { month: '2026-10' }, few).text.split('\n').slice(0, 3)).toEqual([
      'Give me the switch health report for October 2026.', '',
      '1. Call getCallAnalytics with start_date: "2026-10-01", end_date: "2026-10-31", bucket: "day": the whole switch\'s attempts, answered calls, ' +
      'ASR, NER, ACD, PDD, failure codes and findings, day by day.'
    ])
    expect(renderPrompt('top-revenue-calls', { period: '2026-11-01..2026-11-07' }, few).text.split('\n')[2]).toBe('1. Call searchCdr with ' +
      'start_date: "2026-11-01", end_date: "2026-11-07", limit: 50, and page on with cursor (this server\'s searchCdr cannot sort): keep the 20 calls ' +
      'with the highest charge, and say how many calls were read if you stopped before the last page.')
    expect(renderPrompt('customer-cdr-analysis', { customer: 'Acme' }, few).text.split('\n')[2])
      .toBe('1. If "Acme" is not the customer\'s numeric id, ask me for the id (this server cannot look customers up by name).')
    const onboarding = renderPrompt('onboard-me', {}, few).text
    expect(onboarding).toContain('   - one call: searchCallLogs (find a call by number, Call-ID or IP), investigateCall (why it failed, in one step);\n' +
      '   - many calls: searchCdr (filters), getCallAnalytics (ASR, NER, ACD, PDD, failures);\n   - the documentation: searchDocumentation.\n')
    expect(onboarding).not.toContain('What do we charge')
    // Written for the whole server, the texts name what it will have.
    expect(renderPrompt('monthly-health-report', {}, EVERY_TOOL).text).toContain('1. Call getSwitchHealthReport with period: "last_month".')
  })
})
