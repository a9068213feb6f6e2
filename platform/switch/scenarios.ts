import type { CallFactory, CallPlan, Outage } from './calls'
import { aiAgentLog } from './class5'
import type { Entities } from './entities'
import { activeRules } from './routing'
import type { Carrier, Customer, CustomerProfile, Destination, ScenarioEntry, SimCall } from './model'
import { destination, numberFor } from './numbering'
import { WeightedPicker, type Random } from './random'
import { DAY_MS, HOUR_MS, isoDay, isoSeconds } from './time'

/**
 * The scenario catalog: every situation the call-debugging tools must diagnose, placed in the
 * data at fixed offsets from the clock (recent enough for traces, except where retention is the
 * point), with what a correct diagnosis must find. Each scenario draws from its own random source,
 * so leaving one out (`--scenarios`) changes nothing else.
 */

/** What a scenario can use and change while the account is generated. */
export interface ScenarioContext {
  now: number
  entities: Entities
  random: Random
  factory: CallFactory
  outages: Outage[]
  customer (name: string): { customer: Customer, profile: CustomerProfile }
  carrier (name: string): Carrier
  /** A fresh number of the named destination. */
  number (name: string): string
}

/** One scenario: how it changes the account, the calls it places, and its catalog entry. */
interface ScenarioDef {
  id: string
  title: string
  description: string
  /** Changes that must be in place before the background traffic is generated. */
  prepare?: (ctx: ScenarioContext) => void
  place: (ctx: ScenarioContext) => SimCall[]
  /** The entry's facts; `calls` defaults to the placed calls. */
  describe: (ctx: ScenarioContext, placed: SimCall[], all: readonly SimCall[]) => Pick<ScenarioEntry, 'diagnosis' | 'facts'> & Partial<Pick<ScenarioEntry, 'customer_id' | 'provider_id' | 'window'>> & { calls?: SimCall[] }
}

const ago = (ctx: ScenarioContext, minutes: number): number => ctx.now - minutes * 60_000 - ctx.random.int(0, 20_000)

function call (ctx: ScenarioContext, who: string, minutesAgo: number, plan: Partial<CallPlan> & { dest_number: string }, id: string): SimCall {
  const { customer, profile } = ctx.customer(who)
  return ctx.factory.place({ start_ms: ago(ctx, minutesAgo), customer, profile, scenario: id, ...plan })
}

/** A customer's profile presenting its first CLI only. */
const dialler = (ctx: ScenarioContext, who: string): CustomerProfile => {
  const { profile } = ctx.customer(who)
  return { ...profile, clis: profile.clis.slice(0, 1) }
}

const carrierName = (ctx: ScenarioContext, id: number | undefined): string => ctx.entities.carriers.find(c => c.id === id)?.name ?? 'the switch'
const firstCarrier = (c: SimCall): number => c.attempts[0]?.provider_id ?? 0

const SCENARIOS: ScenarioDef[] = [
  {
    id: 'answered',
    title: 'Answered call',
    description: 'A normal call: Northwind Voice calls a UK mobile, the carrier answers, the caller hangs up after 94 s. Good RTCP.',
    place: ctx => [call(ctx, 'Northwind Voice', 7, { dest_number: ctx.number('United Kingdom - Mobile'), attempts: [{ result: 'answered' }], talk_ms: 94_000, hangup: 'caller', rtcp: 'good' }, 'answered')],
    describe: (ctx, [c]) => ({
      diagnosis: [`Answered (200 OK) by ${carrierName(ctx, firstCarrier(c!))} after ringing; the caller hung up normally (BYE, Q.850 cause 16) after 94 s.`, 'Nothing is wrong: no retransmissions, no auth challenge, good call quality (MOS above 4).'],
      facts: { sip_code: 200, state: 'answered', duration_s: 94, hangup: 'caller', flows: { A: 'INVITE 100 180 200 ACK BYE 200', B1: 'INVITE 100 180 200 ACK BYE 200' }, rtcp: 'good', pdd_ms: c!.pdd_ms }
    })
  },
  {
    id: 'busy',
    title: 'Busy (486)',
    description: 'Thistle Networks calls a London number; it rings, then the called party is busy: 486 Busy Here, relayed to the customer.',
    place: ctx => [call(ctx, 'Thistle Networks', 12, { dest_number: ctx.number('United Kingdom - London'), attempts: [{ result: 'busy' }] }, 'busy')],
    describe: (ctx, [c]) => ({
      diagnosis: [`The called party was busy: ${carrierName(ctx, firstCarrier(c!))} answered 486 Busy Here (Q.850 cause 17) after ringing.`, 'A user outcome, not a fault: the switch rightly did not try another carrier.'],
      facts: { sip_code: 486, state: 'busy', q850: 17, carriers_tried: 1, flows: { A: 'INVITE 100 180 486 ACK', B1: 'INVITE 100 180 486 ACK' } }
    })
  },
  {
    id: 'no_answer_cancel',
    title: 'No answer, caller cancelled (487)',
    description: 'Oakfield Business Phones calls a UK mobile; it rings about 28 s and the caller gives up: CANCEL, 200 for the CANCEL, 487 Request Terminated.',
    place: ctx => [call(ctx, 'Oakfield Business Phones', 17, { dest_number: ctx.number('United Kingdom - Mobile'), attempts: [{ result: 'cancelled', ring_ms: 28_000 }] }, 'no_answer_cancel')],
    describe: (_ctx, [c]) => ({
      diagnosis: ['Nobody answered: the call rang for about 28 s and the caller hung up (CANCEL).', 'The 200 OK in the trace answers the CANCEL, not the INVITE: the call was never connected; 487 Request Terminated ends the INVITE.'],
      facts: { sip_code: 487, state: 'cancelled', connected: false, rang_ms: c!.final_ms - 60 - c!.pdd_ms!, flows: { A: 'INVITE 100 180 CANCEL 200 487 ACK', B1: 'INVITE 100 180 CANCEL 200 487 ACK' } }
    })
  },
  {
    id: 'no_route',
    title: 'No route (503, no rate card rule)',
    description: 'Bluebell Contact Centre, whose only card is "Call Centre UK", dials a German mobile: its card has no rule for 4915…, so the switch answers 503 No Routes Available (Pre) and no carrier is tried.',
    place: ctx => [call(ctx, 'Bluebell Contact Centre', 22, { dest_number: ctx.number('Germany - Mobile') }, 'no_route')],
    describe: (ctx, [c]) => {
      const { customer } = ctx.customer('Bluebell Contact Centre')
      return {
        diagnosis: ['Refused by the switch before any carrier: 503 No Routes Available (Pre) means the customer\'s rate card has no rule for the number.', 'The customer\'s only card, "Call Centre UK", covers UK numbers only; Germany - Mobile (4915/4916/4917) is not on it. Add the destination to a card of the customer, or it is a wrong number.'],
        facts: {
          sip_code: 503,
          sip_reason: 'No Routes Available (Pre)',
          carriers_tried: 0,
          customer_cards: customer.cards,
          // What a diagnosis must name: the customer's card(s) and the number none of them has a rule for.
          customer_card_names: customer.cards.map(id => ctx.entities.cards.find(card => card.id === id)?.name ?? id),
          dest_number: c!.dest_number,
          destination: 'Germany - Mobile',
          prefix: c!.dest_number.slice(0, 4),
          flows: { A: 'INVITE 100 503 ACK' }
        }
      }
    }
  },
  {
    id: 'bad_number',
    title: 'Bad number (404 and 484)',
    description: 'Acme Telecom dials a US number that does not exist (the carrier answers 404 Not Found) and a UK number that is too short, 4420794 (484 Address Incomplete).',
    place: ctx => [
      call(ctx, 'Acme Telecom', 41, { dest_number: ctx.number('USA'), attempts: [{ result: 'rejected', code: 404, reason: 'Not Found' }] }, 'bad_number'),
      call(ctx, 'Acme Telecom', 43, { dest_number: '4420794', attempts: [{ result: 'rejected', code: 484, reason: 'Address Incomplete' }] }, 'bad_number')
    ],
    describe: (_ctx, [notFound, short]) => ({
      diagnosis: [`${notFound!.dest_number}: the carrier answered 404 Not Found (Q.850 cause 1, unallocated number): the number does not exist.`, `${short!.dest_number}: 484 Address Incomplete (Q.850 cause 28): the number is too short (7 digits; a London number has 12).`, 'Number problems of the caller, not of the route: no reroute is expected.'],
      facts: { calls: [{ callid: notFound!.callid, sip_code: 404, q850: 1, flows: { A: 'INVITE 100 404 ACK', B1: 'INVITE 100 404 ACK' } }, { callid: short!.callid, sip_code: 484, q850: 28, dest_number: '4420794', flows: { A: 'INVITE 100 484 ACK', B1: 'INVITE 100 484 ACK' } }] }
    })
  },
  {
    id: 'prefix_duplication',
    title: 'Country code dialled twice',
    description: 'Upland Networks\' PBX adds 44 to numbers that already have it: three calls to 4444 20 7946 0xxx. The switch matches them to "United Kingdom - Fixed" (prefix 44) and the carrier answers 404 Not Found.',
    place: ctx => [95, 88, 80].map(minutes => call(ctx, 'Upland Networks', minutes, { dest_number: `44${ctx.number('United Kingdom - London')}`, attempts: [{ result: 'rejected', code: 404, reason: 'Not Found' }] }, 'prefix_duplication')),
    describe: (ctx, placed) => ({
      customer_id: ctx.customer('Upland Networks').customer.id,
      diagnosis: ['Every failed number starts 4444: the country code 44 was dialled twice (the PBX prepends 44 to numbers already in E.164).', 'Without the extra 44 the numbers are valid London numbers (4420 7946 0xxx); the fix is the customer\'s dial plan, not the route.', 'The carrier answered 404 Not Found to each; the switch rated them as "United Kingdom - Fixed" (prefix 44), not London.'],
      facts: { sip_code: 404, count: 3, dialled_prefix: '4444', intended_numbers: placed.map(c => c.dest_number.slice(2)), rated_as: 'United Kingdom - Fixed' }
    })
  },
  {
    id: 'forbidden_403',
    title: 'Forbidden (403): no balance, and a carrier ACL',
    description: 'Juniper Calling has run out of balance (credit -14.62, debit limit 0): the switch refuses its calls with 403. Separately, Marlow Carrier Services calls Somalia, whose only carrier (Polaris Global Voice) refuses the switch with 403 Forbidden: our address is not in its ACL.',
    prepare: ctx => {
      const { customer, profile } = ctx.customer('Juniper Calling')
      customer.credit = -14.62
      customer.debit_limit = 0
      profile.blocked_after_ms = ctx.now - 2 * DAY_MS
    },
    place: ctx => [
      ...[118, 112, 105].map(minutes => call(ctx, 'Juniper Calling', minutes, { dest_number: ctx.number('India - Mobile'), reject: [403, 'Insufficient Balance'] }, 'forbidden_403')),
      call(ctx, 'Marlow Carrier Services', 130, { dest_number: ctx.number('Somalia'), attempts: [{ carrier_id: ctx.carrier('Polaris Global Voice').id, result: 'rejected', code: 403, reason: 'Forbidden' }] }, 'forbidden_403')
    ],
    describe: (ctx, placed) => {
      const { customer } = ctx.customer('Juniper Calling')
      return {
        diagnosis: ['Juniper Calling: refused by the switch (403 Insufficient Balance, no carrier tried): credit -14.62 + debit limit 0.00 = available -14.62 ≤ 0. It needs a top-up (or a debit limit).', 'Somalia call of Marlow Carrier Services: the switch sent it to Polaris Global Voice, the only carrier for Somalia, which answered 403 Forbidden: the carrier refuses our traffic (our IP is not in its ACL, or the route is barred): a carrier-side issue to raise with Polaris.'],
        facts: {
          balance: { customer_id: customer.id, credit: -14.62, debit_limit: 0, available: -14.62, can_call: false, callids: placed.slice(0, 3).map(c => c.callid), flows: { A: 'INVITE 100 403 ACK' } },
          carrier_acl: { callid: placed[3]!.callid, provider_id: ctx.carrier('Polaris Global Voice').id, sip_code: 403, only_route: true, flows: { A: 'INVITE 100 403 ACK', B1: 'INVITE 100 403 ACK' } }
        }
      }
    }
  },
  {
    id: 'timeout_408',
    title: 'Carrier timeout (408) with INVITE retransmissions',
    description: 'Beacon Hill Voice calls Jamaica, whose only carrier is Meridian Telecom. Meridian never answers: the switch sends the INVITE 7 times (Timer A: 0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 s) and gives up after 32 s with 408 Request Timeout.',
    place: ctx => [call(ctx, 'Beacon Hill Voice', 150, { dest_number: ctx.number('Jamaica'), attempts: [{ result: 'timeout' }] }, 'timeout_408')],
    describe: (ctx, [c]) => ({
      provider_id: ctx.carrier('Meridian Telecom').id,
      diagnosis: ['Meridian Telecom did not answer at all: 7 INVITEs (retransmissions at 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 s), not even 100 Trying.', 'After 32 s (Timer B) the switch answered the customer 408 Request Timeout. The carrier is unreachable (down, firewall, wrong IP/port or transport) at ' + c!.attempts[0]!.ip + '.', 'Jamaica has no other carrier, so nothing could be retried.'],
      facts: { sip_code: 408, invite_sends: 7, retransmissions: 6, carrier_ip: c!.attempts[0]!.ip, setup_ms: 32_000, flows: { A: 'INVITE 100 408 ACK', B1: 'INVITE INVITE INVITE INVITE INVITE INVITE INVITE' } }
    })
  },
  {
    id: 'auth_challenge',
    title: '407 challenge, then success',
    description: 'Harbour Networks authenticates with a SIP user: its INVITE is challenged (407), it answers with credentials, and the call is answered normally.',
    place: ctx => [call(ctx, 'Harbour Networks', 170, { dest_number: ctx.number('France - Mobile'), attempts: [{ result: 'answered' }], talk_ms: 61_000, hangup: 'callee' }, 'auth_challenge')],
    describe: (_ctx, [c]) => ({
      diagnosis: ['Normal digest authentication: one 407 Proxy Authentication Required, ACK, then the INVITE again with credentials (new branch, CSeq + 1). That second INVITE is not a retransmission.', `Answered; the called party hung up after ${c!.duration_s} s.`],
      facts: { sip_code: 200, state: 'answered', auth_challenges: 1, auth_user: c!.auth_user, retransmissions: 0, flows: { A: 'INVITE 407 ACK INVITE 100 180 200 ACK BYE 200', B1: 'INVITE 100 180 200 ACK BYE 200' } }
    })
  },
  {
    id: 'auth_failures',
    title: 'Repeated authentication failures',
    description: 'Maple Leaf Telecom\'s PBX sends credentials for a SIP user that does not exist (its old user name): 12 calls in 20 minutes, each challenged (407) and then refused 503 Unknown User.',
    prepare: ctx => {
      ctx.customer('Maple Leaf Telecom').profile.blocked_after_ms = ctx.now - 5 * HOUR_MS - 60_000
    },
    place: ctx => {
      const user = 'mapleleaf-old'
      return Array.from({ length: 12 }, (_, k) => call(ctx, 'Maple Leaf Telecom', 300 - k * 1.7, { dest_number: ctx.number('USA'), auth: 'digest_failed', auth_user: user }, 'auth_failures'))
    },
    describe: ctx => {
      const { customer } = ctx.customer('Maple Leaf Telecom')
      return {
        customer_id: customer.id,
        window: { start: isoSeconds(ctx.now - 300 * 60_000 - 20_000), end: isoSeconds(ctx.now - 280 * 60_000) },
        diagnosis: ['12 calls in about 20 minutes from Maple Leaf Telecom all fail authentication: 407 challenge, INVITE with credentials for user "mapleleaf-old", then 503 Unknown User.', `"mapleleaf-old" is not one of the customer's SIP users (${customer.sip_users.join(', ')}): the PBX has a stale user name or password. Fix the PBX's trunk credentials.`, 'Not a routing problem: no carrier was tried.'],
        facts: { sip_code: 503, sip_reason: 'Unknown User', count: 12, auth_user: 'mapleleaf-old', known_users: customer.sip_users, flows: { A: 'INVITE 407 ACK INVITE 100 503 ACK' } }
      }
    }
  },
  {
    id: 'codec_488',
    title: 'Codec mismatch (488)',
    description: 'Orchid Communications\' PBX offers G.729 only; the only carrier for Pakistan, Harbor Telecom, takes G.711 only and answers 488 Not Acceptable Here (Warning 304).',
    place: ctx => [call(ctx, 'Orchid Communications', 190, { dest_number: ctx.number('Pakistan - Mobile'), codecs: 'g729', attempts: [{ result: 'rejected', code: 488, reason: 'Not Acceptable Here' }] }, 'codec_488')],
    describe: ctx => ({
      provider_id: ctx.carrier('Harbor Telecom').id,
      diagnosis: ['No common codec: the caller offered only G.729 (m=audio … RTP/AVP 18 101) and Harbor Telecom accepts G.711 (PCMA/PCMU) only; it answered 488 Not Acceptable Here with Warning 304 "Media type not available".', 'Fix: let the PBX offer G.711 too, or enable transcoding on the media zone.'],
      facts: { sip_code: 488, offered: ['G729'], carrier_codecs: ctx.carrier('Harbor Telecom').codecs, warning: 304, flows: { A: 'INVITE 100 488 ACK', B1: 'INVITE 100 488 ACK' } }
    })
  },
  {
    id: 'nat_one_way',
    title: 'NAT caller with one-way audio',
    description: 'Pinecrest VoIP is behind NAT: its Via, Contact and SDP carry a private 192.168.x.x address while the packets come from its public address and a high port. The call is answered, but no audio reaches the caller; they hang up after 23 s.',
    place: ctx => [call(ctx, 'Pinecrest VoIP', 210, { dest_number: ctx.number('United Kingdom - Mobile'), attempts: [{ result: 'answered' }], talk_ms: 23_000, hangup: 'caller', rtcp: 'one_way' }, 'nat_one_way')],
    describe: (_ctx, [c]) => ({
      diagnosis: [`The caller is behind NAT: Via, Contact and the SDP c= line say ${c!.private_ip} (RFC 1918) but packets come from ${c!.customer_ip}:${c!.customer_port}; responses carry received=/rport=, and the switch marks the B leg X-CX-NAT.`, 'RTCP shows audio one way only: the stream from the switch towards the caller has no packets received (100 % loss), the other direction is fine. Media is sent to the private address.', 'Fix: NAT traversal for the customer (symmetric RTP / media latching, or correct the PBX\'s external address; disable SIP ALG).'],
      facts: { sip_code: 200, private_ip: c!.private_ip, public_ip: c!.customer_ip, public_port: c!.customer_port, one_way: true, dead_direction: 'switch → customer (A leg)', duration_s: 23, flows: { A: 'INVITE 100 180 200 ACK BYE 200', B1: 'INVITE 100 180 200 ACK BYE 200' } }
    })
  },
  {
    id: 'ack_lost',
    title: 'ACK lost: calls drop at 32 s',
    description: 'Vantage Dialler never ACKs the 200 OK: the switch sends the 200 OK again and again (10 retransmissions) and hangs up after 32 s. Four calls in an hour, all lasting exactly 32 s.',
    place: ctx => [540, 525, 510, 490].map((minutes, k) => call(ctx, 'Vantage Dialler', minutes, { dest_number: ctx.number(k % 2 === 0 ? 'United Kingdom - Mobile' : 'United Kingdom - Fixed'), attempts: [{ result: 'answered' }], ack_lost: true, rtcp: 'good' }, 'ack_lost')),
    describe: ctx => ({
      customer_id: ctx.customer('Vantage Dialler').customer.id,
      diagnosis: ['No ACK ever arrives for the 200 OK: the switch retransmits the 200 OK (0.5, 1.5, 3.5, 7.5 s, then every 4 s) and, after 32 s (64×T1), ends the call with a BYE on both legs (Reason: ACK timeout).', 'Every answered call of this customer lasts exactly 32 s: a signature of a lost ACK (its ACK goes to the wrong address: Contact/Record-Route/NAT or firewall on the customer side).'],
      facts: { sip_code: 200, duration_s: 32, count: 4, ok_retransmissions: 10, release_reason: 'ACK timeout', hangup: 'switch', flows: { A: `INVITE 100 180 ${Array(11).fill('200').join(' ')} BYE 200`, B1: 'INVITE 100 180 200 ACK BYE 200' } }
    })
  },
  {
    id: 'poor_quality',
    title: 'Poor call quality (jitter, loss, RTT)',
    description: 'Three answered calls of Saffron Calling to Indian mobiles go through Budget Route Ltd; RTCP shows jitter 45–70 ms, 3–6 % loss and RTT 350–450 ms on the carrier leg (less on the customer leg): MOS around 2.5 to 3.6, below 3.5 on average.',
    place: ctx => [250, 235, 220].map((minutes, k) => call(ctx, 'Saffron Calling', minutes, { dest_number: ctx.number('India - Mobile'), attempts: [{ carrier_id: ctx.carrier('Budget Route Ltd').id, result: 'answered' }], talk_ms: (75 + k * 40) * 1000, hangup: 'caller', rtcp: 'poor' }, 'poor_quality')),
    describe: ctx => ({
      provider_id: ctx.carrier('Budget Route Ltd').id,
      diagnosis: ['The calls connected, but the audio was bad: RTCP jitter above 30 ms, packet loss above 1 % and RTT above 300 ms, MOS below 3.5 (poor).', 'All three went through Budget Route Ltd: the carrier\'s network is the likely cause; compare with other carriers to the same destination, and route around it.'],
      facts: { sip_code: 200, mos_below: 3.5, jitter_ms_above: 30, loss_pct_above: 1, rtt_ms_above: 300, count: 3 }
    })
  },
  {
    id: 'carrier_outage',
    title: 'Carrier outage (an hour of 503s)',
    description: 'Crown Fixed Lines, the cheapest carrier for UK fixed numbers, answers every INVITE with 503 Service Unavailable for one hour (30 to 29 hours ago). The switch falls back to the next carrier, so most calls still connect, but every attempt on Crown fails.',
    prepare: ctx => {
      ctx.outages.push({ carrier_id: ctx.carrier('Crown Fixed Lines').id, from_ms: ctx.now - 30 * HOUR_MS, to_ms: ctx.now - 29 * HOUR_MS })
    },
    place: ctx => {
      // Enough calls in the hour whatever time of day it falls on.
      const callers = ['Adam Communications', 'Northwind Voice', 'Thistle Networks', 'Kingfisher Telecom', 'Primrose Phones']
      return Array.from({ length: 10 }, (_, k) => call(ctx, callers[k % callers.length]!, 30 * 60 - 4 - k * 5.5, { dest_number: ctx.number(k % 2 === 0 ? 'United Kingdom - London' : 'United Kingdom - Fixed') }, 'carrier_outage'))
    },
    describe: (ctx, _placed, all) => {
      const crown = ctx.carrier('Crown Fixed Lines')
      const from = ctx.now - 30 * HOUR_MS
      const to = ctx.now - 29 * HOUR_MS
      const affected = all.filter(c => c.start_ms >= from && c.start_ms < to && c.attempts.some(a => a.provider_id === crown.id))
      const answered = affected.filter(c => c.sip_code === 200).length
      return {
        provider_id: crown.id,
        window: { start: isoSeconds(from), end: isoSeconds(to) },
        calls: affected,
        diagnosis: [`Crown Fixed Lines failed every attempt between ${isoSeconds(from)} and ${isoSeconds(to)}: ${affected.length} attempts, all 503 Service Unavailable, answered at once without 100 Trying.`, `The switch cranked back to the next carrier, so ${answered} of those ${affected.length} calls still connected; outside that hour Crown is healthy.`, 'A carrier outage: mark it down (or lower its priority) while it lasts and raise it with Crown.'],
        facts: { attempts: affected.length, failed: affected.length, sip_code: 503, answered_after_fallback: answered, outside_window_ok: true }
      }
    }
  },
  {
    id: 'zero_duration',
    title: 'Repeated zero-duration calls',
    description: 'Starling Contact Centre\'s dialler hangs up as soon as calls are answered: 25 answered calls in 90 minutes, each under a second (billed duration 0).',
    // The dialler presents one CLI (a one-element list draws as many random numbers as a longer one).
    place: ctx => Array.from({ length: 25 }, (_, k) => call(ctx, 'Starling Contact Centre', 52 * 60 - k * 3.6, { profile: dialler(ctx, 'Starling Contact Centre'), dest_number: ctx.number(k % 3 === 0 ? 'United Kingdom - Fixed' : 'United Kingdom - Mobile'), attempts: [{ result: 'answered' }], talk_ms: ctx.random.int(300, 900), hangup: 'caller', rtcp: null }, 'zero_duration')),
    describe: ctx => ({
      customer_id: ctx.customer('Starling Contact Centre').customer.id,
      window: { start: isoSeconds(ctx.now - 52 * HOUR_MS - 20_000), end: isoSeconds(ctx.now - 52 * HOUR_MS + 90 * 60_000) },
      diagnosis: ['25 calls from one customer in 90 minutes were answered and ended by the caller within a second: duration 0 in the CDR.', 'A dialler (predictive/robocall) hanging up on answer, or answer-detection probing: the short-duration share of this customer is abnormal. Check the dialler and the customer\'s traffic.'],
      facts: { count: 25, duration_s: 0, hangup: 'caller', sip_code: 200 }
    })
  },
  {
    id: 'routing_gap',
    title: 'Routing gap: Cuba',
    description: 'Customer cards still sell Cuba (prefix 53), but no carrier carries it any more: Sterling Interconnect dropped it in its newest revision. One attempt a day for 30 days, every one 503 No Routes Available (U).',
    place: ctx => {
      const callers = ['Adam Communications', 'Acme Telecom', 'Thistle Networks', 'Granite Voice Solutions']
      return Array.from({ length: 30 }, (_, k) => call(ctx, callers[k % callers.length]!, k * 24 * 60 + 197, { dest_number: ctx.number('Cuba') }, 'routing_gap'))
    },
    describe: ctx => {
      const sterling = ctx.entities.cards.find(c => c.id === ctx.carrier('Sterling Interconnect').card_id)!
      const dropped = sterling.revisions.at(-1)!.rev
      return {
        diagnosis: ['Every call to Cuba (prefix 53) fails with 503 No Routes Available (U): 30 attempts in 30 days, none connected, no carrier tried.', `The customer cards have a rule for 53, but no carrier's active rate card does: Sterling Interconnect carried Cuba until revision ${dropped - 1} and dropped it in revision ${dropped}. The customer cards built on it are stale.`, 'Either find a carrier for Cuba or remove it from the customer cards.'],
        facts: { destination: 'Cuba', prefix: '53', attempts: 30, connected: 0, sip_code: 503, sip_reason: 'No Routes Available (U)', carriers_with_route: activeCarriersFor(ctx, 'Cuba'), dropped_by: { provider_id: ctx.carrier('Sterling Interconnect').id, card_id: sterling.id, rev: dropped }, flows: { A: 'INVITE 100 503 ACK' } }
      }
    }
  },
  {
    id: 'trace_expired',
    title: 'Trace past retention (9 days old)',
    description: 'An answered call of Adam Communications 9 days ago: it is in the call log and the CDR, but its SIP trace is gone (traces are kept 7 days).',
    place: ctx => [call(ctx, 'Adam Communications', 9 * 24 * 60, { dest_number: ctx.number('United Kingdom - Mobile'), attempts: [{ result: 'answered' }], talk_ms: 185_000, hangup: 'callee' }, 'trace_expired')],
    describe: () => ({
      diagnosis: ['The call exists (log and CDR: answered, 185 s) but GET log/trace returns nothing: SIP traces are kept 7 days and this call is 9 days old. Not an error.'],
      facts: { sip_code: 200, duration_s: 185, age_days: 9, trace: false, in_log: true, in_cdr: true }
    })
  },
  {
    id: 'ip_not_authorised',
    title: 'Unknown source IP (401 IP Not Authorised)',
    description: 'Kingfisher Telecom\'s PBX moved to a new public address, 203.0.113.250, that is not on its account: the switch answers 401 IP Not Authorised and cannot tell who is calling (customer 0). The CLI is one of Kingfisher\'s.',
    place: ctx => [360, 357, 350].map(minutes => call(ctx, 'Kingfisher Telecom', minutes, { dest_number: ctx.number('United Kingdom - Mobile'), source_ip: '203.0.113.250', auth: 'ip_unknown' }, 'ip_not_authorised')),
    describe: ctx => {
      const { customer, profile } = ctx.customer('Kingfisher Telecom')
      return {
        customer_id: customer.id,
        diagnosis: ['401 IP Not Authorised: 203.0.113.250 matches no customer\'s IP, so the switch did not identify the caller (account 0) and routed nothing.', `The CLIs presented (${profile.clis.join(', ')}) belong to Kingfisher Telecom, whose authorised IPs are ${customer.ips.join(', ')}: its PBX has a new address. Add 203.0.113.250 to the customer's IPs (after checking it is theirs).`],
        facts: { sip_code: 401, sip_reason: 'IP Not Authorised', source_ip: '203.0.113.250', account_id: 0, owner_by_cli: customer.id, authorised_ips: customer.ips, flows: { A: 'INVITE 100 401 ACK' } }
      }
    }
  },
  {
    id: 'ai_agent',
    title: 'Call answered by an AI agent (Class 5)',
    description: 'Adam Communications calls the account\'s AI-agent number; the Class 5 server answers, the agent books an appointment, the caller hangs up after 142 s. The call has a Class 5 log, a transcription, AI-agent logs and RTCP.',
    place: ctx => [call(ctx, 'Adam Communications', 155, { dest_number: ctx.entities.dids[0]!.did, class5: 'ai_agent', talk_ms: 142_000, hangup: 'caller', rtcp: 'good' }, 'ai_agent')],
    describe: (_ctx, [c]) => {
      // What a diagnosis must name: the agent, and each tool it called with its latency.
      const log = aiAgentLog(c!)
      const tools = log.filter(e => e.tool_name !== null).map(e => ({ tool: e.tool_name!, latency_ms: e.latency_ms }))
      return {
        diagnosis: ['A Class 5 call: answered by the switch\'s AI agent (no carrier), 142 s, normal hangup by the caller.', 'GET log/class5, transcribe and log/ai-agent all have records for it; GET log/rtcp shows good quality.',
          `The agent "${log[0]!.agent_name}" called ${tools.map(t => `${t.tool} (${t.latency_ms} ms)`).join(' and ')}.`],
        facts: { sip_code: 200, class5: 'ai_agent', duration_s: 142, provider_id: 0, agent: log[0]!.agent_name, tools, flows: { A: 'INVITE 100 200 ACK BYE 200', B1: 'INVITE 100 200 ACK BYE 200' } }
      }
    }
  }
]

/** The account-wide patterns: each one is what a detector of the switch health report must find. */
const ACCOUNT_SCENARIOS: ScenarioDef[] = [
  {
    id: 'repeated_no_route',
    title: 'Repeated 503 No Routes Available (Pre): one customer, one prefix',
    description: 'Lighthouse Connect, whose only card is "Call Centre UK", keeps dialling Irish mobiles (3538…): 14 calls in three days, each refused 503 No Routes Available (Pre) because its card has no rule for Ireland.',
    place: ctx => Array.from({ length: 14 }, (_, k) => call(ctx, 'Lighthouse Connect', (72 - k * 5) * 60 + 7, { dest_number: ctx.number('Ireland - Mobile') }, 'repeated_no_route')),
    describe: ctx => {
      const { customer } = ctx.customer('Lighthouse Connect')
      return {
        customer_id: customer.id,
        diagnosis: ['14 calls of Lighthouse Connect to Irish mobiles (3538…) in three days, every one refused 503 No Routes Available (Pre): none of the customer\'s cards has a rule for the prefix.', 'Repeated, so not a typo: the customer needs Ireland. Add Ireland - Mobile to one of its cards (or give it a card that has it), or tell the customer it is not in its plan.'],
        facts: { sip_code: 503, sip_reason: 'No Routes Available (Pre)', count: 14, prefix: '3538', destination: 'Ireland - Mobile', customer_cards: customer.cards }
      }
    }
  },
  {
    id: 'trunk_prefix',
    title: 'National 0 kept after the country code',
    description: 'Driftwood Telecom\'s PBX dials London numbers as 44 0 20 7946 0xxx: four calls to 4402079460…, rated as "United Kingdom - Fixed" (prefix 44); the carrier answers 404 Not Found.',
    place: ctx => [140, 133, 127, 121].map(minutes => call(ctx, 'Driftwood Telecom', minutes, { dest_number: `440${ctx.number('United Kingdom - London').slice(2)}`, attempts: [{ result: 'rejected', code: 404, reason: 'Not Found' }] }, 'trunk_prefix')),
    describe: (ctx, placed) => ({
      customer_id: ctx.customer('Driftwood Telecom').customer.id,
      diagnosis: ['Every failed number starts 440: the national trunk 0 was left in after the country code 44 (0 20 7946 … dialled as 44 0 20 …).', 'Without the 0 the numbers are valid London numbers (44 20 7946 0xxx): fix the PBX\'s dial plan (strip the leading 0 when adding 44).'],
      facts: { sip_code: 404, count: 4, dialled_prefix: '440', intended_numbers: placed.map(c => `44${c.dest_number.slice(3)}`), rated_as: 'United Kingdom - Fixed' }
    })
  },
  {
    id: 'irsf_burst',
    title: 'Short calls to high-cost destinations in a burst (IRSF / wangiri signs)',
    description: 'Nettle Networks\' PBX, which calls UK numbers, suddenly places 36 calls in 40 minutes to Jamaica (1876) and UK personal numbers (4470), two of the dearest destinations on its card: 24 answered for 3 to 25 s, the others abandoned while ringing.',
    place: ctx => Array.from({ length: 36 }, (_, k) => call(ctx, 'Nettle Networks', 62 * 60 - k * 1.1, {
      dest_number: ctx.number(k % 2 === 0 ? 'Jamaica' : 'United Kingdom - Personal Numbering'),
      attempts: [k % 3 === 2 ? { result: 'cancelled', ring_ms: ctx.random.int(5_000, 12_000) } : { result: 'answered' }],
      talk_ms: ctx.random.int(3_000, 25_000),
      hangup: 'caller'
    }, 'irsf_burst')),
    describe: (ctx, placed) => ({
      customer_id: ctx.customer('Nettle Networks').customer.id,
      window: { start: isoSeconds(Math.min(...placed.map(c => c.start_ms))), end: isoSeconds(Math.max(...placed.map(c => c.start_ms))) },
      diagnosis: ['36 calls in 40 minutes from one customer to high-cost destinations (Jamaica 1876, UK personal numbers 4470) that it almost never calls; the answered ones last seconds.', 'The signs of International Revenue Share Fraud or wangiri: a compromised PBX or stolen credentials pumping traffic to numbers that share the termination revenue. Block the destinations for the customer, check its PBX and credentials, and set a spend or destination limit.'],
      facts: { count: 36, answered: placed.filter(c => c.answer_ms !== null).length, destinations: ['Jamaica', 'United Kingdom - Personal Numbering'], max_duration_s: Math.max(...placed.map(c => c.duration_s)) }
    })
  },
  {
    id: 'sequential_numbers',
    title: 'Sequential dialled numbers',
    description: 'Glenmore Telecom dials 30 London numbers in order, 442079460200 to 442079460229, one every 30 s: a dialler walking a number range (number harvesting, or a test before fraud).',
    place: ctx => Array.from({ length: 30 }, (_, k) => call(ctx, 'Glenmore Telecom', 4 * 24 * 60 + 30 - k * 0.5, { dest_number: `442079460${200 + k}` }, 'sequential_numbers')),
    describe: (ctx, placed) => ({
      customer_id: ctx.customer('Glenmore Telecom').customer.id,
      diagnosis: ['30 calls of one customer in 15 minutes to consecutive numbers (442079460200 to 442079460229), in order.', 'People do not dial like that: a dialler walks the range (number harvesting or a test before fraud). Ask the customer what runs on its account; limit its call rate or block it if it cannot say.'],
      facts: { count: 30, first: '442079460200', last: '442079460229', step: 1, answered: placed.filter(c => c.answer_ms !== null).length }
    })
  },
  {
    id: 'traffic_spike',
    title: 'Sudden traffic spike on one customer',
    description: 'Fenwick Voice, which makes a few calls a day, places 300 calls in six hours two days ago, to its usual destinations.',
    place: ctx => {
      const { customer, profile } = ctx.customer('Fenwick Voice')
      const mix = new WeightedPicker(profile.mix.map((m): [Destination, number] => [destination(m.destination), m.weight]))
      const from = ctx.now - 54 * HOUR_MS
      return Array.from({ length: 300 }, () => from + ctx.random.int(0, 6 * HOUR_MS))
        .sort((a, b) => a - b)
        .map(start => ctx.factory.place({ start_ms: start, customer, profile, dest_number: numberFor(mix.pick(ctx.random), ctx.random), scenario: 'traffic_spike' }))
    },
    describe: (ctx, placed, all) => {
      const { customer } = ctx.customer('Fenwick Voice')
      const day = isoDay(placed[0]!.start_ms)
      const perDay = new Map<string, number>()
      for (const c of all) if (c.customer_id === customer.id && c.scenario === undefined) perDay.set(isoDay(c.start_ms), (perDay.get(isoDay(c.start_ms)) ?? 0) + 1)
      const usual = [...perDay.values()].sort((a, b) => a - b)
      return {
        customer_id: customer.id,
        window: { start: isoSeconds(placed[0]!.start_ms), end: isoSeconds(placed.at(-1)!.start_ms) },
        diagnosis: [`Fenwick Voice placed 300 more calls than usual on ${day}, in six hours: its ordinary days have about ${usual[usual.length >> 1] ?? 0} calls.`, 'A sudden spike on one customer: a new campaign, a dialler let loose, or a compromised PBX. Check with the customer before it costs money; a channel or CPS limit caps the damage.'],
        facts: { day, extra_calls: 300, usual_calls_per_day: usual[usual.length >> 1] ?? 0 }
      }
    }
  },
  {
    id: 'sip_scanner',
    title: 'SIP scanner: INVITEs from an unknown IP',
    description: 'A SIP scanner at 192.0.2.201 (User-Agent "friendly-scanner") sends 40 INVITEs in eight minutes to made-up international numbers; the switch refuses each with 401 IP Not Authorised.',
    place: ctx => {
      const { profile } = ctx.customer('Adam Communications')
      const scanner = { ...profile, auth: 'ip' as const, user_agent: 'friendly-scanner', source_ips: [SCANNER_IP], source_port: 5070, private_ip: null }
      const starts = ['00972', '011972', '0044', '9011', '00', '100']
      return Array.from({ length: 40 }, (_, k) => call(ctx, 'Adam Communications', 5 * 24 * 60 + 17 - k * 0.2, {
        profile: { ...scanner, clis: [String(100 + k)] },
        source_ip: SCANNER_IP,
        auth: 'ip_unknown',
        dest_number: `${starts[k % starts.length]}${ctx.random.int(10_000_000, 99_999_999)}`
      }, 'sip_scanner'))
    },
    describe: () => ({
      customer_id: 0,
      diagnosis: ['40 INVITEs in eight minutes from 192.0.2.201, which is no customer\'s address, each to a different made-up number, with the User-Agent "friendly-scanner" (SIPVicious): a scanner looking for an open PBX or route. The switch refused every one (401 IP Not Authorised).', 'Nothing got through; block the address at the firewall, and check that no customer authenticates by IP alone on a wide range.'],
      facts: { sip_code: 401, sip_reason: 'IP Not Authorised', source_ip: SCANNER_IP, count: 40, user_agent: 'friendly-scanner', account_id: 0 }
    })
  },
  {
    id: 'carrier_drift',
    title: 'A carrier drifting: lower ASR and longer PDD than the week before',
    description: 'Northbridge Carrier Services degrades over the last 7 days: its calls ring about twice as late (PDD × 2.2), and 250 calls sent to it fail (503 Service Unavailable, or no answer at all: 408), so its ASR falls against the 7 days before.',
    prepare: ctx => {
      ctx.outages.push({ carrier_id: ctx.carrier('Northbridge Carrier Services').id, from_ms: ctx.now - 7 * DAY_MS, to_ms: ctx.now, pdd_factor: DRIFT_PDD_FACTOR })
    },
    place: ctx => {
      const northbridge = ctx.carrier('Northbridge Carrier Services').id
      const callers = ['Nimbus Cloud Voice', 'Quayside Communications', 'Teal Networks', 'Ember Networks', 'Lantern Communications']
      const mobiles = ['Germany - Mobile', 'France - Mobile', 'Spain - Mobile', 'Netherlands - Mobile']
      return Array.from({ length: 250 }, (_, k) => call(ctx, callers[k % callers.length]!, ctx.random.int(30, 7 * 24 * 60 - 30), {
        dest_number: ctx.number(mobiles[k % mobiles.length]!),
        attempts: [k % 5 < 3 ? { carrier_id: northbridge, result: 'rejected', code: 503, reason: 'Service Unavailable' } : { carrier_id: northbridge, result: 'timeout' }]
      }, 'carrier_drift'))
    },
    describe: (ctx, _placed, all) => {
      const id = ctx.carrier('Northbridge Carrier Services').id
      const period = (from: number, to: number): { attempts: number, connected: number, pdd_p50_ms: number | null } => {
        const attempts = all.flatMap(c => c.start_ms >= from && c.start_ms < to ? c.attempts.map((a, k) => ({ a, won: c.answer_ms !== null && k === c.attempts.length - 1 })) : []).filter(x => x.a.provider_id === id)
        const pdds = attempts.filter(x => x.won && x.a.ring_at_ms !== null).map(x => x.a.ring_at_ms! - x.a.at_ms).sort((a, b) => a - b)
        return { attempts: attempts.length, connected: attempts.filter(x => x.won).length, pdd_p50_ms: pdds.length === 0 ? null : pdds[Math.ceil(pdds.length / 2) - 1]! }
      }
      return {
        provider_id: id,
        window: { start: isoSeconds(ctx.now - 7 * DAY_MS), end: isoSeconds(ctx.now) },
        diagnosis: ['Northbridge Carrier Services answers fewer of its attempts than the 7 days before and rings about twice as late (PDD), on the same destinations.', 'A carrier drifting rather than down: raise it with the carrier (their capacity or upstream route changed), and lower its priority for the destinations where another carrier does better.'],
        facts: { pdd_factor: DRIFT_PDD_FACTOR, failed_calls_added: 250, current: period(ctx.now - 7 * DAY_MS, ctx.now), previous: period(ctx.now - 14 * DAY_MS, ctx.now - 7 * DAY_MS) }
      }
    }
  }
]

/** The scanner's address (RFC 5737), which no customer or carrier has. */
const SCANNER_IP = '192.0.2.201'
/** How much later Northbridge rings in the drift scenario. */
const DRIFT_PDD_FACTOR = 2.2

function activeCarriersFor (ctx: ScenarioContext, name: string): number[] {
  return ctx.entities.carriers.filter(c => activeRules(ctx.entities.cards.find(card => card.id === c.card_id)!).some(r => r.name === name)).map(c => c.id)
}

const CATALOG: ScenarioDef[] = [...SCENARIOS, ...ACCOUNT_SCENARIOS]

/** Every scenario id, in catalog order. */
export const SCENARIO_IDS: readonly string[] = CATALOG.map(s => s.id)

/** Checks a scenario selection; throws with the valid ids when one is unknown. */
export function checkScenarioIds (ids: readonly string[]): void {
  const unknown = ids.filter(id => !SCENARIO_IDS.includes(id))
  if (unknown.length > 0) throw new Error(`Unknown scenario${unknown.length === 1 ? '' : 's'}: ${unknown.join(', ')}. The scenarios are: ${SCENARIO_IDS.join(', ')}`)
}

/** The selected scenarios, with the context factory the generator gives each. */
export class ScenarioRunner {
  private readonly selected: ScenarioDef[]
  private readonly placed = new Map<string, SimCall[]>()

  constructor (ids: readonly string[], private readonly context: (id: string) => ScenarioContext) {
    checkScenarioIds(ids)
    this.selected = CATALOG.filter(s => ids.includes(s.id))
  }

  /** Applies every selected scenario's changes to the account (before the traffic). */
  prepare (): void {
    for (const scenario of this.selected) scenario.prepare?.(this.context(scenario.id))
  }

  /** Places every selected scenario's calls. */
  place (): SimCall[] {
    return this.selected.flatMap(scenario => {
      const calls = scenario.place(this.context(scenario.id))
      this.placed.set(scenario.id, calls)
      return calls
    })
  }

  /** The catalog, once every call (background and scenario) exists. */
  catalog (all: readonly SimCall[]): ScenarioEntry[] {
    return this.selected.map(scenario => {
      const own = this.placed.get(scenario.id) ?? []
      const { calls, customer_id: customerId, provider_id: providerId, window, ...rest } = scenario.describe(this.context(scenario.id), own, all)
      const listed = (calls ?? own).toSorted((a, b) => b.start_ms - a.start_ms)
      const one = <T>(values: T[]): T | null => values.length > 0 && values.every(v => v === values[0]) ? values[0]! : null
      return {
        id: scenario.id,
        title: scenario.title,
        description: scenario.description,
        calls: listed.map(c => ({
          callid: c.callid,
          callidb: c.callidb,
          egress_callids: c.attempts.map(a => a.callid),
          time: isoSeconds(c.start_ms),
          customer_id: c.customer_id,
          provider_ids: c.attempts.map(a => a.provider_id),
          dest_number: c.dest_number,
          sip_code: c.sip_code,
          sip_reason: c.sip_reason
        })),
        customer_id: customerId ?? one(listed.map(c => c.customer_id)),
        provider_id: providerId ?? one(listed.map(c => c.attempts.at(-1)?.provider_id ?? 0)),
        window: window ?? null,
        ...rest
      }
    })
  }
}
