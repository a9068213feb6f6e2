/**
 * Shapes of the ConnexCS API answers the tools read, as the API returns them. Only the fields we
 * use are typed; every field is optional where the API is known to leave it out.
 */

/** One attempted route of a call (`routing.egress_routing[]`). */
export interface EgressRoute {
  provider_id?: number
  provider_name?: string
  card_id?: string
  rate?: number
  sip_code?: number
  sip_reason?: string
  /** The Call-ID of this attempt's leg (the B leg has its own). */
  callid_b?: string
}

/** The routing record of one call in `GET log?s=`. */
export interface CallRouting {
  callid: string
  callidb?: string
  cli?: string
  dest_number?: string
  sip_code?: number
  sip_reason?: string
  start_time?: number
  end_time?: number
  server?: string
  switch?: string
  /** The customer's id. */
  account_id?: number
  /** The customer's rate card that matched the number, and its revision. */
  customer_card_id?: string | null
  card_rev?: number | null
  egress_routing?: EgressRoute[]
  ok?: { duration?: number, callid_b?: string, release_reason?: string, provider_id?: number }
  /** What the caller sent: source IP and port (`si`, `sp`), the digest username (`au`), transport, User-Agent. */
  params?: { si?: string, sp?: number, au?: string, proto?: string, userAgent?: string }
  log?: string[]
}

/** One entry of `GET log?s=`. */
export interface CallLogEntry {
  routing: CallRouting
}

/**
 * One SIP packet of `GET log/trace` (a C-Trace), as the API gives it. The trace analysis reads the
 * same fields as its `TraceMessage`; the API layer keeps its own copy of the shape so that it does
 * not depend on the analysis.
 */
export interface TracePacket {
  id?: number
  /** Capture time, microseconds since the epoch. */
  micro_ts: number
  date: string
  callid: string
  /** Request method or response code as text. */
  method: string
  reply_reason?: string
  ruri?: string
  ruri_user?: string
  to_user?: string
  from_user?: string
  user_agent?: string
  source_ip: string
  source_port: number
  destination_ip: string
  destination_port: number
  protocol?: string
  /** Microseconds since the previous packet. */
  delta?: number
  /** The raw SIP message. */
  msg: string
}

/** A media zone of `GET setup/server/rtp-group`. */
export interface RtpServerGroup {
  id: number
  name: string
  status?: number
  alt?: number | null
  transcoding?: number
  location?: string
  elastic?: number
  max_server_per_sip?: number
}

/** One media server of `GET setup/rtp`. */
export interface RtpServer {
  id: number
  alias?: string
  zone?: string
  ip?: string
  ips?: string[]
  rtp_group_id?: number
  status?: number
}

/** A customer of `GET customer/<id>`: what the tools read of it. */
export interface CustomerRecord {
  id: number
  name?: string
  status?: string
  currency?: string
  /** Signalling IPs the customer is authenticated by. */
  ips?: string[]
}

/** A carrier of `GET carrier/<id>`: what the tools read of it. */
export interface CarrierRecord {
  id: number
  name?: string
  status?: string
  ips?: string[]
}
