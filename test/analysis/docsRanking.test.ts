import { describe, expect, it } from 'vitest'
import { docTitle, MAX_QUERY_WORDS, plainText, queryWords, rankDocuments, snippetAround } from '../../src/analysis/docsRanking'

const DOCS = [
  { path: 'customer/did', body: '# DIDs\n\nA **DID** is an inbound number. Assign a DID to a customer.' },
  { path: 'did/porting', body: '# Porting Numbers\n\nPorting moves a number from another operator.' },
  { path: 'routing', body: '# Routing\n\nCalls are routed by prefix. Inbound calls on a DID follow the DID destination.' },
  { path: 'guides/nat', body: '# NAT Traversal\n\nOne-way audio is usually NAT: private addresses in the SDP.' },
  { path: 'guides/audio', body: '# One-Way Audio\n\nWhen audio flows in one direction only, look at NAT and at the firewall.' }
]

describe('queryWords', () => {
  it('lower-cases, splits, drops stop words and one-letter words, dedupes, caps', () => {
    expect(queryWords('How do I port a DID to ConnexCS?')).toEqual(['port', 'did', 'connexcs'])
    expect(queryWords('one-way  AUDIO audio')).toEqual(['one', 'way', 'audio'])
    expect(queryWords('how to')).toEqual(['how', 'to'])
    expect(queryWords('  ?! ')).toEqual([])
    expect(queryWords('a1 b2 c3 d4 e5 f6 g7 h8 i9 j10')).toHaveLength(MAX_QUERY_WORDS)
  })
})

describe('rankDocuments', () => {
  it('puts pages with all the words first, title and path matches above body matches', () => {
    const ranked = rankDocuments('inbound DID', DOCS)
    expect(ranked.map(d => [d.path, d.all_words])).toEqual([['customer/did', true], ['routing', true], ['did/porting', false]])
    expect(ranked[0]!.why).toEqual({ title: ['did'], path: ['did'], body: ['inbound', 'did'], missing: [] })
    expect(ranked[1]!.why).toEqual({ title: [], path: [], body: ['inbound', 'did'], missing: [] })
    expect(ranked[2]!.why).toEqual({ title: [], path: ['did'], body: [], missing: ['inbound'] })
  })

  it('ranks a title match above a page that only mentions the words', () => {
    expect(rankDocuments('NAT one-way audio', DOCS).map(d => d.path)).toEqual(['guides/audio', 'guides/nat'])
    expect(rankDocuments('nat', DOCS).map(d => d.path)).toEqual(['guides/nat', 'guides/audio'])
  })

  it('matches plurals and short endings, not other words', () => {
    expect(rankDocuments('did', [{ path: 'x', body: 'Our DIDs.' }, { path: 'y', body: 'The candidate.' }]).map(d => d.path)).toEqual(['x'])
    expect(rankDocuments('route', DOCS).map(d => [d.path, d.why.title, d.why.body])).toEqual([['routing', [], ['route']]])
  })

  it('gives the title, a snippet around the first body match, and breaks ties by path', () => {
    const [first] = rankDocuments('destination', DOCS)
    expect(first).toMatchObject({ path: 'routing', title: 'Routing',
      snippet: 'Calls are routed by prefix. Inbound calls on a DID follow the DID destination.' })
    const tie = rankDocuments('zebra', [{ path: 'b', body: 'zebra' }, { path: 'a', body: 'zebra' }, { path: 'a', body: 'zebra zebra' }])
    expect(tie.map(d => d.path)).toEqual(['a', 'b'])
    expect(rankDocuments('zebra', DOCS)).toEqual([])
    expect(rankDocuments('', DOCS)).toEqual([])
  })

  it('reads the API\'s HTML snippets, titled from the path', () => {
    const hits = [{ path: 'card/profit-assurance', body: '<p># 2. Read &amp; <b>check</b> the margin</p>' }]
    expect(rankDocuments('margin', hits)).toEqual([{
      path: 'card/profit-assurance', title: 'Profit assurance', snippet: '2. Read & check the margin', score: 1_000_001, all_words: true,
      why: { title: [], path: [], body: ['margin'], missing: [] }
    }])
    expect(rankDocuments('margin', [{ path: 'x', title: 'Margins', body: 'none' }])[0]).toMatchObject({ title: 'Margins',
      why: { title: ['margin'] } })
  })
})

describe('text helpers', () => {
  it('turns markdown and HTML into plain text', () => {
    expect(plainText('# T\n\n<details>meta</details>\n## Sec\n**bold** `code` [link](a/b) &lt;sip:x&gt;\n| a | b |\n|---|---|\n```js\nx()\n```'))
      .toEqual('T Sec bold code link <sip:x> a b x()')
    expect(plainText('API_USERNAME and ## mid-line heading')).toBe('API_USERNAME and mid-line heading')
  })

  it('cuts snippets at word boundaries with ellipses', () => {
    const text = 'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu'
    expect(snippetAround(text, text.indexOf('theta'), 30)).toBe('…zeta eta theta iota kappa…')
    expect(snippetAround(text, 0, 20)).toBe('alpha beta gamma…')
    expect(snippetAround('short', 0, 20)).toBe('short')
  })

  it('titles a page from its heading, an <h1>, or its path', () => {
    expect([docTitle('a/b', '# Hello #\nbody'), docTitle('a/b', '<h1>Big <i>one</i></h1>'), docTitle('guides/nat-traversal.md'), docTitle('x',
      'text\n# Later')])
      .toEqual(['Hello', 'Big one', 'Nat traversal', 'X'])
  })
})
