import { describe, expect, it } from 'vitest'
import { callReference, parseMonth, parsePeriod, PromptError, PROMPTS, renderPrompt } from '../../src/prompts'

/** The tool names a prompt may tell the AI to call. */
const TOOLS = ['searchCallLogs', 'investigateCall', 'getSipTrace', 'getCallQuality', 'getTranscription', 'getAiAgentLogs', 'searchCdr',
  'getCallAnalytics',
  'getSwitchHealthReport', 'searchCustomers', 'getCustomer', 'getProfitability', 'lookupRate', 'searchDocumentation', 'getDocumentation',
  'getRtpServerGroups',
  'listRtpServers']

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
      'investigate-call': ['investigateCall', 'searchCallLogs', 'getSipTrace', 'getCallQuality', 'searchDocumentation', 'getDocumentation'],
      'onboard-me': ['searchCallLogs', 'investigateCall', 'getSipTrace', 'getCallQuality', 'getTranscription', 'getAiAgentLogs', 'searchCdr',
        'getCallAnalytics',
        'getSwitchHealthReport', 'searchCustomers', 'getCustomer', 'lookupRate', 'getProfitability', 'getRtpServerGroups', 'listRtpServers',
        'searchDocumentation',
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
