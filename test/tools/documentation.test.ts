import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ApiBackend, ApiRequest } from '../../platform/backend'
import { docPage, docPages, docPaths, searchDocs as switchSearch } from '../../platform/switch/docs'
import { outlineDoc, sectionById, withoutMetadata } from '../../src/analysis/docsSections'
import { getDocumentation, WHOLE_PAGE_CHARS } from '../../src/tools/getDocumentation'
import { getSipTrace } from '../../src/tools/getSipTrace'
import { investigateCall } from '../../src/tools/investigateCall'
import { searchDocumentation } from '../../src/tools/searchDocumentation'
import { bundleClient, installFetch, testSwitch } from '../helpers/platform'
import { scenario } from '../helpers/switchApi'
import { bothRunners, nodeRunner, type Runner } from './runners'

/** The documentation tools in Node (Node's fetch pointed at the switch, as the host's is) and through the bundle in QuickJS. */

const sw = testSwitch()
let restore: () => void = () => {}

beforeAll(() => {
  restore = installFetch(sw.api)
})

afterAll(() => restore())

/** The pages of the corpus that are about DIDs: those with a `did` segment in their path. */
const DID_PAGES = docPaths().filter(p => p.split('/').some(s => s === 'did'))

describe.each(bothRunners(sw.api).map(r => [r.name, r] as [string, Runner]))('searchDocumentation (%s)', (_name, runner) => {
  it('ranks the DID pages first for "DID"', async () => {
    const { result, isError } = await runner.call(searchDocumentation, { query: 'DID' })
    expect(isError).toBe(false)
    expect(DID_PAGES).toHaveLength(5)
    expect(result.results.slice(0, DID_PAGES.length).map((r: { path: string }) => r.path).toSorted()).toEqual(DID_PAGES)
    // Every page the switch's search finds with the word in it is ranked (its search also matches "inDIviDual"), with no cap.
    const withWord = switchSearch('DID').filter(h => {
      const page = docPages().find(p => p.path === h.link)!
      return `${page.title} ${page.body}`.toLowerCase().split(/[^a-z0-9]+/).some(w => w === 'did' || w === 'dids')
    })
    expect(withWord.length).toBeLessThan(switchSearch('DID').length)
    expect(result.total).toBe(withWord.length)
    expect(result.results[0]).toMatchObject({ all_words: true, matched: { title: ['did'], path: ['did'] }, public_url: `https://docs.connexcs.com/${result.results[0].path}/` })
    expect(result.next_steps[0]).toEqual({ tool: 'getDocumentation', args: { path: result.results[0].path }, why: 'Read the best page.' })
  })

  it('puts the pages holding every word of the query first, and pages on without a cap', async () => {
    const { result } = await runner.call(searchDocumentation, { query: 'NAT one-way audio', limit: 5 })
    const flags = result.results.map((r: { all_words: boolean }) => r.all_words)
    expect(flags.indexOf(false) === -1 || flags.slice(flags.indexOf(false)).every((f: boolean) => !f)).toBe(true)
    expect(result.results[0].path).toBe('guides/tshoot-audio')
    expect(result.results).toHaveLength(5)
    expect(result.next_cursor).toBe('o5')
    const next = await runner.call(searchDocumentation, { query: 'NAT one-way audio', limit: 5, cursor: result.next_cursor })
    expect(next.result.total).toBe(result.total)
    const seen = [...result.results, ...next.result.results].map((r: { path: string }) => r.path)
    expect(new Set(seen).size).toBe(seen.length)
    // More than the prior art's hard cap of 10 when asked for: every matching page, 25 a page.
    const all = await runner.call(searchDocumentation, { query: 'call', limit: 25 })
    expect(all.result.total).toBeGreaterThan(25)
    expect(all.result.results).toHaveLength(25)
  })

  it('answers found: false when nothing matches', async () => {
    const { result, isError } = await runner.call(searchDocumentation, { query: 'xylophone' })
    expect([isError, result.found, result.summary]).toEqual([false, false, 'No documentation page matches "xylophone".'])
  })
})

describe.each(bothRunners(sw.api).map(r => [r.name, r] as [string, Runner]))('getDocumentation (%s)', (_name, runner) => {
  it('returns a short page whole, without its metadata block, with the metadata as facts', async () => {
    const { result, isError } = await runner.call(getDocumentation, { path: 'customer/did' })
    const page = docPages().find(p => p.path === 'customer/did')!
    expect(isError).toBe(false)
    expect(result).toMatchObject({
      path: 'customer/did', title: page.title, complete: true, public_url: 'https://docs.connexcs.com/customer/did/',
      metadata: { category: page.category, audience: page.audience, difficulty: page.difficulty, time_required: page.time, prerequisites: page.prerequisites }
    })
    expect(result.markdown).toBe(withoutMetadata(docPage('customer/did')!).trim())
    expect(result.markdown).toContain(page.body)
    expect(result.sections.map((s: { id: string }) => s.id)).toEqual(outlineDoc(docPage('customer/did')!).sections.map(s => s.id))
  })

  it('gives a long page as its contents, then section by section, each within the cap', async () => {
    const markdown = docPage('guides/nat-traversal')!
    expect(withoutMetadata(markdown).trim().length).toBeGreaterThan(WHOLE_PAGE_CHARS)
    const { result, bytes } = await runner.call(getDocumentation, { path: 'guides/nat-traversal' })
    const headings = [...markdown.matchAll(/^## (.+)$/gm)].map(m => m[1])
    expect(result.in_sections).toBe(true)
    expect(result.sections.map((s: { title: string }) => s.title)).toEqual(['Introduction', ...headings])
    expect(result.markdown).not.toContain('## ')
    expect(bytes).toBeLessThan(20_000)
    expect(result.next_steps[0]).toEqual({ tool: 'getDocumentation', args: { path: 'guides/nat-traversal', section: 'in-short' }, why: 'The first section: In short.' })
    let read = ''
    for (const section of result.sections as { id: string }[]) {
      const part = await runner.call(getDocumentation, { path: 'guides/nat-traversal', section: section.id })
      expect(part.result.markdown).toBe(sectionById(markdown, section.id)!.markdown)
      expect(part.bytes).toBeLessThan(20_000)
      read += part.result.markdown
    }
    // The sections together are the page.
    expect(read.replace(/\s+/g, ' ').trim()).toBe(markdown.replace(/\s+/g, ' ').trim())
    const missing = await runner.call(getDocumentation, { path: 'guides/nat-traversal', section: 'no-such' })
    expect([missing.isError, missing.result.error.parameter]).toEqual([true, 'section'])
    expect(missing.result.error.message).toContain('its sections are intro, in-short, why-sip-and-nat-do-not-mix')
  })

  it('answers found: false with the closest paths for a page that does not exist', async () => {
    const { result, isError } = await runner.call(getDocumentation, { path: 'customer/dids' })
    expect([isError, result.found, result.closest[0]]).toEqual([false, false, 'customer/did'])
    expect(result.next_steps[0]).toEqual({ tool: 'getDocumentation', args: { path: 'customer/did' }, why: 'The closest page: DIDs.' })
  })
})

describe('getDocumentation refuses every path that could leave the documentation, before any request', () => {
  const forms = [
    '../setup/account', 'customer/../../setup/account', '/etc/passwd', '/customer/did', 'http://evil.example.com/x', 'https://docs.connexcs.com/customer/did',
    'file:///etc/passwd', '%2e%2e/setup/account', '%2E%2E%2Fsetup', '%252e%252e/setup', 'customer\\..\\setup', 'customer\\did', '~/x', 'customer/./did'
  ]

  it('through the bundle in QuickJS', async () => {
    const seen: ApiRequest[] = []
    const counting: ApiBackend = request => {
      seen.push(request)
      return sw.api(request)
    }
    const client = bundleClient(counting)
    for (const path of forms) {
      const { result, isError } = await client.callTool('getDocumentation', { path })
      expect([path, isError, result.error.type, result.error.parameter]).toEqual([path, true, 'invalid_argument', 'path'])
    }
    expect(seen).toEqual([])
    const site = await client.callTool('getDocumentation', { path: 'https://docs.connexcs.com/customer/did' })
    expect(site.result.error.message).toBe('path "https://docs.connexcs.com/customer/did" is refused: the path starts with a scheme (https:); ' +
      'give the path inside the documentation, like customer/did, not a URL; did you mean customer/did?')
    expect((await client.callTool('getDocumentation', { path: '%2e%2e/setup/account' })).result.error.message)
      .toBe('path "%2e%2e/setup/account" is refused: the path holds an encoded . or .. segment (%2e); a documentation path cannot leave the documentation')
  })
})

describe('getDocumentation where fetch cannot read the page (Node)', () => {
  const runner = nodeRunner(sw.api)

  it('gives the search snippet and says why: no fetch in the sandbox', async () => {
    const back = installFetch(undefined)
    try {
      const { result } = await runner.call(getDocumentation, { path: 'guides/nat-traversal' })
      expect(result).toMatchObject({ path: 'guides/nat-traversal', complete: false, public_url: 'https://docs.connexcs.com/guides/nat-traversal/' })
      expect(result.why).toContain('reading it with fetch failed (Cannot GET docs/guides/nat-traversal with fetch: this sandbox has no global fetch')
      expect(result.excerpt.length).toBeGreaterThan(50)
      // Not read whole is a failure, said first, with its type.
      expect(result.summary).toBe('Could not read the whole page (configuration error), so this answer may be incomplete. ' +
        'Only a snippet of "NAT Traversal: Far-End NAT, Private Addresses and SIP ALG" (guides/nat-traversal) is here: open public_url for the whole page.')
      expect(result.unread).toEqual([{ source: 'the whole page', type: 'configuration', message: expect.stringContaining('this sandbox has no global fetch') as unknown as string }])
    } finally {
      back()
      restore = installFetch(sw.api)
    }
  })

  it('gives the search snippet and says why: fetch refused (401)', async () => {
    const refusing: ApiBackend = async request => request.path.startsWith('docs/') && request.accept !== undefined
      ? { status: 401, statusText: 'Unauthorized', body: '{"error":"no token"}' }
      : sw.api(request)
    const back = installFetch(refusing)
    try {
      const { result } = await runner.call(getDocumentation, { path: 'customer/did' })
      expect(result.complete).toBe(false)
      expect(result.why).toContain('GET docs/customer/did with fetch answered HTTP 401 Unauthorized (the sandbox\'s fetch carries no ConnexCS credentials of its own)')
      expect(result.summary).toMatch(/^Could not read the whole page \(HTTP 401\), so this answer may be incomplete\. Only a snippet of "DIDs" \(customer\/did\)/)
      expect([result.partial, result.unread[0].status]).toEqual([true, 401])
    } finally {
      back()
      restore = installFetch(sw.api)
    }
  })
})

describe('findings point to their documentation page', () => {
  it('a NAT finding carries docs: guides/nat-traversal, which getDocumentation opens', async () => {
    const call = scenario(sw, 'nat_one_way').calls[0]!
    const client = bundleClient(sw.api)
    const trace = await client.callTool(getSipTrace.name, { callid: call.callid })
    const nat = trace.result.findings.find((f: { code: string }) => f.code === 'nat_private_sdp')
    expect(Object.keys(nat).slice(0, 6)).toEqual(['code', 'severity', 'title', 'meaning', 'fix', 'docs'])
    expect(nat.docs).toBe('guides/nat-traversal')
    const page = await client.callTool(getDocumentation.name, { path: nat.docs })
    expect([page.isError, page.result.title]).toEqual([false, 'NAT Traversal: Far-End NAT, Private Addresses and SIP ALG'])
    const codec = scenario(sw, 'codec_488').calls[0]!
    const diagnosis = await client.callTool(investigateCall.name, { callid: codec.callid })
    expect(diagnosis.result.root_cause).toMatchObject({ code: 'codec_mismatch', docs: 'guides/codecs' })
  })
})

describe('the prior art\'s calls', () => {
  it('searchDocumentation {query, limit: 100} and getDocumentation {path} work', async () => {
    const client = bundleClient(sw.api)
    const search = await client.callTool('searchDocumentation', { query: 'rate card', limit: 100 })
    expect([search.isError, search.result.results.length]).toEqual([false, Math.min(25, search.result.total)])
    const page = await client.callTool('getDocumentation', { path: search.result.results[0].path })
    expect([page.isError, page.result.path]).toEqual([false, search.result.results[0].path])
  })
})
