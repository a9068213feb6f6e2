/** A parsed SIP message: start line, headers and body (RFC 3261 §7). */
export interface SipMessage {
  kind: 'request' | 'response'
  /** Request method (requests only). */
  method?: string
  /** Request-URI (requests only). */
  uri?: string
  /** Status code (responses only). */
  status?: number
  /** Reason phrase (responses only). */
  reason?: string
  /** Header values by lower-case full name, in order; a comma-joined line stays one value. */
  headers: Record<string, string[]>
  body: string
}

// RFC 3261 §7.3.3 compact forms, plus the common extension ones.
const COMPACT: Record<string, string> = {
  v: 'via',
  f: 'from',
  t: 'to',
  i: 'call-id',
  m: 'contact',
  l: 'content-length',
  c: 'content-type',
  k: 'supported',
  s: 'subject',
  e: 'content-encoding',
  o: 'event',
  r: 'refer-to',
  u: 'allow-events',
  x: 'session-expires',
  b: 'referred-by'
}

const REQUEST_LINE = /^([A-Z][A-Z-]*) (\S+) SIP\/2\.0$/
const STATUS_LINE = /^SIP\/2\.0 (\d{3})(?: (.*))?$/

/** Parses raw SIP text; `undefined` when the start line is not SIP. */
export function parseSipMessage (raw: string): SipMessage | undefined {
  const split = /\r?\n\r?\n/.exec(raw)
  const head = split === null ? raw : raw.slice(0, split.index)
  const body = split === null ? '' : raw.slice(split.index + split[0].length)
  const lines = head.split(/\r?\n/)
  const start = (lines.shift() ?? '').trim()

  let message: SipMessage
  const request = REQUEST_LINE.exec(start)
  const response = STATUS_LINE.exec(start)
  if (request !== null) message = { kind: 'request', method: request[1], uri: request[2], headers: {}, body }
  else if (response !== null) message = { kind: 'response', status: Number(response[1]), reason: (response[2] ?? '').trim(), headers: {}, body }
  else return undefined

  let last: string[] | undefined
  for (const line of lines) {
    if (/^[ \t]/.test(line) && last !== undefined && last.length > 0) {
      // A folded line continues the previous header value.
      last[last.length - 1] += ' ' + line.trim()
      continue
    }
    const colon = line.indexOf(':')
    if (colon <= 0) continue
    const rawName = line.slice(0, colon).trim().toLowerCase()
    const name = COMPACT[rawName] ?? rawName
    last = message.headers[name] ??= []
    last.push(line.slice(colon + 1).trim())
  }
  return message
}

/** The first value of a header, if present. */
export function header (message: SipMessage, name: string): string | undefined {
  return message.headers[name.toLowerCase()]?.[0]
}

/** Splits a header value at commas that are outside quotes and angle brackets. */
export function splitValues (value: string): string[] {
  const parts: string[] = []
  let depth = 0
  let quoted = false
  let current = ''
  for (const ch of value) {
    if (ch === '"') quoted = !quoted
    else if (!quoted && ch === '<') depth++
    else if (!quoted && ch === '>') depth--
    if (ch === ',' && !quoted && depth === 0) {
      parts.push(current.trim())
      current = ''
    } else current += ch
  }
  if (current.trim() !== '') parts.push(current.trim())
  return parts
}

/** A `;name=value` parameter of a header value (outside its `<...>` URI); `''` for a flag. */
export function headerParam (value: string, name: string): string | undefined {
  const outside = value.replace(/<[^>]*>/g, '')
  const m = new RegExp(`;\\s*${name}(?:\\s*=\\s*("[^"]*"|[^;\\s,]+))?`, 'i').exec(outside)
  if (m === null) return undefined
  return (m[1] ?? '').replace(/^"|"$/g, '')
}

/** CSeq number and method. */
export function cseqOf (message: SipMessage): { seq: number, method: string } | undefined {
  const m = /^(\d+)\s+([A-Za-z]+)/.exec(header(message, 'cseq') ?? '')
  return m === null ? undefined : { seq: Number(m[1]), method: m[2]!.toUpperCase() }
}

/** The top Via of a message (first value of the first Via header). */
export function topVia (message: SipMessage): string | undefined {
  const first = header(message, 'via')
  return first === undefined ? undefined : splitValues(first)[0]
}

/** The branch of the top Via: with the CSeq method, it names the transaction (RFC 3261 §17). */
export function topViaBranch (message: SipMessage): string | undefined {
  const via = topVia(message)
  return via === undefined ? undefined : headerParam(via, 'branch')
}

/** The tag of the To header; present once a dialog (or early dialog) exists. */
export function toTag (message: SipMessage): string | undefined {
  const to = header(message, 'to')
  return to === undefined ? undefined : headerParam(to, 'tag')
}

/** Every value of a header, comma-separated values split (a message may carry several Via lines). */
export function headerValues (message: SipMessage, name: string): string[] {
  return (message.headers[name.toLowerCase()] ?? []).flatMap(splitValues)
}

/** A host and an optional port; IPv6 hosts keep no brackets. */
export interface HostPort {
  host: string
  port?: number
}

/** Reads `host`, `host:port`, `[v6]` or `[v6]:port`. */
export function parseHostPort (text: string): HostPort | undefined {
  const v6 = /^\[([0-9a-fA-F:.]+)\](?::(\d+))?$/.exec(text)
  if (v6 !== null) return { host: v6[1]!, ...(v6[2] === undefined ? {} : { port: Number(v6[2]) }) }
  const m = /^([^:\s[\]]+)(?::(\d+))?$/.exec(text)
  if (m === null) return undefined
  return { host: m[1]!, ...(m[2] === undefined ? {} : { port: Number(m[2]) }) }
}

/** One Via value: `SIP/2.0/UDP host:port;branch=…;received=…;rport=…`. */
export interface Via extends HostPort {
  transport: string
  branch?: string
  received?: string
  /** `''` when the client asked for rport (RFC 3581) and nobody filled it in. */
  rport?: string
}

/** Parses a Via value; `undefined` when it is empty or not a Via (a bare `Via:` must not break anything). */
export function parseVia (value: string | undefined): Via | undefined {
  const m = /^SIP\s*\/\s*2\.0\s*\/\s*([A-Za-z]+)\s+([^;\s]+)/i.exec((value ?? '').trim())
  if (m === null) return undefined
  const sentBy = parseHostPort(m[2]!)
  if (sentBy === undefined) return undefined
  const via: Via = { transport: m[1]!.toUpperCase(), ...sentBy }
  const branch = headerParam(value!, 'branch')
  const received = headerParam(value!, 'received')
  const rport = headerParam(value!, 'rport')
  if (branch !== undefined) via.branch = branch
  if (received !== undefined && received !== '') via.received = received
  if (rport !== undefined) via.rport = rport
  return via
}

/** The user and host:port of a SIP URI, bare or inside a name-addr (`"n" <sip:user@host:port;p>`). */
export interface UriParts extends HostPort {
  user?: string
}

/** Reads the URI of a From/To/Contact value or a Request-URI; `undefined` for `*` or a non-SIP URI. */
export function parseUri (value: string | undefined): UriParts | undefined {
  if (value === undefined) return undefined
  const inside = /<([^>]*)>/.exec(value)?.[1] ?? value.split(/[;\s]/).find(p => /^(sips?|tel):/i.test(p)) ?? value.trim()
  const m = /^(sips?|tel):(?:([^@;?]*)@)?([^;?>]*)/i.exec(inside.trim())
  if (m === null) return undefined
  if (m[1]!.toLowerCase() === 'tel') return { user: m[3]!, host: '' }
  const hostPort = parseHostPort(m[3]!)
  if (hostPort === undefined) return undefined
  return { ...(m[2] === undefined || m[2] === '' ? {} : { user: m[2] }), ...hostPort }
}

/** One cause of a Reason header (RFC 3326): `Q.850;cause=16;text="Normal call clearing"`. */
export interface ReasonCause {
  protocol: string
  cause: number
  text?: string
}

/** The causes of every Reason header of a message, in order. */
export function reasonsOf (message: SipMessage): ReasonCause[] {
  const causes: ReasonCause[] = []
  for (const value of headerValues(message, 'reason')) {
    const protocol = /^\s*([A-Za-z0-9.]+)/.exec(value)?.[1]
    const cause = Number(headerParam(value, 'cause'))
    if (protocol === undefined || !Number.isInteger(cause)) continue
    const text = headerParam(value, 'text')
    causes.push({ protocol: protocol.toUpperCase(), cause, ...(text === undefined || text === '' ? {} : { text }) })
  }
  return causes
}

/** Whether a request carries digest credentials (after a 401/407 challenge). */
export function hasCredentials (message: SipMessage): boolean {
  return header(message, 'authorization') !== undefined || header(message, 'proxy-authorization') !== undefined
}
