/**
 * Who tries to call without being let in: bursts of failed SIP authentication for one username,
 * and calls from addresses that match no customer (scanners, or a customer's PBX on a new IP).
 * Both read call-log records: the CDR has connected calls only.
 */
import { count, isoSeconds, type AccountFinding, type CallRecord } from './types'

/** Reasons the switch gives when digest credentials fail (not "IP Not Authorised": that is an address). */
const AUTH_FAILURE = /unknown\s+user|wrong\s+password|invalid\s+(password|credentials)|auth(entication)?\s+fail/i
const IP_REFUSED = /ip\s+not\s+authori[sz]ed/i
/** User-Agents of the usual SIP scanners (SIPVicious and its kin). */
const SCANNER_AGENTS = /friendly-scanner|sipvicious|sipcli|sip-scan|sipsak|sundayddr|pplsip|vaxsipuseragent|iWar|smap/i

/** Options of {@link detectAuthFailureBursts}. */
export interface AuthFailureOptions {
  /** The burst window, minutes (default 30). */
  windowMinutes?: number
  /** Failures in a window before it is a burst (default 5). */
  minCount?: number
  /** SIP usernames of the account (`GET switch/user`), to say whether the one tried exists. */
  knownUsers?: readonly string[]
}

/**
 * Authentication-failure bursts: per username (or source address when none was sent), the most
 * failures within a window. Calls refused for bad credentials (503 Unknown User, a final 401/407)
 * never reach routing, so they never show as traffic; many in a short time are a PBX with a
 * stale password, or someone guessing.
 */
export function detectAuthFailureBursts (records: readonly CallRecord[], options: AuthFailureOptions = {}): AccountFinding[] {
  const windowS = (options.windowMinutes ?? 30) * 60
  const min = options.minCount ?? 5
  const known = options.knownUsers === undefined ? undefined : new Set(options.knownUsers.map(u => u.toLowerCase()))
  const groups = new Map<string, CallRecord[]>()
  for (const r of records) {
    const failed = AUTH_FAILURE.test(r.sip_reason ?? '') || ((r.sip_code === 401 || r.sip_code === 407) && !IP_REFUSED.test(r.sip_reason ?? ''))
    if (!failed) continue
    const key = r.auth_user !== undefined && r.auth_user !== null && r.auth_user !== '' ? `user|${r.auth_user}` : `ip|${r.source_ip ?? ''}`
    groups.set(key, [...(groups.get(key) ?? []), r])
  }
  const out: AccountFinding[] = []
  for (const [key, calls] of groups) {
    const sorted = calls.toSorted((a, b) => a.time - b.time)
    let best = { from: 0, to: -1 }
    for (let i = 0, j = 0; j < sorted.length; j++) {
      while (sorted[j]!.time - sorted[i]!.time >= windowS) i++
      if (j - i > best.to - best.from) best = { from: i, to: j }
    }
    const burst = sorted.slice(best.from, best.to + 1)
    if (burst.length < min) continue
    const [kind, name] = [key.slice(0, key.indexOf('|')), key.slice(key.indexOf('|') + 1)]
    const ips = [...new Set(burst.map(c => c.source_ip ?? '').filter(ip => ip !== ''))].sort()
    const customers = [...new Set(burst.map(c => c.customer_id ?? 0).filter(id => id !== 0))].sort((a, b) => a - b)
    const exists = kind === 'user' && known !== undefined ? known.has(name.toLowerCase()) : undefined
    const first = burst[0]!
    const last = burst.at(-1)!
    const minutes = Math.max(1, Math.round((last.time - first.time) / 60))
    const example = last.callid
    const reasons = [...new Set(burst.map(c => `${c.sip_code} ${c.sip_reason ?? ''}`.trim()))].sort()
    out.push({
      code: 'auth_failure_burst',
      severity: burst.length >= 20 || ips.length > 3 ? 'critical' : 'warning',
      title: `${count(burst.length, 'failed authentication')} in ${minutes} min for ${kind === 'user' ? `SIP user "${name}"` : `calls from ${name}`}${kind === 'user' && ips.length > 0 ? ` from ${ips.join(', ')}` : ''}${customers.length === 1 ? ` (customer ${customers[0]})` : ''}: ${reasons.join(', ')}`,
      meaning: exists === false
        ? `"${name}" is not a SIP user of the account: a PBX still configured with an old or mistyped username, or someone guessing usernames. None of these calls was routed.`
        : 'The credentials are refused again and again: a PBX with a stale password, or someone guessing passwords (more so from several addresses). None of these calls was routed.',
      action: kind === 'user'
        ? `Have the customer correct the PBX's trunk username and password${exists === false ? ' (the user does not exist)' : ''}; if it is not theirs, block the source address and change the SIP user's password.`
        : 'Block the source address if no customer knows it; otherwise correct the credentials its device sends.',
      threshold: `${min} or more failed authentications within ${Math.round(windowS / 60)} min for one username or address: one or two are a typo or a retry, ${min} is a broken device or a guessing attack.`,
      subject: kind === 'user' ? { username: name, ...(customers.length === 1 ? { customer_id: customers[0]! } : {}) } : { source_ip: name },
      evidence: {
        count: burst.length,
        total_in_period: calls.length,
        source_ips: ips,
        customers,
        reasons,
        ...(exists === undefined ? {} : { user_exists: exists })
      },
      ...(typeof example === 'string' ? { example_callid: example } : {}),
      window: { start: isoSeconds(first.time), end: isoSeconds(last.time) }
    })
  }
  return out.sort((a, b) => (b.evidence.count as number) - (a.evidence.count as number))
}

/** Options of {@link detectUnauthorisedIps}. */
export interface UnauthorisedIpOptions {
  /** Refused calls from one address before it is reported (default 3). */
  minCount?: number
  /** Which customer each registered CLI belongs to (`GET cli`): calls with a customer's CLIs are that customer's PBX. */
  cliOwners?: Readonly<Record<string, number>>
  /** Distinct numbers from one address that make it a scanner, whatever its User-Agent (default 10). */
  scannerNumbers?: number
}

/**
 * Calls from addresses that match no customer (401/403 IP Not Authorised), per address. A known
 * scanner User-Agent, or many different numbers with CLIs nobody owns, is a scanner; CLIs that
 * belong to one customer mean that customer's PBX now calls from an address its account lacks.
 */
export function detectUnauthorisedIps (records: readonly CallRecord[], options: UnauthorisedIpOptions = {}): AccountFinding[] {
  const min = options.minCount ?? 3
  const scannerNumbers = options.scannerNumbers ?? 10
  const groups = new Map<string, CallRecord[]>()
  for (const r of records) {
    if (!IP_REFUSED.test(r.sip_reason ?? '') || r.source_ip === undefined || r.source_ip === null) continue
    groups.set(r.source_ip, [...(groups.get(r.source_ip) ?? []), r])
  }
  const out: AccountFinding[] = []
  for (const [ip, calls] of groups) {
    if (calls.length < min) continue
    const sorted = calls.toSorted((a, b) => a.time - b.time)
    const agents = [...new Set(calls.map(c => c.user_agent ?? '').filter(a => a !== ''))].sort()
    const numbers = new Set(calls.map(c => c.dest_number)).size
    const owners = new Map<number, number>()
    for (const c of calls) {
      const owner = c.cli === undefined || c.cli === null ? undefined : options.cliOwners?.[c.cli.replace(/^\+/, '')]
      if (owner !== undefined) owners.set(owner, (owners.get(owner) ?? 0) + 1)
    }
    const [owner, owned] = [...owners].sort((a, b) => b[1] - a[1])[0] ?? [undefined, 0]
    const scanner = agents.some(a => SCANNER_AGENTS.test(a)) || (numbers >= scannerNumbers && owned * 2 < calls.length)
    const pbx = !scanner && owner !== undefined && owned * 2 >= calls.length
    const first = sorted[0]!
    const last = sorted.at(-1)!
    const example = last.callid
    out.push({
      code: 'unauthorised_ip',
      severity: pbx ? 'critical' : 'warning',
      title: `${count(calls.length, 'call')} from ${ip}, which matches no customer (${calls[0]!.sip_code} ${calls[0]!.sip_reason ?? ''})` +
        (scanner ? `: a SIP scanner${agents.length > 0 ? ` (User-Agent ${agents.map(a => `"${a}"`).join(', ')})` : ''}, ${count(numbers, 'different number')}` : pbx ? `: the CLIs are customer ${owner}'s` : ''),
      meaning: scanner
        ? 'Someone is probing the switch for an open route or PBX (the usual prelude to toll fraud). The switch refused every call, so nothing got through.'
        : pbx
          ? `The calls present customer ${owner}'s own CLIs from an address not on its account: its PBX most likely moved to a new public IP, and all its calls fail until the address is added.`
          : 'Calls arrive from an address no customer authenticates from: a customer\'s device on a new address, or someone trying the switch.',
      action: scanner
        ? 'Block the address at the firewall or in the switch\'s ACL; check that no customer is authenticated by IP alone on a wide range, and that SIP users have strong passwords.'
        : pbx
          ? `Confirm with customer ${owner} that ${ip} is theirs, then add it to the customer's IP authentication (or let it authenticate with a SIP user).`
          : 'Find out whose device it is (the CLIs and numbers it sends help); add the address to that customer, or block it.',
      threshold: `${min} or more calls from one address that matches no customer in the period: one can be a misdirected packet, ${min} is a device that keeps trying. A scanner is a known scanner User-Agent, or ${scannerNumbers}+ different numbers with CLIs nobody owns.`,
      subject: { source_ip: ip, ...(pbx ? { customer_id: owner! } : {}) },
      evidence: {
        count: calls.length,
        kind: scanner ? 'scanner' : pbx ? 'customer_new_ip' : 'unknown',
        distinct_numbers: numbers,
        user_agents: agents,
        clis: [...new Set(calls.map(c => c.cli ?? '').filter(c => c !== ''))].sort().slice(0, 5),
        ...(owner === undefined ? {} : { cli_owner: owner, calls_with_owner_cli: owned })
      },
      ...(typeof example === 'string' ? { example_callid: example } : {}),
      window: { start: isoSeconds(first.time), end: isoSeconds(last.time) }
    })
  }
  return out.sort((a, b) => (b.evidence.count as number) - (a.evidence.count as number))
}
