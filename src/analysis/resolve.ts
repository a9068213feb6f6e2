import { ipv4Octets } from './ipAddress'

/**
 * The pure part of the one name resolver every tool uses for `customer_id` and `provider_id`:
 * given what the user typed (a name or an id) and the customers (or carriers), one match, several
 * candidates, or none with "did you mean" suggestions. Also what a search string is (id, IP, CLI,
 * text), IP addresses in one canonical form, and the owners of SIP users or IPs in one pass.
 */

/** Something with an id and a name: a customer or a carrier record. */
export interface Named {
  id: number | string
  name?: string
}

/** How a match was made. */
export type MatchedBy = 'id' | 'exact_name' | 'partial_name'

/** What the resolver found. */
export type Resolution<T> =
  | { found: true, match: T, by: MatchedBy }
  | { found: 'ambiguous', candidates: T[], total: number, by: 'exact_name' | 'partial_name' }
  | { found: false, suggestions: T[], why: string }

/** Options of {@link resolveName}. */
export interface ResolveOptions {
  /** The most candidates listed when several match (default 10; `total` has them all). */
  maxCandidates?: number
  /** The most "did you mean" suggestions (default 3). */
  maxSuggestions?: number
}

/** Lower case, single spaces, no spaces at either end. */
export function normaliseName (text: string): string {
  return text.trim().toLowerCase().replace(/\s+/g, ' ')
}

/** Edit distance (insertions, deletions, substitutions), for suggestions. */
export function editDistance (a: string, b: string): number {
  if (a === b) return 0
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    previous = current
  }
  return previous[b.length]!
}

/** How far a name is from a query, 0 (the same) to 1: the best of the whole name and each word (or run of words). */
function distance (query: string, name: string): number {
  const words = name.split(' ')
  let best = editDistance(query, name) / Math.max(query.length, name.length)
  const size = query.split(' ').length
  for (let i = 0; i + size <= words.length; i++) {
    const part = words.slice(i, i + size).join(' ')
    best = Math.min(best, editDistance(query, part) / Math.max(query.length, part.length))
  }
  return best
}

/** Whether every word of the query starts a word of the name, in order ("acme tel" → "Acme Telecom"). */
function wordsMatch (query: string, name: string): boolean {
  const words = name.split(' ')
  let at = 0
  for (const q of query.split(' ')) {
    while (at < words.length && !words[at]!.startsWith(q)) at++
    if (at === words.length) return false
    at++
  }
  return true
}

/** The furthest a name may be from the query (edits per character) to be suggested. */
const SUGGEST_DISTANCE = 0.34

const byName = <T extends Named>(a: T, b: T): number => {
  const [x, y] = [normaliseName(a.name ?? ''), normaliseName(b.name ?? '')]
  return x < y ? -1 : x > y ? 1 : String(a.id) < String(b.id) ? -1 : 1
}

/**
 * Resolves `query` against `items`. A string of digits (or a number) is an id and matches only by
 * id. Otherwise, case-insensitively: an exact name beats partial ones; a name that contains the
 * query, or whose words start with the query's words, is a partial match. One match is found;
 * several are `ambiguous` (names starting with the query first, then by name); none is
 * `found: false` with the closest names (or ids) as suggestions.
 */
export function resolveName<T extends Named> (query: string | number, items: readonly T[], options: ResolveOptions = {}): Resolution<T> {
  const maxCandidates = options.maxCandidates ?? 10
  const maxSuggestions = options.maxSuggestions ?? 3
  const text = String(query).trim()
  if (text === '') return { found: false, suggestions: [], why: 'nothing to look for: give a name or an id' }

  if (/^\d+$/.test(text)) {
    const hit = items.find(item => String(item.id) === text || (/^\d+$/.test(String(item.id)) && Number(item.id) === Number(text)))
    if (hit !== undefined) return { found: true, match: hit, by: 'id' }
    const near = items.map(item => ({ item, d: editDistance(text, String(item.id)) }))
      .filter(x => x.d <= Math.max(1, Math.floor(text.length / 3)))
      .sort((a, b) => a.d - b.d || byName(a.item, b.item))
      .slice(0, maxSuggestions).map(x => x.item)
    return { found: false, suggestions: near, why: `no record has id ${text}` }
  }

  const q = normaliseName(text)
  const exact = items.filter(item => normaliseName(item.name ?? '') === q)
  if (exact.length === 1) return { found: true, match: exact[0]!, by: 'exact_name' }
  if (exact.length > 1) return { found: 'ambiguous', candidates: exact.toSorted(byName).slice(0, maxCandidates), total: exact.length, by: 'exact_name' }

  const partial = items.filter(item => {
    const name = normaliseName(item.name ?? '')
    return name.includes(q) || wordsMatch(q, name)
  })
  if (partial.length === 1) return { found: true, match: partial[0]!, by: 'partial_name' }
  if (partial.length > 1) {
    const starts = (item: T): number => (normaliseName(item.name ?? '').startsWith(q) ? 0 : 1)
    return { found: 'ambiguous', candidates: partial.toSorted((a, b) => starts(a) - starts(b) || byName(a, b)).slice(0, maxCandidates), total: partial.length, by: 'partial_name' }
  }

  const suggestions = items.map(item => ({ item, d: distance(q, normaliseName(item.name ?? '')) }))
    .filter(x => x.d <= SUGGEST_DISTANCE).sort((a, b) => a.d - b.d || byName(a.item, b.item)).slice(0, maxSuggestions).map(x => x.item)
  return { found: false, suggestions, why: `no name contains "${text}"` }
}

/** What a search string looks like. */
export type QueryKind = 'id' | 'ipv4' | 'ipv6' | 'cli' | 'text'

/** The most digits a customer or carrier id has; longer digit strings are phone numbers. */
const MAX_ID_DIGITS = 7

/**
 * What `query` is: an IPv4 or IPv6 address, a phone number (`+` or `00` then digits, or more than
 * 7 digits, spaces and dashes allowed), an id (up to 7 digits), or text (a name or a SIP user).
 */
export function queryKind (query: string): QueryKind {
  const q = query.trim()
  if (ipv4Octets(q) !== undefined) return 'ipv4'
  if (canonicalIpv6(q) !== undefined) return 'ipv6'
  const digits = q.replace(/[\s()-]/g, '')
  if (/^(\+|00)\d{6,}$/.test(digits)) return 'cli'
  if (/^\d+$/.test(digits)) return digits.length > MAX_ID_DIGITS ? 'cli' : q === digits ? 'id' : 'cli'
  return 'text'
}

/** A phone number's digits as the switch stores CLIs: no `+`, no `00`, no spaces or dashes. */
export function cliDigits (query: string): string {
  return query.trim().replace(/[\s()-]/g, '').replace(/^\+/, '').replace(/^00/, '')
}

/** An IPv6 address in RFC 5952 form (lower case, zeros compressed), or `undefined` when it is not one. */
export function canonicalIpv6 (text: string): string | undefined {
  let s = text.trim().replace(/^\[|\]$/g, '').toLowerCase()
  if (!s.includes(':') || !/^[0-9a-f:.]+$/.test(s)) return undefined
  // An IPv4 tail (::ffff:192.0.2.1) becomes two groups.
  const tail = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(s)
  if (tail !== null) {
    const o = ipv4Octets(tail[2]!)
    if (o === undefined) return undefined
    s = `${tail[1]}${((o[0] << 8) | o[1]).toString(16)}:${((o[2] << 8) | o[3]).toString(16)}`
  }
  const halves = s.split('::')
  if (halves.length > 2) return undefined
  const groups = (part: string): string[] => (part === '' ? [] : part.split(':'))
  const head = groups(halves[0]!)
  const rest = halves.length === 2 ? groups(halves[1]!) : []
  const missing = 8 - head.length - rest.length
  if (halves.length === 1 ? head.length !== 8 : missing < 1) return undefined
  const all = [...head, ...Array.from({ length: halves.length === 2 ? missing : 0 }, () => '0'), ...rest]
  if (!all.every(g => /^[0-9a-f]{1,4}$/.test(g))) return undefined
  const values = all.map(g => parseInt(g, 16).toString(16))
  // The longest run of two or more zero groups (the first of equal ones) becomes "::".
  let [bestAt, bestLen] = [-1, 1]
  for (let i = 0; i < 8; i++) {
    if (values[i] !== '0') continue
    let j = i
    while (j < 8 && values[j] === '0') j++
    if (j - i > bestLen) [bestAt, bestLen] = [i, j - i]
    i = j
  }
  if (bestAt < 0) return values.join(':')
  return `${values.slice(0, bestAt).join(':')}::${values.slice(bestAt + bestLen).join(':')}`
}

/** An IP address as the switch stores it: IPv4 without leading zeros, IPv6 in RFC 5952 form; `undefined` when not an address. */
export function canonicalIp (text: string): string | undefined {
  const o = ipv4Octets(text.trim())
  return o !== undefined ? o.join('.') : canonicalIpv6(text)
}

/**
 * The owners of some records (SIP users, IPs, CLIs: anything with a `company_id`) among the
 * customers, in the records' order, each once, with the records it owns: one pass, no request
 * per record. Records whose owner is not in `customers` are counted in `unknown_owner_ids`.
 */
export function ownersOf<R extends { company_id?: unknown }, C extends Named> (
  records: readonly R[],
  customers: readonly C[]
): { owners: { customer: C, records: R[] }[], unknown_owner_ids: string[] } {
  const byId = new Map(customers.map(c => [String(c.id), c]))
  const owners = new Map<string, { customer: C, records: R[] }>()
  const unknown = new Set<string>()
  for (const record of records) {
    const id = String(record.company_id ?? '')
    const customer = byId.get(id)
    if (customer === undefined) {
      unknown.add(id)
      continue
    }
    const entry = owners.get(id) ?? { customer, records: [] }
    entry.records.push(record)
    owners.set(id, entry)
  }
  return { owners: [...owners.values()], unknown_owner_ids: [...unknown] }
}

/**
 * SIP users matching a query, case-insensitively: the exact user name if there is one, else every
 * user name containing the query.
 */
export function matchSipUsers<U extends { username?: unknown }> (query: string, users: readonly U[]): { exact: boolean, users: U[] } {
  const q = query.trim().toLowerCase()
  if (q === '') return { exact: false, users: [] }
  const name = (u: U): string => String(u.username ?? '').toLowerCase()
  const exact = users.filter(u => name(u) === q)
  return exact.length > 0 ? { exact: true, users: exact } : { exact: false, users: users.filter(u => name(u).includes(q)) }
}
