import { asArray, type Connexcs } from './client'
import type { CallLogEntry, TracePacket } from './types'

/** `GET log?s=`: calls whose number, Call-ID or IP matches `term` (the API returns at most ~200). */
export async function searchCallLogs (api: Connexcs, term: string): Promise<CallLogEntry[]> {
  const entries = asArray<CallLogEntry>(await api.get('log', { s: term }))
  return entries.filter(entry => entry !== null && typeof entry === 'object' && typeof entry.routing?.callid === 'string')
}

/** `GET log/trace`: the SIP packets of a call, oldest first (kept 7 days). */
export async function getTrace (api: Connexcs, callid: string, callidb?: string): Promise<TracePacket[]> {
  const packets = asArray<TracePacket>(await api.get('log/trace', { callid, callidb }))
  return packets.toSorted((a, b) => a.micro_ts - b.micro_ts)
}
