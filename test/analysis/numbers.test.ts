import { describe, expect, it } from 'vitest'
import { countryCodeOf, fitsPlan, longestPrefix, normaliseNumber, numberProblems, PrefixIndex } from '../../src/analysis/numbers'

describe('normaliseNumber', () => {
  it('strips +, 00, 011, a tech prefix and URI wrapping, and finds the country code', () => {
    expect(normaliseNumber('+44 7700 900123')).toEqual({ input: '+44 7700 900123', digits: '447700900123', e164: '+447700900123', tech_prefix: null, international_prefix: '+', country_code: '44' })
    expect(normaliseNumber('0044-7700-900123')).toMatchObject({ digits: '447700900123', international_prefix: '00', country_code: '44' })
    expect(normaliseNumber('011 1 (415) 555-0123')).toMatchObject({ digits: '14155550123', e164: '+14155550123', international_prefix: '011', country_code: '1' })
    expect(normaliseNumber('7001#447700900123')).toMatchObject({ digits: '447700900123', tech_prefix: '7001', international_prefix: null, country_code: '44' })
    expect(normaliseNumber('sip:7001%23+447700900123@198.51.100.5;user=phone')).toMatchObject({ digits: '447700900123', tech_prefix: '7001', international_prefix: '+' })
    expect(normaliseNumber('"Bob" <tel:+12125550199>')).toMatchObject({ e164: '+12125550199', country_code: '1' })
    expect(normaliseNumber('9999447700900123', { techPrefixes: ['99', '9999'] })).toMatchObject({ digits: '447700900123', tech_prefix: '9999' })
  })

  it('leaves national numbers without an E.164 form', () => {
    expect(normaliseNumber('07700900123')).toMatchObject({ digits: '07700900123', e164: null, country_code: null })
  })

  it('knows the country codes, longest first', () => {
    expect(['447700900123', '14155550123', '35312345678', '8801712345678', '79161234567', '999'].map(countryCodeOf)).toEqual(['44', '1', '353', '880', '7', undefined])
  })
})

describe('numberProblems', () => {
  it('finds a country code dialled twice when the length proves it', () => {
    expect(numberProblems('44447700900123')).toEqual([{ kind: 'duplicated_country_code', detail: 'the country code 44 is there twice (44 44 7700900123)', corrected: '447700900123' }])
    expect(numberProblems('+1 1 415 555 0123')).toEqual([{ kind: 'duplicated_country_code', detail: 'the country code 1 is there twice (1 1 4155550123)', corrected: '14155550123' }])
    expect(numberProblems('3333612345678')[0]?.corrected).toBe('33612345678')
  })

  it('does not flag numbers that really start with their own country code', () => {
    // Germany's Leer area code is 0491: +49 491 …; German lengths vary, so no verdict without more than 15 digits.
    expect(numberProblems('4949112345678')).toEqual([])
    expect(numberProblems('447700900123')).toEqual([])
    expect(numberProblems('14155550123')).toEqual([])
    expect(numberProblems('390612345678')).toEqual([])
  })

  it('finds an international prefix twice, the national 0 left in, too many digits and letters', () => {
    expect(numberProblems('+00447700900123')).toEqual([{ kind: 'duplicated_international_prefix', detail: 'the international prefix is there twice ("+004…")', corrected: '447700900123' }])
    expect(numberProblems('0000447700900123')[0]).toMatchObject({ kind: 'duplicated_international_prefix', corrected: '447700900123' })
    expect(numberProblems('+44 (0) 7700 900123')).toEqual([{ kind: 'trunk_prefix_left', detail: 'the national 0 is left in after the country code 44 (44 07700900123)', corrected: '447700900123' }])
    expect(numberProblems('4903012345678')[0]).toMatchObject({ kind: 'trunk_prefix_left', corrected: '493012345678' })
    expect(numberProblems('1234567890123456')).toEqual([{ kind: 'too_long', detail: '16 digits: E.164 numbers have at most 15' }])
    expect(numberProblems('44770090O123').map(p => p.kind)).toEqual(['not_digits'])
    expect(numberProblems('7001#44447700900123')[0]?.corrected).toBe('447700900123')
  })
})

describe('numbering plans', () => {
  it('knows the national numbers of each country it has a plan for, by leading digits and length', () => {
    const cases: Array<[string, string, boolean]> = [
      ['44', '2079460123', true], ['44', '7700900123', true], ['44', '02079460123', false], ['44', '447700900123', false], ['44', '6123456789', false],
      ['1', '4155550123', true], ['1', '14155550123', false], ['1', '0155550123', false], ['1', '4151550123', false],
      ['33', '612345678', true], ['33', '0612345678', false], ['33', '1234', false],
      ['49', '3012345678', true], ['49', '15112345678', true], ['49', '03012345678', false],
      ['91', '9876543210', true], ['91', '09876543210', false],
      ['61', '412345678', true], ['61', '0412345678', false], ['61', '512345678', false],
      ['39', '0612345678', true], ['39', '3123456789', true], ['39', '612345678', false]
    ]
    expect(cases.map(([cc, nsn]) => [cc, nsn, fitsPlan(cc, nsn)])).toEqual(cases)
    expect(fitsPlan('53', '51234567')).toBeUndefined()
  })

  it('claims the country code twice or the national 0 only when the plan fails the number and passes the corrected one', () => {
    expect(numberProblems('330612345678')).toEqual([{ kind: 'trunk_prefix_left', detail: 'the national 0 is left in after the country code 33 (33 0612345678)', corrected: '33612345678' }])
    expect(numberProblems('610412345678')[0]).toMatchObject({ kind: 'trunk_prefix_left', corrected: '61412345678' })
    expect(numberProblems('91919876543210')[0]).toMatchObject({ kind: 'duplicated_country_code', corrected: '919876543210' })
    expect(numberProblems('3434612345678')[0]).toMatchObject({ kind: 'duplicated_country_code', corrected: '34612345678' })
    // Italy keeps its 0 after the country code; a short number that starts with a country code's digits is no
    // "that country with a national 0" when the rest is still too short; extensions and short codes are no mistake.
    for (const ok of ['390612345678', '3301234', '4401', '440123', '1001', '11234', '*98', '112', '4444']) expect([ok, numberProblems(ok)]).toEqual([ok, []])
    // Without a plan for the country, no verdict but the 15-digit limit.
    expect(numberProblems('53053512345')).toEqual([])
  })
})

describe('longest-prefix match', () => {
  it('matches the longest prefix, once or through an index', () => {
    const deck = [{ prefix: '44', name: 'UK' }, { prefix: '447', name: 'UK mobile' }, { prefix: '4470', name: 'UK personal' }, { prefix: '1', name: 'NANP' }, { prefix: '447', name: 'duplicate row' }]
    const index = new PrefixIndex(deck, r => r.prefix)
    expect(index.match('447000900123')).toEqual({ prefix: '4470', item: { prefix: '4470', name: 'UK personal' } })
    expect(index.match('447911123456')).toEqual({ prefix: '447', item: { prefix: '447', name: 'UK mobile' } })
    expect(index.match('4420')?.item.name).toBe('UK')
    expect(index.match('33123')).toBeUndefined()
    expect(index.match('4')).toBeUndefined()
    expect(longestPrefix('447911123456', ['4', '44', '4479', ''])).toBe('4479')
    expect(longestPrefix('33', ['44'])).toBeUndefined()
  })
})
