import { describe, expect, it } from 'vitest'
import { docPages, docPaths } from '../../platform/switch/docs'
import { ACCOUNT_FINDING_CODES } from '../../src/analysis/detectors/types'
import { DOC_INDEX, indexedTitle } from '../../src/analysis/docsIndex'
import { FINDING_DOCS, findingDocs, withDocs } from '../../src/analysis/findingDocs'
import { FINDING_CODES } from '../../src/analysis/findings'

describe('the documentation index', () => {
  it('is the simulated corpus, page for page, with its titles', () => {
    expect(DOC_INDEX).toEqual(docPages().map(p => ({ path: p.path, title: p.title })))
    expect(indexedTitle('guides/codecs')).toBe('Codecs and Transcoding')
    expect(indexedTitle('no/such')).toBeUndefined()
  })
})

describe('finding → documentation page', () => {
  it('names only pages that exist, for codes that exist', () => {
    const corpus = new Set(docPaths())
    const codes = new Set([...Object.keys(FINDING_CODES), ...Object.keys(ACCOUNT_FINDING_CODES)])
    for (const [code, path] of Object.entries(FINDING_DOCS)) {
      expect(corpus.has(path!), `${code} → ${path}`).toBe(true)
      expect(codes.has(code), code).toBe(true)
    }
  })

  it('points NAT, codec, routing, auth, balance and failover findings to their guides', () => {
    expect(['nat_private_sdp', 'codec_mismatch', 'routing_gap', 'no_route', 'ip_not_authorised', 'insufficient_balance', 'carrier_unavailable']
      .map(findingDocs)).toEqual(['guides/nat-traversal', 'guides/codecs', 'routing', 'routing', 'customer/auth', 'customer/credit-control', 'routing/failover'])
    expect([findingDocs('caller_cancelled'), findingDocs('toString'), findingDocs('__proto__')]).toEqual([undefined, undefined, undefined])
  })

  it('adds docs right after the fix, and leaves a finding without a page as it is', () => {
    const finding = { code: 'codec_mismatch', severity: 'critical', title: 't', meaning: 'm', fix: 'f', evidence: ['e'] }
    expect(Object.entries(withDocs(finding))).toEqual([['code', 'codec_mismatch'], ['severity', 'critical'], ['title', 't'], ['meaning', 'm'],
      ['fix', 'f'], ['docs', 'guides/codecs'], ['evidence', ['e']]])
    expect(withDocs({ code: 'outage', title: 't' })).toEqual({ code: 'outage', title: 't', docs: 'routing/failover' })
    const plain = { code: 'crankback', fix: 'f' }
    expect(withDocs(plain)).toBe(plain)
  })
})
