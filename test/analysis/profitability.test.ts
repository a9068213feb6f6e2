import { describe, expect, it } from 'vitest'
import { destinationNames, groupFigures, profitGroups, rankGroups, totalsOf, withAccountMargin } from '../../src/analysis/profitability'
import { cdrRows } from '../../platform/switch/cdr'
import { NOW_MS, testSwitch } from '../helpers/platform'
import { switchClient } from '../helpers/switchApi'

const row = (customer: number, provider: number, attempts: number, connected: number, duration: number, revenue: Record<string, number>, cost: Record<string, number>, profit?: number) =>
  ({ customer_id: customer, provider_id: provider, attempts, connected, duration, customer_charge: revenue, provider_charge: cost, ...(profit === undefined ? {} : { account_profit: profit }) })

describe('groupFigures', () => {
  it('weights ASR and ACD by attempts and answered calls, not by a mean of the rows\' ratios', () => {
    // Row ASRs 100 % and 10 %: their mean would be 55 %; the attempts say 11 of 101.
    const g = groupFigures({ customer_id: 1 }, [row(1, 311, 1, 1, 600, { GBP: 1 }, { GBP: 0.5 }), row(1, 318, 100, 10, 300, { GBP: 2 }, { GBP: 1.5 })])
    expect(g).toEqual({
      key: { customer_id: 1 },
      attempts: 101,
      connected: 11,
      duration_s: 900,
      minutes: 15,
      asr_pct: 10.89,
      acd_s: 81.8,
      revenue: { GBP: 3 },
      cost: { GBP: 2 },
      margin: { net: { GBP: 1 }, currency: 'GBP', profit: 1, margin_pct: 33.33 },
      account_profit: null
    })
  })

  it('keeps each currency apart, and has no ratio without attempts or calls', () => {
    const g = groupFigures({}, [row(1, 311, 0, 0, 0, { GBP: 11.74 }, { USD: 14.62 }, 0.19)])
    expect([g.asr_pct, g.acd_s, g.revenue, g.cost, g.margin.profit, g.margin.net, g.account_profit]).toEqual([null, null, { GBP: 11.74 }, { USD: 14.62 }, null, { GBP: 11.74, USD: -14.62 }, 0.19])
  })

  it('reads the report\'s nested destination names', () => {
    expect(destinationNames([['', 'UK - Mobile'], ['UK - Fixed']])).toEqual(['UK - Fixed', 'UK - Mobile'])
    expect([destinationNames('UK - Mobile'), destinationNames(null)]).toEqual([['UK - Mobile'], []])
  })
})

describe('rankGroups', () => {
  const groups = profitGroups([
    row(1, 0, 10, 5, 600, { GBP: 10 }, { GBP: 6 }, 4),
    row(2, 0, 50, 20, 3000, { GBP: 30 }, { GBP: 29 }, 1),
    row(3, 0, 5, 2, 120, { USD: 100 }, { USD: 50 }, 39.37),
    row(4, 0, 8, 4, 240, { GBP: 5 }, { USD: 1 }, 4.21),
    row(2, 0, 10, 5, 60, { GBP: 1 }, {}, 0.9)
  ], ['customer_id'])

  it('sums the rows of one group first', () => {
    expect(groups.map(g => [g.key.customer_id, g.attempts, g.revenue])).toEqual([[1, 10, { GBP: 10 }], [2, 60, { GBP: 31 }], [3, 5, { USD: 100 }], [4, 8, { GBP: 5 }]])
  })

  it('ranks money in one currency (the others last) or by the API\'s account profit, and sums the rest', () => {
    expect(rankGroups(groups, 'profit', { limit: 4, currency: 'GBP' }).top.map(g => g.key.customer_id)).toEqual([4, 1, 2, 3])
    const byAccount = rankGroups(groups, 'account_profit', { limit: 2 })
    expect(byAccount.top.map(g => g.key.customer_id)).toEqual([3, 4])
    expect(byAccount.rest).toMatchObject({ groups: 2, attempts: 70, connected: 30, revenue: { GBP: 41 }, cost: { GBP: 35 }, account_profit: 5.9, asr_pct: 42.86 })
    const margin = rankGroups(groups, 'margin', { limit: 10, currency: 'GBP' })
    expect([margin.top.map(g => g.key.customer_id), margin.unranked]).toEqual([[1, 2, 4, 3], 2])
    expect(rankGroups(groups, 'minutes', { limit: 1, ascending: true }).top.map(g => g.key.customer_id)).toEqual([3])
    expect(rankGroups(groups, 'attempts', { limit: 10 }).rest).toBeNull()
  })
})

describe('on the simulated switch', () => {
  it('gives per-currency revenue and cost per customer equal to the CDR\'s own sums for 30 days', async () => {
    const sw = testSwitch()
    const api = switchClient(sw)
    const from = new Date(NOW_MS - 30 * 86_400_000).toISOString().slice(0, 19).replace('T', ' ')
    const to = new Date(NOW_MS).toISOString().slice(0, 19).replace('T', ' ')
    const rows = await api.get('breakout-aggrid?_startRow=0&_endRow=10000&_rowGroupCols[0][field]=customer_id&_rowGroupCols[1][field]=provider_id&_rowGroupCols[2][field]=customer_card_dest_name' +
      ['attempts', 'connected', 'duration', 'customer_charge', 'provider_charge', 'account_profit'].map((v, i) => `&_valueCols[${i}][field]=${v}&_valueCols[${i}][aggFunc]=sum`).join('') +
      `&_filterModel[dt][type]=inRange&_filterModel[dt][filter]=${encodeURIComponent(from)}&_filterModel[dt][filterTo]=${encodeURIComponent(to)}`)
    const groups = profitGroups(rows, ['customer_id'])
    const cdr = cdrRows(sw.data).filter(r => String(r.dt) >= from && String(r.dt) <= to)
    for (const g of groups) {
      const own = cdr.filter(r => r.customer_id === g.key.customer_id)
      const sum = (field: string, currencyField: string): Record<string, number> => {
        const out: Record<string, number> = {}
        for (const r of own) if (r[field] !== 0) out[String(r[currencyField])] = (out[String(r[currencyField])] ?? 0) + Number(r[field])
        return out
      }
      expect(g.connected).toBe(own.length)
      for (const [side, field, currency] of [['revenue', 'customer_charge', 'customer_card_currency'], ['cost', 'provider_charge', 'provider_card_currency']] as const) {
        const want = sum(field, currency)
        expect(Object.keys(g[side]).toSorted()).toEqual(Object.keys(want).toSorted())
        // Each report row rounds to 4 decimals.
        for (const [code, amount] of Object.entries(want)) expect(Math.abs(g[side][code]! - amount)).toBeLessThan(0.00005 * rows.length)
      }
    }
    const totals = totalsOf(groups)
    expect(totals.connected).toBe(cdr.length)
    expect(totals.attempts).toBe(sw.data.calls.filter(c => c.start_ms >= NOW_MS - 30 * 86_400_000).reduce((s, c) => s + Math.max(1, c.attempts.length), 0))
  })
})

describe('withAccountMargin', () => {
  it('takes the API\'s account-currency profit against revenue in that currency, when costs are in several', () => {
    const mixed = groupFigures({ customer_id: 1 }, [row(1, 0, 10, 5, 600, { GBP: 4 }, { GBP: 1, USD: 2 }, 1.5)])
    expect(mixed.margin.margin_pct).toBe(null)
    expect(withAccountMargin(mixed, 'GBP').margin).toEqual({
      net: { GBP: 3, USD: -2 }, currency: 'GBP', profit: 1.5, margin_pct: 37.5,
      why: 'costs are in several currencies: profit is the API\'s, in GBP, against revenue in GBP'
    })
    // Revenue in another currency, or no account profit: nothing to compare; a margin already there stays.
    expect(withAccountMargin(mixed, 'USD')).toBe(mixed)
    const noProfit = groupFigures({}, [row(1, 0, 10, 5, 600, { GBP: 4 }, { USD: 2 })])
    expect(withAccountMargin(noProfit, 'GBP')).toBe(noProfit)
    const single = groupFigures({}, [row(1, 0, 10, 5, 600, { USD: 4 }, { USD: 1 }, 2.2)])
    expect(withAccountMargin(single, 'GBP').margin).toMatchObject({ currency: 'USD', profit: 3, margin_pct: 75 })
  })
})
