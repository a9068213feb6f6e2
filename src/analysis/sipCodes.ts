/**
 * The mapping tables of call debugging, kept as data (vendors disagree, so they must be easy to
 * read and change): SIP final responses in a wholesale (Class 4) context, Q.850 cause names, the
 * RFC 3398 mappings both ways, and the reasons the ConnexCS switch itself gives when it refuses a
 * call. Sources: RFC 3261, RFC 3398 §7.2.4.1 and §8.2.6.1, ITU-T Q.850, the ConnexCS routing
 * documentation; wording is ours.
 */

/** Whether a failure is the network's (to fix) or the called user's (a normal outcome). */
export type FailureKind = 'user' | 'network' | 'number' | 'auth' | 'media' | 'protocol'

/** What a SIP final response means on a Class 4 switch, and what to do about it. */
export interface SipCodeInfo {
  code: number
  name: string
  /** The usual cause on a wholesale route. */
  meaning: string
  remediation: string
  kind: FailureKind
  /** Q.850 cause a gateway usually sends for it (RFC 3398 §7.2.4.1), when there is one. */
  q850?: number
  /** Whether the switch should try the next carrier (a policy; never for user outcomes). */
  reroute: 'yes' | 'no' | 'policy'
}

type Row = [name: string, kind: FailureKind, q850: number | undefined, reroute: SipCodeInfo['reroute'], meaning: string, remediation: string]

const CODES: Record<number, Row> = {
  400: ['Bad Request', 'protocol', 41, 'no', 'a malformed or missing header, a bad URI, a Content-Length mismatch or non-digits in the dialled number', 'Fix the header manipulation or number normalisation on the sending side.'],
  401: ['Unauthorized', 'auth', 21, 'no', 'the far end wants digest authentication (or registration); repeated, the credentials are wrong', 'Configure the right username, password and realm, or ask for IP authentication instead.'],
  402: ['Payment Required', 'auth', 21, 'yes', 'prepaid credit is exhausted (the customer\'s with us, or ours with the carrier)', 'Top up the balance or raise the credit limit.'],
  403: ['Forbidden', 'auth', 21, 'yes', 'the source IP is not in the far end\'s allowed list, a wrong tech prefix, a suspended account, a barred destination, a rejected CLI or no credit', 'Check the IP allow-list in both directions, the tech prefix and the CLI format; ask the far end which rule refused it.'],
  404: ['Not Found', 'number', 1, 'policy', 'the number is unallocated or invalid, badly normalised (missing country code, leftover 00/011 or tech prefix), or the carrier has no route', 'Check the number\'s E.164 format and portability. If 404s cluster on one carrier for a prefix that others complete, it is that carrier\'s routing.'],
  405: ['Method Not Allowed', 'protocol', 63, 'no', 'the peer does not support the method (UPDATE, REFER, PRACK, INFO)', 'Adjust Allow/Supported, or refresh sessions with re-INVITE.'],
  406: ['Not Acceptable', 'media', 79, 'yes', 'the peer cannot produce an acceptable response body', 'Align the offered content types.'],
  407: ['Proxy Authentication Required', 'auth', 21, 'no', 'a proxy or SBC wants digest credentials; repeated, the credentials are wrong', 'Configure the right username, password and realm, or ask for IP authentication instead.'],
  408: ['Request Timeout', 'network', 102, 'yes', 'no final response before the timer (Timer B/C or the carrier\'s PDD timer): the next hop is down, unreachable or too slow', 'Check reachability (OPTIONS pings), firewall and port, the transport (UDP/TCP) and the PDD timer; mark the gateway down if it keeps happening.'],
  410: ['Gone', 'number', 22, 'no', 'the number has ceased or changed', 'Clean the number from the customer\'s dial lists.'],
  413: ['Request Entity Too Large', 'protocol', 127, 'yes', 'the INVITE is too large for the peer', 'Trim headers or the SDP; use TCP for large messages.'],
  414: ['Request-URI Too Long', 'protocol', 127, 'yes', 'the Request-URI is too long', 'Trim the Request-URI parameters.'],
  415: ['Unsupported Media Type', 'media', 79, 'yes', 'the body type is not supported (for example a SIP-I multipart body)', 'Normalise the body to plain SDP.'],
  416: ['Unsupported URI Scheme', 'protocol', 127, 'yes', 'the URI scheme is not supported (tel: instead of sip:)', 'Send a sip: URI.'],
  420: ['Bad Extension', 'protocol', 127, 'yes', 'a Require header names an extension the peer lacks (100rel, timer)', 'Align 100rel and session-timer support.'],
  421: ['Extension Required', 'protocol', 127, 'yes', 'the peer requires an extension we did not offer (100rel, timer)', 'Align 100rel and session-timer support.'],
  422: ['Session Interval Too Small', 'protocol', undefined, 'no', 'Session-Expires is below the peer\'s Min-SE', 'Raise Session-Expires to at least the peer\'s Min-SE (RFC 4028).'],
  423: ['Interval Too Brief', 'protocol', 127, 'no', 'a registration or subscription interval is too short', 'Raise the expiry.'],
  428: ['Use Identity Header', 'auth', undefined, 'policy', 'the far end requires a STIR/SHAKEN Identity header', 'Sign the calls (STIR/SHAKEN attestation).'],
  433: ['Anonymity Disallowed', 'auth', undefined, 'no', 'a withheld CLI was refused', 'Send a CLI (From or P-Asserted-Identity).'],
  436: ['Bad Identity Info', 'auth', undefined, 'policy', 'the Identity header could not be verified', 'Fix the STIR/SHAKEN signing.'],
  437: ['Unsupported Credential', 'auth', undefined, 'policy', 'the Identity credential is not supported', 'Fix the STIR/SHAKEN certificate.'],
  438: ['Invalid Identity Header', 'auth', undefined, 'policy', 'the Identity header is invalid', 'Fix the STIR/SHAKEN signing.'],
  480: ['Temporarily Unavailable', 'user', 18, 'policy', 'the called party is absent or unreachable (phone off, no answer on some networks)', 'A normal outcome at low rates; a spike on one carrier is a carrier problem.'],
  481: ['Call/Transaction Does Not Exist', 'protocol', 41, 'no', 'a request for a dialog the peer does not know (state lost after failover, tag mismatch, Record-Route or NAT problems)', 'Check how in-dialog requests are routed and that dialog state survives failover.'],
  482: ['Loop Detected', 'network', 25, 'no', 'a routing loop between carriers (A→B→A)', 'Fix the routing so the call cannot come back; block loops by Via or Call-ID.'],
  483: ['Too Many Hops', 'network', 25, 'no', 'Max-Forwards ran out: a routing loop', 'Fix the routing loop.'],
  484: ['Address Incomplete', 'number', 28, 'no', 'the number is too short (overlap dialling, a lost digit)', 'Check the dial plan and number normalisation.'],
  485: ['Ambiguous', 'number', 1, 'no', 'the number is ambiguous', 'Check the number.'],
  486: ['Busy Here', 'user', 17, 'no', 'the called party is busy', 'Nothing to fix: a normal outcome.'],
  487: ['Request Terminated', 'user', 127, 'no', 'the INVITE was cancelled: the caller hung up before answer, or the switch cancelled it (ring timeout, PDD timer)', 'A high 487 rate with short ringing means callers give up: check PDD and ringback.'],
  488: ['Not Acceptable Here', 'media', 31, 'yes', 'no common codec or acceptable media (a G.729-only route, SRTP, ptime, T.38)', 'Align the codec lists on both sides, or enable transcoding on the media server.'],
  491: ['Request Pending', 'protocol', undefined, 'no', 're-INVITE glare: both sides sent one at once', 'Retry after a random delay (RFC 3261 §14.1).'],
  500: ['Server Internal Error', 'network', 41, 'yes', 'an error in the far end\'s switch, often transient', 'Watch the rate; open a ticket with the carrier if it persists.'],
  501: ['Not Implemented', 'protocol', 79, 'no', 'the peer does not implement the method', 'Avoid the method, or use re-INVITE.'],
  502: ['Bad Gateway', 'network', 38, 'yes', 'the far end\'s next hop failed', 'A carrier-side problem: report it to the carrier.'],
  503: ['Service Unavailable', 'network', 41, 'yes', 'the carrier is overloaded, over its CPS or channel limit, has no route or is in maintenance; from our own switch: no route, all routes failed, or capacity', 'Honour Retry-After and back off; check capacity and CPS limits; mark the gateway degraded; check our routing.'],
  504: ['Server Time-out', 'network', 102, 'yes', 'the far end\'s own upstream (its carrier, DNS or ENUM) timed out', 'A carrier-side problem: report it to the carrier.'],
  505: ['Version Not Supported', 'protocol', 127, 'no', 'the SIP version is not supported', 'Send SIP/2.0.'],
  513: ['Message Too Large', 'protocol', 127, 'yes', 'the message is too large', 'Trim headers; use TCP.'],
  580: ['Precondition Failure', 'media', undefined, 'yes', 'QoS preconditions failed', 'Check precondition support.'],
  600: ['Busy Everywhere', 'user', 17, 'no', 'the called party is busy', 'Nothing to fix: a normal outcome.'],
  603: ['Decline', 'user', 21, 'no', 'the called party declined; some networks use it to block spam or suspected fraud', 'Normal at low rates; a spike means the terminating network blocks the CLI.'],
  604: ['Does Not Exist Anywhere', 'number', 1, 'no', 'the number does not exist', 'Check the number.'],
  606: ['Not Acceptable', 'media', 58, 'yes', 'no acceptable media anywhere', 'Align the codec lists, or enable transcoding.'],
  607: ['Unwanted', 'user', undefined, 'no', 'the called party marked the call unwanted (robocall rejection)', 'Check the CLI reputation and STIR attestation.'],
  608: ['Rejected', 'user', undefined, 'no', 'an intermediary rejected the call by call analytics', 'Check the CLI reputation and STIR attestation.']
}

const CLASS_NAMES: Record<number, [string, FailureKind]> = {
  1: ['Provisional', 'protocol'],
  2: ['Success', 'protocol'],
  3: ['Redirection', 'protocol'],
  4: ['Client failure', 'protocol'],
  5: ['Server failure', 'network'],
  6: ['Global failure', 'user']
}

/** What a SIP status code means; codes missing from the table fall back to their class. */
export function sipCodeInfo (code: number): SipCodeInfo {
  const row = CODES[code]
  if (row !== undefined) {
    const [name, kind, q850, reroute, meaning, remediation] = row
    return { code, name, kind, ...(q850 === undefined ? {} : { q850 }), reroute, meaning, remediation }
  }
  const [name, kind] = CLASS_NAMES[Math.floor(code / 100)] ?? ['Unknown', 'protocol']
  return { code, name, kind, reroute: 'no', meaning: `a ${name.toLowerCase()} response`, remediation: 'Ask the side that sent it what the code means in their network.' }
}

/** ITU-T Q.850 cause names (the ones a VoIP engineer meets). */
export const Q850_NAMES: Readonly<Record<number, string>> = {
  1: 'Unallocated number',
  2: 'No route to specified transit network',
  3: 'No route to destination',
  6: 'Channel unacceptable',
  16: 'Normal call clearing',
  17: 'User busy',
  18: 'No user responding',
  19: 'No answer from user (user alerted)',
  20: 'Subscriber absent',
  21: 'Call rejected',
  22: 'Number changed',
  26: 'Non-selected user clearing',
  27: 'Destination out of order',
  28: 'Invalid number format (address incomplete)',
  29: 'Facility rejected',
  31: 'Normal, unspecified',
  34: 'No circuit/channel available',
  38: 'Network out of order',
  41: 'Temporary failure',
  42: 'Switching equipment congestion',
  44: 'Requested circuit/channel not available',
  47: 'Resource unavailable, unspecified',
  50: 'Requested facility not subscribed',
  55: 'Incoming calls barred within CUG',
  57: 'Bearer capability not authorized',
  58: 'Bearer capability not presently available',
  63: 'Service or option not available',
  65: 'Bearer capability not implemented',
  69: 'Requested facility not implemented',
  70: 'Only restricted digital information bearer capability is available',
  79: 'Service or option not implemented',
  87: 'User not member of CUG',
  88: 'Incompatible destination',
  95: 'Invalid message, unspecified',
  102: 'Recovery on timer expiry',
  111: 'Protocol error, unspecified',
  127: 'Interworking, unspecified'
}

/** Q.850 cause → SIP response, ISUP to SIP (RFC 3398 §8.2.6.1). Cause 16 maps to BYE/CANCEL, not a response. */
const Q850_TO_SIP: Readonly<Record<number, number>> = {
  1: 404, 2: 404, 3: 404, 26: 404,
  17: 486, 18: 408,
  19: 480, 20: 480, 31: 480,
  21: 403, 22: 410, 23: 410, 27: 502, 28: 484, 29: 501, 79: 501,
  34: 503, 38: 503, 41: 503, 42: 503, 47: 503, 58: 503, 88: 503,
  55: 403, 57: 403, 87: 403,
  65: 488, 70: 488,
  102: 504, 111: 500, 127: 500
}

/** The name of a Q.850 cause, or `cause N` for one we have no name for. */
export function q850Name (cause: number): string {
  return Q850_NAMES[cause] ?? `cause ${cause}`
}

/** The SIP response a gateway sends for a Q.850 cause (RFC 3398), if any. */
export function sipForQ850 (cause: number): number | undefined {
  return Q850_TO_SIP[cause]
}

/** The Q.850 cause a gateway sends for a SIP response (RFC 3398), if any. */
export function q850ForSip (code: number): number | undefined {
  return CODES[code]?.[2]
}

/**
 * A reason the ConnexCS switch gives when it refuses a call itself (its routing documentation):
 * recognised by the reason phrase, because the code alone (503) says little.
 */
export interface SwitchReason {
  /** Stable finding code. */
  finding: string
  pattern: RegExp
  meaning: string
  fix: string
}

/** The ConnexCS switch's own refusal reasons, most specific first. */
export const SWITCH_REASONS: readonly SwitchReason[] = [
  { finding: 'ip_not_authorised', pattern: /ip\s+not\s+authori[sz]ed/i, meaning: 'the switch does not know the source IP of the INVITE: it matches no customer\'s IP authentication', fix: 'Add the IP to the customer\'s IP authentication (or correct the IP the customer sends from), or let the customer authenticate with a SIP username and password. Changes can take up to 60 s to reach every switch.' },
  { finding: 'unknown_user', pattern: /unknown\s+user/i, meaning: 'the username and password match no SIP user of any customer', fix: 'Check the SIP user\'s username and password on the customer\'s device against the customer\'s SIP users.' },
  { finding: 'insufficient_balance', pattern: /balance|credit|funds|payment|prepaid|debit\s+limit|unable\s+to\s+perform\s+lrn/i, meaning: 'the account has no credit left to pay for the call', fix: 'Top up the customer\'s balance or raise the credit/debit limit; for LRN dipping, the account itself needs credit.' },
  { finding: 'account_paused', pattern: /not\s+accepting\s+calls|paused/i, meaning: 'the account or the server is disabled, so the switch accepts no calls', fix: 'Re-enable the account or the server, or contact ConnexCS support.' },
  { finding: 'blocked_by_dial_plan', pattern: /blocked\s+by\s+dial\s*plan/i, meaning: 'the dialled prefix or number is not allowed by the customer\'s dial plan', fix: 'Allow the prefix in the customer\'s dial plan, or correct the dialled number.' },
  { finding: 'no_route', pattern: /no\s+routes?\s+available\s*\(pre\)/i, meaning: 'no rate card rule matched the dialled number, so there was no carrier to try', fix: 'Add the destination prefix to the customer\'s rate card (or assign a card that has it), and check that the number is in the format the card expects (country code, no 00, + or tech prefix).' },
  { finding: 'no_route', pattern: /no\s+routes?\s+available\s*\(lock\)/i, meaning: 'a lock on the customer\'s ingress routing left no carrier to try', fix: 'Review the locks on the customer\'s ingress routing.' },
  { finding: 'no_route', pattern: /no\s+routes?\s+available\s*\(profit/i, meaning: 'Profit Assurance removed every carrier: each would have cost more than the customer pays', fix: 'Review the rates: the customer\'s sell rate for this prefix is below every carrier\'s cost, or relax Profit Assurance.' },
  { finding: 'no_route', pattern: /no\s+routes?\s+available\s*\(u\)/i, meaning: 'no carrier could take the call: no carrier\'s rate card has a rule for the number, or a lock, Profit Assurance, the routing strategy or a ScriptForge script removed every carrier', fix: 'Check that a carrier card has a rule for the prefix: find a carrier for the destination, or stop selling it on the customer cards. If carriers have it, check the ingress routing locks, Profit Assurance, the routing strategy and any ScriptForge script on the route.' },
  { finding: 'routing_error', pattern: /strateg|lcr\s+unavailable|internal\s+switch|variable\s+not\s+provided|user\s+missing/i, meaning: 'the routing engine failed (routing strategy, LCR lookup or an internal error)', fix: 'Check the routing strategy configuration; if it is an internal error, contact ConnexCS support with the Call-ID.' },
  { finding: 'no_route', pattern: /no\s+routes?\s+available|no\s+route/i, meaning: 'the dialled number matches no ingress routing profile or rate card, so the switch had no carrier to try', fix: 'Add the destination prefix to the customer\'s routing and rate card, and check the number\'s format (country code, no 00, + or tech prefix).' }
]

/** The switch refusal a reason phrase names, if it names one. */
export function switchReason (reason: string): SwitchReason | undefined {
  return SWITCH_REASONS.find(r => r.pattern.test(reason))
}
