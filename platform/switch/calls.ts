import { SWITCH } from './entities'
import type { AttemptResult, Carrier, Class5App, Customer, CustomerProfile, Destination, EgressAttempt, MediaQuality, SimCall } from './model'
import { PrefixTable } from './numbering'
import type { Random } from './random'
import type { Route, Router } from './routing'

/**
 * The call engine: what happens to one call, from the customer's INVITE to the carriers tried and
 * the answer the customer gets, with every timing. Background traffic draws the outcomes; a
 * scenario forces some of them. Traces, RTCP and CDRs are all derived from the call it returns,
 * so they always agree.
 */

/** One forced egress attempt. */
export interface PlannedAttempt {
  /** Default: the next carrier in LCR order. */
  carrier_id?: number
  result: AttemptResult
  /** For `rejected`: the carrier's answer. */
  code?: number
  reason?: string
  /** For `cancelled`: how long it rang before the caller gave up. */
  ring_ms?: number
}

/** What to simulate; everything left out is drawn. */
export interface CallPlan {
  start_ms: number
  customer: Customer
  profile: CustomerProfile
  dest_number: string
  cli?: string
  source_ip?: string
  auth?: SimCall['auth']
  auth_user?: string
  /** The switch refuses the call before routing (e.g. no balance). */
  reject?: [number, string]
  /** Forced attempts, in order; when given, no other carrier is tried. */
  attempts?: PlannedAttempt[]
  class5?: Class5App
  talk_ms?: number
  hangup?: 'caller' | 'callee'
  ack_lost?: boolean
  codecs?: 'g711' | 'g729'
  rtcp?: MediaQuality | null
  scenario?: string
}

/**
 * A carrier that fails every attempt for a while (the outage scenario), or, with `pdd_factor`,
 * one that still answers but rings that many times later (the drift scenario).
 */
export interface Outage {
  carrier_id: number
  from_ms: number
  to_ms: number
  /**
   * Not down: the post-dial delay of its background calls is multiplied by this (drawing the same
   * random numbers, so no other call moves); scenario calls keep theirs.
   */
  pdd_factor?: number
}

const FAILURES: [AttemptResult, number, string, number][] = [
  ['cancelled', 487, 'Request Terminated', 30],
  ['busy', 486, 'Busy Here', 16],
  ['rejected', 480, 'Temporarily Unavailable', 14],
  ['rejected', 404, 'Not Found', 6],
  ['rejected', 484, 'Address Incomplete', 1.5],
  ['rejected', 503, 'Service Unavailable', 8],
  ['rejected', 500, 'Internal Server Error', 1.5],
  ['rejected', 502, 'Bad Gateway', 1.5],
  ['timeout', 408, 'Request Timeout', 2],
  ['rejected', 403, 'Forbidden', 1.5],
  ['rejected', 488, 'Not Acceptable Here', 0.8],
  ['rejected', 603, 'Decline', 4]
]
const FAILURE_TOTAL = FAILURES.reduce((sum, f) => sum + f[3], 0)

/** Carrier answers after which the switch tries the next carrier (never after user outcomes). */
const REROUTE = new Set([403, 408, 488, 500, 502, 503])
const MAX_CARRIERS = 3
/** Calibrates answers so that the whole account's ASR lands near 50 % once crankback is counted. */
const ANSWER_SCALE = 0.9

/** Builds calls for one account; `random` is the only source of chance. */
export class CallFactory {
  private readonly destinations: PrefixTable<Destination>
  private readonly carriers: Map<number, Carrier>

  constructor (
    private readonly random: Random,
    private readonly router: Router,
    destinations: Destination[],
    carriers: Carrier[],
    private readonly outages: Outage[] = []
  ) {
    this.destinations = new PrefixTable(destinations.flatMap(d => d.prefixes.map(p => [p, d] as [string, Destination])))
    this.carriers = new Map(carriers.map(c => [c.id, c]))
  }

  /** The destination a number belongs to (by the plan, not by any card). */
  destinationOf (number: string): Destination | undefined {
    return this.destinations.match(number)?.value
  }

  /** Simulates one call. */
  place (plan: CallPlan): SimCall {
    const r = this.random
    const { profile } = plan
    const auth = plan.auth ?? profile.auth
    const dest = this.destinationOf(plan.dest_number)
    const call: SimCall = {
      callid: this.newCallid(plan.source_ip ?? profile.source_ips[0] ?? SWITCH.signalling),
      callidb: `CNX${r.int(1000, 9999)}_${r.token(28)}-`,
      start_ms: plan.start_ms,
      customer_id: auth === 'ip_unknown' ? 0 : plan.customer.id,
      customer_ip: plan.source_ip ?? r.pick(profile.source_ips),
      customer_port: profile.source_port,
      auth,
      auth_ms: null,
      auth_user: auth === 'digest' || auth === 'digest_failed' ? plan.auth_user ?? plan.customer.sip_users[0] ?? null : null,
      private_ip: profile.private_ip,
      cli: plan.cli ?? r.pick(profile.clis),
      dest_number: plan.dest_number,
      customer_rate: null,
      attempts: [],
      class5: plan.class5 ?? null,
      sip_code: 0,
      sip_reason: '',
      pdd_ms: null,
      answer_ms: null,
      final_ms: 0,
      talk_ms: 0,
      duration_s: 0,
      hangup: null,
      release_reason: '',
      ack_lost: false,
      codecs: plan.codecs ?? 'g711',
      rtcp: null,
      user_agent: profile.user_agent,
      ...(plan.scenario === undefined ? {} : { scenario: plan.scenario })
    }
    // A digest caller is challenged (407) and sends its INVITE again with credentials.
    const ingress = call.auth === 'digest' || call.auth === 'digest_failed' ? r.int(60, 160) : 0
    if (ingress > 0) call.auth_ms = ingress
    const refuse = (code: number, reason: string, after: number): SimCall => {
      call.sip_code = code
      call.sip_reason = reason
      call.final_ms = ingress + after
      call.release_reason = 'rejected'
      return call
    }
    if (call.auth === 'ip_unknown') return refuse(401, 'IP Not Authorised', 25)
    if (call.auth === 'digest_failed') return refuse(503, 'Unknown User', 30)
    if (plan.reject !== undefined) return refuse(plan.reject[0], plan.reject[1], 35)
    call.customer_rate = this.router.rate(plan.customer.id, plan.dest_number)
    if (call.customer_rate === null) return refuse(503, 'No Routes Available (Pre)', 35)

    const pddMedian = dest?.pdd_ms ?? 2500
    let at = ingress + r.int(25, 60)
    if (call.class5 !== null) {
      const answer = at + r.int(250, 900)
      call.attempts.push({ provider_id: 0, card_id: 'internal', callid: r.hex(32), ip: SWITCH.class5, result: 'answered', sip_code: 200, sip_reason: 'OK', rate: 0, prefix: '', dest_name: `Class 5: ${call.class5}`, mcd: 1, pulse: 1, connection_cost: 0, at_ms: at, ring_at_ms: null, final_at_ms: answer })
    } else {
      const routes = this.router.routes(call.customer_rate, plan.dest_number)
      if (routes.length === 0) return refuse(503, 'No Routes Available (U)', 40)
      const planned = plan.attempts
      const count = planned?.length ?? Math.min(MAX_CARRIERS, routes.length)
      for (let k = 0; k < count; k++) {
        const forced = planned?.[k]
        const route = forced?.carrier_id === undefined ? routes[k] : routes.find(x => x.carrier.id === forced.carrier_id)
        if (route === undefined) throw new Error(`calls: carrier ${forced?.carrier_id ?? `#${k}`} cannot take ${plan.dest_number}`)
        const attempt = this.attempt(route, at, plan.start_ms + at, dest, pddMedian, forced, plan.scenario !== undefined)
        call.attempts.push(attempt)
        if (attempt.result === 'answered' || forced !== undefined || !REROUTE.has(attempt.sip_code)) break
        at = attempt.final_at_ms + r.int(15, 40)
      }
    }

    const first18x = call.attempts.find(a => a.ring_at_ms !== null)
    call.pdd_ms = first18x === undefined ? null : first18x.ring_at_ms! + 15
    const last = call.attempts.at(-1)!
    call.final_ms = last.final_at_ms + 15
    if (last.result !== 'answered') {
      call.sip_code = last.sip_code
      call.sip_reason = last.sip_reason
      call.release_reason = last.result === 'cancelled' ? 'upstream CANCEL' : 'rejected'
      return call
    }

    call.sip_code = 200
    call.sip_reason = 'OK'
    call.answer_ms = call.final_ms
    call.ack_lost = plan.ack_lost === true
    call.talk_ms = call.ack_lost ? 32_000 : plan.talk_ms ?? this.talkMs(profile.talk_median_s)
    call.duration_s = Math.floor(call.talk_ms / 1000)
    call.hangup = call.ack_lost ? 'switch' : plan.hangup ?? (r.chance(0.55) ? 'caller' : 'callee')
    call.release_reason = call.hangup === 'switch' ? 'ACK timeout' : call.hangup === 'caller' ? 'upstream BYE' : 'downstream BYE'
    call.rtcp = plan.rtcp !== undefined ? plan.rtcp : r.chance(0.75) ? (r.chance(last.provider_id !== 0 && this.carriers.get(last.provider_id)!.quality < 0.9 ? 0.12 : 0.015) ? 'poor' : 'good') : null
    return call
  }

  private attempt (route: Route, at: number, startMs: number, dest: Destination | undefined, pddMedian: number, forced: PlannedAttempt | undefined, scenarioCall: boolean): EgressAttempt {
    const r = this.random
    const { carrier } = route
    const windows = this.outages.filter(o => o.carrier_id === carrier.id && startMs >= o.from_ms && startMs < o.to_ms)
    const down = windows.some(o => o.pdd_factor === undefined)
    // A slow carrier slows its ordinary traffic; the calls of other scenarios keep the timings they describe.
    const slow = scenarioCall ? 1 : windows.reduce((f, o) => f * (o.pdd_factor ?? 1), 1)
    let result: AttemptResult
    let code: number
    let reason: string
    if (forced !== undefined) {
      result = forced.result
      ;[code, reason] = result === 'answered' ? [200, 'OK'] : result === 'busy' ? [486, 'Busy Here'] : result === 'cancelled' ? [487, 'Request Terminated'] : result === 'timeout' ? [408, 'Request Timeout'] : [forced.code ?? 503, forced.reason ?? 'Service Unavailable']
    } else if (down) {
      ;[result, code, reason] = ['rejected', 503, 'Service Unavailable']
    } else if (r.chance(Math.min(0.9, (dest?.asr ?? 0.45) * carrier.quality * ANSWER_SCALE))) {
      ;[result, code, reason] = ['answered', 200, 'OK']
    } else {
      let roll = r.next() * FAILURE_TOTAL
      const failure = FAILURES.find(f => (roll -= f[3]) < 0) ?? FAILURES[0]!
      ;[result, code, reason] = [failure[0], failure[1], failure[2]]
    }

    const pdd = Math.round(Math.min(Math.max(r.logNormal(pddMedian * slow, 0.35), 300), 12_000))
    let ring: number | null = at + pdd
    let final: number
    if (result === 'answered') final = ring + r.int(4_000, 25_000)
    else if (result === 'busy') final = ring + r.int(2_000, 12_000)
    else if (result === 'cancelled') final = ring + (forced?.ring_ms ?? r.int(5_000, 40_000)) + 35
    else if (result === 'timeout') {
      ring = null
      final = at + 32_000
    } else if (code === 480 || code === 603) final = ring + r.int(8_000, 40_000)
    else {
      // Refused outright: no ringing, a quick answer (an outage answers at once).
      ring = null
      final = at + (down ? r.int(20, 60) : r.int(80, 450))
    }
    return {
      provider_id: carrier.id,
      card_id: route.card.id,
      callid: r.hex(32),
      ip: r.pick(carrier.ips),
      result,
      sip_code: code,
      sip_reason: reason,
      rate: route.rule.cost,
      prefix: route.prefix,
      dest_name: route.rule.name,
      mcd: route.rule.mcd,
      pulse: route.rule.pulse,
      connection_cost: route.rule.connection_cost,
      at_ms: at,
      ring_at_ms: ring,
      final_at_ms: final
    }
  }

  /** Talk time: log-normal around the customer's median, with the usual few very short calls. */
  private talkMs (median: number): number {
    const r = this.random
    if (r.chance(0.04)) return r.int(1, 5) * 1000
    return Math.round(Math.min(Math.max(r.logNormal(median, 1.0), 1), 3600)) * 1000
  }

  /** Call-IDs in the shapes seen on ConnexCS: 32 hex, `n-n-n` triples, or `uuid@host`. */
  private newCallid (host: string): string {
    const r = this.random
    const style = r.next()
    if (style < 0.5) return r.hex(32)
    if (style < 0.8) return `${r.int(1e8, 999_999_999)}-${r.int(1e8, 999_999_999)}-${r.int(1e9, 2_147_483_647)}`
    return `${r.hex(8)}-${r.hex(4)}-4${r.hex(3)}-${r.pick(['8', '9', 'a', 'b'])}${r.hex(3)}-${r.hex(12)}@${host}`
  }
}
