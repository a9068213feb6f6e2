import type { AccountFindingCode } from './detectors/types'
import type { FindingCode } from './findings'

/**
 * The documentation page that explains the fix of each kind of finding, by finding code: a NAT
 * finding points to the NAT traversal guide, a codec one to codecs, a routing gap to routing.
 * Tools add it to a finding they show as `docs`, right after its `fix`, so that the AI can open
 * it with the documentation tool. Every path here is a page of `DOC_INDEX` (a test checks it
 * against the corpus). Codes without a page that says more than the fix itself are left out.
 */

/** Finding code → documentation path. */
export const FINDING_DOCS: Readonly<Partial<Record<FindingCode | AccountFindingCode, string>>> = {
  // Who the caller is: authentication, IPs, credit.
  ip_not_authorised: 'customer/auth',
  unknown_user: 'customer/auth',
  auth_loop: 'customer/auth',
  auth_failed: 'customer/auth',
  auth_failure_burst: 'customer/auth',
  unauthorised_ip: 'customer/auth',
  insufficient_balance: 'customer/credit-control',
  // The number and the routing.
  duplicated_prefix: 'card/longest-prefix',
  trunk_prefix_left: 'card/longest-prefix',
  number_malformed: 'card/longest-prefix',
  malformed_numbers: 'card/longest-prefix',
  blocked_by_dial_plan: 'routing',
  no_route: 'routing',
  routing_gap: 'routing',
  repeated_no_route: 'routing',
  routing_error: 'routing/strategies',
  // Carriers: refusals, timeouts, outages.
  carrier_unavailable: 'routing/failover',
  carrier_timeout: 'routing/failover',
  carrier_outage: 'routing/failover',
  outage: 'routing/failover',
  carrier_forbidden: 'guides/tshoot-signal',
  carrier_auth_required: 'guides/tshoot-signal',
  carrier_rejected: 'guides/sip-response-codes',
  call_failed: 'guides/sip-response-codes',
  forbidden: 'guides/sip-response-codes',
  carrier_drift: 'guides/kpis',
  // Signalling after the answer.
  ack_timeout: 'guides/nat-traversal',
  ack_missing: 'guides/nat-traversal',
  ack_not_received: 'guides/tshoot-signal',
  session_timer_expired: 'guides/tshoot-signal',
  retransmissions: 'guides/tshoot-signal',
  switch_released_call: 'guides/call-disconnection-reasons',
  bye_failed: 'guides/call-disconnection-reasons',
  pdd_high: 'guides/kpis',
  // Media: NAT, codecs, audio.
  nat_private_sdp: 'guides/nat-traversal',
  nat_private_contact: 'guides/nat-traversal',
  nat_detected: 'guides/nat-traversal',
  bad_sdp_address: 'guides/nat-traversal',
  one_way_media: 'guides/tshoot-audio',
  poor_quality: 'guides/tshoot-audio',
  codec_mismatch: 'guides/codecs',
  media_rejected: 'guides/codecs',
  transcoding: 'guides/codecs',
  dtmf_not_negotiated: 'guides/codecs',
  // Traffic patterns.
  short_calls: 'guides/kpis',
  zero_duration_calls: 'guides/kpis',
  high_cost_burst: 'guides/fraud',
  sequential_numbers: 'guides/fraud',
  traffic_spike: 'guides/fraud-controls',
  class5: 'customer/class5'
}

/** The documentation path for a finding code, or undefined. */
export function findingDocs (code: string): string | undefined {
  return Object.hasOwn(FINDING_DOCS, code) ? FINDING_DOCS[code as FindingCode] : undefined
}

/**
 * A finding (anything with a `code`) with its `docs` path added right after `fix` (or at the
 * end when it has no fix); unchanged when its code has no page.
 */
export function withDocs<T extends { code: string }> (finding: T): T & { docs?: string } {
  const docs = findingDocs(finding.code)
  if (docs === undefined || 'docs' in finding) return finding
  if (!('fix' in finding)) return { ...finding, docs }
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(finding)) {
    out[key] = value
    if (key === 'fix') out.docs = docs
  }
  return out as T & { docs?: string }
}
