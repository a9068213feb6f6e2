import { describe, expect, it } from 'vitest'
import { editDistance } from '../../src/lib/text'
import { canonicalIp, canonicalIpv6, cliDigits, matchSipUsers, ownersOf, queryKind, resolveName } from '../../src/analysis/resolve'
import { testSwitch } from '../helpers/platform'

const { data } = testSwitch()
const customers = data.customers.map(c => ({ id: c.id, name: c.name }))
const carriers = data.carriers.map(c => ({ id: c.id, name: c.name }))
const idOf = (name: string): number => data.customers.find(c => c.name === name)!.id

describe('resolveName', () => {
  it('uses one match, exact or partial, case-insensitively', () => {
    expect(resolveName('Acme Telecom', customers)).toEqual({ found: true, match: { id: idOf('Acme Telecom'), name: 'Acme Telecom' }, by: 'exact_name' })
    expect(resolveName('  acme   VOICE ', customers)).toMatchObject({ found: true, match: { name: 'Acme Voice' }, by: 'exact_name' })
    expect(resolveName('juniper', customers)).toMatchObject({ found: true, match: { name: 'Juniper Calling' }, by: 'partial_name' })
    // The words of the query start the name's words, in order.
    expect(resolveName('acme tel', customers)).toMatchObject({ found: true, match: { name: 'Acme Telecom' }, by: 'partial_name' })
    expect(resolveName('bluebell contact', customers)).toMatchObject({ found: true, match: { name: 'Bluebell Contact Centre' } })
  })

  it('lists every candidate of an ambiguous name, those starting with it first', () => {
    expect(resolveName('Acme', customers)).toEqual({ found: 'ambiguous', candidates: [{ id: idOf('Acme Telecom'), name: 'Acme Telecom' }, { id: idOf('Acme Voice'), name: 'Acme Voice' }], total: 2, by: 'partial_name' })
    const voice = resolveName('voice', carriers)
    expect(voice).toMatchObject({ found: 'ambiguous', total: 3 })
    expect(voice.found === 'ambiguous' && voice.candidates.map(c => c.name)).toEqual(['Atlas Voice Wholesale', 'Evergreen Voice', 'Polaris Global Voice'])
    const telecom = resolveName('telecom', customers, { maxCandidates: 2 })
    expect(telecom.found === 'ambiguous' && [telecom.candidates.length, telecom.total]).toEqual([2, data.customers.filter(c => /telecom/i.test(c.name)).length])
  })

  it('lets an exact name beat partial ones', () => {
    const list = [{ id: 1, name: 'Acme' }, { id: 2, name: 'Acme Telecom' }, { id: 3, name: 'Acme Voice' }]
    expect(resolveName('ACME', list)).toEqual({ found: true, match: { id: 1, name: 'Acme' }, by: 'exact_name' })
    expect(resolveName('acme', [...list, { id: 4, name: 'acme' }])).toMatchObject({ found: 'ambiguous', total: 2, by: 'exact_name' })
  })

  it('takes a numeric string (or a number) as an id, never as a name', () => {
    const id = idOf('Acme Voice')
    expect(resolveName(String(id), customers)).toMatchObject({ found: true, match: { name: 'Acme Voice' }, by: 'id' })
    expect(resolveName(id, customers)).toMatchObject({ found: true, by: 'id' })
    expect(resolveName(` 0${id}`, customers)).toMatchObject({ found: true, by: 'id' })
    // A name with digits in it is not reached by them.
    expect(resolveName('42', [{ id: 7, name: 'Route 42' }])).toEqual({ found: false, suggestions: [], why: 'no record has id 42' })
    // One digit off: did you mean.
    const miss = resolveName(String(id + 1), customers)
    expect(miss.found === false && miss.suggestions.map(s => s.id)).toContain(id)
  })

  it('answers none with "did you mean" suggestions', () => {
    expect(resolveName('Acme Telecon', customers)).toMatchObject({ found: false, suggestions: [{ name: 'Acme Telecom' }], why: 'no name contains "Acme Telecon"' })
    const nortwind = resolveName('Nortwind', customers)
    expect(nortwind.found === false && nortwind.suggestions.map(s => s.name)).toEqual(['Northwind Voice'])
    expect(resolveName('Sterlng', carriers)).toMatchObject({ found: false, suggestions: [{ name: 'Sterling Interconnect' }] })
    expect(resolveName('zzzzqqq', customers)).toEqual({ found: false, suggestions: [], why: 'no name contains "zzzzqqq"' })
    expect(resolveName('   ', customers)).toEqual({ found: false, suggestions: [], why: 'nothing to look for: give a name or an id' })
  })

  it('measures edit distance', () => {
    expect([editDistance('kitten', 'sitting'), editDistance('', 'abc'), editDistance('acme', 'acme')]).toEqual([3, 3, 0])
  })
})

describe('what a search string is', () => {
  it('tells ids, IPv4, IPv6, CLIs and text apart', () => {
    expect(['105243', '203.0.113.14', '2001:db8::1', '[2001:DB8::1]', '+44 20 7946 0001', '00442079460001', '442079460001', '0207 946', 'acme205', 'Acme Telecom', '999.1.1.1'].map(queryKind))
      .toEqual(['id', 'ipv4', 'ipv6', 'ipv6', 'cli', 'cli', 'cli', 'cli', 'text', 'text', 'text'])
    expect(['+44 20 7946-0001', '0044 20 7946 0001'].map(cliDigits)).toEqual(['442079460001', '442079460001'])
  })

  it('writes addresses the way the switch stores them (RFC 5952 for IPv6)', () => {
    expect(canonicalIpv6('2001:0DB8:0025:0000:0000:0000:0000:0010')).toBe('2001:db8:25::10')
    expect(canonicalIpv6('2001:db8:0:0:1:0:0:1')).toBe('2001:db8::1:0:0:1')
    expect(canonicalIpv6('2001:db8:0:1:1:1:1:1')).toBe('2001:db8:0:1:1:1:1:1')
    expect(canonicalIpv6('::')).toBe('::')
    expect(canonicalIpv6('::1')).toBe('::1')
    expect(canonicalIpv6('fe80::')).toBe('fe80::')
    expect(canonicalIpv6('::ffff:192.0.2.1')).toBe('::ffff:c000:201')
    expect(['1:2:3', '1::2::3', '12345::', '2001:db8::g', 'abc', '1:2:3:4:5:6:7:8:9'].map(canonicalIpv6)).toEqual([undefined, undefined, undefined, undefined, undefined, undefined])
    expect([canonicalIp(' 203.0.113.014 '), canonicalIp('[2001:DB8:25::11]'), canonicalIp('host.example')]).toEqual(['203.0.113.14', '2001:db8:25::11', undefined])
    // Every IPv6 address of the switch is already in that form.
    for (const ip of data.switchIps.map(r => r.ip).filter(ip => ip.includes(':'))) expect(canonicalIpv6(ip)).toBe(ip)
  })
})

describe('owners of SIP users and IPs, in one pass', () => {
  it('joins records to their customers, each customer once, unknown owners counted', () => {
    const records = [{ ip: 'a', company_id: idOf('Acme Voice') }, { ip: 'b', company_id: 1 }, { ip: 'c', company_id: String(idOf('Acme Voice')) }, { ip: 'd', company_id: idOf('Adam Communications') }]
    const { owners, unknown_owner_ids } = ownersOf(records, customers)
    expect(owners.map(o => [o.customer.name, o.records.map(r => r.ip)])).toEqual([['Acme Voice', ['a', 'c']], ['Adam Communications', ['d']]])
    expect(unknown_owner_ids).toEqual(['1'])
  })

  it('matches a SIP user exactly, else by part of its name', () => {
    const users = data.switchUsers
    const acme = users.find(u => u.username.startsWith('acme'))!
    expect(matchSipUsers(acme.username.toUpperCase(), users)).toEqual({ exact: true, users: [acme] })
    expect(matchSipUsers('acme', users)).toEqual({ exact: false, users: [acme] })
    expect(matchSipUsers('pbx', users).users.map(u => u.username)).toEqual(users.filter(u => u.username.includes('pbx')).map(u => u.username))
    expect(matchSipUsers(' ', users)).toEqual({ exact: false, users: [] })
  })
})
