/**
 * The SIP ladder as a Mermaid `sequenceDiagram`, so clients that render Mermaid show the call
 * flow as a picture. Bounded: retransmissions are already folded into one arrow (`×7`), and a
 * long trace keeps its beginning and end with a note saying how many messages are left out.
 */
import type { LadderStep, TraceAnalysis } from './traceTypes'

/** Arrows drawn by default: about 3 KB of Mermaid. */
export const MERMAID_MAX_ARROWS = 40

/** Characters Mermaid reads as syntax (`;` ends a statement) or renders as markup (`#…;`, `<br>`). */
function clean (text: string): string {
  return text.replace(/;/g, ',').replace(/[#<>\r\n]/g, ' ').replace(/%%/g, '%').replace(/\s+/g, ' ').trim()
}

function time (ms: number): string {
  return ms < 1000 ? `+${ms}ms` : `+${(ms / 1000).toFixed(1)}s`
}

function ipOf (endpoint: string): string {
  const v6 = /^\[([^\]]+)\]/.exec(endpoint)
  if (v6 !== null) return v6[1]!
  return endpoint.includes(':') && endpoint.split(':').length === 2 ? endpoint.split(':')[0]! : endpoint
}

const ROLE_ORDER = ['customer', 'switch', 'carrier']

/**
 * Renders a trace's ladder as Mermaid. Participants are the endpoints, named by role
 * (Customer, Switch, Carrier) and address; requests are solid arrows, responses dotted.
 *
 * @param options.maxArrows the most arrows drawn; the first three quarters and the last quarter
 *   of the ladder are kept, with a note for the rest.
 */
export function ladderMermaid (trace: Pick<TraceAnalysis, 'ladder' | 'ladder_omitted' | 'legs'>, options: { maxArrows?: number } = {}): string {
  const maxArrows = Math.max(2, options.maxArrows ?? MERMAID_MAX_ARROWS)
  const roles = new Map<string, string>()
  const roleByIp = new Map<string, string>()
  for (const leg of trace.legs) {
    for (const [endpoint, role] of [[leg.from, leg.caller_role], [leg.to, leg.callee_role]] as const) {
      if (endpoint === '') continue
      if (!roles.has(endpoint)) roles.set(endpoint, role)
      if (!roleByIp.has(ipOf(endpoint))) roleByIp.set(ipOf(endpoint), role)
    }
  }
  const roleOf = (endpoint: string): string => roles.get(endpoint) ?? roleByIp.get(ipOf(endpoint)) ?? 'host'

  let shown: LadderStep[] = trace.ladder
  let gap: { after: number, messages: number } | undefined
  if (trace.ladder.length > maxArrows) {
    const head = Math.ceil(maxArrows * 0.75)
    const tail = maxArrows - head
    const dropped = trace.ladder.slice(head, trace.ladder.length - tail)
    shown = [...trace.ladder.slice(0, head), ...trace.ladder.slice(trace.ladder.length - tail)]
    gap = { after: head, messages: dropped.reduce((n, s) => n + s.sent, 0) + trace.ladder_omitted }
  } else if (trace.ladder_omitted > 0) {
    // The analysis already cut the middle: its ladder is head + tail.
    const head = Math.ceil(trace.ladder.length * 0.75)
    gap = { after: head, messages: trace.ladder_omitted }
  }

  const endpoints = [...new Set(shown.flatMap(s => [s.from, s.to]))]
    .sort((a, b) => (ROLE_ORDER.indexOf(roleOf(a)) + 1 || 9) - (ROLE_ORDER.indexOf(roleOf(b)) + 1 || 9))
  const ids = new Map(endpoints.map((e, i) => [e, `P${i}`]))
  const multiLeg = new Set(shown.map(s => s.leg)).size > 1
  const lines = ['sequenceDiagram']
  for (const e of endpoints) {
    const role = roleOf(e)
    lines.push(`  participant ${ids.get(e)} as ${clean(`${role.charAt(0).toUpperCase()}${role.slice(1)} ${e}`)}`)
  }
  shown.forEach((step, i) => {
    if (gap !== undefined && i === gap.after) {
      const span = endpoints.length > 1 ? `${ids.get(endpoints[0]!)},${ids.get(endpoints.at(-1)!)}` : ids.get(endpoints[0]!)
      lines.push(`  Note over ${span}: … ${gap.messages} messages not shown …`)
    }
    const arrow = /^\d/.test(step.label) ? '-->>' : '->>'
    const text = `${time(step.t_ms)} ${multiLeg ? `${step.leg} ` : ''}${step.label}${step.sent > 1 ? ` ×${step.sent}` : ''}`
    lines.push(`  ${ids.get(step.from)}${arrow}${ids.get(step.to)}: ${clean(text)}`)
  })
  return lines.join('\n')
}
