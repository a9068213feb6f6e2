import { describe, expect, it } from 'vitest'
import { billedSeconds } from '../../platform/switch/numbering'
import { testSwitch } from '../helpers/platform'
import { switchClient } from '../helpers/switchApi'

const sw = testSwitch()
const api = switchClient(sw)
const { data } = sw
const DAY_RANGE = [{ field: 'dt', condition: '>=', data: '2026-11-23 00:00:00' }, { field: 'dt', condition: '<=', data: '2026-11-23 23:59:59' }]
const onDay = (ms: number): boolean => new Date(ms).toISOString().startsWith('2026-11-23')
const round = (value: number, places: number): number => Math.round(value * 10 ** places) / 10 ** places

describe('POST cdr', () => {
  it('has one row per connected call in the range, with only the fields asked for', async () => {
    const rows = await api.post('cdr', { field: ['callid', 'duration'], where: { rules: DAY_RANGE }, limit: 5000, order: [] })
    const connected = data.calls.filter(c => c.answer_ms !== null && onDay(c.start_ms))
    expect(rows.map((r: any) => r.callid).toSorted()).toEqual(connected.map(c => c.callid).toSorted())
    expect(Object.keys(rows[0]).toSorted()).toEqual(['callid', 'duration'])
  })

  it('rates both sides with their own increments', async () => {
    const call = data.calls.find(c => c.answer_ms !== null && c.customer_rate!.mcd === 60 && c.attempts.at(-1)!.pulse === 1 && c.duration_s % 60 !== 0)!
    const [row] = await api.post('cdr', {
      field: ['customer_duration', 'customer_charge', 'customer_card_rate', 'provider_duration', 'provider_charge', 'provider_card_rate', 'duration'],
      where: { rules: [{ field: 'dt', condition: '>=', data: '2026-10-01' }, { field: 'callid', condition: '=', data: call.callid }] }
    })
    const rate = call.customer_rate!
    const attempt = call.attempts.at(-1)!
    expect(row).toEqual({
      duration: call.duration_s,
      customer_duration: Math.ceil(call.duration_s / 60) * 60,
      customer_charge: round(Math.ceil(call.duration_s / 60) * rate.rate + rate.connection_cost, 5),
      customer_card_rate: rate.rate,
      provider_duration: billedSeconds(call.duration_s, attempt.mcd, 1),
      provider_charge: round(billedSeconds(call.duration_s, attempt.mcd, 1) / 60 * attempt.rate + attempt.connection_cost, 5),
      provider_card_rate: attempt.rate
    })
  })

  it('filters, orders and limits', async () => {
    const adam = data.customers.find(c => c.name === 'Adam Communications')!
    const rows = await api.post('cdr', {
      field: ['dt', 'duration', 'dest_number'],
      where: { rules: [...DAY_RANGE, { field: 'customer_id', condition: '=', data: String(adam.id) }, { field: 'duration', condition: '>', data: 60 }, { field: 'dest_number', condition: 'like', data: '44%' }] },
      order: [{ field: 'duration', direction: 'DESC' }],
      limit: 3
    })
    const expected = data.calls.filter(c => c.answer_ms !== null && onDay(c.start_ms) && c.customer_id === adam.id && c.duration_s > 60 && c.dest_number.startsWith('44'))
      .toSorted((a, b) => b.duration_s - a.duration_s).slice(0, 3)
    expect(rows.map((r: any) => r.duration)).toEqual(expected.map(c => c.duration_s))
    expect(rows).toHaveLength(3)
  })
})

describe('POST setup/query/0/run (the SQL subset)', () => {
  it('runs SELECT … FROM cdr WHERE … ORDER BY … LIMIT as the same search as POST cdr', async () => {
    const rows = await api.post('setup/query/0/run', {
      _src: 'cdr',
      _query: 'SELECT callid, duration FROM cdr WHERE dt BETWEEN :from AND :to AND provider_id IN (:p, 0) AND duration >= 30 ORDER BY duration DESC, callid LIMIT 10;',
      from: '2026-11-23 00:00:00',
      to: '2026-11-23 23:59:59',
      p: data.carriers.find(c => c.name === 'Crown Fixed Lines')!.id
    })
    const same = await api.post('cdr', {
      field: ['callid', 'duration'],
      where: { rules: [...DAY_RANGE, { field: 'provider_id', condition: 'in', data: [data.carriers.find(c => c.name === 'Crown Fixed Lines')!.id, 0] }, { field: 'duration', condition: '>=', data: 30 }] },
      order: [{ field: 'duration', direction: 'DESC' }, { field: 'callid', direction: 'ASC' }],
      limit: 10
    })
    expect(rows).toEqual(same)
    expect(rows).toHaveLength(10)
  })

  it('answers CSV when asked', async () => {
    const response = await api.call('POST', 'setup/query/0/run', { _src: 'cdr', _format: 'csv', _query: 'SELECT callid, duration FROM cdr WHERE dt >= \'2026-11-24 11:00:00\' ORDER BY dt DESC LIMIT 2' })
    const newest = data.calls.filter(c => c.answer_ms !== null).slice(0, 2)
    expect(response.text).toBe(`callid,duration\n${newest.map(c => `${c.callid},${c.duration_s}`).join('\n')}\n`)
  })

  it('names what it cannot run', async () => {
    for (const query of ['SELECT count() FROM cdr WHERE dt >= \'2026-11-01\'', 'SELECT * FROM breakout WHERE dt >= \'2026-11-01\'', 'SELECT callid FROM cdr WHERE dt >= \'2026-11-01\' OR duration > 5']) {
      const response = await api.call('POST', 'setup/query/0/run', { _src: 'cdr', _query: query })
      expect(response.status).toBe(400)
      expect(response.body.error).toMatch(/^Unsupported SQL: (function count\(\)|table breakout \(only cdr\)|OR)\. The simulated switch runs only SELECT/)
    }
  })
})

describe('GET breakout-aggrid', () => {
  const url = (groups: string[], filters = ''): string => 'breakout-aggrid?_startRow=0&_endRow=10000&_pivotMode=false' +
    groups.map((g, i) => `&_rowGroupCols[${i}][field]=${g}`).join('') +
    ['attempts', 'connected', 'duration', 'customer_charge'].map((v, i) => `&_valueCols[${i}][field]=${v}&_valueCols[${i}][aggFunc]=sum`).join('') +
    '&_filterModel[dt][type]=inRange&_filterModel[dt][filter]=2026-11-23%2000:00:00&_filterModel[dt][filterTo]=2026-11-23%2023:59:59' + filters

  it('agrees with the calls and the CDR', async () => {
    const day = data.calls.filter(c => onDay(c.start_ms))
    const rows = await api.get(url(['customer_id']))
    const total = (key: string): number => rows.reduce((s: number, r: any) => s + r[key], 0)
    // One attempt per carrier tried, or one for a call refused before any carrier.
    expect(total('attempts')).toBe(day.reduce((s, c) => s + Math.max(1, c.attempts.length), 0))
    expect(total('connected')).toBe(day.filter(c => c.answer_ms !== null).length)
    expect(total('duration')).toBe(day.reduce((s, c) => s + c.duration_s, 0))
    const cdr = await api.post('cdr', { field: ['customer_charge', 'customer_card_currency'], where: { rules: DAY_RANGE }, limit: 5000 })
    for (const currency of ['GBP', 'USD', 'EUR']) {
      const expected = cdr.filter((r: any) => r.customer_card_currency === currency).reduce((s: number, r: any) => s + r.customer_charge, 0)
      const got = rows.reduce((s: number, r: any) => s + (r.customer_charge[currency] ?? 0), 0)
      expect(Math.abs(got - expected)).toBeLessThan(0.001)
    }
  })

  it('groups by day and computes ASR and ACD per group', async () => {
    const [row] = await api.get(url(['dt']).replace(/&_valueCols.*?(?=&_filterModel)/, '&_valueCols[0][field]=attempts&_valueCols[0][aggFunc]=sum&_valueCols[1][field]=connected&_valueCols[1][aggFunc]=sum&_valueCols[2][field]=asr&_valueCols[2][aggFunc]=avg&_valueCols[3][field]=acd&_valueCols[3][aggFunc]=avg&_valueCols[4][field]=duration&_valueCols[4][aggFunc]=sum'))
    expect(row.dt).toBe('2026-11-23')
    expect(row.asr).toBe(round(row.connected / row.attempts * 100, 2))
    expect(row.acd).toBe(round(row.duration / row.connected, 2))
  })
})

describe('GET invoice/billed', () => {
  it('totals each customer\'s CDR per day; past months carry an invoice id', async () => {
    const adam = data.customers.find(c => c.name === 'Adam Communications')!
    const rows = await api.get(`invoice/billed?company_id=${adam.id}`)
    const day = rows.find((r: any) => r.cdr_date === '2026-11-23')
    const cdr = await api.post('cdr', { field: ['customer_charge'], where: { rules: [...DAY_RANGE, { field: 'customer_id', condition: '=', data: adam.id }] }, limit: 5000 })
    expect(day).toEqual({ invoice_id: null, company_id: adam.id, cdr_date: '2026-11-23', calls: cdr.length, duration: expect.any(Number), total: round(cdr.reduce((s: number, r: any) => s + r.customer_charge, 0), 4), currency: 'GBP' })
    expect(rows.find((r: any) => r.cdr_date.startsWith('2026-10')).invoice_id).toBe(202_610_000 + (adam.id % 1000))
  })
})

describe('GET docs', () => {
  it('searches the corpus and serves pages as markdown', async () => {
    expect((await api.get('docs?s=NAT%20one-way%20audio')).map((r: any) => r.link).slice(0, 3)).toContain('guides/tshoot-audio')
    expect(await api.get('docs?s=zzzz')).toEqual([])
    const page = await api.call('GET', 'docs/card/building.md')
    expect([page.status, page.text.split('\n')[0]]).toEqual([200, '# Building Rate Cards'])
  })
})
