import { diagnoseCall } from '../../src/analysis/diagnosis'
import { ladderMermaid } from '../../src/analysis/sipLadder'
import { analyzeTrace } from '../../src/analysis/sipTrace'
import type { TraceMessage } from '../../src/analysis/traceTypes'

/**
 * The trace analysis alone, as the bench runs it in the sandbox: what getSipTrace does with the
 * packets once it has them (analysis, diagnosis, ladder), timed inside the sandbox, in ms.
 */
export function main (trace: TraceMessage[]): { ms: number, findings: number } {
  const started = Date.now()
  const analysis = analyzeTrace(trace, 'bench-call')
  diagnoseCall({ callid: 'bench-call', trace: analysis })
  ladderMermaid(analysis, { maxArrows: 36 })
  return { ms: Date.now() - started, findings: analysis.findings.length }
}
