/**
 * What kind of address a host is, for NAT and media checks (RFC 1918, RFC 6598, RFC 4193).
 * Documentation ranges (RFC 5737, RFC 3849) are public-format on purpose: test data uses them.
 */

/** The class of an address: only `public` and `hostname` can be reached from the internet as they are. */
export type AddressClass = 'public' | 'private' | 'cgnat' | 'loopback' | 'link_local' | 'unspecified' | 'hostname'

/** The four octets of a dotted IPv4 address, or `undefined`. */
export function ipv4Octets (host: string): [number, number, number, number] | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host)
  if (m === null) return undefined
  const octets = [m[1], m[2], m[3], m[4]].map(Number) as [number, number, number, number]
  return octets.every(o => o <= 255) ? octets : undefined
}

/** Whether a host is an IP literal (v4, or v6 with or without brackets). */
export function isIpAddress (host: string): boolean {
  return ipv4Octets(host) !== undefined || /^\[?[0-9a-f]*:[0-9a-f:.]*\]?$/i.test(host)
}

function ipv6Class (host: string): AddressClass {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase()
  if (/^(0*:)*:?0*$/.test(h) || h === '::') return 'unspecified'
  if (h === '::1') return 'loopback'
  if (/^fe[89ab]/.test(h)) return 'link_local'
  if (/^f[cd]/.test(h)) return 'private'
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h)
  return mapped === null ? 'public' : addressClass(mapped[1]!)
}

/** Classifies a host: an IPv4/IPv6 literal by its range, anything else as a hostname. */
export function addressClass (host: string): AddressClass {
  const o = ipv4Octets(host)
  if (o === undefined) return isIpAddress(host) ? ipv6Class(host) : 'hostname'
  const [a, b] = o
  if (a === 0) return 'unspecified'
  if (a === 127) return 'loopback'
  if (a === 169 && b === 254) return 'link_local'
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return 'private'
  if (a === 100 && b >= 64 && b <= 127) return 'cgnat'
  return 'public'
}

/** True for addresses a peer on the internet cannot send to: private, CGNAT, loopback, link-local. */
export function isUnreachable (host: string): boolean {
  const kind = addressClass(host)
  return kind === 'private' || kind === 'cgnat' || kind === 'loopback' || kind === 'link_local'
}
