import { describe, expect, it } from 'vitest'
import { testSwitch } from '../helpers/platform'
import { switchClient } from '../helpers/switchApi'

/**
 * The traffic report (`GET breakout-aggrid`) and the CDR (`POST cdr`) of the simulated switch
 * describe the same calls: for a whole month and for a filtered slice, answered calls, minutes and
 * charges per currency agree, and both agree with the switch's own calls.
 */

const sw = testSwitch()
const api = switchClient(sw)
const { data } = sw
const DAY = 86_400_000
const sql = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').slice(0, 19)
const FIRST = Math.floor((data.now_ms - 30 * DAY) / DAY) * DAY
const DAYS = Array.from({ length: 31 }, (_, i) => FIRST + i * DAY)
const enc = encodeURIComponent
const VALUES = ['attempts', 'connected', 'duration', 'customer_duration', 'provider_duration', 'customer_charge', 'provider_charge']
const report = (groups: string[], filters: Record<string, [string, string, string?]> = {}): Promise<any[]> => api.get('breakout-aggrid?_startRow=0&_endRow=100000' +
  groups.map((g, i) => `&_rowGroupCols[${i}][field]=${g}`).join('') +
  VALUES.map((v, i) => `&_valueCols[${i}][field]=${v}&_valueCols[${i}][aggFunc]=sum`).join('') +
  Object.entries({ dt: ['inRange', sql(FIRST), sql(data.now_ms)] as [string, string, string], ...filters })
    .map(([col, [type, filter, to]]) => `&_filterModel[${col}][type]=${type}&_filterModel[${col}][filter]=${enc(filter)}${to === undefined ? '' : `&_filterModel[${col}][filterTo]=${enc(to)}`}`).join(''))

/** Every CDR row of the month, a day per query (each under the 5,000-row limit). */
async function monthOfCdr (rules: unknown[] = []): Promise<any[]> {
  const days = await Promise.all(DAYS.map(day => api.post('cdr', {
    field: ['callid', 'dt', 'duration', 'customer_duration', 'provider_duration', 'customer_charge', 'customer_card_currency', 'provider_charge', 'provider_card_currency'],
    where: { rules: [{ field: 'dt', condition: '>=', data: sql(day) }, { field: 'dt', condition: '<=', data: sql(day + DAY - 1000) }, ...rules] },
    limit: 5000
  })))
  for (const rows of days) expect(rows.length).toBeLessThan(5000)
  return days.flat()
}

function money (rows: any[], amount: string, currency: string): Record<string, number> {
  const out: Record<string, number> = {}
  for (const r of rows) {
    if (typeof r[amount] === 'object') for (const [c, v] of Object.entries(r[amount] as Record<string, number>)) out[c] = (out[c] ?? 0) + v
    else if (r[amount] !== 0) out[r[currency]] = (out[r[currency]] ?? 0) + r[amount]
  }
  return Object.fromEntries(Object.entries(out).sort().map(([c, v]) => [c, Math.round(v * 1000) / 1000]))
}

const sum = (rows: any[], key: string): number => rows.reduce((s, r) => s + r[key], 0)

/** Same currencies, same amounts: the report rounds each group to 4 decimals, so a month of days may differ by a few ten-thousandths. */
function sameMoney (report: Record<string, number>, cdr: Record<string, number>): void {
  expect(Object.keys(report)).toEqual(Object.keys(cdr))
  for (const [currency, amount] of Object.entries(cdr)) expect(Math.abs(report[currency]! - amount)).toBeLessThan(0.005)
}

describe('breakout-aggrid and POST cdr agree', () => {
  it('over 30 days: answered calls, minutes and charges per currency, day by day', async () => {
    const cdr = await monthOfCdr()
    const byDay = await report(['dt'])
    const answered = data.calls.filter(c => c.answer_ms !== null && c.start_ms >= FIRST)
    expect(cdr).toHaveLength(answered.length)
    expect(new Set(cdr.map(r => r.callid)).size).toBe(answered.length)
    expect(sum(byDay, 'connected')).toBe(answered.length)
    expect(sum(byDay, 'duration')).toBe(sum(cdr, 'duration'))
    expect(sum(byDay, 'duration')).toBe(answered.reduce((s, c) => s + c.duration_s, 0))
    expect(sum(byDay, 'customer_duration')).toBe(sum(cdr, 'customer_duration'))
    expect(sum(byDay, 'provider_duration')).toBe(sum(cdr, 'provider_duration'))
    sameMoney(money(byDay, 'customer_charge', ''), money(cdr, 'customer_charge', 'customer_card_currency'))
    sameMoney(money(byDay, 'provider_charge', ''), money(cdr, 'provider_charge', 'provider_card_currency'))
    expect(Object.keys(money(cdr, 'customer_charge', 'customer_card_currency'))).toEqual(['EUR', 'GBP', 'USD'])
    for (const row of byDay) {
      const day = cdr.filter(r => r.dt.startsWith(row.dt))
      expect([row.dt, row.connected, row.duration]).toEqual([row.dt, day.length, sum(day, 'duration')])
    }
    // Attempts: one per carrier tried, or one for a call refused before any carrier.
    expect(sum(byDay, 'attempts')).toBe(data.calls.filter(c => c.start_ms >= FIRST).reduce((s, c) => s + Math.max(1, c.attempts.length), 0))
  })

  it('for a slice: one carrier on one destination, filtered on both sides', async () => {
    const crown = data.carriers.find(c => c.name === 'Crown Fixed Lines')!.id
    const rows = await report(['provider_id', 'customer_card_dest_name'], { provider_id: ['equals', String(crown)], customer_card_dest_name: ['equals', 'United Kingdom - London'] })
    expect(rows).toHaveLength(1)
    const cdr = await monthOfCdr([{ field: 'provider_id', condition: '=', data: crown }, { field: 'customer_card_dest_name', condition: '=', data: 'United Kingdom - London' }])
    expect(cdr.length).toBeGreaterThan(500)
    expect([rows[0].connected, rows[0].duration, rows[0].customer_duration]).toEqual([cdr.length, sum(cdr, 'duration'), sum(cdr, 'customer_duration')])
    sameMoney(money(rows, 'customer_charge', ''), money(cdr, 'customer_charge', 'customer_card_currency'))
    sameMoney(money(rows, 'provider_charge', ''), money(cdr, 'provider_charge', 'provider_card_currency'))
  })

  it('groups by hour: every hour of a day adds up to the day, and filters by the hour\'s time', async () => {
    const day = sql(data.now_ms - 2 * DAY).slice(0, 10)
    const range = { dt: ['inRange', `${day} 00:00:00`, `${day} 23:59:59`] as [string, string, string] }
    const hours = await report(['hour'], range)
    const [whole] = await report(['dt'], range)
    expect(hours).toHaveLength(24)
    expect(hours.map(h => h.hour)).toEqual(Array.from({ length: 24 }, (_, h) => `${day} ${String(h).padStart(2, '0')}:00:00`))
    expect([sum(hours, 'attempts'), sum(hours, 'connected'), sum(hours, 'duration')]).toEqual([whole.attempts, whole.connected, whole.duration])
    const [six] = await report(['hour'], { dt: ['inRange', `${day} 06:00:00`, `${day} 06:59:59`] })
    expect(six).toEqual(hours[6])
    const atSix = data.calls.filter(c => sql(c.start_ms).startsWith(`${day} 06`))
    expect(six.attempts).toBe(atSix.reduce((s, c) => s + Math.max(1, c.attempts.length), 0))
  })
})
