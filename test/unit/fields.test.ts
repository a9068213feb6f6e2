import { describe, expect, it } from 'vitest'
import { ToolError } from '../../src/lib/errors'
import { parseFieldList } from '../../src/lib/fields'
import { paginate } from '../../src/lib/pagination'

const KNOWN = { dt: 'Date', callid: 'Call-ID', duration: 'Seconds' } as const

function refusal (text: string): { type: string, parameter?: string, message: string } {
  try {
    parseFieldList(text, KNOWN, 'fields', ['dt'])
  } catch (error) {
    expect(error).toBeInstanceOf(ToolError)
    const e = error as ToolError
    return { type: e.type, parameter: e.details.parameter, message: e.message }
  }
  throw new Error('expected parseFieldList to throw')
}

describe('parseFieldList', () => {
  it('gives the fields once each, in the order given, or the fallback', () => {
    expect(parseFieldList(' duration, dt ,duration,', KNOWN, 'fields', ['dt'])).toEqual(['duration', 'dt'])
    expect(parseFieldList(undefined, KNOWN, 'fields', ['dt', 'callid'])).toEqual(['dt', 'callid'])
  })

  it('refuses names every object answers to through its prototype: own keys only', () => {
    for (const name of ['toString', '__proto__', 'constructor', 'hasOwnProperty', 'valueOf']) {
      expect(refusal(`dt,${name}`)).toEqual({ type: 'invalid_argument', parameter: 'fields', message: `fields must be a comma-separated list of dt, callid, duration; unknown: ${name}` })
    }
  })

  it('refuses an empty list, and quotes at most five unknown names, each cut short', () => {
    expect(refusal(' , ').message).toBe('fields must be a comma-separated list of dt, callid, duration; unknown: (empty)')
    const long = 'y'.repeat(300)
    expect(refusal(`a,b,c,d,${long},f,g`).message).toBe(`fields must be a comma-separated list of dt, callid, duration; unknown: a, b, c, d, ${'y'.repeat(40)}…, and 2 more`)
  })
})

describe('paginate', () => {
  const items = Array.from({ length: 47 }, (_, i) => i)

  it('cuts pages and says where the next starts', () => {
    expect(paginate(items, undefined, 20)).toEqual({ items: items.slice(0, 20), total: 47, next_cursor: 'o20' })
    expect(paginate(items, 'o40', 20)).toEqual({ items: items.slice(40), total: 47 })
  })

  it('answers a cursor past the end with an empty last page that says so', () => {
    expect(paginate(items, 'o200', 20)).toEqual({ items: [], total: 47, past_end: true })
    expect(paginate(items, 'o47', 20)).toEqual({ items: [], total: 47, past_end: true })
    expect(paginate([], undefined, 20)).toEqual({ items: [], total: 0 })
  })

  it('refuses a cursor it did not issue, quoting a prefix of it only', () => {
    expect(() => paginate(items, `x${'9'.repeat(100)}`, 20)).toThrow(`cursor "x${'9'.repeat(39)}…" is not one this tool issued`)
  })
})
