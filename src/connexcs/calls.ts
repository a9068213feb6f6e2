import { clip, pick } from '../lib/records'
import { asArray, type Connexcs } from './client'
import type { CallLogEntry, CallRouting, TracePacket } from './types'

/** SIP traces and RTCP are kept this many days; older calls have none. */
export const TRACE_RETENTION_DAYS = 7
/** The call log (`GET log`) keeps this many days. */
export const LOG_RETENTION_DAYS = 14
/** A log search returns at most about this many matches, newest first. */
export const LOG_SEARCH_CAP = 200

/** `GET log?s=`: calls whose number, Call-ID or IP matches `term` (the API returns at most ~200). */
export async function searchCallLogs (api: Connexcs, term: string): Promise<CallLogEntry[]> {
  const entries = asArray<CallLogEntry>(await api.get('log', { s: term }))
  return entries.filter(entry => entry !== null && typeof entry === 'object' && typeof entry.routing?.callid === 'string')
}

/** The routing record of one call, looked up by its Call-ID or callidb; undefined when the log has none. */
export async function findCall (api: Connexcs, callid: string): Promise<CallRouting | undefined> {
  const entries = await searchCallLogs(api, callid)
  return entries.map(e => e.routing).find(r => r.callid === callid || r.callidb === callid)
}

/**
 * The name of each leg of a call by its Call-ID, as the trace analysis names them: `A` for the
 * customer's leg, `B1`, `B2`… for the carriers tried, in order.
 */
export function legNames (routing: CallRouting): Record<string, string> {
  const names: Record<string, string> = { [routing.callid]: 'A' }
  const routes = routing.egress_routing ?? []
  routes.forEach((route, i) => {
    if (typeof route.callid_b === 'string' && route.callid_b !== '') names[route.callid_b] = `B${i + 1}`
  })
  return names
}

/** `GET log/trace`: the SIP packets of a call as the API gives them, oldest first (kept 7 days). */
export async function getTrace (api: Connexcs, callid: string, callidb?: string): Promise<TracePacket[]> {
  // Not checked here: the analysis and the raw pages put packets in time order themselves.
  return asArray<TracePacket>(await api.get('log/trace', { callid, callidb }))
}

/** `GET log/class5`: the Class 5 records of a call (IVR, queue, AI agent…); empty for a pure Class 4 call. */
export async function getClass5Logs (api: Connexcs, callid: string): Promise<Record<string, unknown>[]> {
  return asArray<Record<string, unknown>>(await api.get('log/class5', { callid }))
}

/** One transcript segment, read whatever the API names its fields: who spoke, what, how sure. */
export interface TranscriptLine {
  /** `caller` (leg 0), `callee` (leg 1), or the API's own word. */
  speaker: string
  text: string
  score?: number
}

const SPEAKERS: Record<string, string> = { 0: 'caller', 1: 'callee' }

/** Reads a segment of `GET transcribe`, its text cut to `maxChars`. */
export function transcriptLine (segment: Record<string, unknown>, maxChars: number): TranscriptLine {
  const leg = pick(segment, ['leg', 'channel', 'speaker'])
  const score = pick(segment, ['score', 'confidence'])
  return {
    speaker: SPEAKERS[String(leg)] ?? (leg === undefined ? 'unknown' : String(leg)),
    text: clip(String(pick(segment, ['text', 'transcript', 'content']) ?? ''), maxChars),
    ...(typeof score === 'number' ? { score: Math.round(score * 100) / 100 } : {})
  }
}

/** `GET transcribe?s=`: the transcript segments of a call; empty when it was not transcribed. */
export async function getTranscript (api: Connexcs, callid: string): Promise<Record<string, unknown>[]> {
  return asArray<Record<string, unknown>>(await api.get('transcribe', { s: callid }))
}

/** `GET log/ai-agent`: the AI agent's log of a call on a day (`YYYY-MM-DD`); empty when no agent took part. */
export async function getAiAgentLog (api: Connexcs, callid: string, day: string): Promise<Record<string, unknown>[]> {
  return asArray<Record<string, unknown>>(await api.get('log/ai-agent', { callid, d: day }))
}

/**
 * `GET log/rtcp`: the RTCP reports of a call (kept 7 days), as the API answers: an array of
 * samples, or an object `{ processed, aggregate }`; `normaliseRtcp` reads both.
 */
export async function getRtcp (api: Connexcs, callid: string): Promise<unknown> {
  return await api.get<unknown>('log/rtcp', { callid })
}
