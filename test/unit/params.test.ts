import { describe, expect, it } from 'vitest'
import { ToolError } from '../../src/lib/errors'
import { isCalendarDate, parseArgs, type ParamSpecs } from '../../src/lib/params'

const specs = {
  callid: { type: 'string', description: 'SIP Call-ID.', required: true, maxLength: 10 },
  day: { type: 'string', description: 'A day.', format: 'date' },
  kind: { type: 'string', description: 'Kind.', enum: ['a', 'b'], default: 'a' },
  limit: { type: 'number', description: 'Rows.', default: 20, min: 1, max: 50, integer: true },
  raw: { type: 'boolean', description: 'Raw.' }
} as const satisfies ParamSpecs

function problem (raw: unknown): { message: string, parameter?: string } {
  try {
    parseArgs(specs, raw)
  } catch (error) {
    expect(error).toBeInstanceOf(ToolError)
    const e = error as ToolError
    expect(e.type).toBe('invalid_argument')
    return { message: e.message, parameter: e.details.parameter }
  }
  throw new Error('expected parseArgs to throw')
}

describe('parseArgs', () => {
  it('applies defaults and trims strings', () => {
    expect(parseArgs(specs, { callid: '  abc  ' })).toEqual({ callid: 'abc', kind: 'a', limit: 20 })
  })

  it('keeps given values of every type', () => {
    expect(parseArgs(specs, { callid: 'x', day: '2026-02-28', kind: 'b', limit: 5, raw: false }))
      .toEqual({ callid: 'x', day: '2026-02-28', kind: 'b', limit: 5, raw: false })
  })

  it('treats an empty optional string as absent, so its default applies', () => {
    expect(parseArgs(specs, { callid: 'x', kind: '', day: '  ' })).toEqual({ callid: 'x', kind: 'a', limit: 20 })
  })

  it('names a missing required parameter and says what it is', () => {
    expect(problem({})).toEqual({ message: 'callid is required: SIP Call-ID.', parameter: 'callid' })
    expect(problem({ callid: '   ' })).toEqual({ message: 'callid is required and must not be empty: SIP Call-ID.', parameter: 'callid' })
  })

  it('explains a mistyped value and how to send it', () => {
    expect(problem({ callid: 'x', limit: '10' }).message).toBe('limit must be a number, got the string "10"; send it as a JSON number: 10.')
    expect(problem({ callid: 7 }).message).toBe('callid must be a string, got number 7; send it as a JSON string.')
    expect(problem({ callid: 'x', raw: 'yes' }).message).toBe('raw must be a boolean, got the string "yes"; send true or false.')
  })

  it('checks enums, ranges, whole numbers, lengths and dates', () => {
    expect(problem({ callid: 'x', kind: 'c' }).message).toBe('kind must be one of \'a\', \'b\'; got the string "c".')
    expect(problem({ callid: 'x', limit: 51 }).message).toBe('limit must be between 1 and 50; got 51.')
    expect(problem({ callid: 'x', limit: 2.5 }).message).toBe('limit must be a whole number; got 2.5.')
    expect(problem({ callid: '12345678901' }).message).toBe('callid is 11 characters long; the most it can be is 10.')
    expect(problem({ callid: 'x', day: '2026-02-30' }).message).toBe('day must be a date written YYYY-MM-DD (UTC), e.g. 2026-01-31; got the string "2026-02-30".')
  })

  it('refuses unknown arguments and suggests the parameter meant', () => {
    expect(problem({ callid: 'x', Limit: 5 })).toEqual({
      message: 'Limit is not a parameter of this tool; did you mean limit? (known parameters: callid, day, kind, limit, raw).',
      parameter: 'Limit'
    })
    expect(problem({ call_id: 'x' }).message).toBe(
      'call_id is not a parameter of this tool; did you mean callid? (known parameters: callid, day, kind, limit, raw). callid is required: SIP Call-ID.'
    )
    expect(problem({ callid: 'x', zzzzzz: 1 }).message).toBe('zzzzzz is not a parameter of this tool (known parameters: callid, day, kind, limit, raw).')
  })

  it('takes a JSON number as text for a name-or-id parameter, and only there', () => {
    const who = { customer_id: { type: 'string', description: 'Customer name or id.', maxLength: 20, acceptsNumber: true } } as const satisfies ParamSpecs
    expect(parseArgs(who, { customer_id: 105243 })).toEqual({ customer_id: '105243' })
    expect(parseArgs(who, { customer_id: ' Acme Telecom ' })).toEqual({ customer_id: 'Acme Telecom' })
    expect(() => parseArgs(who, { customer_id: true })).toThrow('customer_id must be a name (string) or an id (number), got boolean true.')
    expect(() => parseArgs(who, { customer_id: Number.NaN })).toThrow('customer_id must be a name (string) or an id (number), got number NaN.')
    expect(problem({ callid: 7 }).message).toBe('callid must be a string, got number 7; send it as a JSON string.')
  })

  it('refuses arguments that are not an object, naming them', () => {
    expect(problem(['x'])).toEqual({ message: 'The arguments must be a JSON object of named parameters; got an array', parameter: 'arguments' })
  })

  it('refuses a string with a lone UTF-16 surrogate, naming the parameter', () => {
    expect(problem({ callid: '\ud800' })).toEqual({
      message: 'callid is not valid Unicode text: it has a lone UTF-16 surrogate (\\ud800) at character 0; send well-formed text.', parameter: 'callid'
    })
    expect(problem({ callid: 'ab\udc00' }).message).toBe('callid is not valid Unicode text: it has a lone UTF-16 surrogate (\\udc00) at character 2; send well-formed text.')
    // A pair is text: 😀 is \ud83d\ude00.
    expect(parseArgs(specs, { callid: 'a\ud83d\ude00' }).callid).toBe('a😀')
  })

  it('quotes at most 40 characters of any input, and lists at most five problems', () => {
    const huge = 'q'.repeat(100_000)
    const unknown = problem({ callid: 'x', [huge]: 1 })
    expect(unknown).toEqual({ message: `${'q'.repeat(40)}… is not a parameter of this tool (known parameters: callid, day, kind, limit, raw).`, parameter: `${'q'.repeat(40)}…` })
    expect(problem({ callid: 'x', kind: huge }).message).toBe(`kind is 100000 characters long; the most it can be is 1000.`)
    expect(problem({ callid: 'x', kind: 'c'.repeat(500) }).message).toBe(`kind must be one of 'a', 'b'; got the string "${'c'.repeat(40)}…".`)
    // A cut never splits a surrogate pair.
    expect(problem({ callid: 'x', day: `${'d'.repeat(39)}😀😀` }).message).toBe(`day must be a date written YYYY-MM-DD (UTC), e.g. 2026-01-31; got the string "${'d'.repeat(39)}…".`)
    const many = problem(Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`zz${i}`, 1])))
    expect(many.message).toBe([0, 1, 2, 3, 4].map(i => `zz${i} is not a parameter of this tool (known parameters: callid, day, kind, limit, raw)`).join('. ') + '. 4 more not listed.')
  })

  it('accepts no arguments for a tool without parameters', () => {
    expect(parseArgs({}, undefined)).toEqual({})
    expect(() => parseArgs({}, { a: 1 })).toThrow('a is not a parameter of this tool (this tool takes no parameters).')
  })
})

describe('isCalendarDate', () => {
  it('accepts real dates only', () => {
    expect(['2024-02-29', '2026-12-31', '2026-01-01'].map(isCalendarDate)).toEqual([true, true, true])
    expect(['2025-02-29', '2026-13-01', '2026-1-01', '26-01-01', '2026-01-01T00:00'].map(isCalendarDate)).toEqual([false, false, false, false, false])
  })
})
