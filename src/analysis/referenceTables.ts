import { Q850_NAMES, q850Name, sipCodeInfo, sipForQ850, SWITCH_REASONS, switchReason, type SipCodeInfo, type SwitchReason } from './sipCodes'

/**
 * The scenario-free reference tables the tools use, rendered as markdown for an AI client to read
 * as resources: SIP final responses on a Class 4 switch, Q.850 causes with their meaning, and the
 * refusals of the ConnexCS switch itself. Everything comes from `sipCodes.ts`, plus one line per
 * Q.850 cause saying what it means (our words).
 */

/** What each Q.850 cause of {@link Q850_NAMES} means when it ends a VoIP call. */
const Q850_MEANINGS: Readonly<Record<number, string>> = {
  1: 'The number is not allocated to anyone: a wrong or ceased number, or a bad normalisation.',
  2: 'The transit network asked for cannot be reached from here.',
  3: 'The network has no route to the destination (often a carrier without the prefix).',
  6: 'The channel offered cannot be used by the far end.',
  16: 'A party hung up normally; the usual end of an answered call.',
  17: 'The called party is busy.',
  18: 'The called party\'s equipment did not respond in time (no alerting).',
  19: 'The phone rang but nobody answered.',
  20: 'The mobile subscriber is absent (switched off, out of coverage).',
  21: 'The called party or a network refused the call (barring, screening, a rejected CLI).',
  22: 'The number has changed; the caller should use the new one.',
  26: 'Another device answered the call first.',
  27: 'The called party\'s line or equipment is out of order.',
  28: 'The number is in the wrong format or has too few digits.',
  29: 'A supplementary service asked for was refused.',
  31: 'A normal event with no more specific cause.',
  34: 'No circuit or channel is free: the route is congested.',
  38: 'The network is out of order for a long time.',
  41: 'A temporary network failure: retrying soon may work.',
  42: 'The switching equipment is congested.',
  44: 'The circuit or channel asked for is not available.',
  47: 'A resource is unavailable, with no more specific cause.',
  50: 'The caller has not subscribed to the facility asked for.',
  55: 'Incoming calls are barred within the closed user group.',
  57: 'The caller is not allowed the bearer capability asked for.',
  58: 'The bearer capability asked for is not available now (often a codec or media mismatch).',
  63: 'A service or option is not available, with no more specific cause.',
  65: 'The bearer capability asked for is not implemented (media the far end cannot carry).',
  69: 'The facility asked for is not implemented.',
  70: 'Only restricted digital information can be carried.',
  79: 'A service or option is not implemented.',
  87: 'The called party is not a member of the closed user group.',
  88: 'The destination is incompatible with the call (for example fax to a voice-only line).',
  95: 'The message was invalid, with no more specific cause.',
  102: 'A timer expired while waiting for the far end: the call timed out.',
  111: 'A protocol error, with no more specific cause.',
  127: 'A cause from another network that maps to nothing more specific (interworking).'
}

/** SIP status codes with a row of their own in `sipCodes.ts` (others fall back to their class). */
export function listedSipCodes (): SipCodeInfo[] {
  const listed: SipCodeInfo[] = []
  for (let code = 100; code < 700; code++) {
    const info = sipCodeInfo(code)
    if (info.meaning !== `a ${info.name.toLowerCase()} response`) listed.push(info)
  }
  return listed
}

/** A table cell: pipes escaped, line breaks flattened. */
function cell (text: string | number | undefined): string {
  return text === undefined ? '' : String(text).replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ')
}

function table (head: string[], rows: (string | number | undefined)[][]): string {
  return [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map(row => `| ${row.map(cell).join(' | ')} |`)
  ].join('\n')
}

const KIND_WORDS: Record<SipCodeInfo['kind'], string> = {
  user: 'the called user (a normal outcome)',
  network: 'the network or a carrier',
  number: 'the number',
  auth: 'authentication or permission',
  media: 'media or codecs',
  protocol: 'the SIP protocol'
}

/** The SIP final responses table: code, name, whose problem, usual cause, what to do, Q.850, reroute. */
export function sipCodesMarkdown (): string {
  const rows = listedSipCodes().map(info => {
    const q850 = info.q850 === undefined ? '' : `${info.q850} (${q850Name(info.q850)})`
    return [info.code, info.name, info.kind, info.meaning, info.remediation, q850, info.reroute]
  })
  return `# SIP response codes on a Class 4 switch

What each SIP final response usually means on a wholesale route, and what to do about it.
\`kind\` says whose problem it is: ${Object.entries(KIND_WORDS).map(([k, v]) => `\`${k}\`: ${v}`).join('; ')}.
\`Q.850\` is the cause a gateway usually sends for it (RFC 3398). \`reroute\` says whether the switch
should try the next carrier: \`yes\`, \`no\` (a user outcome or a fault the next carrier would repeat),
\`policy\` (depends on the account's failover settings). Codes not listed mean what their class means
(4xx client failure, 5xx server failure, 6xx global failure).

${table(['code', 'name', 'kind', 'usual cause', 'what to do', 'Q.850', 'reroute'], rows)}
`
}

/** The Q.850 causes table: cause, name, meaning, and the SIP response a gateway maps it to. */
export function q850CausesMarkdown (): string {
  const rows = Object.keys(Q850_NAMES).map(Number).sort((a, b) => a - b).map(cause => {
    const sip = sipForQ850(cause)
    const response = sip === undefined ? (cause === 16 ? 'BYE or CANCEL (not a response)' : '') : `${sip} ${sipCodeInfo(sip).name}`
    return [cause, q850Name(cause), Q850_MEANINGS[cause] ?? '', response]
  })
  return `# Q.850 cause codes

The ITU-T Q.850 release causes a VoIP engineer meets, what each means, and the SIP response a
gateway sends for it (RFC 3398 §8.2.6.1). SIP responses carry a cause in the \`Reason: Q.850;cause=N\`
header; the switch's call log and CDR show it as the disconnect cause.

${table(['cause', 'name', 'meaning', 'SIP response'], rows)}
`
}

/** Reason phrases as the switch writes them; each names the first refusal of SWITCH_REASONS it matches. */
const SWITCH_PHRASES = [
  'IP Not Authorised', 'Unknown User', 'Insufficient Balance', 'Not accepting calls', 'Blocked by Dial plan', 'No Routes Available (Pre)',
  'No Routes Available (Lock)', 'No Routes Available (Profit Assurance)', 'No Routes Available (U)', 'LCR Unavailable', 'No Route Available'
]

/** The reason phrase of a refusal, as the switch writes it; its pattern when no phrase names it. */
export function switchReasonPhrase (reason: SwitchReason): string {
  return SWITCH_PHRASES.find(phrase => switchReason(phrase) === reason) ?? `/${reason.pattern.source}/`
}

/** The refusals of the ConnexCS switch itself: the reason phrase, what it means and the fix. */
export function switchReasonsMarkdown (): string {
  const rows = SWITCH_REASONS.map(r => [r.finding, switchReasonPhrase(r), r.meaning, r.fix])
  return `# Refusals of the ConnexCS switch

When the switch refuses a call itself (before or instead of any carrier), its reason phrase says why.
Each row: the finding the tools report, the reason phrase (matched without regard to case or
spacing), what it means and the fix. The SIP code alone (often 503) says little; read the phrase.

${table(['finding', 'reason phrase', 'meaning', 'fix'], rows)}
`
}

/** One reference table as a resource. */
export interface ReferenceTable {
  /** Stable name, also the last part of the URI. */
  name: string
  uri: string
  title: string
  description: string
  mimeType: 'text/markdown'
  render (): string
}

/** Every reference table, in the order a client lists them. */
export const REFERENCE_TABLES: readonly ReferenceTable[] = [
  {
    name: 'sip-response-codes',
    uri: 'connexcs-reference://sip-response-codes',
    title: 'SIP response codes',
    description: 'Every SIP final response the tools explain: usual cause on a Class 4 route, what to do, Q.850 mapping, whether to reroute.',
    mimeType: 'text/markdown',
    render: sipCodesMarkdown
  },
  {
    name: 'q850-causes',
    uri: 'connexcs-reference://q850-causes',
    title: 'Q.850 cause codes',
    description: 'ITU-T Q.850 release causes with their meaning and the SIP response each maps to (RFC 3398).',
    mimeType: 'text/markdown',
    render: q850CausesMarkdown
  },
  {
    name: 'switch-refusals',
    uri: 'connexcs-reference://switch-refusals',
    title: 'ConnexCS switch refusal reasons',
    description: 'The reasons the ConnexCS switch gives when it refuses a call itself (No Routes Available, IP Not Authorised…), with the fix.',
    mimeType: 'text/markdown',
    render: switchReasonsMarkdown
  }
]
