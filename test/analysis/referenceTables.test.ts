import { describe, expect, it } from 'vitest'
import { listedSipCodes, q850CausesMarkdown, REFERENCE_TABLES, sipCodesMarkdown, switchReasonPhrase,
  switchReasonsMarkdown } from '../../src/analysis/referenceTables'
import { Q850_NAMES, SWITCH_REASONS } from '../../src/analysis/sipCodes'

/** The rows of a markdown table: the cells of each line that starts with |, the header first, the |---| rule left out. */
function rows (markdown: string): string[][] {
  return markdown.split('\n').filter(line => line.startsWith('| ')).map(line => line.slice(2, -2).split(' | '))
}

describe('reference tables as markdown', () => {
  it('lists every SIP code that has a row of its own, and only those', () => {
    expect(listedSipCodes().map(c => c.code)).toEqual([400, 401, 402, 403, 404, 405, 406, 407, 408, 410, 413, 414, 415, 416, 420, 421, 422, 423,
      428, 433, 436, 437,
      438, 480, 481, 482, 483, 484, 485, 486, 487, 488, 491, 500, 501, 502, 503, 504, 505, 513, 580, 600, 603, 604, 606, 607, 608])
  })

  it('renders the SIP codes table: one row per code, seven cells each', () => {
    const table = rows(sipCodesMarkdown())
    expect(table[0]).toEqual(['code', 'name', 'kind', 'usual cause', 'what to do', 'Q.850', 'reroute'])
    expect(table).toHaveLength(1 + 47)
    expect(table.every(r => r.length === 7)).toBe(true)
    expect(table.find(r => r[0] === '486')).toEqual(['486', 'Busy Here', 'user', 'the called party is busy', 'Nothing to fix: a normal outcome.',
      '17 (User busy)', 'no'])
    expect(table.find(r => r[0] === '422')![5]).toBe('')
    expect(sipCodesMarkdown().startsWith('# SIP response codes on a Class 4 switch\n')).toBe(true)
  })

  it('renders every Q.850 cause with a meaning and its SIP response', () => {
    const table = rows(q850CausesMarkdown())
    expect(table).toHaveLength(1 + Object.keys(Q850_NAMES).length)
    expect(table.slice(1).every(r => r.length === 4 && r[2] !== '')).toBe(true)
    expect(table.find(r => r[0] === '34')).toEqual(['34', 'No circuit/channel available',
      'No circuit or channel is free: the route is congested.', '503 Service Unavailable'])
    expect(table.find(r => r[0] === '16')![3]).toBe('BYE or CANCEL (not a response)')
    expect(table.find(r => r[0] === '6')![3]).toBe('')
  })

  it('renders the switch\'s refusals with their reason phrases', () => {
    expect(SWITCH_REASONS.map(switchReasonPhrase)).toEqual(['IP Not Authorised', 'Unknown User', 'Insufficient Balance', 'Not accepting calls',
      'Blocked by Dial plan',
      'No Routes Available (Pre)', 'No Routes Available (Lock)', 'No Routes Available (Profit Assurance)', 'No Routes Available (U)',
      'LCR Unavailable', 'No Route Available'])
    const table = rows(switchReasonsMarkdown())
    expect(table).toHaveLength(1 + SWITCH_REASONS.length)
    expect(table[7]!.slice(0, 2)).toEqual(['no_route', 'No Routes Available (Lock)'])
  })

  it('offers each table as a resource with a unique URI', () => {
    expect(REFERENCE_TABLES.map(t => t.uri)).toEqual(['connexcs-reference://sip-response-codes', 'connexcs-reference://q850-causes',
      'connexcs-reference://switch-refusals'])
    for (const table of REFERENCE_TABLES) {
      expect(table.uri.endsWith(table.name)).toBe(true)
      expect(table.render().startsWith(`# ${table.title.split(' ')[0]}`) || table.render().startsWith('# Refusals')).toBe(true)
      expect(table.render().length).toBeLessThan(20_000)
    }
  })
})
