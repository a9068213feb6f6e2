import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { ENDPOINTS } from '../../platform/switch/index'
import { testSwitch } from '../helpers/platform'
import { scenario, switchClient } from '../helpers/switchApi'

/**
 * Every endpoint of the simulated switch answers with its documented shape
 * (`reference/scriptforge-and-connexcs-api.md` §4, `prior-art-app-cx-mcp.md` §1): one schema per
 * endpoint, and a check that no endpoint is left without one.
 */

const sw = testSwitch()
const api = switchClient(sw)
const { data } = sw

const int = z.number().int()
const money = z.partialRecord(z.enum(['GBP', 'USD', 'EUR']), z.number())
const currency = z.enum(['GBP', 'USD', 'EUR'])
const sqlTime = z.string().regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/)
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/)
const iso = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/)
const cardId = z.string().regex(/^[A-Za-z0-9]{4}-[A-Za-z0-9]{4}$/)

const customer = z.strictObject({
  id: int, name: z.string(), status: z.enum(['Active', 'Inactive', 'Pending Approval']), currency, credit: z.number(), debit_limit: z.number(),
  ips: z.array(z.string()), sip_users: z.array(z.string()), cards: z.array(z.string()), contact_name: z.array(z.string()), tags: z.array(z.string()),
  channels: int, cps: int, account_manager_id: int, cx_referal: z.string(), s3_size: int, created: sqlTime, last_call: int.nullable()
})
const carrier = z.strictObject({
  id: int, name: z.string(), status: z.enum(['Active', 'Inactive']), currency, ips: z.array(z.string()), card_id: cardId, channels: int, cps: int,
  codecs: z.array(z.string()), tech_prefix: z.string(), user_agent: z.string()
})
const logEntry = z.strictObject({
  routing: z.strictObject({
    callid: z.string(), callidb: z.string().regex(/^CNX\d{4}_[\w-]{28}-$/), cli: z.string(), dest_number: z.string(), sip_code: int, sip_reason: z.string(),
    start_time: int, end_time: int, server: z.string(), switch: z.string(), ou: z.string(), re: z.string(), log: z.array(z.string()),
    meta: z.strictObject({}), p: z.strictObject({}), account_id: int, offer_auth: z.boolean(), attempts: z.array(z.unknown()),
    card_rev: int.nullable(), customer_card_id: z.string().nullable(),
    egress_routing: z.array(z.strictObject({ provider_id: int, provider_name: z.string(), card_id: z.string(), rate: z.number(), sip_code: int, sip_reason: z.string(), callid_b: z.string(), rtp_server_id: int })),
    ok: z.strictObject({ duration: int, callid_b: z.string(), release_reason: z.string(), provider_id: int }).optional(),
    profile: z.strictObject({ auth: int, ingress: int, total: int }),
    params: z.strictObject({ switch: z.string(), oU: z.string(), fU: z.string(), callid: z.string(), userAgent: z.string(), au: z.string(), si: z.string(), sp: int, rtp_ip: z.string(), proto: z.literal('udp'), reg_id: z.string(), csIp: z.string(), x_orig_ip: z.string(), x_anyedge_host: z.string() })
  })
})
const tracePacket = z.strictObject({
  id: int, date: iso, micro_ts: int, callid: z.string(), method: z.string().regex(/^([A-Z]+|\d{3})$/), reply_reason: z.string(), ruri: z.string().startsWith('sip:'),
  ruri_user: z.string(), to_user: z.string(), from_user: z.string(), user_agent: z.string(), source_ip: z.string(), source_port: int, destination_ip: z.string(),
  destination_port: int, protocol: z.enum(['UDP', 'TCP', 'TLS']), msg: z.string().includes('\r\nCall-ID: '), delta: int.nonnegative()
})
const rtcpSample = z.strictObject({
  id: int, callid: z.string(), leg: z.enum(['A', 'B']), direction: z.enum(['inbound', 'outbound']), date: iso, micro_ts: int, ssrc: int, src_ip: z.string(), src_port: int,
  dst_ip: z.string(), dst_port: int, codec: z.string(), packets: int, packets_lost: int, packet_loss: z.number().min(0).max(100), jitter: z.number().min(0),
  rtt: z.number().nullable(), r_factor: z.number(), mos: z.number().min(1).max(4.5)
})
const rateRule = z.strictObject({ prefix: z.string().regex(/^\d+$/), name: z.string(), cost: z.number(), mcd: int, pulse: int, connection_cost: z.number() })
const payment = z.strictObject({ id: int, company_id: int, amount: z.number(), total: z.number(), currency, payment_time: sqlTime, method: z.enum(['Card', 'Bank Transfer', 'PayPal', 'Manual']), status: z.enum(['Completed', 'Pending', 'Failed']), description: z.string() })
const did = z.strictObject({ id: int, did: z.string().regex(/^\d+$/), customer_id: int.nullable(), provider_id: int, destination: z.string(), retail: z.number(), wholesale: z.number(), channels: int, status: z.enum(['Active', 'Inactive']) })
const cdrRow = z.strictObject({ dt: sqlTime, callid: z.string(), dest_cli: z.string(), dest_number: z.string(), duration: int, customer_id: int, customer_charge: z.number(), customer_card_currency: currency, provider_id: int, provider_charge: z.number(), provider_card_currency: currency, branch_idx: int })
const scenarioEntry = z.strictObject({
  id: z.string(), title: z.string(), description: z.string(),
  calls: z.array(z.strictObject({ callid: z.string(), callidb: z.string(), egress_callids: z.array(z.string()), time: z.string(), customer_id: int, provider_ids: z.array(int), dest_number: z.string(), sip_code: int, sip_reason: z.string() })).min(1),
  customer_id: int.nullable(), provider_id: int.nullable(), window: z.strictObject({ start: z.string(), end: z.string() }).nullable(),
  diagnosis: z.array(z.string()).min(1), facts: z.record(z.string(), z.unknown())
})

const nonEmpty = <T extends z.ZodType>(item: T) => z.array(item).min(1)
const answered = scenario(sw, 'answered').calls[0]!
const aiCall = scenario(sw, 'ai_agent').calls[0]!
const adam = data.customers.find(c => c.name === 'Adam Communications')!
const sellCard = data.cards.find(c => c.kind === 'customer')!
const unassigned = data.dids.find(d => d.customer_id === null)!
const range = [{ field: 'dt', condition: '>=', data: '2026-11-20 00:00:00' }, { field: 'dt', condition: '<=', data: '2026-11-24 23:59:59' }]

interface Case {
  method?: 'GET' | 'POST' | 'PUT'
  path: string
  body?: unknown
  schema: z.ZodType
  /** The answer is text with this content type, not JSON. */
  text?: string
}

const cases: Record<string, Case> = {
  'GET setup/account': { path: 'setup/account', schema: z.strictObject({ id: int, name: z.string(), currency }) },
  'GET log': { path: `log?s=${adam.ips[0]}`, schema: nonEmpty(logEntry) },
  'GET log/trace': { path: `log/trace?callid=${answered.callid}&callidb=${answered.callidb}`, schema: nonEmpty(tracePacket) },
  'GET log/rtcp': { path: `log/rtcp?callid=${answered.callid}`, schema: nonEmpty(rtcpSample) },
  'GET log/class5': { path: `log/class5?callid=${aiCall.callid}`, schema: nonEmpty(z.strictObject({ id: int, callid: z.string(), dt: sqlTime, app: z.string(), event: z.string(), data: z.record(z.string(), z.unknown()) })) },
  'GET log/ai-agent': { path: `log/ai-agent?callid=${aiCall.callid}&d=${aiCall.time.slice(0, 10)}`, schema: nonEmpty(z.strictObject({ id: int, callid: z.string(), dt: sqlTime, agent_id: int, agent_name: z.string(), role: z.enum(['user', 'assistant', 'tool']), content: z.string(), tool_name: z.string().nullable(), latency_ms: int.nullable() })) },
  'GET transcribe': { path: `transcribe?s=${aiCall.callid}`, schema: nonEmpty(z.strictObject({ id: int, callid: z.string(), dt: sqlTime, customer_name: z.string(), text: z.string(), leg: z.union([z.literal(0), z.literal(1)]), score: z.number().min(0).max(1) })) },
  'POST cdr': {
    method: 'POST',
    path: 'cdr',
    body: { field: ['dt', 'callid', 'dest_cli', 'dest_number', 'duration', 'customer_id', 'customer_charge', 'customer_card_currency', 'provider_id', 'provider_charge', 'provider_card_currency', 'branch_idx'], where: { rules: [...range, { field: 'customer_id', condition: '=', data: adam.id }] }, limit: 1000, order: [{ field: 'dt', direction: 'DESC' }] },
    schema: nonEmpty(cdrRow)
  },
  'POST setup/query/0/run': { method: 'POST', path: 'setup/query/0/run', body: { _query: 'SELECT dt, callid, duration FROM cdr WHERE dt >= :start AND customer_id = :id ORDER BY dt DESC LIMIT 5', _src: 'cdr', start: '2026-11-20 00:00:00', id: adam.id }, schema: z.array(z.strictObject({ dt: sqlTime, callid: z.string(), duration: int })).length(5) },
  'GET breakout-aggrid': {
    path: 'breakout-aggrid?s=&_startRow=0&_endRow=10000&_pivotMode=false&_rowGroupCols[0][id]=customer_id&_rowGroupCols[0][field]=customer_id&_rowGroupCols[1][field]=provider_id' +
      '&_valueCols[0][field]=attempts&_valueCols[0][aggFunc]=sum&_valueCols[1][field]=connected&_valueCols[1][aggFunc]=sum&_valueCols[2][field]=customer_charge&_valueCols[2][aggFunc]=sum' +
      '&_valueCols[3][field]=provider_charge&_valueCols[3][aggFunc]=sum&_valueCols[4][field]=acd&_valueCols[4][aggFunc]=avg&_valueCols[5][field]=asr&_valueCols[5][aggFunc]=avg' +
      '&_valueCols[6][field]=customer_card_dest_name&_valueCols[6][aggFunc]=groupUniqArray&_valueCols[7][field]=account_profit&_valueCols[7][aggFunc]=sum&_valueCols[8][field]=account_profit_percent&_valueCols[8][aggFunc]=avg' +
      `&_filterModel[dt][type]=inRange&_filterModel[dt][filter]=2026-11-01%2000:00:00&_filterModel[dt][filterTo]=2026-11-24%2023:59:59&_filterModel[customer_id][type]=equals&_filterModel[customer_id][filter]=${adam.id}`,
    schema: nonEmpty(z.strictObject({ customer_id: int, provider_id: int, attempts: int, connected: int, customer_charge: money, provider_charge: money, acd: z.number(), asr: z.number().min(0).max(100), customer_card_dest_name: z.array(z.array(z.string())).length(1), account_profit: z.number(), account_profit_percent: z.number() }))
  },
  'GET invoice/billed': { path: `invoice/billed?company_id=${adam.id}`, schema: nonEmpty(z.strictObject({ invoice_id: int.nullable(), company_id: int, cdr_date: day, calls: int, duration: int, total: z.number(), currency })) },
  'GET customer': { path: `customer?s=&name=${encodeURIComponent('adam')}`, schema: z.array(customer).length(1) },
  'GET customer/<id>': { path: `customer/${adam.id}`, schema: customer },
  'GET carrier': { path: 'carrier', schema: z.array(carrier).length(12) },
  'GET carrier/<id>': { path: `carrier/${data.carriers[0]!.id}`, schema: carrier },
  'GET switch/user': { path: 'switch/user?_limit=1000', schema: nonEmpty(z.strictObject({ id: int, username: z.string(), company_id: int, channels: int, status: z.enum(['Active', 'Inactive']) })) },
  'GET switch/ip': { path: `switch/ip?ip=${adam.ips[0]}&_limit=1000`, schema: z.array(z.strictObject({ id: int, ip: z.string(), company_id: z.literal(adam.id), channels: int, direction: z.literal('Ingress'), status: z.enum(['Active', 'Inactive']) })).length(1) },
  'GET cli': { path: `cli?cli=${data.clis[0]!.cli}`, schema: nonEmpty(z.strictObject({ id: int, cli: z.string(), company_id: int, forced: z.boolean() })) },
  'GET payment': { path: `payment?s=&company_id=${adam.id}&_startRow=0&_endRow=100&_pivotMode=false&_sortModel[0][sort]=desc&_sortModel[0][colId]=payment.payment_time`, schema: nonEmpty(payment) },
  'POST payment': { method: 'POST', path: 'payment', body: { company_id: adam.id, currency: adam.currency, description: 'Schema check', status: 'Completed', total: 0 }, schema: payment },
  'GET package': { path: `package?s=&company_id=${adam.id}`, schema: z.array(z.strictObject({ id: int, package_id: int, company_id: int, name: z.string(), type: z.array(z.string()), qty: int, retail: z.number().nullable(), setup_retail: z.number().nullable(), frequency: z.enum(['month', 'week', 'day', 'year']).nullable(), minutes: int, minutes_used: int, currency, start_date: day })).length(4) },
  'GET setup/package': { path: 'setup/package', schema: nonEmpty(z.strictObject({ id: int, name: z.string(), type: z.array(z.string()), retail: z.number().nullable(), setup_retail: z.number().nullable(), frequency: z.string().nullable(), minutes: int, currency })) },
  'GET routing': { path: `routing?s=&company_id=${adam.id}`, schema: nonEmpty(z.strictObject({ id: int, company_id: int, card_id: z.string(), name: z.string(), tech_prefix: z.string(), priority: int, status: z.enum(['Enabled', 'Disabled']), capacity: int, active_rev: int.optional() })) },
  'GET card': { path: 'card?s=wholesale&_startRow=0&_endRow=100', schema: z.array(z.strictObject({ id: cardId, name: z.string().includes('Wholesale'), currency, direction: z.literal('Termination'), provider_id: int.nullable(), active_rev: int, count: int })).length(3) },
  'GET card/<id>': { path: `card/${sellCard.id}`, schema: z.strictObject({ id: cardId, name: z.string(), currency, direction: z.literal('Termination'), strategy: z.string(), provider_id: int.nullable(), parent_card_ids: z.array(cardId), active_rev: int, max_rev: int, revisions: nonEmpty(z.strictObject({ rev: int, created: sqlTime, count: int })), count: int, updated: sqlTime }) },
  'GET card/<id>/rev/<rev>/rule': { path: `card/${sellCard.id}/rev/${sellCard.active_rev}/rule?limit=1000&offset=0`, schema: nonEmpty(rateRule) },
  'GET setup/server/rtp-group': { path: 'setup/server/rtp-group', schema: z.array(z.strictObject({ id: int, name: z.string(), status: z.union([z.literal(0), z.literal(1)]), alt: int.nullable(), transcoding: int, location: z.string(), elastic: int, max_server_per_sip: int })).length(11) },
  'GET setup/rtp': { path: 'setup/rtp', schema: nonEmpty(z.strictObject({ id: int, alias: z.string(), zone: z.string(), ip: z.string(), rtp_group_id: int })) },
  'GET docs': { path: 'docs?s=one%20way%20audio', schema: nonEmpty(z.strictObject({ public_url: z.string().startsWith('https://docs.connexcs.com/'), link: z.string(), body: z.string().startsWith('<p>') })) },
  'GET docs/<path>': { path: 'docs/guides/tshoot-signal', schema: z.string().startsWith('# Troubleshooting Call Signalling\n\n<details> <summary><strong>Document Metadata</strong></summary>'), text: 'text/markdown; charset=utf-8' },
  'GET did': { path: 'did?s=&_startRow=0&_endRow=100&_pivotMode=false&customer_id=[null]', schema: nonEmpty(did.extend({ customer_id: z.null() })) },
  'GET did/<id>': { path: `did/${unassigned.id}`, schema: did },
  'PUT did/<id>': { method: 'PUT', path: `did/${unassigned.id}`, body: { customer_id: null }, schema: z.strictObject({ status: z.literal('OK') }) },
  'GET sim/scenarios': { path: 'sim/scenarios', schema: z.array(scenarioEntry).length(27) }
}

describe('every endpoint of the simulated switch', () => {
  it('has a shape to check against', () => {
    expect(Object.keys(cases).toSorted()).toEqual([...ENDPOINTS].toSorted())
  })

  for (const [name, c] of Object.entries(cases)) {
    it(`${name} answers its documented shape`, async () => {
      const response = await sw.api({ user: 'u', method: c.method ?? 'GET', path: c.path, ...(c.body === undefined ? {} : { body: c.body }) })
      expect(response.status).toBe(200)
      expect((response as { contentType?: string }).contentType).toBe(c.text)
      const body = c.text === undefined ? JSON.parse(response.body) : response.body
      const result = c.schema.safeParse(body)
      expect(result.success ? 'ok' : result.error.message).toBe('ok')
    })
  }
})

describe('invalid queries get a 400 that says what is wrong', () => {
  const bad: [string, 'GET' | 'POST', string, unknown, string][] = [
    ['cdr without dt', 'POST', 'cdr', { field: ['callid'], where: { rules: [] } }, 'where.rules must bound dt (e.g. { field: "dt", condition: ">=", data: "2026-11-01 00:00:00" }): the CDR is searched by date'],
    ['cdr unknown field', 'POST', 'cdr', { field: ['colour'], where: { rules: range } }, 'Unknown CDR field in field: "colour"'],
    ['cdr bad condition', 'POST', 'cdr', { field: ['callid'], where: { rules: [...range, { field: 'duration', condition: '~', data: 1 }] } }, 'where.rules[2].condition must be one of =, !=, <>, >, >=, <, <=, like, not like, in, not in; got "~"'],
    ['cdr limit', 'POST', 'cdr', { field: ['callid'], where: { rules: range }, limit: 5001 }, 'limit must be a whole number from 1 to 5000; got 5001'],
    ['cdr nested rules', 'POST', 'cdr', { field: ['callid'], where: { rules: [...range, { condition: 'OR', rules: [] }] } }, 'where.rules[2]: nested rule groups are not supported; give a flat list of conditions (they are ANDed)'],
    ['cdr bad dt', 'POST', 'cdr', { field: ['callid'], where: { rules: [{ field: 'dt', condition: '>=', data: 'yesterday' }] } }, 'CDR field dt takes "YYYY-MM-DD HH:MM:SS" (UTC); got "yesterday"'],
    ['sql group by', 'POST', 'setup/query/0/run', { _src: 'cdr', _query: 'SELECT customer_id FROM cdr WHERE dt >= \'2026-11-01\' GROUP BY customer_id' }, 'Unsupported SQL: GROUP BY. The simulated switch runs only SELECT <columns or *> FROM cdr [WHERE a AND b …] [ORDER BY …] [LIMIT n], with =, !=, <>, <, <=, >, >=, LIKE, NOT LIKE, IN, NOT IN and BETWEEN, on _src "cdr"; no GROUP BY, functions, joins or OR. For totals use breakout-aggrid; for rows POST cdr.'],
    ['sql userspace', 'POST', 'setup/query/0/run', { _src: 'userspace', _query: 'SELECT 1' }, '_src "userspace" is not available here: the simulated switch has the cdr database only (no userspace)'],
    ['sql missing param', 'POST', 'setup/query/0/run', { _src: 'cdr', _query: 'SELECT callid FROM cdr WHERE dt >= :start' }, 'Missing parameter :start: send it in the body next to _query'],
    ['breakout bad group', 'GET', 'breakout-aggrid?_rowGroupCols[0][field]=colour', undefined, 'Invalid _rowGroupCols field: colour (one of customer_id, provider_id, customer_card_dest_name, provider_card_dest_name, dt, hour)'],
    ['breakout bad filter', 'GET', 'breakout-aggrid?_filterModel[dt][type]=between', undefined, 'Invalid _filterModel[dt][type]: between (equals, notEqual, lessThan, lessThanOrEqual, greaterThan, greaterThanOrEqual, inRange, contains, notContains, startsWith, endsWith, blank, notBlank)'],
    ['rules limit', 'GET', `card/${sellCard.id}/rev/${sellCard.active_rev}/rule?limit=10001`, undefined, 'Invalid limit: 10001 (a whole number from 1 to 10000)'],
    ['grid rows', 'GET', 'payment?_startRow=10&_endRow=5', undefined, 'Invalid _endRow: 5 is before _startRow 10'],
    ['trace without callid', 'GET', 'log/trace', undefined, 'Missing required query parameter: callid']
  ]
  for (const [name, method, path, body, message] of bad) {
    it(name, async () => {
      expect(await api.call(method, path, body)).toMatchObject({ status: 400, body: { error: message } })
    })
  }
})
