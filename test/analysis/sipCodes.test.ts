import { describe, expect, it } from 'vitest'
import { q850ForSip, q850Name, sipCodeInfo, sipForQ850, switchReason } from '../../src/analysis/sipCodes'

describe('SIP and Q.850 tables', () => {
  it('names Q.850 causes and maps them to SIP (RFC 3398 §8.2.6.1) and back (§7.2.4.1)', () => {
    expect([q850Name(16), q850Name(34), q850Name(102), q850Name(200)]).toEqual(['Normal call clearing', 'No circuit/channel available', 'Recovery on timer expiry', 'cause 200'])
    expect([1, 3, 17, 18, 21, 28, 34, 38, 65, 102, 127, 16].map(sipForQ850)).toEqual([404, 404, 486, 408, 403, 484, 503, 503, 488, 504, 500, undefined])
    expect([400, 403, 404, 408, 480, 486, 487, 488, 503, 504, 606, 422].map(q850ForSip)).toEqual([41, 21, 1, 102, 18, 17, 127, 31, 41, 102, 58, undefined])
  })

  it('explains SIP codes for a Class 4 switch, falling back to the class for unlisted codes', () => {
    expect(sipCodeInfo(503)).toMatchObject({ code: 503, name: 'Service Unavailable', kind: 'network', q850: 41, reroute: 'yes' })
    expect(sipCodeInfo(486)).toMatchObject({ name: 'Busy Here', kind: 'user', reroute: 'no' })
    expect(sipCodeInfo(599)).toEqual({ code: 599, name: 'Server failure', kind: 'network', reroute: 'no', meaning: 'a server failure response', remediation: 'Ask the side that sent it what the code means in their network.' })
  })

  it('recognises the switch\'s own refusal reasons, most specific first', () => {
    expect(['No Routes Available (Pre)', 'No Routes Available (Lock)', 'IP Not Authorized', 'Unable to perform LRN', 'LCR Unavailable', 'Service Unavailable']
      .map(r => switchReason(r)?.finding ?? null)).toEqual(['no_route', 'no_route', 'ip_not_authorised', 'insufficient_balance', 'routing_error', null])
    expect(switchReason('No Routes Available (Profit Assurance)')?.meaning).toBe('Profit Assurance removed every carrier: each would have cost more than the customer pays')
  })
})
