import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { logEntry } from '../../platform/switch/api'
import { createSwitch, type SimulatedSwitch } from '../../platform/switch/index'
import { runDetectors, type AccountFinding } from '../../src/analysis/detectors/index'
import { scanAccount } from '../../src/connexcs/accountScan'
import { connexcs } from '../../src/connexcs/client'
import { logCallRecord, type Period } from '../../src/connexcs/reports'
import { installBridge, NOW_MS, SEED } from '../helpers/platform'
import { scenario } from '../helpers/switchApi'

/**
 * Every detector over the simulated account, fed as a report would feed it: the traffic reports and
 * the CDR through the API (scanAccount), and the call log's 14 days (which the API can only search
 * piece by piece, so here it is taken whole from the switch, in the API's shape). The scenario-free
 * account gives no finding at all; the normal one gives each scenario's finding and nothing else.
 */

const DAY = 86_400_000
const sql = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').slice(0, 19)
const FIRST = Math.floor((NOW_MS - 30 * DAY) / DAY) * DAY
const MONTH: Period = { from: sql(FIRST), to: sql(NOW_MS) }
const WEEK: Period = { from: sql(NOW_MS - 7 * DAY), to: sql(NOW_MS) }
const WEEK_BEFORE: Period = { from: sql(NOW_MS - 14 * DAY), to: sql(NOW_MS - 7 * DAY - 1000) }

async function findings (sw: SimulatedSwitch, period: Period, previous?: Period): Promise<AccountFinding[]> {
  installBridge(sw.api)
  const carriers = new Map(sw.data.carriers.map(c => [c.id, c]))
  const callLog = sw.data.calls.filter(c => c.start_ms >= Math.max(NOW_MS - 14 * DAY, Date.parse(`${period.from.replace(' ', 'T')}Z`)))
    .map(c => logCallRecord((logEntry(c, sw.data, carriers) as any).routing))
  const scan = await scanAccount(connexcs(), { period, callLog, ...(previous === undefined ? {} : { previous }) })
  const run = runDetectors({ ...scan.input, knownUsers: sw.data.switchUsers.map(u => u.username), cliOwners: Object.fromEntries(sw.data.clis.map(c => [c.cli, c.company_id])) })
  expect(run.skipped).toEqual(previous === undefined ? [{ code: 'carrier_drift', why: 'needs each carrier\'s figures for this period and the previous one' }] : [])
  return run.findings
}

/** A finding as `code subject`, the way the catalog names who it is about. */
const key = (f: AccountFinding): string => `${f.code} ${JSON.stringify(f.subject)}`

beforeAll(() => {
  process.env.API_USERNAME = 'test@example.com'
})
afterAll(() => {
  delete process.env.API_USERNAME
})

describe('the detectors on a scenario-free account', () => {
  const quiet = createSwitch({ seed: SEED, nowMs: NOW_MS, scenarios: [] })
  it('find nothing in a month of ordinary traffic, nor in a week against the week before', async () => {
    expect((await findings(quiet, MONTH)).map(key)).toEqual([])
    expect((await findings(quiet, WEEK, WEEK_BEFORE)).map(key)).toEqual([])
  })

  it('find nothing on other seeds either', async () => {
    for (const seed of [2, 3]) expect((await findings(createSwitch({ seed, nowMs: NOW_MS, scenarios: [] }), MONTH)).map(key)).toEqual([])
  })
})

describe('the detectors on the normal account', () => {
  const sw = createSwitch({ seed: SEED, nowMs: NOW_MS })
  const of = (id: string) => scenario(sw, id)
  const customerOf = (id: string): number => of(id).customer_id!

  it('find each scenario of the month, with its evidence, and nothing else', async () => {
    const month = await findings(sw, MONTH)
    const outage = of('carrier_outage')
    const noRoute = of('repeated_no_route')
    const cuba = of('routing_gap')
    expect(month.map(key).toSorted()).toEqual([
      `carrier_outage {"provider_id":${outage.provider_id}}`,
      'routing_gap {"destination":"Cuba"}',
      `high_cost_burst {"customer_id":${customerOf('irsf_burst')}}`,
      `unauthorised_ip {"source_ip":"203.0.113.250","customer_id":${customerOf('ip_not_authorised')}}`,
      // Not Cuba's 503s per customer: one a day over four customers leaves each under 5 in the call log's 14 days.
      `repeated_no_route {"customer_id":${customerOf('repeated_no_route')},"prefix":"3538"}`,
      `zero_duration_calls {"customer_id":${customerOf('zero_duration')},"cli":"${sw.data.profiles.find(p => p.customer_id === customerOf('zero_duration'))!.clis[0]}"}`,
      `malformed_numbers {"customer_id":${customerOf('trunk_prefix')}}`,
      `malformed_numbers {"customer_id":${customerOf('prefix_duplication')}}`,
      `sequential_numbers {"customer_id":${customerOf('sequential_numbers')},"prefix":"44207946"}`,
      `traffic_spike {"customer_id":${customerOf('traffic_spike')}}`,
      `auth_failure_burst {"username":"mapleleaf-old","customer_id":${customerOf('auth_failures')}}`,
      'unauthorised_ip {"source_ip":"192.0.2.201"}'
    ].toSorted())
    // Critical first: the outage, the routing gap, the burst, the customer's PBX on a new IP.
    expect(month.slice(0, 4).map(f => f.severity)).toEqual(['critical', 'critical', 'critical', 'critical'])
    expect(month.slice(4).every(f => f.severity === 'warning')).toBe(true)
    const by = (code: string, extra?: (f: AccountFinding) => boolean): AccountFinding => month.find(f => f.code === code && (extra === undefined || extra(f)))!

    expect(by('carrier_outage')).toMatchObject({ evidence: { attempts: outage.facts.attempts, connected: 0 }, window: outage.window })
    expect(by('routing_gap').evidence).toMatchObject({ count: cuba.facts.attempts, routed_attempts: 0 })
    expect(by('repeated_no_route', f => f.subject.prefix === '3538')).toMatchObject({ evidence: { count: noRoute.facts.count, reasons: ['503 No Routes Available (Pre)'] }, example_callid: noRoute.calls[0]!.callid })
    // The dialler's 25, and one ordinary call of the same CLI that lasted 1 s.
    expect(by('zero_duration_calls').evidence.count).toBe((of('zero_duration').facts.count as number) + 1)
    expect(by('malformed_numbers', f => f.subject.customer_id === customerOf('trunk_prefix')).evidence).toMatchObject({ count: 4, kind: 'trunk_prefix_left' })
    expect(of('trunk_prefix').facts.intended_numbers).toEqual(expect.arrayContaining(by('malformed_numbers', f => f.subject.customer_id === customerOf('trunk_prefix')).evidence.corrected as string[]))
    expect(by('malformed_numbers', f => f.subject.customer_id === customerOf('prefix_duplication')).evidence).toMatchObject({ count: 3, kind: 'duplicated_country_code' })
    expect(by('high_cost_burst').evidence).toMatchObject({ count: of('irsf_burst').facts.answered, answered: of('irsf_burst').facts.answered })
    expect(by('sequential_numbers').evidence).toMatchObject({ count: 30, first: '442079460200', last: '442079460229' })
    expect(by('traffic_spike').evidence.day).toBe(of('traffic_spike').facts.day)
    expect(by('auth_failure_burst').evidence).toMatchObject({ count: 12, user_exists: false })
    expect(by('unauthorised_ip', f => f.subject.source_ip === '192.0.2.201').evidence).toMatchObject({ count: 40, kind: 'scanner' })
    expect(by('unauthorised_ip', f => f.subject.source_ip === '203.0.113.250').evidence).toMatchObject({ count: 3, kind: 'customer_new_ip' })
    for (const f of month) {
      expect(f.threshold.length).toBeGreaterThan(40)
      expect(`${f.title} ${f.meaning} ${f.action}`).not.toMatch(/search[A-Z]|get[A-Z]|investigateCall|next_steps/)
    }
  })

  it('find the drifting carrier in a week against the week before', async () => {
    const drift = of('carrier_drift')
    const week = await findings(sw, WEEK, WEEK_BEFORE)
    const [f, ...others] = week.filter(x => x.code === 'carrier_drift')
    expect(others).toEqual([])
    const facts = drift.facts as { current: Record<string, number>, previous: Record<string, number> }
    expect(f).toMatchObject({ subject: { provider_id: drift.provider_id }, evidence: { attempts: facts.current.attempts, previous_attempts: facts.previous.attempts, pdd_p50_ms: facts.current.pdd_p50_ms } })
  })
})
