/**
 * Call quality from `GET log/rtcp`. The endpoint is known to answer either an array of samples
 * or an object `{ processed: [...], aggregate: {...} }`, and its field names are only partly
 * known, so the normaliser reads every shape and spelling we have reason to expect, and reports
 * the fields it did not read, so that a new name shows up instead of silently giving "no data".
 */
import { pick } from '../lib/records'
import { staticPayloadName } from './sdp'

/** One RTCP observation of one stream, in our units. */
export interface RtcpSample {
  /** The call leg the sample belongs to, as the API names it (or as mapped from its Call-ID). */
  leg: string | null
  /** The stream's direction: `inbound`/`outbound` when recognised, else the API's word, or `src → dst`. */
  direction: string | null
  codec: string | null
  jitter_ms: number | null
  loss_pct: number | null
  rtt_ms: number | null
  /** MOS as the platform reported it (not ours). */
  reported_mos: number | null
}

/** What {@link normaliseRtcp} made of a response. */
export interface NormalisedRtcp {
  /** `array` or `object` (`{processed, aggregate}` and the like); `empty` when there is nothing; `unrecognised` otherwise. */
  shape: 'array' | 'object' | 'empty' | 'unrecognised'
  samples: RtcpSample[]
  /** Numeric leaves of the response's aggregate, flattened (`mos.mean`), at most 30. */
  aggregate: Record<string, number> | null
  /** Field names seen in samples that no alias matched (at most 20). */
  unread_fields: string[]
}

// Spellings per quantity, most likely first. Jitter is in ms unless the name says RTP units.
const ALIASES = {
  jitter_ms: ['jitter', 'jitter_ms', 'avg_jitter', 'jitter_avg', 'mean_jitter', 'jitter_mean', 'ia_jitter_ms'],
  jitter_ts: ['interarrival_jitter', 'ia_jitter', 'jitter_ts', 'jitter_rtp'],
  loss_pct: ['packet_loss', 'packet_loss_pct', 'packet_loss_percent', 'loss', 'loss_pct', 'loss_percent', 'lost_pct', 'pl'],
  fraction_lost: ['fraction_lost', 'fractionlost', 'fraction'],
  lost: ['packets_lost', 'lost', 'cumulative_lost', 'total_lost'],
  expected: ['packets_expected', 'expected'],
  received: ['packets_received', 'packets', 'received', 'pkts'],
  rtt_ms: ['rtt', 'rtt_ms', 'round_trip', 'round_trip_time', 'round_trip_delay', 'rtd'],
  mos: ['mos', 'mos_cq', 'mos_lq', 'avg_mos', 'mos_avg'],
  codec: ['codec', 'codec_name', 'encoding', 'payload_type', 'payload', 'pt'],
  clock: ['clock_rate', 'clockrate', 'clock'],
  leg: ['leg', 'side', 'party', 'call_leg'],
  direction: ['direction', 'dir', 'stream', 'flow'],
  callid: ['callid', 'call_id'],
  src: ['src_ip', 'source_ip', 'src', 'from'],
  dst: ['dst_ip', 'destination_ip', 'dst', 'to']
} as const

// Container keys whose array holds the samples.
const CONTAINERS = ['processed', 'samples', 'data', 'rows', 'items', 'rtcp', 'results', 'reports', 'metrics']
const INBOUND = new Set(['in', 'inbound', 'rx', 'recv', 'received', 'incoming', 'downstream', 'download'])
const OUTBOUND = new Set(['out', 'outbound', 'tx', 'send', 'sent', 'outgoing', 'upstream', 'upload'])
// Keys under which a sample may nest one direction's (or one leg's) figures.
const NESTED_DIRECTIONS = new Set([...INBOUND, ...OUTBOUND, 'caller', 'callee', 'local', 'remote'])
const NESTED_LEGS = new Set(['a', 'b', 'a_leg', 'b_leg', 'aleg', 'bleg'])
// Fields that are not quality figures (addresses, times, the platform's own R): read or ignored on purpose.
const KNOWN = new Set<string>([...Object.values(ALIASES).flat(), ...CONTAINERS, 'aggregate', 'ssrc', 'ts', 'time', 'timestamp', 'date', 'id', 'created', 'dt',
  'micro_ts', 'src_port', 'dst_port', 'source_port', 'destination_port', 'r_factor', 'r'])

type Obj = Record<string, unknown>

function isObject (value: unknown): value is Obj {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

function num (value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return Number(value)
  return null
}

function pickNumber (obj: Obj, names: readonly string[]): number | null {
  return num(pick(obj, names))
}

function direction (raw: unknown): string | null {
  if (raw === undefined) return null
  const word = String(raw).trim().toLowerCase()
  if (INBOUND.has(word)) return 'inbound'
  if (OUTBOUND.has(word)) return 'outbound'
  return word === '' ? null : word
}

function codecName (raw: unknown): string | null {
  if (raw === undefined) return null
  const pt = num(raw)
  if (pt !== null) return staticPayloadName(pt) ?? `PT${pt}`
  return String(raw).trim().split('/')[0]!.toUpperCase() || null
}

/** Loss in %: a percentage field, else RFC 3550's 8-bit fraction, else lost / expected. */
function lossPct (obj: Obj): number | null {
  const pctValue = pickNumber(obj, ALIASES.loss_pct)
  if (pctValue !== null) return Math.max(0, pctValue)
  const fraction = pickNumber(obj, ALIASES.fraction_lost)
  if (fraction !== null) return Math.max(0, fraction) / 256 * 100
  const lost = pickNumber(obj, ALIASES.lost)
  if (lost === null) return null
  const expected = pickNumber(obj, ALIASES.expected)
  const received = pickNumber(obj, ALIASES.received)
  // Cumulative loss is signed: duplicates can make it negative, which means no loss.
  const total = expected ?? (received === null ? null : received + Math.max(0, lost))
  return total === null || total <= 0 ? null : Math.max(0, lost) / total * 100
}

function jitterMs (obj: Obj, codec: string | null): number | null {
  const ms = pickNumber(obj, ALIASES.jitter_ms)
  if (ms !== null) return Math.max(0, ms)
  const units = pickNumber(obj, ALIASES.jitter_ts)
  if (units === null) return null
  // RTP timestamp units at the codec clock (RFC 3550 A.8): 8 kHz for the telephony codecs, G.722 included.
  const clock = pickNumber(obj, ALIASES.clock) ?? (codec === 'OPUS' ? 48000 : 8000)
  return Math.max(0, units) / (clock / 1000)
}

interface Context {
  leg: string | null
  direction: string | null
  codec: string | null
}

function hasMetrics (obj: Obj): boolean {
  return [ALIASES.jitter_ms, ALIASES.jitter_ts, ALIASES.loss_pct, ALIASES.fraction_lost, ALIASES.lost, ALIASES.rtt_ms, ALIASES.mos]
    .some(names => pick(obj, names) !== undefined)
}

/** Reads one sample object, expanding figures nested per direction or per leg. */
function readSample (obj: Obj, context: Context, legs: Record<string, string>, unread: Set<string>, depth: number, out: RtcpSample[]): void {
  const callid = pick(obj, ALIASES.callid)
  const src = pick(obj, ALIASES.src)
  const dst = pick(obj, ALIASES.dst)
  const ownLeg = pick(obj, ALIASES.leg)
  // The caller's leg names (A, B1, B2, as the trace names them) win over the API's own (A, B):
  // with failover there are several B legs, and only the Call-ID tells them apart.
  const mapped = typeof callid === 'string' && callid !== '' ? legs[callid] : undefined
  const leg = mapped ?? (ownLeg !== undefined
    ? String(ownLeg)
    : typeof callid === 'string' && callid !== '' ? callid : context.leg)
  const ownDirection = direction(pick(obj, ALIASES.direction))
  const dir = ownDirection ?? (src !== undefined && dst !== undefined ? `${String(src)} → ${String(dst)}` : context.direction)
  const codec = codecName(pick(obj, ALIASES.codec)) ?? context.codec

  const nested = Object.entries(obj).filter(([key, value]) =>
    isObject(value) && (NESTED_DIRECTIONS.has(key.toLowerCase()) || NESTED_LEGS.has(key.toLowerCase())))
  if (depth < 2 && nested.length > 0) {
    for (const [key, value] of nested) {
      const k = key.toLowerCase()
      const next: Context = NESTED_LEGS.has(k)
        ? { leg: k[0]!.toUpperCase(), direction: dir, codec }
        : { leg, direction: direction(k) ?? k, codec }
      readSample(value as Obj, next, legs, unread, depth + 1, out)
    }
  }
  if (!hasMetrics(obj)) return
  for (const key of Object.keys(obj)) {
    const k = key.toLowerCase()
    if (!KNOWN.has(k) && !NESTED_DIRECTIONS.has(k) && !NESTED_LEGS.has(k) && unread.size < 20) unread.add(key)
  }
  const reportedMos = pickNumber(obj, ALIASES.mos)
  const rtt = pickNumber(obj, ALIASES.rtt_ms)
  out.push({
    leg,
    direction: dir,
    codec,
    jitter_ms: jitterMs(obj, codec),
    loss_pct: lossPct(obj),
    rtt_ms: rtt === null || rtt < 0 ? null : rtt,
    reported_mos: reportedMos !== null && reportedMos >= 1 && reportedMos <= 5 ? reportedMos : null
  })
}

function flatten (value: unknown, prefix: string, out: Record<string, number>, depth: number): void {
  if (Object.keys(out).length >= 30) return
  const n = num(value)
  if (n !== null && prefix !== '') {
    out[prefix] = n
    return
  }
  if (isObject(value) && depth < 3) {
    for (const [key, item] of Object.entries(value)) flatten(item, prefix === '' ? key : `${prefix}.${key}`, out, depth + 1)
  }
}

/**
 * Normalises a `log/rtcp` response, whatever its shape.
 *
 * @param response the parsed JSON.
 * @param options.legs maps a Call-ID to its leg name (`A`, `B1`), for samples that carry a Call-ID.
 */
export function normaliseRtcp (response: unknown, options: { legs?: Record<string, string> } = {}): NormalisedRtcp {
  const legs = options.legs ?? {}
  const unread = new Set<string>()
  const samples: RtcpSample[] = []
  const context: Context = { leg: null, direction: null, codec: null }
  const readAll = (items: unknown[], ctx: Context): void => {
    for (const item of items) if (isObject(item)) readSample(item, ctx, legs, unread, 0, samples)
  }

  let shape: NormalisedRtcp['shape']
  let aggregate: Record<string, number> | null = null
  if (Array.isArray(response)) {
    shape = response.length === 0 ? 'empty' : 'array'
    readAll(response, context)
  } else if (isObject(response)) {
    shape = 'object'
    const key = CONTAINERS.find(k => response[k] !== undefined)
    const container = key === undefined ? undefined : response[key]
    if (Array.isArray(container)) readAll(container, context)
    else if (isObject(container)) {
      // Samples grouped per leg: { processed: { a: [...], b: [...] } }.
      for (const [leg, items] of Object.entries(container)) {
        if (Array.isArray(items)) readAll(items, { ...context, leg: NESTED_LEGS.has(leg.toLowerCase()) ? leg[0]!.toUpperCase() : leg })
      }
    } else if (hasMetrics(response)) readSample(response, context, legs, unread, 0, samples)
    if (isObject(response.aggregate)) {
      aggregate = {}
      flatten(response.aggregate, '', aggregate, 0)
    }
    if (samples.length === 0 && (aggregate === null || Object.keys(aggregate).length === 0)) {
      shape = key === undefined && !hasMetrics(response) && Object.keys(response).length > 0 ? 'unrecognised' : 'empty'
    }
  } else shape = response === null || response === undefined || response === '' ? 'empty' : 'unrecognised'

  return { shape, samples, aggregate, unread_fields: [...unread] }
}
