/**
 * Who tries to call without being let in: bursts of failed SIP authentication for one username,
 * and calls from addresses that match no customer (scanners, or a customer's PBX on a new IP).
 * Both read call-log records: the CDR has connected calls only. Callers matched to no customer are
 * also counted, without their address, by the traffic report.
 */
import { count, isoSeconds, timeMs, type AccountFinding, type CallRecord } from './types'

const HOUR_S = 3600

/** Reasons the switch gives when digest credentials fail (not "IP Not Authorised": that is an address). */
const AUTH_FAILURE = /unknown\s+user|wrong\s+password|invalid\s+(password|credentials)|auth(entication)?\s+fail/i
const IP_REFUSED = /ip\s+not\s+authori[sz]ed/i
/** Whether the switch refused a call because its source address is on no customer's account (401/403 IP Not Authorised). */
export function refusedForAddress (r: CallRecord): boolean {
  return IP_REFUSED.test(r.sip_reason ?? '')
}

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
    if (!refusedForAddress(r) || r.source_ip === undefined || r.source_ip === null) continue
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
        ? `Block ${ip} at the firewall or in the switch's ACL; check that no customer is authenticated by IP alone on a wide range, and that SIP users have strong passwords.`
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

/** The traffic report's attempts of callers the switch matched to no customer (customer 0), by hour. */
export interface UnidentifiedHourRow {
  /** Start of the hour: `YYYY-MM-DD HH:00:00` or ISO 8601, UTC. */
  hour: string
  attempts: number
  connected: number
}

/** Options of {@link detectUnidentifiedCallers}. */
export interface UnidentifiedCallerOptions {
  /** Attempts in one window before it is reported (default 3, as {@link detectUnauthorisedIps}). */
  minCount?: number
  /**
   * The addresses {@link detectUnauthorisedIps} reports: only their calls explain a window's
   * attempts (a call from an address seen too seldom to be named is a lead, not an explanation).
   * Without it, every refused call of the call log explains one.
   */
  named?: Iterable<string>
  /** The oldest time the call log still holds (`YYYY-MM-DD HH:MM:SS` or ISO 8601, UTC): a window before it cannot be looked up. */
  callLogFrom?: string
}

/** Addresses of refused calls, most calls first, then in text order. */
function addressesByCount (calls: readonly CallRecord[]): string[] {
  const counts = new Map<string, number>()
  for (const c of calls) if (c.source_ip !== undefined && c.source_ip !== null && c.source_ip !== '') counts.set(c.source_ip, (counts.get(c.source_ip) ?? 0) + 1)
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([ip]) => ip)
}

/**
 * Calls from callers the switch could not match to any customer, from the traffic report, which
 * counts them under customer 0 whatever their address: hours with such attempts (an hour apart at
 * most) make one window. The report has no addresses, so the call-log records given, which do,
 * explain what they can: attempts of a window from an address {@link detectUnauthorisedIps} names
 * are left out, and a window is reported when at least `minCount` remain unexplained, with the
 * addresses the call log shows for some of them (leads to search), or saying that the address is
 * unknown and how to find it.
 */
export function detectUnidentifiedCallers (
  hours: readonly UnidentifiedHourRow[],
  callLog: readonly CallRecord[] = [],
  options: UnidentifiedCallerOptions = {}
): AccountFinding[] {
  const min = options.minCount ?? 3
  const named = options.named === undefined ? undefined : new Set(options.named)
  const logFrom = options.callLogFrom === undefined ? Number.NaN : timeMs(options.callLogFrom) / 1000
  const cells = hours.map(h => ({ start: timeMs(h.hour) / 1000, attempts: h.attempts, connected: h.connected }))
    .filter(c => !Number.isNaN(c.start) && c.attempts > 0)
    .sort((a, b) => a.start - b.start)
  const windows: (typeof cells)[] = []
  for (const cell of cells) {
    const last = windows.at(-1)
    if (last !== undefined && cell.start - last.at(-1)!.start <= 2 * HOUR_S) last.push(cell)
    else windows.push([cell])
  }
  const refused = callLog.filter(r => refusedForAddress(r) || ((r.customer_id ?? 0) === 0 && r.sip_code >= 400))
  const out: AccountFinding[] = []
  for (const window of windows) {
    const start = window[0]!.start
    const end = window.at(-1)!.start + HOUR_S
    const attempts = window.reduce((s, c) => s + c.attempts, 0)
    const connected = window.reduce((s, c) => s + c.connected, 0)
    const inWindow = refused.filter(r => r.time >= start && r.time < end)
    const explained = inWindow.filter(r => named === undefined || named.has(r.source_ip ?? '')).length
    const unexplained = attempts - explained
    if (unexplained < min) continue
    const leads = addressesByCount(inWindow.filter(r => named !== undefined && !named.has(r.source_ip ?? ''))).slice(0, 3)
    const gone = end <= logFrom
    const busiest = window.reduce((a, b) => (b.attempts > a.attempts ? b : a))
    const when = `${isoSeconds(start)} and ${isoSeconds(end)}`
    const fix = 'block it at the firewall if no customer knows it, or add it to the customer whose PBX it is (its CLIs tell whose).'
    out.push({
      code: 'unauthorised_ip',
      severity: 'warning',
      title: `${count(unexplained, 'call')} from callers that match no customer between ${when}` +
        `${connected === 0 ? ', none connected' : `, ${connected} connected`}${busiest.attempts >= 10 ? ` (${busiest.attempts} in the hour from ${isoSeconds(busiest.start)})` : ''}` +
        (leads.length > 0 ? `; the call log shows some from ${leads.join(', ')}` : gone ? '; address unknown (older than the call log)' : '; address unknown'),
      meaning: 'The switch could not tell who was calling: the source address (or SIP user) is on no customer\'s account, so the calls were refused. ' +
        'Many in a short time are usually a SIP scanner probing for an open route; a few with real CLIs are usually a customer\'s PBX on a new address. ' +
        'The traffic report counts them without their address; only the call log has it, and the API searches it by number, Call-ID or IP, not by time.',
      action: leads.length > 0
        ? `Search the call log for ${leads[0]} to see all its calls, CLIs and User-Agent; then ${fix}`
        : gone
          ? `The call log no longer holds these calls (it starts ${isoSeconds(logFrom)}), so their address cannot be found now; if callers matching no customer ` +
          'come back, find them in Logging (ConnexCS control panel) while the log still holds them, then ' + fix
          : 'Find the address in Logging (ConnexCS control panel): the calls of this window refused 401 IP Not Authorised; or search the call log by a number ' +
            'one of them dialled or presented. Then ' + fix,
      threshold: `${min} or more attempts in a window from callers the switch matched to no customer (customer 0 in the traffic report), after those the call log already names: ` +
        `one is a stray packet, ${min} is a device that keeps trying.`,
      subject: {},
      evidence: {
        count: unexplained,
        attempts,
        connected,
        explained_by_call_log: explained,
        address: leads.length > 0 ? 'seen' : gone ? 'unknown, older than the call log' : 'unknown',
        ...(leads.length > 0 ? { addresses_in_call_log: leads } : {}),
        hours: window.length,
        busiest_hour: isoSeconds(busiest.start),
        busiest_hour_attempts: busiest.attempts
      },
      window: { start: isoSeconds(start), end: isoSeconds(end) }
    })
  }
  return out.sort((a, b) => (b.evidence.count as number) - (a.evidence.count as number))
}
