import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { ApiRequest } from '../../platform/backend'
import { docPage, searchDocs as switchSearch } from '../../platform/switch/docs'
import { Connexcs } from '../../src/connexcs/client'
import { getDoc, MAX_WORD_SEARCHES, searchDocs } from '../../src/connexcs/docs'
import { ToolError } from '../../src/lib/errors'
import cxRest from '../../platform/scriptforge/builtins/cxRest'
import { installBridge, testSwitch } from '../helpers/platform'

/** The documentation fetchers against the simulated switch, through the Node-side cxRest emulation. */

const sw = testSwitch()
let calls: ApiRequest[] = []
const api = new Connexcs(cxRest.auth('test@example.com'))

beforeAll(() => {
  installBridge(request => {
    calls.push(request)
    return sw.api(request)
  })
})

afterEach(() => {
  calls = []
})

describe('searchDocs', () => {
  it('answers the API\'s hits, each page once, after searching the query and its longest words', async () => {
    const found = await searchDocs(api, 'how to port a DID number')
    expect(calls.map(c => c.path)).toEqual(['docs?s=how%20to%20port%20a%20DID%20number', 'docs?s=number', 'docs?s=port', 'docs?s=did', 'docs?s=how'])
    const expected = [...new Set(['how to port a DID number', 'number', 'port', 'did', 'how'].flatMap(q => switchSearch(q).map(h => h.link)))]
    expect(found.map(h => h.link)).toEqual(expected)
    expect(found.find(h => h.link === 'did/provisioning')).toEqual(switchSearch('how to port a DID number').find(h => h.link === 'did/provisioning'))
    expect(MAX_WORD_SEARCHES).toBe(4)
  })

  it('searches one word once, and nothing for a blank query', async () => {
    expect((await searchDocs(api, 'DID')).map(h => h.link)).toEqual(switchSearch('DID').map(h => h.link))
    expect(calls.map(c => c.path)).toEqual(['docs?s=DID'])
    expect(await searchDocs(api, '   ')).toEqual([])
    expect(calls).toHaveLength(1)
  })
})

describe('getDoc', () => {
  it('reads a page through the reader when cxRest cannot parse its markdown', async () => {
    const read: string[] = []
    const page = await getDoc(api, 'customer/did', async path => {
      read.push(path)
      return docPage(path)
    })
    expect(page).toEqual({ found: true, complete: true, path: 'customer/did', markdown: docPage('customer/did') })
    expect([calls.map(c => c.path), read]).toEqual([['docs/customer/did'], ['customer/did']])
  })

  it('falls back to the search snippet without a reader, and says why', async () => {
    const page = await getDoc(api, 'guides/nat-traversal')
    const hit = switchSearch('guides nat traversal').find(h => h.link === 'guides/nat-traversal')!
    expect(page).toEqual({
      found: true, complete: false, path: 'guides/nat-traversal', excerpt: hit.body, public_url: 'https://docs.connexcs.com/guides/nat-traversal/',
      why: 'the documentation API answers pages as markdown, which the platform\'s cxRest cannot read (it parses every answer as JSON); ' +
        'this is the page\'s search snippet: open public_url for the whole page',
      // Not read whole: the failure a tool leads its answer with.
      failure: expect.objectContaining({ type: 'configuration' }) as unknown as ToolError
    })
    expect(await getDoc(api, 'routing', async () => undefined)).toMatchObject({ found: true, complete: false, path: 'routing', failure: { type: 'upstream', message: 'GET docs/routing with fetch answered an empty page' } })
  })

  it('answers found: false for a missing page, and encodes each segment', async () => {
    expect(await getDoc(api, 'no/such-page')).toEqual({ found: false, path: 'no/such-page' })
    await getDoc(api, 'odd name/x?y')
    expect(calls.map(c => c.path)).toEqual(['docs/no/such-page', 'docs/odd%20name/x%3Fy'])
  })

  it('refuses traversal segments before any request', async () => {
    for (const path of ['../setup/account', 'a/../../b', 'a//b', './x', '']) {
      const error = await getDoc(api, path).then(() => undefined, (e: unknown) => e)
      expect(error).toBeInstanceOf(ToolError)
      expect(error).toMatchObject({ type: 'invalid_argument', details: { parameter: 'path' } })
    }
    expect(calls).toEqual([])
  })

  it('takes a page from a platform whose cxRest answers text or a JSON object, and passes other errors on', async () => {
    const answers: unknown[] = ['# Text page\n', { content: '# Wrapped\n' }]
    const fake = { get: async () => answers.shift() } as unknown as Connexcs
    expect(await getDoc(fake, 'a')).toEqual({ found: true, complete: true, path: 'a', markdown: '# Text page\n' })
    expect(await getDoc(fake, 'a')).toEqual({ found: true, complete: true, path: 'a', markdown: '# Wrapped\n' })
    const failing = {
      get: async () => {
        throw new ToolError('rate_limited', 'slow down', { status: 429 })
      }
    } as unknown as Connexcs
    await expect(getDoc(failing, 'a')).rejects.toMatchObject({ type: 'rate_limited' })
  })
})
