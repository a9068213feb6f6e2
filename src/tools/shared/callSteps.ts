import type { FollowUp, FollowUpKind } from '../../analysis/diagnosis'
import type { Part } from '../../lib/parts'
import { nextStep, type NextStep } from '../../lib/result'

/** The call a follow-up is about: what the next tools are called with. */
export interface CallRef {
  callid: string
  callidb?: string
  dest_number?: string | null
  /** The call's UTC day (YYYY-MM-DD), for a look at the same day's traffic. */
  day?: string | null
}

/**
 * Turns the diagnosis' follow-ups (facts: which source would tell more, and why) into next steps
 * with the tool and its arguments. `skip` leaves out the kinds the calling tool already covers
 * or cannot help with (the trace of a call past its retention).
 */
export function followUpSteps (followUps: readonly FollowUp[], call: CallRef, skip: readonly FollowUpKind[] = []): NextStep[] {
  const { callid, callidb } = call
  const steps: NextStep[] = []
  const tools: Record<'sip_trace' | 'call_quality' | 'transcript' | 'ai_agent_log', NextStep> = {
    sip_trace: nextStep('getSipTrace', { callid, callidb }, ''),
    call_quality: nextStep('getCallQuality', { callid }, ''),
    transcript: nextStep('getTranscription', { callid }, ''),
    ai_agent_log: nextStep('getAiAgentLogs', { callid }, '')
  }
  for (const f of followUps) {
    if (skip.includes(f.kind)) continue
    if (f.kind === 'calls_to_number') {
      if (call.dest_number !== undefined && call.dest_number !== null && call.dest_number !== '') steps.push(nextStep('searchCallLogs', { search: call.dest_number }, f.why))
    } else if (f.kind === 'calls_from_ip') {
      if (f.ip !== undefined) steps.push(nextStep('searchCallLogs', { search: f.ip }, f.why))
    } else if (f.kind === 'carrier_traffic') {
      if (f.provider_id !== undefined) {
        const day = call.day === undefined || call.day === null ? {} : { start_date: call.day, end_date: call.day }
        steps.push(nextStep('getCallAnalytics', { provider_id: f.provider_id, ...day, bucket: 'hour' }, f.why))
      }
    } else steps.push({ ...tools[f.kind], why: f.why })
  }
  return steps
}

/** Adds a step unless one for the same tool is there already. */
export function addStep (steps: NextStep[], step: NextStep): void {
  if (!steps.some(s => s.tool === step.tool)) steps.push(step)
}

/**
 * A part as the list of what could not be read takes it (`unreadOf`): a 404 is an answer (no such
 * record: nothing there), not a failure, so it is left out.
 */
export function failedUnlessNotFound<T> (p: Part<T> | undefined): Part<T> | undefined {
  return p !== undefined && !p.ok && p.error.type === 'not_found' ? undefined : p
}
