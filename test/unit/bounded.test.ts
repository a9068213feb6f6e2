import { describe, expect, it } from 'vitest'
import { HARD_CAP_BYTES, toBoundedJson, utf8Length } from '../../src/lib/bounded'

describe('utf8Length', () => {
  it('counts UTF-8 bytes like Node does', () => {
    for (const text of ['', 'abc', 'é', '→', '€100', '😀 call', 'Zoë → 447700900123 ✓']) {
      expect(utf8Length(text)).toBe(Buffer.byteLength(text))
    }
  })
})

describe('toBoundedJson', () => {
  it('leaves a result under the cap untouched', () => {
    const result = { summary: 's', items: [1, 2, 3], next_steps: [] }
    expect(toBoundedJson(result, 1000)).toBe(JSON.stringify(result))
  })

  it('cuts the largest array until the result fits, and says what was cut', () => {
    const rows = Array.from({ length: 100 }, (_, i) => ({ n: i, text: 'x'.repeat(40) }))
    const out = toBoundedJson({ summary: 'Big.', rows, small: [1, 2], next_steps: [{ tool: 't', args: {}, why: 'w' }] }, 2000)
    expect(Buffer.byteLength(out)).toBeLessThanOrEqual(2000)
    const parsed = JSON.parse(out)
    expect(Object.keys(parsed)).toEqual(['summary', 'rows', 'small', 'truncated', 'next_steps'])
    expect(parsed.rows).toHaveLength(28)
    expect(parsed.rows[27].n).toBe(27)
    expect(parsed.small).toEqual([1, 2])
    expect(parsed.truncated).toEqual({
      note: 'Result cut to fit the 2 KB output cap.',
      cut: [{ field: 'rows', kept: 28, of: 100 }],
      hint: 'Narrow the query (a shorter date range, a filter, a smaller limit) or page with next_cursor.'
    })
    expect(parsed.next_steps).toEqual([{ tool: 't', args: {}, why: 'w' }])
  })

  it('cuts long strings when no array can shrink', () => {
    const out = toBoundedJson({ summary: 'Raw.', raw: 'y'.repeat(5000) }, 1500, 'Ask for fewer messages.')
    const parsed = JSON.parse(out)
    expect(Buffer.byteLength(out)).toBeLessThanOrEqual(1500)
    expect(parsed.raw).toBe('y'.repeat(1300) + '…')
    expect(parsed.truncated.cut).toEqual([{ field: 'raw', kept_chars: 1300 }])
    expect(parsed.truncated.hint).toBe('Ask for fewer messages.')
  })

  it('keeps any result under the hard cap, whatever its size', () => {
    const huge = { summary: 'Huge.', calls: Array.from({ length: 100_000 }, (_, i) => ({ callid: `c${i}`, legs: [{ msg: 'INVITE sip:x SIP/2.0' }] })) }
    const out = toBoundedJson(huge)
    expect(Buffer.byteLength(out)).toBeLessThanOrEqual(HARD_CAP_BYTES)
    expect(JSON.parse(out).truncated.cut[0]).toEqual({ field: 'calls', kept: 314, of: 100_000 })
  })
})
