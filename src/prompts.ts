/**
 * The server's prompts: one per use case of the seed (a monthly health report, a customer's CDR
 * analysis, top revenue calls, repeated routing failures, an AI agent call, a C-Trace) and
 * "onboard me". Each is text for the AI: which tools to call, in which order, with which
 * arguments, and what to present. `main(data)` answers `prompts/list` and `prompts/get` from
 * this list (the platform has no prompt API). Pure: no I/O, no clock.
 */

/** One argument of a prompt, as `prompts/list` shows it. */
export interface PromptArgument {
  name: string
  description: string
  required: boolean
}

/** A prompt: what `prompts/list` shows, and its text for given arguments. */
export interface PromptDefinition {
  name: string
  title: string
  description: string
  arguments: PromptArgument[]
  /**
   * The prompt's text; `args` holds the given arguments, trimmed, required ones present; `tools`
   * says which tools the server registers, so that the text names only those.
   */
  render (args: Readonly<Record<string, string>>, tools: ToolCatalog): string
}

/** A `prompts/get` that cannot be answered: an unknown prompt, or a missing or bad argument (JSON-RPC -32602). */
export class PromptError extends Error {
  readonly kind: 'unknown_prompt' | 'missing_argument' | 'unknown_argument' | 'invalid_argument'
  /** The argument at fault, when there is one. */
  readonly argument: string | undefined

  constructor (kind: PromptError['kind'], message: string, argument?: string) {
    super(message)
    this.name = 'PromptError'
    this.kind = kind
    this.argument = argument
  }
}

/** A period a prompt was given: dates, or words the tools understand. */
export type PromptPeriod =
  | { kind: 'dates', start_date: string, end_date: string, label: string }
  | { kind: 'relative', keyword: 'today' | 'yesterday' | 'this_month' | 'last_month' | 'last_7_days' | 'last_30_days', label: string }

const RELATIVE_LABELS: Record<Extract<PromptPeriod, { kind: 'relative' }>['keyword'], string> = {
  today: 'today',
  yesterday: 'yesterday',
  this_month: 'this month so far',
  last_month: 'the last full calendar month',
  last_7_days: 'the last 7 days',
  last_30_days: 'the last 30 days'
}

/** The longest period the tools take, in days. */
export const MAX_PERIOD_DAYS = 31

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December']

function isDay (text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false
  const ms = Date.parse(`${text}T00:00:00Z`)
  return Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 10) === text
}

function lastDayOfMonth (year: number, month: number): string {
  const day = new Date(Date.UTC(year, month, 0)).getUTCDate()
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`
}

/** A calendar month, `YYYY-MM`, as its first and last days; undefined when it is not one. */
export function parseMonth (text: string): { start_date: string, end_date: string, label: string } | undefined {
  const m = /^(\d{4})-(\d{2})$/.exec(text.trim())
  if (m === null) return undefined
  const year = Number(m[1])
  const month = Number(m[2])
  if (month < 1 || month > 12 || year < 2000) return undefined
  return { start_date: `${m[1]}-${m[2]}-01`, end_date: lastDayOfMonth(year, month), label: `${MONTHS[month - 1]} ${year}` }
}

/**
 * A period as a prompt argument: `today`, `yesterday`, `this_month`, `last_month`,
 * `last_7_days`, `last_30_days` (spaces or dashes instead of `_` too), a month `YYYY-MM`, a day
 * `YYYY-MM-DD`, or two days `YYYY-MM-DD..YYYY-MM-DD` (or `to` between them), at most 31 days.
 *
 * @throws PromptError `invalid_argument` naming `argument` and the accepted forms.
 */
export function parsePeriod (text: string, argument = 'period'): PromptPeriod {
  const value = text.trim()
  const keyword = value.toLowerCase().replace(/[\s-]+/g, '_')
  if (keyword in RELATIVE_LABELS) {
    const k = keyword as keyof typeof RELATIVE_LABELS
    return { kind: 'relative', keyword: k, label: RELATIVE_LABELS[k] }
  }
  const month = parseMonth(value)
  if (month !== undefined) return { kind: 'dates', ...month }
  if (isDay(value)) return { kind: 'dates', start_date: value, end_date: value, label: value }
  const range = /^(\d{4}-\d{2}-\d{2})\s*(?:\.\.|to)\s*(\d{4}-\d{2}-\d{2})$/i.exec(value)
  if (range !== null && isDay(range[1]!) && isDay(range[2]!)) {
    const [start, end] = [range[1]!, range[2]!]
    const days = (Date.parse(`${end}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)) / 86_400_000 + 1
    if (days < 1) throw new PromptError('invalid_argument', `${argument}: ${start} is after ${end}; give the earlier day first`, argument)
    if (days > MAX_PERIOD_DAYS) {
      const message = `${argument}: ${days} days is longer than the tools take (${MAX_PERIOD_DAYS} at most); split the period`
      throw new PromptError('invalid_argument', message, argument)
    }
    return { kind: 'dates', start_date: start, end_date: end, label: `${start} to ${end}` }
  }
  throw new PromptError('invalid_argument',
    `${argument}: ${JSON.stringify(value)} is not a period; give today, yesterday, this_month, last_month, last_7_days, last_30_days, ` +
    'a month (2026-11), a day (2026-11-23) or two days (2026-11-01..2026-11-15)', argument)
}

/** How to pass a period to a tool that takes start_date and end_date. */
function datesFor (period: PromptPeriod): string {
  if (period.kind === 'dates') return `start_date: "${period.start_date}", end_date: "${period.end_date}"`
  return `start_date and end_date covering ${period.label} (YYYY-MM-DD, UTC, from today's date)`
}

/** How to pass a period to getSwitchHealthReport. */
function reportPeriod (period: PromptPeriod): string {
  if (period.kind === 'dates') return `start_date: "${period.start_date}", end_date: "${period.end_date}"`
  if (period.keyword === 'this_month' || period.keyword === 'last_month' || period.keyword === 'last_30_days') return `period: "${period.keyword}"`
  return `start_date and end_date covering ${period.label}`
}

/** A value as a quoted string in a prompt's text (quotes and backslashes escaped). */
function q (value: string): string {
  return JSON.stringify(value)
}

/** A Call-ID or a phone number as given; which one it looks like. */
export function callReference (text: string): { kind: 'number' | 'callid', value: string } {
  const value = text.trim()
  const digits = value.replace(/[\s().-]/g, '')
  return /^\+?\d{5,16}$/.test(digits) ? { kind: 'number', value: digits.replace(/^\+/, '') } : { kind: 'callid', value }
}

const PERIOD_FORMS = 'today, yesterday, this_month, last_month, last_7_days, last_30_days, YYYY-MM, YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD'

const PRESENTATION = 'Write for an engineer or a manager: plain words, the key numbers with their population ' +
  '("of 12,395 answered calls"), money per currency (never added across currencies), and say what is partial or missing and why.'

/** Which tools the server registers, and their parameters: a prompt's text names only those. */
export interface ToolCatalog {
  /** Whether `tool` is registered and takes every one of `params`. */
  has (tool: string, ...params: string[]): boolean
}

/** The catalog of a server's tools: tool name → its parameter names. */
export function toolCatalog (tools: Readonly<Record<string, readonly string[]>>): ToolCatalog {
  return { has: (tool, ...params) => Object.hasOwn(tools, tool) && params.every(p => tools[tool]!.includes(p)) }
}

/** Every tool and parameter the prompts can name: the texts as written for the whole planned server. */
export const EVERY_TOOL: ToolCatalog = { has: () => true }

/** The given steps numbered 1., 2., …; `false`, `undefined` and empty steps are left out. */
function numbered (steps: readonly (string | false | undefined)[]): string {
  return steps.filter((s): s is string => typeof s === 'string' && s !== '').map((s, i) => `${i + 1}. ${s}`).join('\n')
}

/** The parameters getSwitchHealthReport needs for a period, as {@link reportPeriod} passes it. */
function reportParams (period: PromptPeriod): string[] {
  const named = period.kind === 'relative' && (period.keyword === 'this_month' || period.keyword === 'last_month' || period.keyword === 'last_30_days')
  return named ? ['period'] : ['start_date', 'end_date']
}

/** Every prompt, in the order `prompts/list` shows them. */
export const PROMPTS: readonly PromptDefinition[] = [
  {
    name: 'monthly-health-report',
    title: 'Monthly switch health report',
    description: 'A month of the whole switch: traffic, quality, revenue, the worst carriers and the findings to act on, with a daily chart.',
    arguments: [{ name: 'month', description: 'The month, YYYY-MM (default: the last full calendar month).', required: false }],
    render: (args, tools) => {
      const month = args.month === undefined ? undefined : parseMonth(args.month)
      if (args.month !== undefined && month === undefined) {
        throw new PromptError('invalid_argument', `month: ${JSON.stringify(args.month)} is not a month; give YYYY-MM, for example 2026-10`, 'month')
      }
      const period = month === undefined ? 'period: "last_month"' : `start_date: "${month.start_date}", end_date: "${month.end_date}"`
      const label = month === undefined ? 'the last full calendar month' : month.label
      const later = [
        tools.has('investigateCall', 'callid') && 'For the most severe finding that names a Call-ID, call investigateCall with it and add its root cause in one line.',
        tools.has('searchDocumentation', 'query') &&
        'If a finding needs background (NAT, routing, rate cards), call searchDocumentation with its topic and cite the page\'s path.'
      ]
      if (tools.has('getSwitchHealthReport', ...(month === undefined ? ['period'] : ['start_date', 'end_date']))) {
        return `Give me the switch health report for ${label}.

${numbered([
  `Call getSwitchHealthReport with ${period}.`,
  `Present, in this order:
   - the plain-language summary it gives, in a few sentences;
   - the totals against the previous period: attempts, answered calls, ASR, NER, ACD, PDD, minutes, revenue, cost, profit and margin per currency;
   - the daily chart (the Mermaid block as it is, in a \`\`\`mermaid fence);
   - the top findings, most severe first, each with its evidence and its corrective action;
   - the three worst carriers and the top customers and destinations, with ASR and ACD.`,
  ...later
])}

${PRESENTATION}`
      }
      // Without the report tool: the whole switch's analytics, day by day.
      const dates = datesFor(month === undefined ? { kind: 'relative', keyword: 'last_month', label } : { kind: 'dates', ...month })
      return `Give me the switch health report for ${label}.

${numbered([
  `Call getCallAnalytics with ${dates}, bucket: "day": the whole switch's attempts, answered calls, ASR, NER, ACD, PDD, failure codes and \
findings, day by day.`,
  tools.has('getCallAnalytics', 'group_by') && 'Call getCallAnalytics again with the same dates and group_by: "carrier": the worst carriers.',
  `Present, in this order:
   - a plain-language summary, in a few sentences;
   - the totals: attempts, answered calls, ASR, NER, ACD, PDD and charges per currency, each with the source and population the answer gives;
   - a daily chart of attempts and ASR, drawn from the daily figures as a Mermaid xychart-beta block (in a \`\`\`mermaid fence);
   - the findings, most severe first, each with its evidence and its corrective action.`,
  ...later
])}

${PRESENTATION}`
    }
  },
  {
    name: 'customer-cdr-analysis',
    title: 'CDR analysis for a customer',
    description: 'One customer\'s traffic over a period: calls, minutes, ASR and ACD, destinations, money, failures and what to fix.',
    arguments: [
      { name: 'customer', description: 'The customer\'s name (or part of it) or its numeric id.', required: true },
      { name: 'period', description: `${PERIOD_FORMS} (default: last_30_days).`, required: false }
    ],
    render: (args, tools) => {
      const customer = args.customer!
      const period = parsePeriod(args.period ?? 'last_30_days')
      const grouped = tools.has('getCallAnalytics', 'group_by')
      return `Analyse the CDRs of customer ${q(customer)} for ${period.label}.

${numbered([
  tools.has('searchCustomers')
    ? `Call searchCustomers with ${q(customer)}. If several customers match, list them (id, name, status) and ask which one; if none, say so and stop.`
    : `If ${q(customer)} is not the customer's numeric id, ask me for the id (this server cannot look customers up by name).`,
  tools.has('getCustomer') && 'Call getCustomer with the customer\'s id: present status, currency, balance and whether it can call, and its rate cards.',
  `Call getCallAnalytics with customer_id, ${datesFor(period)}${grouped
    ? ', group_by: "destination": attempts, answered, ASR, NER, ACD and failure codes per destination.'
    : ': attempts, answered, ASR, NER, ACD, PDD and failure codes, day by day.'}`,
  tools.has('getProfitability', 'customer_id') &&
  'Call getProfitability with customer_id and the same dates, grouped by destination: revenue, cost, profit and margin per currency.',
  tools.has('searchCdr', 'customer_id', 'sort_by', 'limit')
    ? 'Call searchCdr with customer_id, the same dates, sort_by: "charge", limit: 10: the customer\'s most expensive calls.'
    : 'Call searchCdr with customer_id, the same dates, limit: 10: the totals (calls, billed time, charges per currency) and the first calls.',
  `If a destination fails often, call getCallAnalytics again with its dest_prefix${grouped ? ' and group_by: "carrier" to see which carrier fails' : ''}, and \
investigateCall on one failed Call-ID from it.`
])}

Present: a short summary first; a table of the top destinations (calls, minutes, ASR, ACD, revenue, margin); the failures that need action, each \
with its fix; the top calls.
${PRESENTATION}`
    }
  },
  {
    name: 'top-revenue-calls',
    title: 'Top revenue calls',
    description: 'The most expensive (highest revenue) calls of a period, with who made them and where they went.',
    arguments: [{ name: 'period', description: `${PERIOD_FORMS}.`, required: true }],
    render: (args, tools) => {
      const period = parsePeriod(args.period!)
      return `Show me the top revenue calls of ${period.label}.

${numbered([
  tools.has('searchCdr', 'sort_by', 'order', 'limit')
    ? `Call searchCdr with ${datesFor(period)}, sort_by: "charge", order: "desc", limit: 20.`
    : `Call searchCdr with ${datesFor(period)}, limit: 50, and page on with cursor (this server's searchCdr cannot sort): keep the 20 calls \
with the highest charge, and say how many calls were read if you stopped before the last page.`,
  'Present a table: time (UTC), customer, carrier, CLI, dialled number, destination, duration, charge with its currency, and the carrier\'s cost \
and the profit where the row has them.',
  `Say which customers and destinations dominate the list. Point out anything that looks like fraud: long calls to high-cost destinations \
(satellite, premium, small islands), many calls from one CLI, sequential dialled numbers. If there is, call getCallAnalytics for that customer \
and period${tools.has('searchDocumentation', 'query') ? ' and searchDocumentation with "fraud IRSF"' : ''}.`,
  tools.has('getProfitability') && 'For the overall picture, call getProfitability with the same dates, grouped by customer, and give the top five by revenue.'
])}

${PRESENTATION}`
    }
  },
  {
    name: 'repeated-routing-failures',
    title: 'Repeated routing failures',
    description: 'Calls the switch could not route over a period (503 No Routes Available, routing gaps), grouped, with the fix for each.',
    arguments: [{ name: 'period', description: `${PERIOD_FORMS}.`, required: true }],
    render: (args, tools) => {
      const period = parsePeriod(args.period!)
      return `Find the repeated routing failures of ${period.label}.

${numbered([
  tools.has('getSwitchHealthReport', ...reportParams(period))
    ? `Call getSwitchHealthReport with ${reportPeriod(period)} and keep its routing findings: routing gaps (a destination sold but carried by no \
carrier), repeated 503 No Routes Available per customer and prefix, malformed numbers (prefix duplication), carrier outages.`
    : `Call getCallAnalytics with ${datesFor(period)} and keep its routing findings (routing gaps, no route, carrier outages) and its failure \
codes, most frequent first.`,
  tools.has('getCallAnalytics', 'group_by') && `Call getCallAnalytics with ${datesFor(period)}, group_by: "destination", then group_by: "carrier": \
which destinations and carriers have the most failed attempts, and with which codes.`,
  'For each of the three largest failures, call investigateCall on one example Call-ID (from the finding\'s evidence, or searchCallLogs with the \
dialled number) to confirm the cause from the routing log.',
  tools.has('lookupRate') && 'For a routing gap or a missing prefix, call lookupRate with an example number and the customer to show which card \
rule and which carriers apply.',
  tools.has('searchDocumentation', 'query') && 'Call searchDocumentation with "routing failover" or "No Routes Available" and cite the page that \
explains the fix.'
])}

Present a table of failures (what, customer, destination or prefix, attempts, since when, example Call-ID), then for each the cause and the fix \
(add a carrier for the prefix, stop selling it, fix the number format, ask the carrier).
${PRESENTATION}`
    }
  },
  {
    name: 'debug-ai-agent-call',
    title: 'Debug an AI agent call',
    description: 'What happened on one call answered by an AI agent: the conversation, the agent\'s steps and tool calls, errors, and audio.',
    arguments: [{ name: 'callid', description: 'The SIP Call-ID of the call (searchCallLogs finds it from a number).', required: true }],
    render: args => {
      const callid = args.callid!
      return `Debug the AI agent call ${callid}.

1. Call investigateCall with callid: ${q(callid)}: how the call went (answered, who hung up, when) and any finding.
2. Call getAiAgentLogs with callid: ${q(callid)} (and the call's date, YYYY-MM-DD, from step 1): each step of the agent with its time: speech \
heard, reply, tool or function called, errors.
3. Call getTranscription with callid: ${q(callid)}: what the caller and the agent said, in order.
4. Call getCallQuality with callid: ${q(callid)}: if the audio was poor or one-way, the agent may not have heard the caller.

Present: a timeline that joins the transcript and the agent's steps (time, who, what), then what went wrong (a tool that failed, a \
misunderstanding, silence, the agent hanging up early, bad audio) with the evidence, then what to change (the agent's prompt, a tool, the media \
route). If the call is not found, say so and suggest searchCallLogs with the caller's number.`
    }
  },
  {
    name: 'investigate-call',
    title: 'Investigate a call (C-Trace)',
    description: 'Why one call failed or sounded bad: the SIP trace (C-Trace), the root cause with its evidence, and the fix.',
    arguments: [{ name: 'call', description: 'The SIP Call-ID of the call, or a phone number (CLI or dialled) to find it by.', required: true }],
    render: (args, tools) => {
      const ref = callReference(args.call!)
      const find = ref.kind === 'number'
        ? [`Call searchCallLogs with search: ${q(ref.value)}. Take the newest call (or, if several look relevant, list them with time, CLI, \
number and result and ask which one).`, 'Call investigateCall with that call\'s callid.']
        : [`Call investigateCall with callid: ${q(ref.value)}.`,
            `If it is not found, call searchCallLogs with search: ${q(ref.value)} (the log keeps 14 days) and say what it finds; stop if nothing matches.`]
      return `Investigate the call ${ref.kind === 'number' ? `to or from ${ref.value}` : ref.value} and tell me why it failed or sounded bad.

${numbered([
  ...find,
  'Call getSipTrace with the same callid for the SIP ladder: show the Mermaid sequence diagram as it is (in a ```mermaid fence) and the \
message that proves the cause.',
  'If the call was answered, call getCallQuality with the callid: MOS, jitter, loss and RTT per direction, and one-way audio.',
  tools.has('getDocumentation', 'path') && 'If the cause is a configuration topic (NAT, authentication, codecs, routing, rate cards), call \
getDocumentation on the docs path its finding gives, or searchDocumentation with the topic and getDocumentation on the best page; quote the fix \
in one or two lines with its path.'
])}

Present: the root cause in one sentence first; then the evidence (which SIP message, from whom, with its time); then the fix, as steps; then the \
ladder. Traces are kept 7 days: for an older call, say that the diagnosis comes from the routing log only.`
    }
  },
  {
    name: 'onboard-me',
    title: 'Onboard me',
    description: 'What this server can answer about a ConnexCS switch, with sample questions to try.',
    arguments: [],
    render: (_args, tools) => {
      const named = (list: readonly (readonly [tool: string, note?: string])[]): string =>
        list.filter(([tool]) => tools.has(tool)).map(([tool, note]) => (note === undefined ? tool : `${tool} (${note})`)).join(', ')
      const groups: [string, string][] = [
        ['one call', named([['searchCallLogs', 'find a call by number, Call-ID or IP'], ['investigateCall', 'why it failed, in one step'],
          ['getSipTrace'], ['getCallQuality'], ['getTranscription'], ['getAiAgentLogs']])],
        ['many calls', named([['searchCdr', tools.has('searchCdr', 'sort_by') ? 'filters, sort_by' : 'filters'],
          ['getCallAnalytics', tools.has('getCallAnalytics', 'group_by') ? 'ASR, NER, ACD, PDD, failures; group_by' : 'ASR, NER, ACD, PDD, failures'],
          ['getSwitchHealthReport', 'the whole account over a period']])],
        ['accounts and money', named([['searchCustomers'], ['getCustomer'], ['lookupRate'], ['getProfitability']])],
        ['the platform', named([['getRtpServerGroups'], ['listRtpServers'], ['runScriptForgeFunction', 'only the scripts the app allows; it runs code']])],
        ['the documentation', named([['searchDocumentation'], ['getDocumentation']])]
      ]
      const shown = groups.filter(([, list]) => list !== '')
      const report = tools.has('getSwitchHealthReport', 'period')
        ? 'call getSwitchHealthReport with period: "last_30_days" and give its summary in three sentences; then pick one failed Call-ID from its \
findings and call investigateCall with it.'
        : 'call getCallAnalytics with start_date and end_date covering the last 7 days and give its summary in three sentences; then find one \
failed call with searchCallLogs (a number from the failure codes or findings) and call investigateCall with its callid.'
      const questions = [
        'Why did call <Call-ID> fail?', 'Run a C-Trace on the last call to <number>.', 'Give me the health report for last month.',
        'CDR analysis for customer <name>.', 'What are the top revenue calls this month?', 'Which carrier had the most failures yesterday?',
        tools.has('lookupRate') && 'What do we charge <customer> for UK mobiles, and what does it cost us?',
        'Why did the AI agent hang up on call <Call-ID>?', 'Which media zones do we have?', 'How do I fix one-way audio behind NAT?'
      ].filter((s): s is string => typeof s === 'string')
      return `I am new to this ConnexCS MCP server. Show me what it can do.

1. Explain in a few lines what the server reaches: the ConnexCS account's call logs, SIP traces (C-Trace), RTCP audio quality, CDRs, traffic \
reports, customers, rate cards, media zones and the documentation.
2. List the tools by what they answer:
${shown.map(([what, list], i) => `   - ${what}: ${list}${i === shown.length - 1 ? '.' : ';'}`).join('\n')}
3. Try one yourself to show real data: ${report}
4. End with ten sample questions I can ask, each naming a real customer, number or Call-ID from what you just saw, for example:
${questions.map(s => `   - "${s}"`).join('\n')}
Mention the prompts of this server (monthly-health-report, customer-cdr-analysis, top-revenue-calls, repeated-routing-failures, \
debug-ai-agent-call, investigate-call).`
    }
  }
]

/** A prompt as `prompts/get` gives it. */
export interface RenderedPrompt {
  name: string
  description: string
  text: string
}

/** The prompt named `name`, or undefined. */
export function findPrompt (name: string): PromptDefinition | undefined {
  return PROMPTS.find(p => p.name === name)
}

/**
 * A prompt's text for `prompts/get`: checks the name and the arguments (strings; required ones
 * present and not blank; no unknown ones), trims them and folds white space, and renders it for
 * the server's `tools` (default: every tool the prompts can name).
 *
 * @throws PromptError with the problem and the fix in its message.
 */
export function renderPrompt (name: string, args: unknown = {}, tools: ToolCatalog = EVERY_TOOL): RenderedPrompt {
  const prompt = findPrompt(name)
  if (prompt === undefined) {
    throw new PromptError('unknown_prompt', `Unknown prompt: ${name}; the prompts are ${PROMPTS.map(p => p.name).join(', ')}`)
  }
  if (args !== undefined && args !== null && (typeof args !== 'object' || Array.isArray(args))) {
    throw new PromptError('invalid_argument', `The arguments of ${name} must be an object of strings`)
  }
  const given = (args ?? {}) as Record<string, unknown>
  const known = new Set(prompt.arguments.map(a => a.name))
  const unknown = Object.keys(given).filter(key => !known.has(key))
  if (unknown.length > 0) {
    const takes = prompt.arguments.length === 0 ? 'it takes no arguments' : `it takes ${prompt.arguments.map(a => a.name).join(', ')}`
    throw new PromptError('unknown_argument', `${name} has no argument ${unknown.join(', ')}; ${takes}`, unknown[0])
  }
  const values: Record<string, string> = {}
  for (const argument of prompt.arguments) {
    const raw = given[argument.name]
    if (raw !== undefined && raw !== null && typeof raw !== 'string') {
      throw new PromptError('invalid_argument', `${argument.name} must be a string (prompt arguments are text), got ${typeof raw}`, argument.name)
    }
    const value = typeof raw === 'string' ? raw.replace(/\s+/g, ' ').trim() : ''
    if (value.length > 500) {
      throw new PromptError('invalid_argument', `${argument.name} is ${value.length} characters long; 500 at most`, argument.name)
    }
    if (value !== '') values[argument.name] = value
    else if (argument.required) {
      throw new PromptError('missing_argument', `${name} needs ${argument.name}: ${argument.description}`, argument.name)
    }
  }
  return { name, description: prompt.description, text: prompt.render(values, tools) }
}
