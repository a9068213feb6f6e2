import { describe, expect, it } from 'vitest'
import { docPage, docPages, docPaths, parsePage, searchDocs } from '../../platform/switch/docs'

/** The simulated switch's documentation corpus: complete, well formed, linked, and searchable. */

describe('the documentation corpus', () => {
  const pages = docPages()

  it('holds a few dozen pages with unique paths and full metadata', () => {
    expect(pages.length).toBe(44)
    expect(new Set(docPaths()).size).toBe(pages.length)
    for (const page of pages) {
      expect(page.path).toMatch(/^[a-z0-9-]+(\/[a-z0-9-]+)*$/)
      expect(page.body.length, page.path).toBeGreaterThan(700)
    }
  })

  it('covers what the tools talk about', () => {
    for (const path of ['guides/nat-traversal', 'guides/sip-response-codes', 'guides/q850-causes', 'card/longest-prefix', 'card/revisions',
      'card/billing', 'routing/failover', 'customer/did', 'did/inbound-routing', 'setup/rtp', 'developers/scriptforge', 'developers/scriptforge-run',
      'developers/environment-variables', 'developers/jwt', 'apps/ai-agent', 'guides/sip-traces', 'customer/cdr', 'guides/kpis', 'guides/fraud',
      'customer/customer', 'customer/credit-control', 'customer/payments', 'customer/packages']) {
      expect(docPage(path), path).toBeDefined()
    }
  })

  it('has long pages that need sectioning: over 20 KB, with many ## sections', () => {
    const long = pages.filter(p => (docPage(p.path) ?? '').length > 20_000).map(p => p.path)
    expect(long).toEqual(['guides/nat-traversal', 'guides/sip-response-codes'])
    for (const path of long) expect(docPage(path)!.match(/^## /gm)!.length).toBeGreaterThanOrEqual(10)
  })

  it('links only to pages that exist', () => {
    const paths = new Set(docPaths())
    const broken: string[] = []
    for (const page of pages) {
      for (const [, target] of page.body.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (!/^https?:/.test(target!) && !paths.has(target!.replace(/#.*$/, ''))) broken.push(`${page.path} → ${target}`)
      }
    }
    expect(broken).toEqual([])
  })

  it('finds several DID pages for "DID", DID pages first', () => {
    const links = searchDocs('DID').map(h => h.link)
    expect(links.slice(0, 5).toSorted()).toEqual(['customer/did', 'did/billing', 'did/inbound-routing', 'did/provisioning', 'did/troubleshooting'])
  })

  it('refuses a malformed page file, naming the file and the problem', () => {
    expect(() => parsePage('x/y', '# no front matter')).toThrow('docs/x/y.md: no front matter')
    expect(() => parsePage('x/y', '---\ntitle: T\n---\nbody')).toThrow('docs/x/y.md: front matter lacks category')
    const all = 'title: T\ncategory: C\naudience: A\ndifficulty: Easy\ntime: 1 minute\nprerequisites: None'
    expect(() => parsePage('x/y', `---\n${all}\n---\nbody`)).toThrow('difficulty must be Beginner, Intermediate or Advanced')
    expect(parsePage('x/y', `---\n${all.replace('Easy', 'Beginner').replace('title: T', 'title: "A: B"')}\n---\nbody\n`))
      .toEqual({ path: 'x/y', title: 'A: B', category: 'C', audience: 'A', difficulty: 'Beginner', time: '1 minute', prerequisites: 'None',
        body: 'body' })
  })
})
