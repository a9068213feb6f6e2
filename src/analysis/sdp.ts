/**
 * SDP (RFC 8866) as far as call debugging needs it: codecs, addresses, direction, and the
 * offer/answer outcome (RFC 3264).
 */

/** Media direction (RFC 3264 §5.1); no attribute means sendrecv. */
export type Direction = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive'

/** One `m=` section. */
export interface SdpMedia {
  type: string
  /** 0 means the stream is rejected or removed, which is not hold. */
  port: number
  proto: string
  payloads: number[]
  /** Codec names in the `m=` line's order (its preference order), upper case: `PCMA`, `TELEPHONE-EVENT`. */
  codecs: string[]
  /** The `c=` address that applies to this stream (media level, else session level). */
  address?: string
  direction: Direction
  ptime?: number
}

/** A parsed SDP body. */
export interface Sdp {
  /** `o=` session version: it must grow when the session changes. */
  version?: number
  media: SdpMedia[]
}

// RFC 3551 static payload types; dynamic ones (96-127) need an rtpmap.
const STATIC_PT: Record<number, string> = {
  0: 'PCMU', 3: 'GSM', 4: 'G723', 8: 'PCMA', 9: 'G722', 13: 'CN', 18: 'G729'
}

/** Codec name of a static payload type, if it has one. */
export function staticPayloadName (pt: number): string | undefined {
  return STATIC_PT[pt]
}

const DIRECTIONS = new Set(['sendrecv', 'sendonly', 'recvonly', 'inactive'])

/** Parses an SDP body; `undefined` when the text is not SDP. */
export function parseSdp (body: string): Sdp | undefined {
  const lines = body.split(/\r?\n/).map(l => l.trim()).filter(l => /^[a-z]=/.test(l))
  if (lines[0] !== 'v=0') return undefined
  const sdp: Sdp = { media: [] }
  let sessionAddress: string | undefined
  let sessionDirection: Direction = 'sendrecv'
  let current: (SdpMedia & { maps: Map<number, string>, ownDirection?: Direction }) | undefined
  const finish = (): void => {
    if (current === undefined) return
    const { maps, ownDirection, ...media } = current
    media.codecs = media.payloads.map(pt => (maps.get(pt) ?? STATIC_PT[pt] ?? `PT${pt}`).toUpperCase())
    media.direction = ownDirection ?? sessionDirection
    media.address ??= sessionAddress
    if (media.address === undefined) delete media.address
    sdp.media.push(media)
  }
  for (const line of lines) {
    const kind = line[0]
    const value = line.slice(2)
    if (kind === 'o') {
      const version = Number(value.split(/\s+/)[2])
      if (Number.isFinite(version)) sdp.version = version
    } else if (kind === 'c') {
      const address = value.split(/\s+/)[2]?.split('/')[0]
      if (current === undefined) sessionAddress = address
      else if (address !== undefined) current.address = address
    } else if (kind === 'm') {
      finish()
      const [type = '', port = '', proto = '', ...pts] = value.split(/\s+/)
      current = {
        type,
        port: Number(port.split('/')[0]),
        proto,
        payloads: pts.map(Number).filter(Number.isInteger),
        codecs: [],
        direction: 'sendrecv',
        maps: new Map()
      }
    } else if (kind === 'a') {
      const [name = '', rest = ''] = value.split(/:(.*)/s)
      if (DIRECTIONS.has(name)) {
        if (current === undefined) sessionDirection = name as Direction
        else current.ownDirection = name as Direction
      } else if (name === 'rtpmap' && current !== undefined) {
        const m = /^(\d+)\s+([^/\s]+)/.exec(rest)
        if (m !== null) current.maps.set(Number(m[1]), m[2]!)
      } else if (name === 'ptime' && current !== undefined) {
        const ptime = Number(rest)
        if (Number.isFinite(ptime)) current.ptime = ptime
      }
    }
  }
  finish()
  return sdp
}

/** Codecs that carry no voice: DTMF events and comfort noise. */
export function isVoiceCodec (name: string): boolean {
  return name !== 'TELEPHONE-EVENT' && name !== 'CN' && name !== 'COMFORT-NOISE'
}

/** The first audio stream of an SDP. */
export function audioOf (sdp: Sdp | undefined): SdpMedia | undefined {
  return sdp?.media.find(m => m.type === 'audio')
}

/** True when an SDP puts its audio on hold: sendonly/inactive, or the legacy `c=0.0.0.0`. */
export function isHold (media: SdpMedia): boolean {
  return media.direction === 'sendonly' || media.direction === 'inactive' || media.address === '0.0.0.0'
}

/** The outcome of one offer/answer exchange for audio. */
export interface Negotiation {
  /** Voice codecs offered, in preference order. */
  offered: string[]
  /** Voice codecs in the answer. */
  answered: string[]
  /** The codec the call uses: the answer's first voice codec that was offered. */
  negotiated: string | null
  telephone_event: { offered: boolean, answered: boolean }
  direction: { offer: Direction, answer: Direction | null }
  /** Audio refused in the answer (port 0). */
  rejected: boolean
}

/** Reads the audio outcome of an offer and its answer (the answer may be missing). */
export function negotiate (offer: SdpMedia, answer: SdpMedia | undefined): Negotiation {
  const offered = offer.codecs.filter(isVoiceCodec)
  const answered = answer === undefined ? [] : answer.codecs.filter(isVoiceCodec)
  return {
    offered,
    answered,
    negotiated: answered.find(c => offered.includes(c)) ?? null,
    telephone_event: {
      offered: offer.codecs.includes('TELEPHONE-EVENT'),
      answered: answer?.codecs.includes('TELEPHONE-EVENT') ?? false
    },
    direction: { offer: offer.direction, answer: answer?.direction ?? null },
    rejected: answer !== undefined && answer.port === 0
  }
}
