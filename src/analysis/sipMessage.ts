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

/** Reads the start line: `METHOD uri SIP/2.0` or `SIP/2.0 code reason`, by index (no regular expression). */
export function startLine (line: string): SipMessage | undefined {
  if (line.startsWith('SIP/2.0 ')) {
    const code = line.slice(8, 11)
    if (code.length !== 3 || !(code >= '100' && code <= '999') || (line.length > 11 && line.charCodeAt(11) !== 32)) return undefined
    return { kind: 'response', status: Number(code), reason: line.slice(12).trim(), headers: {}, body: '' }
  }
  const space = line.indexOf(' ')
  const last = line.lastIndexOf(' ')
  if (space <= 0 || last <= space || line.slice(last + 1) !== 'SIP/2.0') return undefined
  const method = line.slice(0, space)
  const uri = line.slice(space + 1, last)
  // RFC 3261 §25.1: a method is a token; ours are upper-case letters and dashes, the URI has no space.
  if (!/^[A-Z][A-Z-]*$/.test(method) || uri === '' || uri.includes(' ')) return undefined
  return { kind: 'request', method, uri, headers: {}, body: '' }
}

/**
 * A message's lines, split once, with each header line's name: what both the whole parse and the
 * header-by-header reading of a long trace start from.
 */
interface Lines {
  start: SipMessage
  lines: string[]
  /** Per line: the header's lower-case full name; `''` for a folded continuation; `undefined` for no header. */
  names: Array<string | undefined>
  /** Per header line: where its colon is. */
  colons: number[]
  /** Lines before the blank line (the start line included). */
  count: number
  body: string
}

/**
 * Splits a message into lines and names its headers. One native `split` and index arithmetic,
 * no regular expression or search per line: a long trace has thousands of messages, and in the
 * sandbox (an interpreter) those cost more than the rest of the analysis. Lines may end in CRLF
 * or a bare LF.
 */
function readLines (raw: string): Lines | undefined {
  // CRLF line ends, as on the wire, split without a slice per line; bare LF ends lose their CR below.
  const firstBreak = raw.indexOf('\n')
  const crlf = firstBreak > 0 && raw.charCodeAt(firstBreak - 1) === 13
  const lines = raw.split(crlf ? '\r\n' : '\n')
  const start = startLine(lines[0]!.trim())
  if (start === undefined) return undefined
  const names: Array<string | undefined> = [undefined]
  const colons: number[] = [0]
  let count = lines.length
  let body = ''
  // Offset of the current line in `raw`, to cut the body out of it without joining lines.
  const eol = crlf ? 2 : 1
  let offset = lines[0]!.length + eol
  for (let i = 1; i < lines.length; i++) {
    let line = lines[i]!
    const length = line.length
    if (!crlf && length > 0 && line.charCodeAt(length - 1) === 13) {
      line = line.slice(0, -1)
      lines[i] = line
    }
    if (line === '') {
      count = i
      body = raw.slice(offset + length + eol)
      break
    }
    offset += length + eol
    const first = line.charCodeAt(0)
    if (first === 32 || first === 9) {
      names.push('')
      colons.push(0)
      continue
    }
    const colon = line.indexOf(':')
    if (colon <= 0) {
      names.push(undefined)
      colons.push(0)
      continue
    }
    let name = line.slice(0, colon).toLowerCase()
    const before = name.charCodeAt(colon - 1)
    if (before === 32 || before === 9) name = name.trim()
    names.push(name.length === 1 ? COMPACT[name] ?? name : name)
    colons.push(colon)
  }
  return { start, lines, names, colons, count, body }
}

/** The value of header line `i`, with the folded lines that continue it. */
function valueAt (l: Lines, i: number): string {
  let value = l.lines[i]!.slice(l.colons[i]! + 1).trim()
  for (let j = i + 1; j < l.count && l.names[j] === ''; j++) value += ' ' + l.lines[j]!.trim()
  return value
}

/** Parses raw SIP text; `undefined` when the start line is not SIP. */
export function parseSipMessage (raw: string): SipMessage | undefined {
  const l = readLines(raw)
  return l === undefined ? undefined : wholeMessage(l)
}

function wholeMessage (l: Lines): SipMessage {
  const message: SipMessage = { ...l.start, headers: {}, body: l.body }
  const headers = message.headers
  for (let i = 1; i < l.count; i++) {
    const name = l.names[i]
    if (name === undefined || name === '') continue
    const value = valueAt(l, i)
    const list = headers[name]
    if (list === undefined) headers[name] = [value]
    else list.push(value)
  }
  return message
}

/**
 * A message read header by header: the start line, the body, and any header's first value on
 * demand, without slicing every header. A long trace is mostly in-dialog traffic (keep-alive
 * OPTIONS, refreshes) of which the analysis reads three or four headers.
 */
export class SipHead {
  private whole: SipMessage | undefined

  private constructor (private readonly l: Lines) {}

  /** Reads a message; `undefined` when its start line is not SIP. */
  static read (raw: string): SipHead | undefined {
    const l = readLines(raw)
    return l === undefined ? undefined : new SipHead(l)
  }

  /** The start line: kind, method and URI, or status and reason. */
  get start (): SipMessage {
    return this.l.start
  }

  get body (): string {
    return this.l.body
  }

  /** The first value of a header (lower-case full name), folded lines joined. */
  get (name: string): string | undefined {
    const i = this.l.names.indexOf(name)
    return i < 0 || i >= this.l.count ? undefined : valueAt(this.l, i)
  }

  /** Whether the message has a header of that name. */
  has (name: string): boolean {
    const i = this.l.names.indexOf(name)
    return i >= 0 && i < this.l.count
  }

  /** The whole message, parsed once. */
  message (): SipMessage {
    return this.whole ??= wholeMessage(this.l)
  }
}

/** The first value of a header, if present. */
export function header (message: SipMessage, name: string): string | undefined {
  return message.headers[name.toLowerCase()]?.[0]
}

/** Splits a header value at commas that are outside quotes and angle brackets. */
export function splitValues (value: string): string[] {
  // Most values hold no comma at all: no scan character by character.
  if (!value.includes(',')) {
    const only = value.trim()
    return only === '' ? [] : [only]
  }
  const parts: string[] = []
  let depth = 0
  let quoted = false
  let from = 0
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i)
    if (c === 34) quoted = !quoted
    else if (!quoted && c === 60) depth++
    else if (!quoted && c === 62) depth--
    else if (c === 44 && !quoted && depth === 0) {
      parts.push(value.slice(from, i).trim())
      from = i + 1
    }
  }
  const rest = value.slice(from).trim()
  if (rest !== '') parts.push(rest)
  return parts
}

/** A `;name=value` parameter of a header value (outside its `<...>` URI); `''` for a flag. */
export function headerParam (value: string, name: string): string | undefined {
  const wanted = name.toLowerCase()
  // The parameters start after the URI's closing `>`, or at the first `;` of a bare value.
  let at = value.lastIndexOf('>')
  at = value.indexOf(';', at < 0 ? 0 : at)
  while (at >= 0) {
    let end = at + 1
    let quoted = false
    for (; end < value.length; end++) {
      const c = value.charCodeAt(end)
      if (c === 34) quoted = !quoted
      else if (!quoted && (c === 59 || c === 44)) break
    }
    const param = value.slice(at + 1, end)
    const eq = param.indexOf('=')
    const key = (eq < 0 ? param : param.slice(0, eq)).trim().toLowerCase()
    if (key === wanted) {
      if (eq < 0) return ''
      const v = param.slice(eq + 1).trim()
      return v.length >= 2 && v.charCodeAt(0) === 34 && v.charCodeAt(v.length - 1) === 34 ? v.slice(1, -1) : v
    }
    // A comma ends this value's parameters (the next comma-separated value is another header value).
    at = end < value.length && value.charCodeAt(end) === 59 ? end : -1
  }
  return undefined
}

/** CSeq number and method. */
export function cseqOf (message: SipMessage): { seq: number, method: string } | undefined {
  return parseCseq(header(message, 'cseq'))
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
  if (text.startsWith('[')) {
    const v6 = /^\[([0-9a-fA-F:.]+)\](?::(\d+))?$/.exec(text)
    if (v6 === null) return undefined
    return { host: v6[1]!, ...(v6[2] === undefined ? {} : { port: Number(v6[2]) }) }
  }
  if (text === '' || /[\s[\]]/.test(text)) return undefined
  const colon = text.indexOf(':')
  if (colon < 0) return { host: text }
  const port = text.slice(colon + 1)
  if (colon === 0 || port === '' || !/^\d+$/.test(port)) return undefined
  return { host: text.slice(0, colon), port: Number(port) }
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
  if (value === undefined) return undefined
  const semi = value.indexOf(';')
  const sent = (semi < 0 ? value : value.slice(0, semi)).trim()
  let transport: string
  let sentBy: string
  if (sent.startsWith('SIP/2.0/')) {
    // The usual form, read by index: `SIP/2.0/UDP host:port`.
    const space = sent.indexOf(' ', 8)
    if (space < 0) return undefined
    transport = sent.slice(8, space)
    sentBy = sent.slice(space + 1).trim()
  } else {
    // Spaces around the slashes are allowed (RFC 3261 §25.1).
    const m = /^SIP\s*\/\s*2\.0\s*\/\s*([A-Za-z]+)\s+(\S+)$/i.exec(sent)
    if (m === null) return undefined
    transport = m[1]!
    sentBy = m[2]!
  }
  if (!/^[A-Za-z]+$/.test(transport)) return undefined
  const host = parseHostPort(sentBy)
  if (host === undefined) return undefined
  const via: Via = { transport: transport.toUpperCase(), ...host }
  if (semi < 0) return via
  for (const param of value.slice(semi + 1).split(';')) {
    const eq = param.indexOf('=')
    const key = (eq < 0 ? param : param.slice(0, eq)).trim().toLowerCase()
    const v = eq < 0 ? '' : param.slice(eq + 1).trim()
    if (key === 'branch' && via.branch === undefined) via.branch = v
    else if (key === 'received' && via.received === undefined && v !== '') via.received = v
    else if (key === 'rport' && via.rport === undefined) via.rport = v
  }
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

/** Whether a message carries digest credentials (Authorization or Proxy-Authorization). */
export function glanceCredentials (head: SipHead): boolean {
  return head.has('authorization') || head.has('proxy-authorization')
}

/** CSeq number and method from a CSeq value. */
export function parseCseq (value: string | undefined): { seq: number, method: string } | undefined {
  if (value === undefined) return undefined
  // The usual `7 INVITE`, by index; anything else by the pattern.
  const space = value.indexOf(' ')
  if (space > 0) {
    const seq = Number(value.slice(0, space))
    const method = value.slice(space + 1)
    if (Number.isInteger(seq) && seq >= 0 && /^[A-Z]+$/.test(method)) return { seq, method }
  }
  const m = /^(\d+)\s+([A-Za-z]+)/.exec(value)
  return m === null ? undefined : { seq: Number(m[1]), method: m[2]!.toUpperCase() }
}
